"""The grants' forms posted exactly as an Italian browser renders them (tests/forms_as_rendered.py):
amounts typed the Italian way ("90.000,00", "1200,50"), dates picked in the date field, every other
value sent back as the page wrote it."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from grants.models import Expense, Grant, TrancheStatus
from tests.forms_as_rendered import form_from_response, read_form
from tests.grants.factories import funded_item, make_grant, past_call

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _read_english():
    """Overrides the English of tests/grants: these pages are read in Italian, the default."""
    with translation.override("it"):
        yield


@pytest.fixture
def call(db):
    return past_call()


def test_award_in_italian_with_its_confirmation(staff_client, call):
    item = funded_item(call, amount=Decimal("95000.00"))
    url = reverse("grants:award", kwargs={"item_pk": item.pk})
    assert not url.startswith("/en/")
    form = read_form(staff_client, url, button="Continua")
    form["amount"] = "90.000,50"
    form["cup"] = "c11j18000120007"
    form["start_date"] = "15/03/2027"  # picked in the date field
    form["act_number"] = "2027 00321"
    form["act_date"] = "10/11/2026"
    form["official"] = "Dott.ssa Maria Bianchi"
    # Less than the committee proposed: the reason is asked beside its field, nothing typed is lost.
    page = form.submit(button="Continua").content.decode()
    assert "La commissione ha proposto 95.000,00 €: indichi il motivo per assegnare 90.000,50 €." in page
    assert 'value="2027 00321"' in page
    form["award_reason"] = "Spese di viaggio non ammissibili."
    confirm = form.submit(button="Continua")
    page = confirm.content.decode()
    assert "Conferma l'assegnazione" in page, page
    assert not Grant.objects.exists()
    done = form_from_response(staff_client, confirm, button="Conferma l'assegnazione", url=url).submit(
        button="Conferma l'assegnazione")
    grant = Grant.objects.get()
    assert done.status_code == 302 and done.url == grant.get_absolute_url()
    assert grant.amount == Decimal("90000.50") and grant.start_date == date(2027, 3, 15)
    assert grant.cup == "C11J18000120007"
    assert (grant.award_act_number, grant.award_act_date, grant.award_official) == (
        "2027 00321", date(2026, 11, 10), "Dott.ssa Maria Bianchi")
    assert grant.award_reason == "Spese di viaggio non ammissibili."


def test_budget_before_signing_saved_unchanged_then_changed(staff_client, call, staff_user):
    g = make_grant(call, by=staff_user, amount=Decimal("100000.00"))
    url = reverse("grants:budget", kwargs={"pk": g.pk})
    before = sorted((b.description, b.amount) for b in g.budget_lines.all())
    tranches = sorted((t.order, t.amount) for t in g.tranches.all())
    response = read_form(staff_client, url, button="Salva").submit(button="Salva")
    assert response.status_code == 302, response.content.decode()
    assert sorted((b.description, b.amount) for b in g.budget_lines.all()) == before
    assert sorted((t.order, t.amount) for t in g.tranches.all()) == tranches

    form = read_form(staff_client, url, button="Salva")
    first = g.tranches.order_by("order").first()
    second = g.tranches.order_by("order")[1]
    form[f"tr-t{first.pk}"] = "30.000,00"
    form[f"tr-t{second.pk}"] = f"{second.amount + first.amount - Decimal('30000')}".replace(".", ",")
    assert form.submit(button="Salva").status_code == 302
    first.refresh_from_db()
    assert first.amount == Decimal("30000.00")
    assert sum(t.amount for t in g.tranches.all()) == sum(a for _o, a in tranches)


def test_tranches_after_signing_in_italian(staff_client, staff_user, promoter_user):
    g = make_grant(past_call(), by=staff_user, member=promoter_user, signed=True)
    url = reverse("grants:tranches", kwargs={"pk": g.pk})
    last = g.tranches.order_by("order").last()
    form = read_form(staff_client, url, button="Salva gli importi")
    form[f"tr-t{last.pk}"] = "15.000,00"
    assert form.submit(button="Salva gli importi").status_code == 302
    last.refresh_from_db()
    assert last.amount == Decimal("15000.00")

    form = read_form(staff_client, url, button="Aggiungi la tranche")
    form["new-amount"] = "5000,00"
    form["new-report"] = str(g.reports.order_by("number").last().pk)
    response = form.submit(button="Aggiungi la tranche")
    assert response.status_code == 302, response.content.decode()
    assert g.tranches.order_by("order").last().amount == Decimal("5000.00")


@freeze_time("2025-06-10 10:00:00")
def test_tranche_marked_paid_from_the_grant_page(staff_client, staff_user, promoter_user):
    g = make_grant(past_call(), by=staff_user, member=promoter_user, signed=True)
    payable = g.tranches.get(status=TrancheStatus.PAYABLE)
    form = read_form(staff_client, g.get_absolute_url(), button="Segna come pagata")
    assert form["paid_on"] == "2025-06-10"
    form["paid_on"] = "01/06/2025"
    form["act_number"] = "2025 02345/070"
    form["act_date"] = "20/05/2025"
    form["act_official"] = "Dott.ssa Maria Bianchi"
    form["payment_order_number"] = "2025/11876"
    form["payment_order_date"] = "18/05/2025"  # before the act: refused beside the field
    page = form.submit(button="Segna come pagata").content.decode()
    assert "Il mandato di pagamento non può precedere l&#x27;atto che autorizza il pagamento." in page
    payable.refresh_from_db()
    assert payable.status == TrancheStatus.PAYABLE
    form["payment_order_date"] = "28/05/2025"
    form.submit(button="Segna come pagata")
    payable.refresh_from_db()
    assert payable.status == TrancheStatus.PAID and payable.paid_on == date(2025, 6, 1)
    assert (payable.act_number, payable.act_date, payable.payment_order_number, payable.payment_order_date) == (
        "2025 02345/070", date(2025, 5, 20), "2025/11876", date(2025, 5, 28))
    page = staff_client.get(g.get_absolute_url()).content.decode()
    assert "Mandato di pagamento n. 2025/11876 del 28 maggio 2025" in page


@freeze_time("2025-06-10 10:00:00")
def test_report_with_an_expense_in_italian(client, call, staff_user, promoter_user):
    g = make_grant(call, by=staff_user, member=promoter_user, signed=True,
                   lines=(Decimal("12000.00"), Decimal("120000.00")))
    report = g.reports.order_by("number").first()
    line = g.budget_lines.order_by("order").first()
    client.force_login(promoter_user)
    url = reverse("grants:report_edit", kwargs={"pk": report.pk})
    form = read_form(client, url, button="Salva come bozza")
    form["activities"] = "Laboratori nel cortile."
    form["volunteers_involved"] = "3"
    form["exp-0-budget_line"] = str(line.pk)
    form["exp-0-spent_on"] = "01/03/2025"
    form["exp-0-amount"] = "1.200,50"
    form["exp-0-supplier"] = "Falegnameria Bruno"
    response = form.submit(button="Salva come bozza")
    assert response.status_code == 302, response.content.decode()
    expense = Expense.objects.get()
    assert expense.amount == Decimal("1200.50") and expense.spent_on == date(2025, 3, 1)

    # The saved draft, sent back untouched, keeps every value.
    response = read_form(client, url, button="Salva come bozza").submit(button="Salva come bozza")
    assert response.status_code == 302, response.content.decode()
    expense = Expense.objects.get()
    assert expense.amount == Decimal("1200.50") and expense.spent_on == date(2025, 3, 1)


@freeze_time("2025-06-10 10:00:00")
def test_draft_keeps_an_overspent_line_and_submission_refuses_it(client, call, staff_user, promoter_user):
    from grants.models import ReportStatus

    g = make_grant(call, by=staff_user, member=promoter_user, signed=True,
                   lines=(Decimal("1000.00"), Decimal("120000.00")))
    report = g.reports.order_by("number").first()
    small = g.budget_lines.order_by("order").first()
    client.force_login(promoter_user)
    url = reverse("grants:report_edit", kwargs={"pk": report.pk})
    form = read_form(client, url, button="Salva come bozza")
    form["activities"] = "Laboratori nel cortile."
    form["exp-0-budget_line"] = str(small.pk)
    form["exp-0-spent_on"] = "01/03/2025"
    form["exp-0-amount"] = "1.500,00"
    form["exp-0-supplier"] = "Ditta Costosa"
    response = form.submit(button="Salva come bozza")
    assert response.status_code == 302, response.content.decode()
    assert Expense.objects.get().amount == Decimal("1500.00")
    page = client.get(url).content.decode()
    assert "Spesa oltre la voce di bilancio: verrà verificato alla presentazione." in page
    assert "oltre i suoi 1.000,00" in page

    # Submitting refuses the line, beside it; nothing changes.
    form = read_form(client, url, button="Presenta il rendiconto")
    response = form.submit(button="Presenta il rendiconto")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Il rendiconto non è stato salvato" in page and "oltre i suoi 1.000,00" in page
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE and report.submitted_at is None
    expense = Expense.objects.get()
    assert expense.amount == Decimal("1500.00")


# What an Italian reader sees: money and dates the Italian way --------------------------------


def test_grant_and_report_pages_read_the_italian_way(client, call, staff_user, promoter_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grants import services
    from tests.grants.factories import PDF

    g = make_grant(call, by=staff_user, member=promoter_user, signed=True, start=date(2025, 1, 15))
    report = g.reports.order_by("number").first()
    services.save_report(report, by=promoter_user, activities="Aperto lo spazio.", jobs_created=0,
                         volunteers_involved=2, reach={}, indicators=[], submit=False,
                         expenses=[{"id": None, "budget_line": g.budget_lines.first(), "spent_on": date(2025, 3, 1),
                                    "amount": Decimal("1200.00"), "supplier": "Falegnameria Bruno",
                                    "receipt": SimpleUploadedFile("fattura.pdf", PDF, "application/pdf")}])
    client.force_login(promoter_user)
    page = client.get(g.get_absolute_url()).content.decode()
    assert "100.000,00 €" in page and "100000.00" not in page and " EUR" not in page
    assert "15 gennaio 2025" in page and "Jan" not in page
    page = client.get(reverse("grants:report", kwargs={"pk": report.pk})).content.decode()
    assert "1.200,00" in page and "1 marzo 2025" in page


def test_award_refused_over_the_maximum_in_italian(staff_client, call):
    item = funded_item(call, amount=Decimal("90000.00"))
    url = reverse("grants:award", kwargs={"item_pk": item.pk})
    form = read_form(staff_client, url, button="Continua")
    assert "Proposto dalla commissione: 90.000,00 €. Contributo massimo 140.000,00 €" in (
        staff_client.get(url).content.decode())
    form["amount"] = "150.000"
    form["cup"] = "C11J18000120007"
    form["start_date"] = "15/03/2027"
    form["act_number"] = "2027 00321"
    form["act_date"] = "10/11/2026"
    form["official"] = "Dott.ssa Maria Bianchi"
    page = form.submit(button="Continua").content.decode()
    assert "150.000,00 € supera il contributo massimo del bando di 140.000,00 €." in page
    assert not Grant.objects.exists()
