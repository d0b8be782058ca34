"""Awarding less than the committee proposed, in Chromium and in Italian: the officer types a lower
amount the Italian way, is asked for the reason beside its field (nothing typed is lost), gives it
with the award's act (number, date picked in the date field, official), confirms; the grant page and
the transparency table (linked from the footer of every public page) show the act and the official."""
import re
from decimal import Decimal

import pytest

from tests.conftest import assert_accessible, browser_login
from tests.grants.factories import funded_item, past_call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_awarding_less_than_proposed_needs_a_reason_and_the_act_is_published(page, make_user):
    page.on("dialog", lambda dialog: dialog.accept())
    make_user("ufficio@example.org", roles=["staff"], full_name="Sara Ufficio")
    call = past_call()
    item = funded_item(call, amount=Decimal("100000.00"))
    protocol = item.proposal.protocol_number
    org = item.proposal.organisation

    browser_login(page, "ufficio@example.org", totp=True)
    page.goto("/grants/staff/award/")
    page.get_by_role("link", name=re.compile(f"Assegna {protocol}")).click()
    page.get_by_role("heading", name="Assegna un contributo").wait_for()
    assert "Proposto dalla commissione: 100.000,00 €" in page.content()
    page.get_by_label(re.compile(r"^\s*Contributo \(EUR\)")).fill("90.000,00")
    page.get_by_label(re.compile(r"^\s*Codice CUP")).fill("C11J18000120007")
    page.get_by_label(re.compile(r"^\s*Numero dell'atto di assegnazione")).fill("2019 04567")
    page.get_by_label(re.compile(r"^\s*Data dell'atto di assegnazione")).fill("2019-10-28")  # picked as 28/10/2019
    page.get_by_label(re.compile(r"^\s*Funzionario responsabile")).fill("Dott.ssa Maria Bianchi")
    page.get_by_role("button", name="Continua").click()

    reason = page.get_by_label(re.compile(r"^\s*Motivo per assegnare meno di quanto proposto"))
    message = "La commissione ha proposto 100.000,00 €: indichi il motivo per assegnare 90.000,00 €."
    page.get_by_text(message).wait_for()
    # The message is beside its field, and what was typed is still there.
    assert reason.get_attribute("aria-invalid") == "true" or "is-invalid" in (reason.get_attribute("class") or "")
    assert page.get_by_label(re.compile(r"^\s*Numero dell'atto di assegnazione")).input_value() == "2019 04567"
    assert page.get_by_label(re.compile(r"^\s*Contributo \(EUR\)")).input_value() in ("90.000,00", "90000,00")
    assert_accessible(page, "award form with an error")
    reason.fill("Le spese di viaggio non sono ammissibili.")
    page.get_by_role("button", name="Continua").click()
    page.get_by_role("heading", name="Verifica e conferma").wait_for()
    confirm = page.get_by_role("alert").inner_text()
    assert "90.000,00 €" in confirm and "Le spese di viaggio non sono ammissibili." in confirm
    assert "Determinazione dirigenziale n. 2019 04567 del 28 ottobre 2019" in confirm
    page.get_by_role("button", name="Conferma l'assegnazione").click()
    page.get_by_text("Il contributo C11J18000120007 è stato assegnato").wait_for()
    card = page.locator(".card").first.inner_text()
    assert "Determinazione dirigenziale n. 2019 04567 del 28 ottobre 2019 (Dott.ssa Maria Bianchi)" in card
    assert "Le spese di viaggio non sono ammissibili." in card

    # A visitor reaches the transparency table from the footer of a public page.
    page.context.clear_cookies()
    page.goto("/")
    page.locator("footer").get_by_role("link", name="Trasparenza: contributi assegnati").click()
    page.get_by_role("heading", name="Contributi assegnati").wait_for()
    row = page.get_by_role("row").filter(has_text=org.legal_name).inner_text()
    assert "90.000,00" in row and "n. 2019 04567" in row and "28 ottobre 2019" in row
    assert "Dott.ssa Maria Bianchi" in row
