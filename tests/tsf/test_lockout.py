"""Failed sign-ins are limited per account and client address: five wrong passwords from one address
lock that address out of that account for five minutes (and the message says how long is left), while
the person still signs in from their own connection; afterwards the address may try again."""
from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.9"


def _sign_in(client, email, password, address):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address)


def _window_start(email):
    """The beginning of this account and address's next 5-minute window (django-ratelimit's windows are
    fixed), so that the whole lockout is ahead."""
    from allauth.account.adapter import get_adapter

    from tsf.accounts.adapters import failed_sign_ins

    request = RequestFactory().post("/", REMOTE_ADDR=ADDRESS)
    left = failed_sign_ins(get_adapter(request), request, {"email": email})["time_left"]
    return timezone.now() + timedelta(seconds=left + 1)


def test_five_wrong_passwords_lock_only_that_address_out_of_that_account(client, make_user):
    person = make_user("target@example.org", roles=["promoter"], password=PASSWORD)
    start = _window_start(person.email)
    with freeze_time(start, tick=True) as clock:
        for _ in range(5):
            assert _sign_in(client, person.email, "wrong-password-1", ADDRESS).status_code == 200
        refused = _sign_in(client, person.email, PASSWORD, ADDRESS)
        assert refused.status_code == 200 and "_auth_user_id" not in client.session
        assert "riprovi tra 5 minuti" in refused.content.decode()
        own = Client()
        response = _sign_in(own, person.email, PASSWORD, "198.51.100.7")
        assert response.status_code == 302 and own.session["_auth_user_id"] == str(person.pk)

        clock.move_to(start + timedelta(minutes=4))
        assert "riprovi tra 1 minuto" in _sign_in(client, person.email, PASSWORD, ADDRESS).content.decode()

        clock.move_to(start + timedelta(minutes=5, seconds=1))
        response = _sign_in(client, person.email, PASSWORD, ADDRESS)
        assert response.status_code == 302 and client.session["_auth_user_id"] == str(person.pk)


def test_a_right_password_does_not_count_as_a_failure(client, make_user):
    person = make_user("regular@example.org", roles=["promoter"], password=PASSWORD)
    with freeze_time(_window_start(person.email), tick=True):
        for _ in range(4):
            _sign_in(client, person.email, "wrong-password-1", ADDRESS)
        for _ in range(3):
            assert _sign_in(Client(), person.email, PASSWORD, ADDRESS).status_code == 302
        assert _sign_in(client, person.email, "wrong-password-1", ADDRESS).status_code == 200
        assert "riprovi tra" in _sign_in(client, person.email, PASSWORD, ADDRESS).content.decode()
