"""The staff portfolio: each grant counted under the district and themes of the version it funds
(kept on the grant by every path that makes grants, and filled for the grants made before), and
the page's lists and charts as a person reads them."""
import importlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from freezegun import freeze_time

from calls.models import District, ImpactTheme
from grants import selectors, services
from grants.models import Grant
from tests.factories import AWARD_ACT
from tests.grants.factories import funded_item, make_grant, next_cup, past_call
from tests.projects.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(db):
    return past_call()


def where_counted(grant):
    grant.refresh_from_db()
    return grant.district.number if grant.district else None, {t.code for t in grant.themes.all()}


def test_award_keeps_the_district_and_themes_of_the_version_it_funds(call, staff_user):
    item = funded_item(call, amount=Decimal("90000.00"), district=6, theme=0)
    themes = list(ImpactTheme.objects.order_by("pk"))
    v2 = item.proposal.versions.get(number=2)  # the revised proposal moved and took two other themes
    v2.district = District.objects.get(number=7)
    v2.save()
    v2.themes.set(themes[1:3])
    grant = services.award_grant(item, by=staff_user, cup=next_cup(), start_date=date(2025, 1, 1), **AWARD_ACT)
    assert where_counted(grant) == (7, {themes[1].code, themes[2].code})
    data = selectors.portfolio()
    assert data["by_theme"] == sorted([(themes[1].name, Decimal("90000.00")), (themes[2].name, Decimal("90000.00"))])
    assert [(name[:13], amount) for name, amount in data["by_district"]] == [("District 7 - ", Decimal("90000.00"))]
    assert (data["count"], data["committed"]) == (1, Decimal("90000.00"))


def test_the_migration_fills_the_grants_made_before(call, staff_user):
    first = make_grant(call, by=staff_user, district=3, theme=1)
    second = make_grant(call, by=staff_user, district=8, theme=2)
    expected = [where_counted(first), where_counted(second)]
    Grant.objects.update(district=None)
    Grant.themes.through.objects.all().delete()
    migration = importlib.import_module("grants.migrations.0003_grant_district_themes")
    migration.fill_district_and_themes(apps, None)
    assert [where_counted(first), where_counted(second)] == expected
    assert expected[0][0] == 3 and len(expected[1][1]) == 1


def test_the_bench_seed_counts_its_grants_where_their_versions_are():
    from tsf.bench.seed import seed

    seed(scale=0.004, log=lambda *args: None)
    grants = list(Grant.objects.select_related("proposal").prefetch_related("themes"))
    assert grants
    for g in grants:
        version = g.proposal.versions.order_by("-number").first()
        assert (g.district_id, {t.pk for t in g.themes.all()}) == (
            version.district_id, {t.pk for t in version.themes.all()})


@freeze_time("2026-03-10 10:00")
def test_portfolio_lists_the_reports_and_draws_the_charts(client, call, staff_user):
    org = OrganisationFactory(legal_name="Coop <Alfa> & Figli")
    grant = make_grant(call, by=staff_user, signed=True, org=org, start=date(2025, 1, 15), district=3, theme=0)
    report = grant.reports.order_by("number").first()  # due in August 2025; the second in February 2026
    client.force_login(staff_user)
    html = client.get(reverse("grants:portfolio")).content.decode()
    row = (f'<li class="mb-1"><a href="{reverse("grants:report", kwargs={"pk": report.pk})}">Interim report 1 · '
           f'{grant.cup}</a> — Coop &lt;Alfa&gt; &amp; Figli · due {report.due_date:%-d} August 2025</li>')
    assert row in html
    assert "Overdue reports (2)" in html and "Reports to review (0)" in html
    theme = ImpactTheme.objects.order_by("pk").first()
    assert f"<title>{theme.name}: €100,000</title>" in html  # the bar's tooltip
    assert '<title id="districts-title">Budget by city district</title>' in html
    assert "District 3</text>" in html  # the bar's label: the district's short name
    assert '<title id="timeline-title">Tranches by quarter: paid, payable and planned</title>' in html
    # the charts' tables: the amounts to the cent, grouped by thousands
    assert f'<tr><td>{theme.name}</td><td class="text-end">100,000.00</td></tr>' in html
    data = selectors.portfolio()
    quarter, v = data["timeline"][0]
    assert (f'<tr><td>{quarter}</td><td class="text-end">{v["paid"]:,.2f}</td><td class="text-end">{v["payable"]:,.2f}'
            f'</td><td class="text-end">{v["planned"]:,.2f}</td></tr>') in html
    # staff's panel in "my area" shows the same rows
    panel = client.get(reverse("accounts:my_area")).content.decode()
    assert row in panel


