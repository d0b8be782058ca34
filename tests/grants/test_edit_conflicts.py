"""Grant forms that change saved data: a save over a newer version changes nothing (the person's
text stays on the page with what the other save changed, by whom, when); autosave of the report."""
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from grants.models import Report
from tests.conflicts import assert_conflict_keeps_text
from tests.forms_as_rendered import read_form
from tests.grants.factories import make_grant, past_call
from tsf.core.models import EditRevision

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(staff_user, promoter_user):
    return make_grant(past_call(), by=staff_user, member=promoter_user, signed=True)


def second_tab(user):
    other = Client()
    other.force_login(user)
    return other


def test_report_saved_over_a_newer_version_changes_nothing(client, signed, promoter_user):
    client.force_login(promoter_user)
    report = signed.reports.order_by("number").first()
    url = reverse("grants:report_edit", kwargs={"pk": report.pk})

    def state():
        r = Report.objects.get(pk=report.pk)
        return r.activities, r.jobs_created, r.volunteers_involved, list(r.indicators.values_list("name", "value"))

    assert_conflict_keeps_text(mine=client, theirs=second_tab(promoter_user), url=url, field="activities",
                               state=state, who="Piero Promoter", button="Save as draft",
                               their_value="Aperto lo sportello.", my_value="Laboratori nelle scuole.")
    assert Report.objects.get(pk=report.pk).activities == "Laboratori nelle scuole."


def test_budget_and_tranches_saved_over_a_newer_version_change_nothing(client, staff_user, promoter_user):
    grant = make_grant(past_call(), by=staff_user, member=promoter_user)
    client.force_login(staff_user)
    last = grant.tranches.order_by("-order").first()
    url = reverse("grants:budget", kwargs={"pk": grant.pk})

    def state():
        return (list(grant.tranches.order_by("order").values_list("amount", flat=True)),
                list(grant.budget_lines.values_list("description", "amount")))

    assert_conflict_keeps_text(mine=client, theirs=second_tab(staff_user), url=url, field=f"tr-t{last.pk}",
                               state=state, who="Anna Officer", their_value="15,000.00", my_value="10,000.00")
    assert grant.tranches.get(pk=last.pk).amount == Decimal("10000.00")


def test_tranche_amounts_saved_over_a_newer_version_change_nothing(client, signed, staff_user):
    client.force_login(staff_user)
    last = signed.tranches.order_by("-order").first()
    url = reverse("grants:tranches", kwargs={"pk": signed.pk})

    def state():
        return list(signed.tranches.order_by("order").values_list("amount", flat=True))

    assert_conflict_keeps_text(mine=client, theirs=second_tab(staff_user), url=url, field=f"tr-t{last.pk}",
                               state=state, who="Anna Officer", their_value="15,000.00", my_value="10,000.00")
    assert signed.tranches.get(pk=last.pk).amount == Decimal("10000.00")


def autosave(form):
    return form.client.post(form.action, form.data(), headers={"X-TSF-Autosave": "1"})


@freeze_time("2026-12-06 20:14:00")
def test_report_autosave_saves_a_draft_and_answers_the_time(client, signed, promoter_user):
    client.force_login(promoter_user)
    report = signed.reports.order_by("number").first()
    url = reverse("grants:report_edit", kwargs={"pk": report.pk})
    page = client.get(url).content.decode()
    assert "data-autosave" in page and "js/autosave.js" in page and 'aria-live="polite"' in page
    form = read_form(client, url, field="activities")
    form["activities"] = "Prima bozza salvata da sola."
    answer = autosave(form)
    assert answer.status_code == 200
    assert answer.json() == {"status": "saved", "revision": 1, "message": "Saved at 21:14", "rows": {}}
    assert Report.objects.get(pk=report.pk).activities == "Prima bozza salvata da sola."
    assert Report.objects.get(pk=report.pk).submitted_at is None

    # The page's revision moves with the answer (autosave.js puts it in the form): the next one passes.
    form["edit_revision"] = "1"
    form["activities"] = "Seconda bozza."
    assert autosave(form).json()["revision"] == 2

    # A tab still at revision 1 is refused: nothing saved, the message says who and what.
    form["edit_revision"] = "1"
    form["activities"] = "Da una scheda vecchia."
    answer = autosave(form)
    assert answer.status_code == 409 and answer.json()["status"] == "conflict"
    assert "Piero Promoter" in answer.json()["message"] and "Seconda bozza." in answer.json()["message"]
    assert Report.objects.get(pk=report.pk).activities == "Seconda bozza."
    assert EditRevision.objects.filter(object_id=str(report.pk)).count() == 2


