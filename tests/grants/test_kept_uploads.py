"""A receipt chosen before a validation error is still attached after it (tsf.core.keptuploads):
stored privately at once, the page carries a signed reference, the person never chooses it again;
nobody else can use or see the kept file; the periodic task removes unused ones."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from grants.models import Expense
from tests.forms_as_rendered import form_from_response, read_form
from tests.grants.factories import PDF, make_grant, past_call
from tsf.core.models import KeptUpload
from tsf.privacy.services import apply_retention

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(staff_user, promoter_user):
    grant = make_grant(past_call(), by=staff_user, member=promoter_user, signed=True)
    return grant.reports.order_by("number").first()


def post_with_receipt(client, report, *, supplier=""):
    url = reverse("grants:report_edit", kwargs={"pk": report.pk})
    form = read_form(client, url, field="activities")
    line = report.grant.budget_lines.order_by("order").first()
    form["exp-0-budget_line"] = str(line.pk)
    form["exp-0-spent_on"] = "01/03/2025"
    form["exp-0-amount"] = "1,200.00"
    form["exp-0-supplier"] = supplier
    data = form.data()
    data["exp-0-receipt"] = SimpleUploadedFile("fattura-bruno.pdf", PDF, "application/pdf")
    data["save"] = [""]
    return url, client.post(url, data)


def test_a_receipt_chosen_before_an_error_is_still_attached_after_it(client, report, promoter_user):
    client.force_login(promoter_user)
    url, response = post_with_receipt(client, report, supplier="")  # the supplier is missing
    html = response.content.decode()
    assert response.status_code == 200 and "This field is required." in html
    assert not Expense.objects.exists()
    assert "Already attached:" in html and "fattura-bruno.pdf" in html
    kept = KeptUpload.objects.get()
    assert kept.owner == promoter_user and kept.file.read() == PDF

    # The person fixes the supplier and saves, without choosing the file again.
    again = form_from_response(client, response, field="activities", url=url)
    assert again["exp-0-receipt-kept"]
    again["exp-0-supplier"] = "Falegnameria Bruno"
    assert again.submit(button="Save as draft").status_code == 302
    expense = Expense.objects.get()
    assert expense.supplier == "Falegnameria Bruno"
    with expense.receipt.open("rb") as saved:
        assert saved.read() == PDF
    assert expense.receipt.name.endswith("fattura-bruno.pdf")


def test_a_kept_file_is_its_owners_only(client, report, promoter_user, make_user):
    client.force_login(promoter_user)
    url, response = post_with_receipt(client, report)
    token = form_from_response(client, response, field="activities", url=url)["exp-0-receipt-kept"]
    preview = reverse("core:kept_upload", kwargs={"token": token})
    assert client.get(preview).status_code == 200

    intruder = Client()
    intruder.force_login(make_user("intruso@example.org", roles=["promoter"]))
    assert intruder.get(preview).status_code == 404
    assert Client().get(preview).status_code == 404
    assert client.get(reverse("core:kept_upload", kwargs={"token": token[:-2] + "xx"})).status_code == 404


def test_a_file_refused_by_its_check_is_not_kept(client, report, promoter_user):
    client.force_login(promoter_user)
    url = reverse("grants:report_edit", kwargs={"pk": report.pk})
    form = read_form(client, url, field="activities")
    data = form.data()
    data["exp-0-receipt"] = SimpleUploadedFile("fattura.pdf", b"not a pdf at all", "application/pdf")
    data["exp-0-supplier"] = "Ditta"
    response = client.post(url, data)
    assert "is not a real PDF file" in response.content.decode()
    assert not KeptUpload.objects.exists()


def test_unused_kept_uploads_are_removed_by_the_periodic_task(client, report, promoter_user, settings):
    from tsf.notifications.management.commands.run_periodic import periodic_jobs

    assert "retention-schedule" in dict(periodic_jobs())  # the retention schedule's temporary uploads
    with freeze_time("2026-12-01 10:00:00"):
        client.force_login(promoter_user)
        post_with_receipt(client, report)
    kept = KeptUpload.objects.get()
    path = kept.file.path
    with freeze_time("2026-12-02 09:00:00"):
        assert apply_retention()["temporary_uploads"] == 0
    with freeze_time("2026-12-02 10:30:00"):
        assert apply_retention()["temporary_uploads"] == 1
    assert not KeptUpload.objects.exists()
    import os

    assert not os.path.exists(path)



def test_the_signed_agreement_chosen_before_an_error_is_kept_and_the_page_says_why(staff_client, staff_user,
                                                                                     promoter_user):
    from datetime import date, timedelta

    grant = make_grant(past_call(), by=staff_user, member=promoter_user)
    page = grant.get_absolute_url()
    form = read_form(staff_client, page, field="signed_on")
    form["signed_on"] = (date.today() + timedelta(days=3)).isoformat()  # in the future: refused
    data = form.data()
    data["agreement"] = SimpleUploadedFile("convenzione-firmata.pdf", PDF, "application/pdf")
    url = reverse("grants:sign", kwargs={"pk": grant.pk})
    response = staff_client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200  # the grant's page again, not a redirect that drops the file
    assert "cannot be in the future" in html
    assert "Already attached:" in html and "convenzione-firmata.pdf" in html
    grant.refresh_from_db()
    assert grant.status == "awarded"
    # The date corrected, the file not chosen again: recorded with the kept file.
    again = form_from_response(staff_client, response, field="signed_on", url=page)
    assert again["agreement-kept"]
    again["signed_on"] = "2025-01-20"
    assert again.submit().status_code == 302
    grant.refresh_from_db()
    assert grant.status == "signed"
    with grant.agreement.open("rb") as saved:
        assert saved.read() == PDF
