"""The portal's own test identity providers (one for SPID, one for CIE), served under /test-idp/ only
where SPID_TEST_IDP is on (the demo of `make run`, the tests; off in production, and then their
URLs do not exist). They are real SAML2 identity providers made with pysaml2: they check the
signature of the portal's AuthnRequest against its metadata, and answer with a signed assertion
for the test citizen chosen on their page, so the portal's service provider is exercised end to end
without contacting a real identity provider.
"""
import functools
from pathlib import Path

import saml2
from django import forms
from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.s_utils import rndstr
from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_TRANSIENT, NameID
from saml2.server import Server
from saml2.sigver import get_xmlsec_binary

from . import certs, conf

# The test citizens (their codici fiscali have a correct check character). The third represents the
# demo's first organisation.
CITIZENS = {
    "mario": {"name": "Mario", "familyName": "Rossi", "fiscalNumber": "TINIT-RSSMRA80A01L219M",
              "email": "mario.rossi@example.org"},
    "giulia": {"name": "Giulia", "familyName": "Bianchi", "fiscalNumber": "TINIT-BNCGLI85M41L219Q",
               "email": "giulia.bianchi@example.org"},
    "anna": {"name": "Anna", "familyName": "Verdi", "fiscalNumber": "TINIT-VRDNNA75C45L219T",
             "email": "anna.verdi@example.org", "companyFiscalNumber": "VATIT-97654320018"},
}
SESSION_KEY = "tsf_test_idp_requests"


def _require_enabled(provider):
    if not settings.SPID_TEST_IDP or provider not in (conf.SPID, conf.CIE):
        raise Http404


def entity_id(provider, request=None) -> str:
    return conf.base_url(request) + reverse("spid:test_idp_metadata", args=[provider])


def _keypair():
    return certs.ensure_certificate(
        conf.cert_dir(), "test-idp", common_name="Test IdP", entity_id="https://test-idp.invalid/",
        org_name="Torino Social Factory (test)", ipa_code="tsf_test", locality="Torino", key_size=2048)


def _config(provider, request=None, *, with_sp=True) -> IdPConfig:
    base = conf.base_url(request)
    pair = _keypair()
    sso = base + reverse("spid:test_idp_sso", args=[provider])
    slo = base + reverse("spid:test_idp_slo", args=[provider])
    config = {
        "entityid": entity_id(provider, request),
        "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
        "attribute_map_dir": str(Path(conf.__file__).parent / "attribute_maps"),
        "service": {"idp": {
            "name": f"{provider.upper()} Test IdP",
            "endpoints": {
                "single_sign_on_service": [(sso, saml2.BINDING_HTTP_POST), (sso, saml2.BINDING_HTTP_REDIRECT)],
                "single_logout_service": [(slo, saml2.BINDING_HTTP_POST), (slo, saml2.BINDING_HTTP_REDIRECT)],
            },
            "name_id_format": [NAMEID_FORMAT_TRANSIENT],
            "want_authn_requests_signed": True,
            "sign_response": True,
            "sign_assertion": True,
            "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None,
                                   "name_form": NAME_FORMAT_BASIC}},
        }},
        "key_file": str(pair.key),
        "cert_file": str(pair.cert),
        "organization": {"name": [(f"{provider.upper()} Test IdP", "it")],
                         "display_name": [(f"{provider.upper()} Test IdP", "it")],
                         "url": [(base + "/", "it")]},
        "accepted_time_diff": 60,
    }
    if with_sp:
        config["metadata"] = {"inline": [_sp_metadata(base, conf._files_state())]}
    idp_conf = IdPConfig()
    idp_conf.load(config)
    return idp_conf


@functools.lru_cache(maxsize=8)
def _sp_metadata(base, state):
    from .metadata import sp_metadata_xml

    return sp_metadata_xml(conf._Address(base), conf.SPID)


def _server(provider, request) -> Server:
    return _kept_server(provider, conf.base_url(request), conf._files_state())


@functools.lru_cache(maxsize=8)
def _kept_server(provider, base, state) -> Server:
    return Server(config=_config(provider, conf._Address(base)))


def metadata_xml(provider, request=None) -> str:
    return _metadata_xml(provider, conf.base_url(request), conf._files_state())


@functools.lru_cache(maxsize=8)
def _metadata_xml(provider, base, state) -> str:
    return create_metadata_string(None, _config(provider, conf._Address(base), with_sp=False), valid=None).decode()


def metadata(request, provider):
    _require_enabled(provider)
    return HttpResponse(metadata_xml(provider, request), content_type="application/samlmetadata+xml")


class CitizenForm(forms.Form):
    citizen = forms.ChoiceField(label=_("Test citizen"), widget=forms.RadioSelect, choices=[
        (key, f"{c['name']} {c['familyName']} ({c['fiscalNumber'][6:]})") for key, c in CITIZENS.items()])
    level = forms.TypedChoiceField(label=_("Level"), coerce=int, choices=[(1, "SpidL1"), (2, "SpidL2"), (3, "SpidL3")],
                                   initial=2)
    request_token = forms.CharField(widget=forms.HiddenInput)