def test_report_autosave_of_an_invalid_form_saves_nothing(client, signed, promoter_user):
    client.force_login(promoter_user)
    report = signed.reports.order_by("number").first()
    form = read_form(client, reverse("grants:report_edit", kwargs={"pk": report.pk}), field="activities")
    form["activities"] = "Testo."
    form["jobs_created"] = "-3"
    answer = autosave(form)
    assert answer.status_code == 422 and answer.json()["status"] == "invalid"
    assert Report.objects.get(pk=report.pk).activities == ""


def test_blank_extra_rows_are_ignored_unless_something_was_typed(client, signed, promoter_user, staff_user):
    """The shared formset base (tsf.core.forms.TypedRowsFormSet): a blank extra row, even with
    spaces typed in it, never blocks saving the rest; a row with something in it is checked."""
    client.force_login(promoter_user)
    report = signed.reports.order_by("number").first()
    url = reverse("grants:report_edit", kwargs={"pk": report.pk})
    form = read_form(client, url, field="activities")
    form["activities"] = "Laboratori."
    form["exp-0-supplier"] = "   "  # only spaces: still blank
    assert form.submit(button="Save as draft").status_code == 302
    assert Report.objects.get(pk=report.pk).activities == "Laboratori."
    form = read_form(client, url, field="activities")
    form["exp-0-supplier"] = "Ditta Rossi"  # something typed: the row is checked
    response = form.submit(button="Save as draft")
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not report.expenses.exists()


def test_report_autosave_saves_a_new_expense_once_with_its_receipt_and_deletes_a_ticked_one(client, signed,
                                                                                           promoter_user):
    """Autosave goes through new rows, deletions and receipts too: the answer gives the page the
    new row's id (autosave.js puts it in the row), so the next save changes that expense instead of
    adding it again; a ticked row is deleted and its id emptied (the script hides the row)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grants.models import Expense
    from tests.grants.factories import PDF

    client.force_login(promoter_user)
    report = signed.reports.order_by("number").first()
    url = reverse("grants:report_edit", kwargs={"pk": report.pk})
    form = read_form(client, url, field="activities")
    line = signed.budget_lines.order_by("order").first()
    form["exp-0-budget_line"] = str(line.pk)
    form["exp-0-spent_on"] = "01/03/2025"
    form["exp-0-amount"] = "1,200.00"
    form["exp-0-supplier"] = "Falegnameria Bruno"
    data = form.data()
    data["exp-0-receipt"] = SimpleUploadedFile("fattura.pdf", PDF, "application/pdf")  # sent once
    answer = client.post(url, data, headers={"X-TSF-Autosave": "1"}).json()
    assert answer["status"] == "saved", answer
    expense = Expense.objects.get()
    assert answer["rows"] == {"exp-0-id": str(expense.pk)}
    with expense.receipt.open("rb") as saved:
        assert saved.read() == PDF
    # The page now carries the id and the revision; the next autosave changes the same expense.
    form["exp-0-id"] = answer["rows"]["exp-0-id"]
    form["edit_revision"] = str(answer["revision"])
    form["exp-0-supplier"] = "Falegnameria Bruno s.n.c."
    answer = autosave(form).json()
    assert answer["status"] == "saved" and Expense.objects.count() == 1
    expense.refresh_from_db()
    assert expense.supplier == "Falegnameria Bruno s.n.c." and expense.receipt  # the receipt stays
    # Reloaded, the expense is a saved row with its delete box: ticked, autosave deletes it.
    form = read_form(client, url, field="activities")
    form.tick("exp-0-DELETE")
    answer = autosave(form).json()
    assert answer["status"] == "saved" and answer["rows"]["exp-0-id"] == ""
    assert not Expense.objects.exists()
