"""Signing in with SPID and CIE through the portal's test identity providers."""
import pytest
from django.urls import reverse

from tests.spid.flow import auto_form, idp_answer, idp_entity, sign_in, start
from tsf.accounts.models import User

pytestmark = pytest.mark.django_db


def test_first_spid_sign_in_creates_the_account_with_the_identity(client):
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == reverse("spid:complete")
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "Mario Rossi" in text and "RSSMRA80A01L219M" in text
    response = client.post(reverse("spid:complete"), {"email": "mario.rossi@example.org", "accept": "on"})
    assert response.status_code == 302
    user = User.objects.get(fiscal_code="RSSMRA80A01L219M")
    assert user.fiscal_code_verified and user.full_name == "Mario Rossi" and user.email == "mario.rossi@example.org"
    assert user.has_role("promoter")
    my_area = client.get(reverse("accounts:my_area"))
    assert my_area.status_code == 200 and "Mario Rossi" in my_area.content.decode()


def test_a_known_codice_fiscale_signs_in_directly_with_cie(client, make_user):
    user = make_user("giulia@example.org", roles=["promoter"], full_name="Giulia Bianchi",
                     fiscal_code="BNCGLI85M41L219Q")
    response = sign_in(client, provider="cie", citizen="giulia")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:my_area")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session["tsf_spid"]["provider"] == "cie"
    user.refresh_from_db()
    assert user.fiscal_code_verified


def test_an_email_account_links_spid_after_its_password(client, make_user):
    from tests.conftest import PASSWORD

    user = make_user("mario.rossi@example.org", roles=["promoter"], full_name="Mario Rossi", password=PASSWORD)
    sign_in(client)
    page = client.get(reverse("spid:complete"))
    assert "mario.rossi@example.org" in page.content.decode()
    wrong = client.post(reverse("spid:complete"), {"password": "not-it"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(reverse("spid:complete"), {"password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.fiscal_code == "RSSMRA80A01L219M" and user.fiscal_code_verified
    assert int(client.session["_auth_user_id"]) == user.pk


def test_the_authn_request_is_signed_and_asks_spid_level_2(client):
    import base64

    response = client.get(reverse("spid:login") + "?idp=" + idp_entity())
    path, fields = auto_form(response)
    xml = base64.b64decode(fields["SAMLRequest"]).decode()
    assert "<ds:Signature" in xml or ":Signature" in xml
    assert "https://www.spid.gov.it/SpidL2" in xml and 'Comparison="minimum"' in xml
    assert 'ForceAuthn="true"' in xml and 'AttributeConsumingServiceIndex="0"' in xml
    assert "NameQualifier=" in xml
    assert "form-action 'self' http://testserver" in response["Content-Security-Policy"]


def test_cancel_at_the_idp_shows_a_clear_page_and_signs_nobody_in(client):
    page = idp_answer(client, start(client), cancel=True)
    path, fields = auto_form(page)
    response = client.post(path, fields)
    assert response.status_code == 403
    assert "annullat" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_response_used_twice_is_refused(client, make_user):
    make_user("m@example.org", roles=["promoter"], fiscal_code="RSSMRA80A01L219M")
    page = idp_answer(client, start(client))
    path, fields = auto_form(page)
    assert client.post(path, fields).status_code == 302
    client.logout()
    again = client.post(path, fields)
    assert again.status_code in (400, 403) and "_auth_user_id" not in client.session


def test_a_level_lower_than_asked_is_refused(client, make_user):
    make_user("m@example.org", roles=["promoter"], fiscal_code="RSSMRA80A01L219M")
    response = sign_in(client, level=1)
    assert response.status_code == 400
    assert "livello" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


def test_metadata_has_the_spid_public_extensions(client):
    xml = client.get(reverse("spid:metadata")).content.decode()
    assert "c_l219" in xml and "spid:Public" in xml and 'AuthnRequestsSigned="true"' in xml
    assert "fiscalNumber" in xml and "Signature" in xml
    cie = client.get(reverse("spid:cie_metadata")).content.decode()
    assert "cie:Municipality" in cie or "Municipality" in cie


def _leave(client):
    """The header's "Esci": where it sends the person, the identity provider (a LogoutRequest, single
    logout) or, for a session that did not sign in with SPID/CIE, straight back to the portal."""
    response = client.post(reverse("spid:logout"))
    assert response.status_code == 302
    if "/test-idp/" in response["Location"]:
        assert "SAMLRequest=" in response["Location"]
        return "identity provider"
    return "local"


@pytest.mark.parametrize("first", [True, False])
def test_leaving_after_a_spid_sign_in_goes_through_the_identity_provider(client, make_user, first):
    if first:  # the account made from the identity, in the same visit
        sign_in(client)
        client.post(reverse("spid:complete"), {"email": "mario.rossi@example.org", "accept": "on"})
    else:
        make_user("giulia@example.org", roles=["promoter"], fiscal_code="BNCGLI85M41L219Q")
        sign_in(client, provider="cie", citizen="giulia")
    assert "_auth_user_id" in client.session
    assert _leave(client) == "identity provider"
    assert "_auth_user_id" not in client.session


def test_leaving_after_a_password_sign_in_is_immediate(client, make_user):
    from tests.conftest import PASSWORD

    person = make_user("plain@example.org", roles=["promoter"], password=PASSWORD)
    client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert "_auth_user_id" in client.session
    assert _leave(client) == "local" and "_auth_user_id" not in client.session
