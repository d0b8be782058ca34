"""Signing in with SPID and with CIE in Chromium, in Italian, through the portal's own test identity
providers: "Entra con SPID" → the test IdP → the account from the assertion → "my area" with the name
and codice fiscale → a proposal submitted (the journey's steps). Then "Entra con CIE" for a person
whose account already has the codice fiscale, straight to "my area"."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.journey.conftest import Say
from tests.journey.test_programme import load_programme, promoter_submits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_call():
    from calls.models import District, ImpactTheme, TargetGroup
    from tests.calls.factories import CallFactory

    load_programme()
    call = CallFactory(title="Torino Social Factory 2018", slug="tsf-2018", year=2018,
                       closes_at=timezone.now() + timedelta(days=20))
    call.themes.set(ImpactTheme.objects.all())
    call.target_groups.set(TargetGroup.objects.all())
    call.districts.set(District.objects.all())
    return call


def _through_the_test_idp(page, button, idp, citizen):
    page.goto("/accounts/login/")
    if button == "Entra con SPID":
        page.get_by_text("Entra con SPID").click()  # opens the menu of identity providers
        page.get_by_role("link", name=idp).click()
    else:
        page.get_by_role("link", name=button).click()
    page.get_by_role("heading", name=re.compile("Gestore di identità .* di prova")).wait_for()
    page.locator("label.form-check-label", has_text=citizen).click()  # Bootstrap Italia draws the radio on its label
    page.get_by_role("button", name="Autorizza e accedi").click()


def test_sign_in_with_spid_then_submit_and_with_cie(page, live_server, tmp_path, make_user):
    _open_call()
    page.on("dialog", lambda dialog: dialog.accept())

    # SPID: a first sign-in creates the account from the assertion
    _through_the_test_idp(page, "Entra con SPID", "SPID Test IdP (Torino Social Factory)", "Mario Rossi")
    page.get_by_role("heading", name="Crei il Suo account").wait_for()
    page.get_by_text("RSSMRA80A01L219M").wait_for()
    page.get_by_text("I dati qui sopra sono miei").click()
    page.get_by_role("button", name="Crea il mio account").click()
    page.get_by_role("heading", name="Area personale").wait_for()
    page.get_by_text("Buongiorno, Mario Rossi.").wait_for()
    page.get_by_text("Codice fiscale RSSMRA80A01L219M, verificato con SPID o CIE.").wait_for()

    protocol = promoter_submits(page, tmp_path, Say("it"), "Emporio Solidale Barriera APS", 1801,
                                "Emporio solidale di Barriera", "clothing_emporium", "Mario Rossi")
    assert protocol

    # Leaving goes through the identity provider (single logout), back to the home page
    page.get_by_role("button", name="Esci").click()
    page.get_by_role("link", name="Accedi").first.wait_for()

    # CIE: the codice fiscale is already on an account, so it signs in at once
    make_user("giulia.bianchi@example.org", roles=["promoter"], full_name="Giulia Bianchi",
              fiscal_code="BNCGLI85M41L219Q")
    _through_the_test_idp(page, "Entra con CIE", None, "Giulia Bianchi")
    page.get_by_role("heading", name="Area personale").wait_for()
    page.get_by_text("Buongiorno, Giulia Bianchi.").wait_for()
    page.get_by_text("Codice fiscale BNCGLI85M41L219Q, verificato con SPID o CIE.").wait_for()
