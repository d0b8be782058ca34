"""A person who signed up with SPID/CIE has no password: before a sensitive action (here, closing the
account) they confirm who they are by signing in again with their identity, and the action goes on;
another person's identity confirms nothing."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from tests.spid.flow import idp_answer, sign_in
from tsf.accounts.models import User

pytestmark = pytest.mark.django_db


def _spid_account(client):
    response = sign_in(client)  # Mario Rossi, first sign-in: the account is created from the identity
    client.post(response["Location"], {"email": "mario.rossi@example.org", "accept": "on"})
    user = User.objects.get(fiscal_code="RSSMRA80A01L219M")
    assert not user.has_usable_password() and user.fiscal_code_verified
    return user


def _later():
    """Ten minutes after signing in: a sensitive action asks again who the person is."""
    return freeze_time(timezone.now() + datetime.timedelta(minutes=10), tick=True)


def _confirm(client, page, citizen):
    """From the "confirm it is you" page: the SPID button of the test identity provider, its citizen."""
    from tests.spid.flow import auto_form

    html = page.content.decode()
    start = html.index('href="/spid/login/?idp=')
    link = html[start + 6:html.index('"', start + 6)].replace("&amp;", "&")
    assert "reauth=1" in link and "next=" in link
    request_page = client.get(link)
    path, fields = auto_form(request_page)
    answer = idp_answer(client, client.post(path, fields), citizen=citizen)
    path, fields = auto_form(answer)
    return client.post(path, fields)


def test_a_spid_account_confirms_with_spid_before_closing_and_the_page_goes_on(client):
    user = _spid_account(client)
    url = reverse("privacy:close_account")
    with _later():
        _confirm_and_go_on(client, user, url)


def _confirm_and_go_on(client, user, url):
    assert client.get(url).status_code == 200  # the page with what is kept and what is deleted
    response = client.post(url, {"confirm": "on", "note": "Grazie di tutto."})
    assert response.status_code == 302 and response["Location"].startswith(reverse("spid:reauthenticate"))
    user.refresh_from_db()
    assert user.is_active  # not yet: the person has not confirmed who they are
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "SPID" in page.content.decode() and "CIE" in page.content.decode()
    back = _confirm(client, page, "mario")
    assert back.status_code == 302 and back["Location"].startswith(reverse("spid:reauthenticated"))
    resumed = client.get(back["Location"])  # what was asked is carried out: the account is closed
    assert resumed.status_code == 302
    user.refresh_from_db()
    assert not user.is_active and user.fiscal_code is None


def test_another_persons_identity_confirms_nothing(client):
    _spid_account(client)
    url = reverse("privacy:close_account")
    with _later():
        _another_identity(client, url)


def _another_identity(client, url):
    page = client.get(client.post(url, {"confirm": "on"})["Location"])
    refused = _confirm(client, page, "giulia")  # another citizen at the identity provider
    assert refused.status_code == 403
    assert "non è quella collegata" in refused.content.decode() or "not the one linked" in refused.content.decode()
    assert client.post(url, {"confirm": "on"}).status_code == 302  # still not confirmed: asked again
    assert User.objects.get(fiscal_code="RSSMRA80A01L219M").is_active
