"""A team reads about its reports in its own language, in running text: "il rendiconto intermedio 1
… è stato approvato", whatever the language of the staff's page."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grants import services
from tests.grants.factories import PDF, make_grant, past_call
from tsf.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_approved_report_is_announced_in_italian_running_text(staff_user, promoter_user):
    grant = make_grant(past_call(), by=staff_user, member=promoter_user)  # the staff read English here
    services.sign_grant(grant, agreement=SimpleUploadedFile("c.pdf", PDF, "application/pdf"),
                        signed_on=date(2025, 1, 20), by=staff_user)
    report = grant.tranches.order_by("order")[1].report
    services.save_report(report, by=promoter_user, activities="Laboratori nel quartiere.", jobs_created=1,
                         volunteers_involved=4, reach={}, indicators=[], submit=True, expenses=[
                             {"id": None, "budget_line": grant.budget_lines.first(), "spent_on": report.period_start,
                              "amount": Decimal("1000.00"), "supplier": "Ferramenta Rossi",
                              "receipt": SimpleUploadedFile("r.pdf", PDF, "application/pdf")}])
    services.approve_report(report, by=staff_user)
    note = Notification.objects.get(recipient=promoter_user, event="grant_report_approved")
    assert note.title == f"Rendiconto intermedio {report.number} approvato ({grant.cup})"
    assert f"il rendiconto intermedio {report.number} per “{grant.title}” è stato approvato." in note.body
    assert not note.url.startswith("/en/")