def test_an_empty_portfolio_shows_dashes_in_its_tables(client, call, staff_user):
    client.force_login(staff_user)
    html = client.get(reverse("grants:portfolio")).content.decode()
    assert html.count('<tbody><tr><td colspan="2">—</td></tr></tbody>') == 2  # themes and districts
    assert '<tbody><tr><td colspan="4">—</td></tr></tbody>' in html  # the timeline


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_prepared_queries_give_the_rows_the_querysets_give(call, staff_user, lang):
    """The portfolio's queries are compiled once per process and run again with each request's call
    and day (`tsf.core.statements`): for every call or one, in either language, on any day, the
    rows are those the querysets give when built afresh."""
    from django.utils import translation

    from grants.models import Report, Tranche

    other = past_call(slug="altro-bando", title_it="Altro bando", title_en="Another call")
    grants = [make_grant(c, by=staff_user, signed=True, start=date(2025, m, 10), district=d, theme=t)
              for c, m, d, t in ((call, 1, 3, 0), (call, 4, 5, 1), (other, 7, 8, 2))]
    Report.objects.filter(grant=grants[1], number=1).update(status="submitted", submitted_at=datetime(2025, 9, 1, 10, tzinfo=UTC))
    paid = Tranche.objects.filter(grant=grants[0], status="payable").first()
    Tranche.objects.filter(pk=paid.pk).update(status="paid", paid_on=date(2025, 5, 2))
    # (statement, the function that builds its queryset, its values for a call and a day)
    queries = (
        (selectors._CALLS, selectors._calls, lambda c, d: {}),
        (selectors._OVERDUE, selectors._overdue, lambda c, d: {"call_pk": c, "today": d}),
        (selectors._DUE_SOON, selectors._due_soon,
         lambda c, d: {"call_pk": c, "today": d, "until": d + timedelta(days=45)}),
        (selectors._TO_REVIEW, selectors._to_review, lambda c, d: {"call_pk": c}),
        (selectors._BY_THEME, selectors._by_theme, lambda c, d: {"call_pk": c}),
        (selectors._BY_DISTRICT, selectors._by_district, lambda c, d: {"call_pk": c}),
        (selectors._TIMELINE, selectors._timeline, lambda c, d: {"call_pk": c}),
    )
    # a report due on the first day after "today" that is not overdue, and on the 45th
    edge = Report.objects.filter(status="due").order_by("due_date").first().due_date
    with translation.override(lang):
        for call_pk in (None, call.pk, other.pk):
            for today in (date(2025, 3, 1), date(2025, 7, 20), date(2026, 2, 1), edge, edge - timedelta(days=45)):
                for statement, build, values in queries:
                    expected = sorted(map(tuple, build(**values(call_pk, today))), key=repr)
                    rows = statement.rows(**values(call_pk, today))
                    assert sorted(rows, key=repr) == expected, (build.__name__, call_pk, today)
        # the calls as the translated model's own manager gives them (the title in the reader's language)
        from tsf.core.model_i18n import translated
        assert sorted(selectors._CALLS.rows()) == sorted(
            selectors.calls_with_grants().values_list("pk", "slug", translated("title"), "total_budget"))
        # the lists, the sums and the dates were there to compare
        assert selectors._TIMELINE.rows(call_pk=None)
        assert any(selectors._OVERDUE.rows(call_pk=None, today=today)
                   or selectors._DUE_SOON.rows(call_pk=None, today=today, until=today + timedelta(days=45))
                   for today in (date(2025, 7, 20), date(2026, 2, 1)))
        assert selectors._TO_REVIEW.rows(call_pk=call.pk)


@pytest.mark.parametrize(("paid_on", "quarter"), [
    (date(2025, 12, 31), "2025-T4"), (date(2026, 1, 1), "2026-T1"), (date(2026, 3, 31), "2026-T1"),
    (date(2026, 4, 1), "2026-T2"), (date(2026, 9, 30), "2026-T3"), (date(2026, 10, 1), "2026-T4"),
])
def test_a_paid_tranche_counts_in_the_quarter_of_its_payment_date(call, staff_user, paid_on, quarter):
    """The timeline's quarter is the payment date's, on its first and last day (on PostgreSQL the date is
    truncated without passing through a time zone)."""
    grant = make_grant(call, by=staff_user, district=3, theme=1)
    tranche = grant.tranches.order_by("order").first()
    grant.tranches.filter(pk=tranche.pk).update(status="paid", paid_on=paid_on)
    paid = {q: v["paid"] for q, v in selectors.portfolio()["timeline"] if v["paid"]}
    assert paid == {quarter: tranche.amount}
