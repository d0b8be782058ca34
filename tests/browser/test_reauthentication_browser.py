"""In a real browser, in Italian: a person changes the e-mail address they sign in with; the portal asks
for the password first (allauth's re-authentication), then carries out the change they typed, and once
the new address is confirmed it tells the previous address."""
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from ..conftest import PASSWORD, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_changing_the_email_address_asks_for_the_password_in_italian(page, live_server, make_user):
    make_user("vecchio.indirizzo@example.org", roles=["promoter"], full_name="Giulia Verdi")
    browser_login(page, "vecchio.indirizzo@example.org")
    page.get_by_role("link", name="Indirizzi e-mail").click()
    page.get_by_label(re.compile(r"^\s*Nuovo indirizzo")).fill("nuovo.indirizzo@example.org")
    page.get_by_role("button", name="Cambia l'indirizzo e-mail").click()

    page.get_by_role("heading", name="Conferma l'accesso").wait_for()
    assert not EmailAddress.objects.filter(email="nuovo.indirizzo@example.org").exists()
    page.get_by_label(re.compile(r"^\s*Password")).fill("non-e-la-password")
    page.get_by_role("button", name="Conferma").click()
    page.get_by_role("heading", name="Conferma l'accesso").wait_for()  # the form again, with its error
    assert not EmailAddress.objects.filter(email="nuovo.indirizzo@example.org").exists()
    page.get_by_label(re.compile(r"^\s*Password")).fill(PASSWORD)
    page.get_by_role("button", name="Conferma").click()

    # what was typed before the confirmation is carried out: the new address waits for its link
    page.get_by_text(re.compile("Nuovo indirizzo \\(da confermare\\)")).wait_for()
    (verification,) = [m for m in mail.outbox if m.to == ["nuovo.indirizzo@example.org"]]
    link = re.search(r"https?://\S+/confirm-email/\S+", verification.body).group(0)
    page.goto(link.replace("http://testserver", live_server.url).replace("http://127.0.0.1:8000", live_server.url))
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_load_state()

    assert EmailAddress.objects.get(email="nuovo.indirizzo@example.org").verified
    (notice,) = [m for m in mail.outbox if m.to == ["vecchio.indirizzo@example.org"]]
    assert notice.subject == "[Torino Social Factory] Indirizzo e-mail modificato"
    assert "da vecchio.indirizzo@example.org a nuovo.indirizzo@example.org" in notice.body
