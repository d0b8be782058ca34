"""What the portal takes from django-allauth outside its public API (tsf/accounts/allauth_internals.py):
each test fails, naming the call, if an upgrade of allauth changes it."""
import inspect

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def test_recording_the_code_used_at_enrolment_is_read_back_by_the_public_records(make_user):
    from allauth.account.authentication import get_authentication_records
    from allauth.mfa.models import Authenticator

    from tsf.accounts.allauth_internals import record_two_factor_used
    from tsf.accounts.permissions import session_used_mfa

    person = make_user("internals@example.org", roles=["staff"], mfa=True)
    request = RequestFactory().get("/")
    request.session = SessionStore()
    assert not session_used_mfa(request, person)
    record_two_factor_used(request, person, Authenticator.objects.get(user=person, type="totp"))
    (record,) = get_authentication_records(request, person)
    assert record["method"] == "mfa" and record["type"] == "totp"
    assert session_used_mfa(request, person)


def test_the_rate_limit_periods_are_read_as_allauth_reads_them():
    from tsf.accounts.adapters import lockout_minutes
    from tsf.accounts.allauth_internals import rate_limit_seconds

    assert rate_limit_seconds("10/m/ip,5/5m/key", "key") == 300
    assert rate_limit_seconds("10/m/ip,5/5m/key", "ip") == 60
    assert rate_limit_seconds("20/m/ip", "key") is None
    assert lockout_minutes() == 5  # settings: "login_failed": "10/m/ip,5/5m/key"


def test_the_failed_sign_in_limit_still_asks_the_adapter_for_its_key():
    """The lockout per account AND address extends this adapter method: allauth must still use it to
    count failed sign-ins (tests/tsf/test_lockout.py proves the behaviour)."""
    from allauth.account.adapter import DefaultAccountAdapter

    from tsf.accounts.allauth_internals import LOGIN_ATTEMPTS_KEY_METHOD

    assert hasattr(DefaultAccountAdapter, LOGIN_ATTEMPTS_KEY_METHOD)
    assert LOGIN_ATTEMPTS_KEY_METHOD in inspect.getsource(DefaultAccountAdapter.pre_authenticate)
    assert inspect.signature(getattr(DefaultAccountAdapter, LOGIN_ATTEMPTS_KEY_METHOD)).parameters.keys() >= {
        "request", "credentials"}
