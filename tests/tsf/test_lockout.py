"""Failed sign-ins are limited per account and client address: five wrong passwords from one address
lock that address out of that account for five minutes (and the message says so), while the person
still signs in from their own connection."""
import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}


def _sign_in(client, email, password, address):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_only_that_address_out_of_that_account(client, make_user, limits):
    from django.test import Client

    person = make_user("target@example.org", roles=["promoter"], password=PASSWORD)
    for _ in range(5):
        assert _sign_in(client, person.email, "wrong-password-1", "203.0.113.9").status_code == 200
    refused = _sign_in(client, person.email, PASSWORD, "203.0.113.9")
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert "riprovi tra 5 minuti" in refused.content.decode()
    own = Client()
    response = _sign_in(own, person.email, PASSWORD, "198.51.100.7")
    assert response.status_code == 302 and own.session["_auth_user_id"] == str(person.pk)
