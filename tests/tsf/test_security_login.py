"""`make security` signs in over HTTP before each scan (tsf.security.login): the session it hands to
wapiti must really be signed in, with the second factor for staff and assessors, or the scans would
silently run anonymous. Against the live server, as each demo role."""
import pytest

from tsf.accounts.demo import DEMO_PASSWORD, DEMO_PEOPLE, ensure_person
from tsf.security.__main__ import ROLES
from tsf.security.login import Session, SignInError, sign_in, totp_code

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_people():
    """The demo's people, as seed_demo makes them: {email: TOTP secret or None}."""
    return {email: ensure_person(email, name, roles)[1] for email, name, roles in DEMO_PEOPLE}


@pytest.mark.parametrize("role", [r for r in ROLES if ROLES[r]])
def test_the_scan_session_is_signed_in_as_the_role(live_server, demo_people, role):
    email = ROLES[role]
    session = sign_in(live_server.url, email, DEMO_PASSWORD, role, demo_people[email])

    status, path, html = session.request("/my-area/")
    assert (status, path) == (200, "/my-area/")
    assert "Area personale" in html
    assert {"sessionid", "csrftoken"} <= set(session.cookies())
    if role in ("staff", "assessor"):  # their pages open only after the code
        page = {"staff": "/staff/people/", "assessor": "/assessment/mine/"}[role]
        assert session.answers(page) == 200


def test_without_the_code_a_staff_sign_in_is_refused(live_server, demo_people):
    with pytest.raises(SignInError, match="TOTP"):
        sign_in(live_server.url, "staff@example.org", DEMO_PASSWORD, "staff", None)


def test_a_wrong_password_is_refused_and_a_visitor_is_not_signed_in(live_server, demo_people):
    with pytest.raises(SignInError):
        sign_in(live_server.url, "promoter@example.org", "not-the-password", "promoter")
    assert Session(live_server.url).answers("/my-area/") != 200


def test_the_code_is_the_one_an_authenticator_app_shows():
    # RFC 6238, appendix B (SHA-1, 8 digits): the secret "12345678901234567890" in base32.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp_code(secret, at=59, digits=8) == "94287082"
    assert totp_code(secret, at=1111111109, digits=8) == "07081804"
