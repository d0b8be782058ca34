"""Sensitive actions ask the person to confirm who they are (allauth's re-authentication) when they have
not done so in the last five minutes, then carry out what was typed: changing the e-mail address (the
login), the password, two-factor settings, and granting or removing roles. The person is told by e-mail:
an e-mail change at the previous address, a role change in the portal and by e-mail."""
import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from tests.conftest import PASSWORD, confirm_identity, totp_now
from tsf.accounts.models import User
from tsf.notifications.models import Notification, OutboxEmail

pytestmark = pytest.mark.django_db

REAUTH = reverse("account_reauthenticate")
REAUTH_2FA = reverse("mfa_reauthenticate")


def _path(response):
    assert response.status_code == 302, response.status_code
    return response["Location"].split("?")[0]


def test_changing_the_email_address_asks_the_password_then_goes_on_and_tells_the_old_address(client, make_user):
    person = make_user("old.address@example.org", roles=["promoter"], full_name="Paola Rossi")
    client.force_login(person)  # signed in a while ago: no confirmation in this session
    response = client.post(reverse("account_email"), {"email": "new.address@example.org", "action_add": ""})
    assert _path(response) == REAUTH
    assert not EmailAddress.objects.filter(email="new.address@example.org").exists()
    assert not OutboxEmail.objects.exists()

    page = client.get(response["Location"])
    assert "Inserire la password" in page.content.decode()
    wrong = client.post(response["Location"], {"password": "not-the-password"})
    assert wrong.status_code == 200
    assert not EmailAddress.objects.filter(email="new.address@example.org").exists()

    done = client.post(response["Location"], {"password": PASSWORD})
    assert _path(done) == reverse("account_email")  # what was typed was carried out
    new = EmailAddress.objects.get(email="new.address@example.org")
    assert not new.verified
    assert User.objects.get(pk=person.pk).email == "old.address@example.org"
    (verification,) = OutboxEmail.objects.all()
    assert verification.to == "new.address@example.org"

    # the new address is confirmed: it becomes the login, and the previous address hears of it
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", verification.body_text).group(1)
    client.post(reverse("account_confirm_email", args=[key]))
    assert User.objects.get(pk=person.pk).email == "new.address@example.org"
    notice = OutboxEmail.objects.get(event="email_changed")
    assert notice.to == "old.address@example.org"
    assert notice.subject == "[Torino Social Factory] Indirizzo e-mail modificato"
    assert "Gentile Paola Rossi" in notice.body_text
    assert ("Il Suo indirizzo e-mail è stato cambiato da old.address@example.org a new.address@example.org"
            in notice.body_text)


def test_an_officer_with_totp_changes_the_address_after_password_and_code(client, make_user):
    officer = make_user("officer.old@example.org", roles=["staff"], full_name="Luca Neri")
    client.force_login(officer)
    response = client.post(reverse("account_email"), {"email": "officer.new@example.org", "action_add": ""})
    assert _path(response) == REAUTH_2FA  # the password and the authenticator's code, together
    assert not EmailAddress.objects.filter(email="officer.new@example.org").exists()
    done = client.post(response["Location"], {"password": PASSWORD, "code": totp_now()})
    assert _path(done) == reverse("account_email")
    assert EmailAddress.objects.filter(email="officer.new@example.org", verified=False).exists()
    verification = OutboxEmail.objects.get(to="officer.new@example.org")
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", verification.body_text).group(1)
    client.post(reverse("account_confirm_email", args=[key]))
    assert User.objects.get(pk=officer.pk).email == "officer.new@example.org"
    assert OutboxEmail.objects.get(event="email_changed").to == "officer.old@example.org"


def test_a_confirmation_a_minute_ago_is_enough_for_the_next_five_minutes(client, make_user):
    from freezegun import freeze_time

    person = make_user("quick.change@example.org", roles=["promoter"])
    client.force_login(person)
    with freeze_time("2026-03-02 10:00:00"):
        response = client.post(reverse("account_email"), {"email": "first@example.org", "action_add": ""})
        client.post(response["Location"], {"password": PASSWORD})
        assert EmailAddress.objects.filter(email="first@example.org").exists()
    with freeze_time("2026-03-02 10:04:00"):
        response = client.post(reverse("account_email"), {"email": "second@example.org", "action_add": ""})
        assert _path(response) == reverse("account_email")
        assert EmailAddress.objects.filter(email="second@example.org").exists()
    with freeze_time("2026-03-02 10:06:00"):
        response = client.post(reverse("account_email"), {"email": "third@example.org", "action_add": ""})
        assert _path(response) == REAUTH
        assert not EmailAddress.objects.filter(email="third@example.org").exists()


def test_changing_the_password_asks_the_current_one_and_the_person_is_told(client, make_user):
    person = make_user("pw.change@example.org", roles=["promoter"], language="en")
    client.force_login(person)
    url = reverse("account_change_password")
    wrong = client.post(url, {"oldpassword": "guess", "password1": "Brand-New-Secret-42",
                              "password2": "Brand-New-Secret-42"})
    assert wrong.status_code == 200
    assert User.objects.get(pk=person.pk).check_password(PASSWORD)
    client.post(url, {"oldpassword": PASSWORD, "password1": "Brand-New-Secret-42", "password2": "Brand-New-Secret-42"})
    assert User.objects.get(pk=person.pk).check_password("Brand-New-Secret-42")
    notice = OutboxEmail.objects.get(event="password_changed")
    assert notice.to == "pw.change@example.org"
    assert "Your password has been changed." in notice.body_text  # in the person's language


