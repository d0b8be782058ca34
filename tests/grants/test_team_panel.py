"""The team's grants in "my area": what the panel says, and the page's queries, whatever the number of
grants (the panel reads plain rows: grants_selectors.team_grant_rows)."""
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from grants.models import Report, ReportStatus
from tests.grants.factories import make_grant, past_call

NOW = "2025-09-10 10:00:00+02:00"


def _my_area_queries(client):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("accounts:my_area"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@freeze_time(NOW)
def test_the_panel_names_the_next_report_and_says_one_is_overdue(client, staff_user, promoter_user):
    grant = make_grant(past_call(), by=staff_user, member=promoter_user, start=date(2025, 1, 15))
    first, second, *_later = grant.reports.order_by("number")
    Report.objects.filter(grant=grant).exclude(pk__in=[first.pk, second.pk]).update(status=ReportStatus.APPROVED)
    Report.objects.filter(pk=first.pk).update(due_date=date(2025, 9, 1), status=ReportStatus.DUE)
    Report.objects.filter(pk=second.pk).update(due_date=date(2025, 12, 1), status=ReportStatus.DUE)
    client.force_login(promoter_user)
    _n, html = _my_area_queries(client)
    assert grant.title in html and reverse("grants:detail", kwargs={"pk": grant.pk}) in html
    assert "Next report due on 1 September 2025" in html
    assert "A report is overdue" in html

    Report.objects.filter(pk=first.pk).update(status=ReportStatus.APPROVED)
    _n, html = _my_area_queries(client)
    assert "Next report due on 1 December 2025" in html
    assert "A report is overdue" not in html


@freeze_time(NOW)
def test_my_area_reads_the_same_number_of_queries_with_one_grant_and_with_six(client, staff_user, promoter_user):
    call = past_call()
    grants = [make_grant(call, by=staff_user, member=promoter_user)]
    client.force_login(promoter_user)
    few, _html = _my_area_queries(client)
    grants += [make_grant(call, by=staff_user, member=promoter_user) for _ in range(5)]
    many, html = _my_area_queries(client)
    assert sum(reverse("grants:detail", kwargs={"pk": g.pk}) in html for g in grants) == 5  # the latest five
    assert few == many