@csrf_exempt
def sso(request, provider):
    """The AuthnRequest arrives (HTTP-POST or HTTP-Redirect): checked, kept in the session, and the
    page asks which test citizen signs in."""
    _require_enabled(provider)
    data = request.POST if request.method == "POST" else request.GET
    if "SAMLRequest" not in data:
        raise BadRequest("SAMLRequest missing")
    binding = saml2.BINDING_HTTP_POST if request.method == "POST" else saml2.BINDING_HTTP_REDIRECT
    server = _server(provider, request)
    try:
        parsed = server.parse_authn_request(data["SAMLRequest"], binding)
    except Exception as exc:  # noqa: BLE001 - any malformed or unsigned request gets the same answer
        return render(request, "spid/test_idp_error.html", {"error": str(exc)[:500]}, status=400)
    message = parsed.message
    if binding == saml2.BINDING_HTTP_POST and message.signature is None:
        return render(request, "spid/test_idp_error.html", {"error": "AuthnRequest not signed"}, status=400)
    requested = message.requested_authn_context
    level = 2
    if requested is not None and requested.authn_context_class_ref:
        text = requested.authn_context_class_ref[0].text
        level = next((n for n, ref in conf.LEVELS.items() if ref == text), 2)
    token = rndstr(24)
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {"id": message.id, "sp": message.issuer.text, "acs": message.assertion_consumer_service_url,
                      "relay_state": data.get("RelayState", ""), "level": level}
    request.session[SESSION_KEY] = dict(list(pending.items())[-5:])
    form = CitizenForm(initial={"request_token": token, "level": level})
    return render(request, "spid/test_idp_login.html", {"form": form, "provider": provider, "sp": message.issuer.text,
                                                        "action": reverse("spid:test_idp_confirm", args=[provider])})


def confirm(request, provider):
    """The test citizen chosen (or "Cancel"): the signed Response, posted to the portal's ACS."""
    _require_enabled(provider)
    if request.method != "POST":
        raise Http404
    form = CitizenForm(request.POST)
    pending = request.session.get(SESSION_KEY, {})
    token = request.POST.get("request_token", "")
    if token not in pending:
        return render(request, "spid/test_idp_error.html", {"error": _("This sign-in request has expired.")},
                      status=400)
    authn_request = pending.pop(token)
    request.session[SESSION_KEY] = pending
    server = _server(provider, request)
    idp_entity = entity_id(provider, request)
    if "cancel" in request.POST or not form.is_valid():
        response = server.create_error_response(
            authn_request["id"], authn_request["acs"],
            (saml2.samlp.STATUS_AUTHN_FAILED, "ErrorCode nr22"), sign=True)
    else:
        citizen = dict(CITIZENS[form.cleaned_data["citizen"]])
        if provider == conf.CIE:  # CIE gives name, family name and codice fiscale only
            citizen = {k: v for k, v in citizen.items() if k in conf.CIE_ATTRIBUTES}
        identity = {name: [value] for name, value in citizen.items()}
        name_id = NameID(format=NAMEID_FORMAT_TRANSIENT, name_qualifier=idp_entity, text=rndstr(32))
        level = form.cleaned_data["level"] if provider == conf.SPID else 3
        response = server.create_authn_response(
            identity, authn_request["id"], authn_request["acs"], authn_request["sp"], name_id=name_id,
            authn={"class_ref": conf.LEVELS[level], "authn_auth": idp_entity},
            sign_response=True, sign_assertion=True)
    info = server.apply_binding(saml2.BINDING_HTTP_POST, str(response), authn_request["acs"],
                                authn_request["relay_state"], response=True)
    return render(request, "spid/post_form.html", _post_form_context(info))


def _post_form_context(info):
    """pysaml2's HTTP-POST binding as a form the page posts by itself (static/js/autosubmit.js)."""
    from html.parser import HTMLParser

    fields, action = {}, {"url": ""}

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form":
                action["url"] = attrs.get("action", "")
            elif tag == "input" and attrs.get("type") == "hidden":
                fields[attrs["name"]] = attrs.get("value", "")

    Parser().feed(info["data"])
    return {"target_url": action["url"], "params": fields}


@csrf_exempt
def slo(request, provider):
    """A LogoutRequest from the portal: answered with a signed LogoutResponse (Success)."""
    _require_enabled(provider)
    data = request.POST if request.method == "POST" else request.GET
    if "SAMLRequest" not in data:
        raise BadRequest("SAMLRequest missing")
    binding = saml2.BINDING_HTTP_POST if request.method == "POST" else saml2.BINDING_HTTP_REDIRECT
    server = _server(provider, request)
    try:
        parsed = server.parse_logout_request(data["SAMLRequest"], binding)
    except Exception as exc:  # noqa: BLE001
        return render(request, "spid/test_idp_error.html", {"error": str(exc)[:500]}, status=400)
    response = server.create_logout_response(parsed.message, [saml2.BINDING_HTTP_POST], sign=True)
    destination = server.metadata.single_logout_service(parsed.message.issuer.text, saml2.BINDING_HTTP_POST,
                                                        "spsso")[0]["location"]
    info = server.apply_binding(saml2.BINDING_HTTP_POST, str(response), destination, data.get("RelayState", ""),
                                response=True)
    return render(request, "spid/post_form.html", _post_form_context(info))
