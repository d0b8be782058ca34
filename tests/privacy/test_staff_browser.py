"""In a real browser, in Italian: an officer records a request for a copy of one's data that came by PEC,
downloads the ZIP prepared in the background to send it, and finds the request in the log."""
import io
import json
import re
import zipfile

import pytest

from projects.services import submit_proposal
from tests.calls.factories import CallFactory
from tests.conftest import assert_accessible, browser_login
from tests.projects.factories import MembershipFactory, OrganisationFactory, ProposalFactory, complete

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_answers_a_request_by_pec_with_the_copy(page, make_user):
    promoter = make_user("giulia@example.org", roles=["promoter"], full_name="Giulia Verdi")
    make_user("ufficio@example.org", roles=["staff"], full_name="Ufficio Innovazione")
    org = OrganisationFactory(legal_name="APS Barriera Viva")
    MembershipFactory(user=promoter, organisation=org)
    submit_proposal(complete(ProposalFactory(call=CallFactory(), organisation=org), title="Forno di comunità"),
                    promoter)

    browser_login(page, "ufficio@example.org", totp=True)
    page.get_by_role("link", name="Richieste sui dati personali").click()
    page.get_by_role("link", name="Registra una richiesta ricevuta per PEC, e-mail o lettera").click()
    page.get_by_label("Indirizzo e-mail dell'account della persona").fill("giulia@example.org")
    page.locator("label", has_text="Copia dei miei dati").click()
    page.get_by_label("Ricevuta tramite").select_option(label="Posta elettronica certificata (PEC)")
    page.get_by_label(re.compile("Riferimento")).fill("PEC prot. 4321 del 1/12")
    page.get_by_text(re.compile("Ho verificato che la richiesta proviene")).click()
    page.get_by_role("button", name="Registra la richiesta").click()
    page.get_by_text("La richiesta è stata registrata").wait_for()
    page.reload()  # prepared in the background (eagerly here); the officer is told
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica la copia da inviare").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    assert [p["title"] for p in json.loads(archive.read("dati.json"))["sections"]["proposals"]] == [
        "Forno di comunità"]

    page.get_by_role("link", name="Tutte le richieste sui dati personali").click()
    page.get_by_label("Cerca (nome o indirizzo e-mail)").fill("giulia")
    page.get_by_role("button", name="Filtra").click()
    row = page.get_by_role("row", name=re.compile("Giulia Verdi"))
    assert "Posta elettronica certificata (PEC)" in row.inner_text() and "Copia preparata" in row.inner_text()
    assert_accessible(page, "Richieste sui dati personali")
