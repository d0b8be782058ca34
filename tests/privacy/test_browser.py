"""In a real browser, in Italian: a promoter downloads their data and finds their proposal in it, then
asks to close their account; once staff confirm, they can no longer sign in, and the submitted proposal
stays with their name replaced."""
import io
import json
import re
import zipfile

import pytest

from projects.services import submit_proposal
from tests.calls.factories import CallFactory
from tests.conftest import PASSWORD, assert_accessible, browser_login
from tests.projects.factories import MembershipFactory, OrganisationFactory, ProposalFactory, complete

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_promoter_downloads_their_data_then_closes_the_account(page, make_user):
    promoter = make_user("giulia@example.org", roles=["promoter"], full_name="Giulia Verdi")
    make_user("ufficio@example.org", roles=["staff"], full_name="Ufficio Innovazione")
    org = OrganisationFactory(legal_name="APS Barriera Viva")
    MembershipFactory(user=promoter, organisation=org)
    proposal = complete(ProposalFactory(call=CallFactory(), organisation=org), title="Emporio solidale di Barriera")
    submit_proposal(proposal, promoter)

    browser_login(page, "giulia@example.org")
    page.get_by_role("link", name="I miei dati").click()
    page.get_by_role("button", name="Chiedi una copia dei miei dati").click()
    page.get_by_text("Stiamo preparando la copia dei Suoi dati").wait_for()
    page.reload()  # prepared in the background (eagerly here); the person is told, and the link is there
    assert_accessible(page, "I miei dati")
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarichi i Suoi dati").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    data = json.loads(archive.read("dati.json"))
    assert [p["title"] for p in data["sections"]["proposals"]] == ["Emporio solidale di Barriera"]
    assert "Emporio solidale di Barriera" in archive.read("riepilogo.html").decode()

    page.get_by_role("link", name="Chiedi di chiudere il mio account").click()
    kept = page.get_by_role("row", name=re.compile("Proposte presentate delle Sue organizzazioni"))
    assert "10 anni" in kept.inner_text()  # what is kept, and why
    page.get_by_text(re.compile("Ho compreso che non potrò più accedere")).click()
    page.get_by_role("button", name="Chiudi il mio account").click()
    page.get_by_role("heading", name="Conferma l'accesso").wait_for()  # who they are, first
    page.get_by_label(re.compile(r"^\s*Password")).fill(PASSWORD)
    page.get_by_role("button", name="Conferma").click()
    page.get_by_text("La Sua richiesta è stata inviata").wait_for()  # what was ticked is carried out

    browser_login(page, "ufficio@example.org", totp=True)
    page.get_by_role("link", name="Richieste sui dati personali").click()
    page.get_by_role("row", name=re.compile("Chiusura dell'account")).get_by_role("link", name="Giulia Verdi").click()
    page.get_by_role("button", name="Conferma e chiudi l'account").click()
    page.get_by_text("L'account è stato chiuso.").wait_for()
    pseudonym = f"Ex partecipante {promoter.pk}"
    page.get_by_role("heading", name=re.compile(pseudonym)).wait_for()

    page.goto(f"/projects/staff/proposals/{proposal.pk}/")
    team = page.get_by_text(re.compile(pseudonym)).first
    team.wait_for()
    assert "Giulia Verdi" not in page.content()
    assert "Emporio solidale di Barriera" in page.content()

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Email")).fill("giulia@example.org")
    page.get_by_label(re.compile(r"^\s*Password")).fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Area personale").count() == 0
    assert "/accounts/login/" in page.url
