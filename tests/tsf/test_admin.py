"""The Django admin behind the portal's sign-in and two-factor gate, without TOTP secrets, and off
unless ADMIN_ENABLED."""
import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from tests.conftest import PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(make_user):
    return make_user("root@example.org", mfa=True, is_staff=True, is_superuser=True, password=PASSWORD)


def test_the_admin_sends_anonymous_visitors_to_the_portal_login(client):
    response = client.get("/django-admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login") + "?next=")
    assert response.status_code == 200


def test_the_admin_login_form_no_longer_signs_in_with_a_password_alone(client, superuser):
    response = client.post("/django-admin/login/", {"username": superuser.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/django-admin/").status_code == 302


def test_an_admin_without_two_factors_in_the_session_gets_nothing(client, superuser, make_user):
    client.force_login(superuser, two_factor=False)
    response = client.get("/django-admin/accounts/user/")
    assert response.status_code == 302 and response["Location"].startswith("/django-admin/login/")
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate"))
    # Django's model permissions, which a superuser holds all of, wait for the second factor too.
    superuser.session_mfa = False
    assert not superuser.has_perm("accounts.view_user") and not superuser.has_module_perms("accounts")
    superuser.session_mfa = True
    superuser.__dict__.pop("_perm_cache", None)
    assert superuser.has_perm("accounts.view_user")
    no_totp = make_user("root2@example.org", mfa=False, is_staff=True, is_superuser=True)
    client.force_login(no_totp)
    response = client.get("/django-admin/login/")
    assert response["Location"] == reverse("mfa_activate_totp")


def test_a_signed_in_person_without_is_staff_is_refused(client, make_user):
    client.force_login(make_user("someone@example.org", roles=["promoter"]))
    assert client.get("/django-admin/login/").status_code == 403
    assert client.get("/django-admin/").status_code == 302


def test_an_admin_with_two_factors_works_and_never_sees_a_totp_secret(client, superuser):
    from allauth.mfa.models import Authenticator

    client.force_login(superuser)
    assert client.get("/django-admin/").status_code == 200
    authenticator = Authenticator.objects.get(user=superuser, type="totp")
    assert TOTP_SECRET in str(authenticator.data)  # control: what allauth's own admin would show
    pages = [client.get("/django-admin/mfa/authenticator/"),
             client.get(f"/django-admin/mfa/authenticator/{authenticator.pk}/change/")]
    for page in pages:
        assert page.status_code == 200
        assert TOTP_SECRET not in page.content.decode()
    assert client.get("/django-admin/mfa/authenticator/add/").status_code == 403
    # Already signed in with both factors, the admin's login page goes on to where it was asked.
    response = client.get("/django-admin/login/?next=/django-admin/accounts/user/")
    assert response["Location"] == "/django-admin/accounts/user/"
    response = client.get("/django-admin/login/?next=https://evil.example.org/")
    assert response["Location"] == "/django-admin/"


def _reload_urls():
    import tsf.urls

    importlib.reload(tsf.urls)
    clear_url_caches()


def test_admin_enabled_off_removes_the_admin(client, superuser):
    client.force_login(superuser)
    try:
        with override_settings(ADMIN_ENABLED=False):
            _reload_urls()
            assert client.get("/django-admin/").status_code == 404
            assert client.get("/django-admin/login/").status_code == 404
            assert client.get("/en/django-admin/").status_code == 404
    finally:
        _reload_urls()
    assert client.get("/django-admin/").status_code == 200


def test_admin_enabled_follows_debug_by_default():
    import subprocess
    import sys

    code = "import tsf.settings as s; print(s.ADMIN_ENABLED)"
    for debug, expected in (("1", "True"), ("0", "False")):
        env = {"DEBUG": debug, "SECRET_KEY": "x" * 50, "PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite:///:memory:"}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.strip().endswith(expected), out.stdout


def test_a_superuser_without_two_factors_reads_no_proposal_of_the_portal(client, superuser):
    """Django says yes to every permission of a superuser: not while the session lacks the second factor."""
    from tests.assessment.factories import make_proposal
    from tests.calls.factories import CallFactory

    proposal = make_proposal(CallFactory())
    url = reverse("projects:proposal", kwargs={"pk": proposal.pk})
    client.force_login(superuser, two_factor=False)
    assert client.get(url).status_code == 404
    client.force_login(superuser)
    assert client.get(url).status_code == 200
