"""Nothing a person types is lost, in Chromium, in Italian, on the grant report: autosave saves and
shows the time; a second tab gets a conflict, not an overwrite; leaving with changes asks; a
receipt chosen before a validation error is still attached after it."""
import re

import pytest

from grants.models import Expense, Report
from tests.conftest import browser_login
from tests.grants.factories import PDF, make_grant, past_call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def report(make_user):
    staff = make_user("ufficio@example.org", roles=["staff"], full_name="Sara Ufficio")
    make_user("squadra@example.org", roles=["promoter"], full_name="Marco Squadra")
    from tsf.accounts.models import User

    grant = make_grant(past_call(), by=staff, member=User.objects.get(email="squadra@example.org"), signed=True)
    return grant.reports.order_by("number").first()


def test_autosave_shows_the_time_and_a_second_tab_gets_a_conflict(page, report):
    browser_login(page, "squadra@example.org")
    url = f"/grants/reports/{report.pk}/edit/"
    page.goto(url)
    other = page.context.new_page()  # a second tab, opened before anything is saved
    other.goto(url)

    page.get_by_label("Attività svolte nel periodo").fill("Aperto lo spazio di comunità.")
    status = page.get_by_role("status")
    status.filter(has_text=re.compile(r"Salvato alle \d{2}:\d{2}")).wait_for(timeout=15000)
    assert Report.objects.get(pk=report.pk).activities == "Aperto lo spazio di comunità."

    # Typing on: saved again (the page carries the new revision, so its own saves pass).
    page.get_by_label("Attività svolte nel periodo").fill("Aperto lo spazio di comunità; 12 laboratori.")
    page.wait_for_function("() => true")
    for _ in range(40):
        if Report.objects.get(pk=report.pk).activities.endswith("12 laboratori."):
            break
        page.wait_for_timeout(500)
    assert Report.objects.get(pk=report.pk).activities == "Aperto lo spazio di comunità; 12 laboratori."

    # The old tab saves by hand: refused, its text kept, the message says who saved what.
    other.get_by_label("Attività svolte nel periodo").fill("Testo della scheda vecchia.")
    other.get_by_role("button", name="Salva come bozza").click()
    other.get_by_text("le Sue modifiche NON sono state salvate").first.wait_for()
    assert other.get_by_label("Attività svolte nel periodo").input_value() == "Testo della scheda vecchia."
    assert "Marco Squadra" in other.content() and "12 laboratori." in other.content()
    assert Report.objects.get(pk=report.pk).activities == "Aperto lo spazio di comunità; 12 laboratori."

    # Leaving the page with what was typed asks first.
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    other.on("dialog", answer)
    other.get_by_role("link", name="Area personale").first.click()
    other.wait_for_timeout(1000)
    assert dialogs == ["beforeunload"]
    assert "/edit/" in other.url  # stayed on the page, the text still there
    assert other.get_by_label("Attività svolte nel periodo").input_value() == "Testo della scheda vecchia."

    # Merged and saved again: applied.
    other.remove_listener("dialog", answer)
    other.get_by_role("button", name="Salva come bozza").click()
    other.get_by_text("Il rendiconto è stato salvato come bozza.").wait_for()
    assert Report.objects.get(pk=report.pk).activities == "Testo della scheda vecchia."


def test_a_receipt_chosen_before_an_error_is_still_attached(page, report, tmp_path):
    receipt = tmp_path / "fattura-falegnameria.pdf"
    receipt.write_bytes(PDF)
    line = report.grant.budget_lines.order_by("order").first()
    browser_login(page, "squadra@example.org")
    page.goto(f"/grants/reports/{report.pk}/edit/")
    page.locator("#id_exp-0-budget_line").select_option(str(line.pk))
    page.locator("#id_exp-0-spent_on").fill("2025-03-01")
    page.locator("#id_exp-0-amount").fill("1500")
    page.locator("#id_exp-0-receipt").set_input_files(str(receipt))
    page.get_by_role("button", name="Salva come bozza").click()  # the supplier is missing
    page.get_by_text("Questo campo è obbligatorio.").first.wait_for()
    assert page.get_by_text("Già allegato:").count() == 1
    assert page.get_by_role("link", name="fattura-falegnameria.pdf").count() == 1
    page.locator("#id_exp-0-supplier").fill("Falegnameria Sociale Barriera")
    page.get_by_role("button", name="Salva come bozza").click()
    page.get_by_text("Il rendiconto è stato salvato come bozza.").wait_for()
    expense = Expense.objects.get()
    assert expense.supplier == "Falegnameria Sociale Barriera"
    with expense.receipt.open("rb") as f:
        assert f.read() == PDF