def test_a_person_with_totp_confirms_with_password_and_code_before_the_password_form(client, make_user):
    officer = make_user("pw.officer@example.org", roles=["staff"])
    client.force_login(officer)
    response = client.get(reverse("account_change_password"))
    assert _path(response) == REAUTH_2FA
    client.post(response["Location"], {"password": PASSWORD, "code": totp_now()})
    page = client.get(reverse("account_change_password"))
    assert page.status_code == 200 and 'name="oldpassword"' in page.content.decode()


def test_a_person_with_totp_confirms_with_password_and_code_together(client, make_user):
    officer = make_user("reauth.officer@example.org", roles=["staff"])
    person = make_user("to.be.tutor@example.org", roles=["promoter"], full_name="Marco Bianchi")
    client.force_login(officer)
    url = reverse("accounts:person_roles", args=[person.pk])
    assert client.get(url).status_code == 200  # the form opens; saving it asks for confirmation
    response = client.post(url, {"roles": ["promoter", "tutor"], "reason": "Affianca il laboratorio 2027"})
    assert _path(response) == REAUTH_2FA
    person.clear_role_cache()
    assert person.held_roles == {"promoter"}
    # the password alone is not offered to a person who uses TOTP
    assert _path(client.get(REAUTH)) == REAUTH_2FA

    confirm = response["Location"]
    only_code = client.post(confirm, {"code": totp_now()})
    assert only_code.status_code == 200 and "Questo campo è obbligatorio" in only_code.content.decode()
    wrong_password = client.post(confirm, {"password": "wrong", "code": totp_now()})
    assert "La password non è corretta" in wrong_password.content.decode()
    only_password = client.post(confirm, {"password": PASSWORD, "code": "000000"})
    assert only_password.status_code == 200
    person.clear_role_cache()
    assert person.held_roles == {"promoter"}

    done = client.post(confirm, {"password": PASSWORD, "code": totp_now()})
    assert _path(done) == reverse("accounts:people")
    person.clear_role_cache()
    assert person.held_roles == {"promoter", "tutor"}
    note = Notification.objects.get(recipient=person, event="roles_changed")
    assert "Tutor" in note.body
    mail = OutboxEmail.objects.get(event="roles_changed")
    assert mail.to == "to.be.tutor@example.org"
    assert "Gentile Marco Bianchi" in mail.body_text
    assert "Lo staff della Città di Torino Le ha assegnato questi ruoli: Tutor." in mail.body_text


def test_removing_a_role_asks_for_confirmation_and_the_person_is_told(client, make_user):
    officer = make_user("remover@example.org", roles=["staff"])
    person = make_user("ex.editor@example.org", roles=["promoter", "editor"], language="en")
    client.force_login(officer)
    url = reverse("accounts:person_roles", args=[person.pk])
    response = client.post(url, {"roles": ["promoter"], "reason": "Ha lasciato la redazione"})
    client.post(response["Location"], {"password": PASSWORD, "code": totp_now()})
    person.clear_role_cache()
    assert person.held_roles == {"promoter"}
    mail = OutboxEmail.objects.get(event="roles_changed")
    assert "These roles have been removed from your account: Editor." in mail.body_text


@pytest.mark.parametrize("url_name", ["mfa_activate_totp", "mfa_generate_recovery_codes"])
def test_two_factor_changes_ask_for_confirmation(client, make_user, url_name):
    person = make_user(f"{url_name}@example.org", roles=["promoter"], mfa=url_name != "mfa_activate_totp")
    client.force_login(person)
    response = client.get(reverse(url_name))
    expected = REAUTH_2FA if url_name != "mfa_activate_totp" else REAUTH
    assert _path(response) == expected


def test_turning_totp_off_asks_for_confirmation_and_the_person_is_told(client, make_user):
    person = make_user("totp.off@example.org", roles=["promoter"], mfa=True)
    client.force_login(person)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert _path(response) == REAUTH_2FA
    assert Authenticator.objects.filter(user=person, type="totp").exists()
    client.post(response["Location"], {"password": PASSWORD, "code": totp_now()})
    assert not Authenticator.objects.filter(user=person, type="totp").exists()
    notice = OutboxEmail.objects.get(event="totp_deactivated")
    assert notice.to == "totp.off@example.org"


def test_the_session_confirmation_expires(client, make_user, settings):
    """The confirmation is allauth's record in the session: older than ACCOUNT_REAUTHENTICATION_TIMEOUT,
    it no longer counts."""
    person = make_user("expired@example.org", roles=["promoter"])
    client.force_login(person)
    confirm_identity(client, method="password")
    later = timezone.now() + datetime.timedelta(seconds=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)
    with freeze_time(later):
        response = client.post(reverse("account_email"), {"email": "late@example.org", "action_add": ""})
    assert _path(response) == REAUTH
