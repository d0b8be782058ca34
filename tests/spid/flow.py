"""Signing in through the portal's test identity providers with Django's test client, as a browser
would: the AuthnRequest page posts itself to the IdP, the IdP's page to the portal's ACS."""
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from django.urls import reverse

from tsf.spid import testidp
from tsf.spid.conf import CIE, SPID


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}, "auto": "data-autosubmit" in attrs})
        elif tag == "input" and self.forms and attrs.get("name") and attrs.get("type") in ("hidden", None, "text"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value", "")


def forms_of(response):
    parser = _Forms()
    parser.feed(response.content.decode())
    return parser.forms


def auto_form(response):
    """The self-posting form of a SAML HTTP-POST page: (path, fields)."""
    assert response.status_code == 200, response.content[:500]
    form = next(f for f in forms_of(response) if f["auto"])
    return urlsplit(form["action"]).path, form["fields"]


def idp_entity(provider=SPID):
    return "http://testserver" + reverse("spid:test_idp_metadata", args=[provider])


def start(client, provider=SPID, next_url=""):
    """The AuthnRequest page, then the test IdP's page: the IdP's response (its citizen form)."""
    query = {"idp": idp_entity(provider)}
    if next_url:
        query["next"] = next_url
    response = client.get(reverse("spid:login") + "?" + urlencode(query))
    path, fields = auto_form(response)
    return client.post(path, fields)


def idp_answer(client, idp_page, citizen="mario", level=2, cancel=False):
    """The test citizen chosen on the IdP's page: the page that posts the Response to the ACS."""
    form = next(f for f in forms_of(idp_page) if "request_token" in f["fields"])
    data = {"citizen": citizen, "level": level, "request_token": form["fields"]["request_token"]}
    if cancel:
        data["cancel"] = "1"
    provider = CIE if "/cie/" in form["action"] else SPID
    return client.post(reverse("spid:test_idp_confirm", args=[provider]), data)


def sign_in(client, provider=SPID, citizen="mario", level=2, next_url=""):
    """The whole round trip; returns the ACS's answer."""
    page = idp_answer(client, start(client, provider, next_url), citizen=citizen, level=level)
    path, fields = auto_form(page)
    return client.post(path, fields)


__all__ = ["testidp"]
