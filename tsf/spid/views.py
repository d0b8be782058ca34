"""Signing in with SPID and CIE: djangosaml2's views with the SPID rules added.

- `login`: the signed AuthnRequest (HTTP-POST, SpidL2 by default, ForceAuthn, transient NameID,
  AttributeConsumingService 0, Issuer with NameQualifier), posted to the chosen identity provider;
- `acs`: the Response, checked by pysaml2 (signature, InResponseTo one of this browser's outstanding
  requests, times, audience) and then by the SPID rules (tsf.spid.validation); an assertion is
  accepted once (replay); any failure shows a clear page, and nobody is signed in;
- `metadata` (SPID) and `cie_metadata`; `logout` (single logout through the identity provider) and
  `slo` (its answers and its own logout requests).
"""
import logging
from urllib.parse import urlencode, urlsplit

import saml2
from django import forms
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from djangosaml2 import views as saml_views
from djangosaml2.overrides import Saml2Client
from saml2.ident import code, decode
from saml2.response import StatusAuthnFailed, StatusRequestDenied, UnsolicitedResponse
from saml2.saml import NAMEID_FORMAT_ENTITY, NAMEID_FORMAT_TRANSIENT, AuthnContextClassRef, Issuer
from saml2.samlp import RequestedAuthnContext
from saml2.validate import ResponseLifetimeExceed, ToEarly

from tsf.accounts.adapters import record_confirmed_with_identity
from tsf.accounts.permissions import staff_required

from . import conf, services, validation
from .backends import RESOLVED_USER_ATTRIBUTE
from .metadata import sp_metadata_xml
from .middleware import resume
from .testidp import _post_form_context

logger = logging.getLogger(__name__)
SESSION_KEY = "tsf_spid"
REAUTH_KEY = "tsf_spid_reauth"  # a signed-in person asked to confirm who they are with SPID/CIE
# djangosaml2 signed this session in and keeps its SAML subject: leaving goes through the identity provider.
SLO_KEY = "tsf_spid_slo"
PENDING_SUBJECT_KEY = "tsf_spid_pending_subject"  # the SAML subject of an answer whose account is not made yet


def _csp_with_form_action(response, url):
    """The page that posts the AuthnRequest may post to the identity provider's address."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    response["Content-Security-Policy"] = settings.TSF_CSP.replace("form-action 'self'", f"form-action 'self' {origin}")
    return response


def _level(request) -> int:
    try:
        asked = int(request.GET.get("level", settings.SPID_LEVEL))
    except ValueError:
        asked = settings.SPID_LEVEL
    return min(max(asked, settings.SPID_LEVEL), 3)


class LoginView(saml_views.LoginView):
    post_binding_form_template = "spid/post_form.html"

    def get(self, request, *args, **kwargs):
        if not settings.SPID_ENABLED:
            raise Http404
        idp = conf.find_idp(request.GET.get("idp", ""), request)
        if idp is None:
            return choose(request)
        if request.user.is_authenticated and "link" not in request.GET and "reauth" not in request.GET:
            return redirect(settings.LOGIN_REDIRECT_URL)
        if request.user.is_authenticated and "reauth" in request.GET:
            request.session[REAUTH_KEY] = request.user.pk  # the answer confirms this person, not a new sign-in
        self.level = _level(request)
        self.entity = conf.entity_id(request)
        response = super().get(request, *args, **kwargs)
        request.saml_session["tsf_requested"] = {"idp": idp.entity_id, "level": self.level, "provider": idp.provider}
        location = Saml2Client(self.conf).sso_location(idp.entity_id, saml2.BINDING_HTTP_POST)
        return _csp_with_form_action(response, location)

    def should_prevent_auth(self, request) -> bool:
        return False

    def load_sso_kwargs(self, sso_kwargs):
        sso_kwargs.update(
            issuer=Issuer(text=self.entity, format=NAMEID_FORMAT_ENTITY, name_qualifier=self.entity),
            requested_authn_context=RequestedAuthnContext(
                authn_context_class_ref=[AuthnContextClassRef(text=conf.LEVELS[self.level])], comparison="minimum"),
            attribute_consuming_service_index="0",
            force_authn="true",
            nameid_format=NAMEID_FORMAT_TRANSIENT,
        )

    def unknown_idp(self, request, idp):
        return render(request, "spid/error.html", {"message": _("This identity provider is not known.")}, status=404)


login = LoginView.as_view()


def choose(request):
    """The identity providers of each class, for a browser without the button's menu (or a bad link)."""
    return render(request, "spid/choose.html", {
        "spid_idps": conf.identity_providers(conf.SPID, request),
        "cie_idps": conf.identity_providers(conf.CIE, request),
        "next": request.GET.get("next", "")})


def failure_message(exception) -> str:
    text = str(exception or "")
    if isinstance(exception, StatusAuthnFailed | StatusRequestDenied) or "nr22" in text or "nr25" in text:
        return _("The sign-in was cancelled at the identity provider. Nobody has been signed in.")
    if isinstance(exception, UnsolicitedResponse):
        return _("This answer from the identity provider does not match a sign-in started from this browser, "
                 "or it was already used. Nobody has been signed in: start again.")
    if isinstance(exception, ResponseLifetimeExceed | ToEarly):
        return _("The identity provider's answer has expired or is not valid yet. Nobody has been signed in: "
                 "start again.")
    return _("The identity provider's answer could not be accepted. Nobody has been signed in: start again, "
             "or sign in with your e-mail address.")


@method_decorator(saml_views.csrf_exempt, name="dispatch")
class AssertionConsumerServiceView(saml_views.AssertionConsumerServiceView):
    def custom_validation(self, response):
        requested = self.request.saml_session.get("tsf_requested") or {}
        try:
            validation.check_response(
                response, entity_id=conf.entity_id(self.request),
                acs_url=conf.base_url(self.request) + reverse("spid:acs"),
                level=requested.get("level", settings.SPID_LEVEL), idp=requested.get("idp"))
        except validation.SpidResponseError as exc:
            self._validation_error = exc.user_message
            raise

    def handle_acs_failure(self, request, exception=None, status=403, **kwargs):
        logger.info("SPID/CIE sign-in refused: %r", exception)
        if getattr(self, "_validation_error", ""):
            message = self._validation_error
        elif isinstance(exception, PermissionDenied) and str(exception):
            message = str(exception)
        else:
            message = failure_message(exception)
        return render(request, "spid/error.html", {"message": message}, status=status)

    def post(self, request, *args, **kwargs):
        if not settings.SPID_ENABLED:
            raise Http404
        return super().post(request, *args, **kwargs)

    def authenticate_user(self, request, session_info, attribute_mapping, create_unknown_user, assertion_info):
        requested = request.saml_session.get("tsf_requested") or {}
        idp = conf.find_idp(session_info.get("issuer", ""), request)
        if idp is None:
            raise PermissionDenied(_("This identity provider is not known."))
        validation.remember_assertion(assertion_info)
        identity = services.identity_from_attributes(
            session_info.get("ava") or {}, provider=idp.provider, idp=idp.entity_id,
            level=validation.level_of(session_info) or requested.get("level", settings.SPID_LEVEL))
        result = services.resolve(identity)
        if request.session.get(REAUTH_KEY) is not None and request.user.is_authenticated:
            # A signed-in person confirming who they are: the identity must be theirs.
            request.session.pop(REAUTH_KEY, None)
            if result.user is None or result.user.pk != request.user.pk:
                raise PermissionDenied(_("This digital identity is not the one linked to your account: "
                                         "nothing was confirmed."))
            user = _sign_in_with_djangosaml2(request, result.user, session_info, attribute_mapping,
                                             create_unknown_user, assertion_info)
            record_confirmed_with_identity(request, user, idp.provider, identity.level)
            self._reauthenticated = True
            self._user = user
            return user
        if result.user is not None and result.action == "login":
            user = _sign_in_with_djangosaml2(request, result.user, session_info, attribute_mapping,
                                             create_unknown_user, assertion_info)
            request.session[SESSION_KEY] = identity.session_record()
            self._user = user
            return user
        # a new person, or an account with this e-mail address to link: their page asks
        request.session[services.PENDING_KEY] = identity.as_dict()
        request.session[PENDING_SUBJECT_KEY] = code(session_info["name_id"])
        self._pending = True
        return None

    def custom_redirect(self, user, relay_state, session_info):
        if getattr(self, "_pending", False):
            return reverse("spid:complete")
        if getattr(self, "_reauthenticated", False):
            return reverse("spid:reauthenticated") + "?" + urlencode({"next": relay_state or ""})
        return None

    def build_relay_state(self):
        relay = super().build_relay_state()
        if not url_has_allowed_host_and_scheme(relay, allowed_hosts={self.request.get_host()}):
            return reverse(settings.LOGIN_REDIRECT_URL)
        return relay


acs = AssertionConsumerServiceView.as_view()


def metadata(request):
    if not settings.SPID_ENABLED:
        raise Http404
    return HttpResponse(sp_metadata_xml(request, conf.SPID), content_type="application/samlmetadata+xml")


def cie_metadata(request):
    if not settings.SPID_ENABLED:
        raise Http404
    return HttpResponse(sp_metadata_xml(request, conf.CIE), content_type="application/samlmetadata+xml")


@method_decorator(require_POST, name="dispatch")
class LogoutInitView(saml_views.LogoutInitView):
    """Leaving the portal after signing in with SPID/CIE: the LogoutRequest to the identity provider
    (a POST from the header's button, with its CSRF token)."""

    def post(self, request, *args, **kwargs):
        if not request.session.get(SLO_KEY):  # signed in with a password
            auth.logout(request)
            return redirect("home")
        response = self.get(request, *args, **kwargs)
        return _as_page(request, response)

    def handle_unsupported_slo_exception(self, request, exception, *args, **kwargs):
        messages.info(request, _("You have left the portal."))
        return redirect("home")


def _as_page(request, response):
    """pysaml2's self-posting form (an inline script, refused by the portal's CSP) as our own page."""
    body = response.content.decode() if isinstance(response, HttpResponse) else ""
    if response.status_code == 200 and "<form" in body:
        context = _post_form_context({"data": body})
        return _csp_with_form_action(render(request, "spid/post_form.html", context), context["target_url"])
    return response


logout = LogoutInitView.as_view()


class LogoutServiceView(saml_views.LogoutView):
    def do_logout_service(self, request, data, binding, *args, **kwargs):
        response = super().do_logout_service(request, data, binding, *args, **kwargs)
        if isinstance(response, HttpResponseRedirect) and response.url in ("/", settings.LOGOUT_REDIRECT_URL):
            return redirect("home")
        return _as_page(request, response)


slo = LogoutServiceView.as_view()


class CreateAccountForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), help_text=gettext_lazy(
        "Where the portal writes to you. The address sent by your identity provider is already filled in."))
    accept = forms.BooleanField(label=gettext_lazy("The data above are mine: create my account with them"))


class LinkAccountForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Password of your account"), widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


def complete(request):
    """After a first sign-in with SPID/CIE: create the account with the identity received, or link it
    to the existing account with the same e-mail address (or the signed-in one) after its password."""
    identity = services.identity_from_session(request.session.get(services.PENDING_KEY) or {})
    if identity is None:
        messages.info(request, _("Sign in with SPID or CIE first."))
        return redirect("account_login")
    result = services.resolve(identity)
    if result.action == "login":  # linked meanwhile
        return _sign_in(request, result.user, identity)
    target = request.user if request.user.is_authenticated and not request.user.fiscal_code else result.user
    if target is not None:
        form = LinkAccountForm(request.POST or None, user=target)
        if request.method == "POST" and form.is_valid():
            try:
                user = services.link_account(target, identity)
            except services.IdentityError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your account is now linked to your digital identity."))
                return _sign_in(request, user, identity)
        return render(request, "spid/complete.html", {"identity": identity, "form": form, "mode": "link",
                                                      "account": target})
    form = CreateAccountForm(request.POST or None, initial={"email": identity.email})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_account(identity, email=form.cleaned_data["email"],
                                           language=translation.get_language() or settings.LANGUAGE_CODE)
        except services.IdentityError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, _("Welcome: your account has been created."))
            return _sign_in(request, user, identity)
    return render(request, "spid/complete.html", {"identity": identity, "form": form, "mode": "create"})


def _sign_in(request, user, identity):
    request.session.pop(services.PENDING_KEY, None)
    subject = request.session.pop(PENDING_SUBJECT_KEY, None)
    if subject:
        _sign_in_with_djangosaml2(request, user, {"name_id": decode(subject)})
    else:
        auth.login(request, user, backend="tsf.accounts.backends.ModelBackend")
    request.session[SESSION_KEY] = identity.session_record()
    return redirect(settings.LOGIN_REDIRECT_URL)


def _sign_in_with_djangosaml2(request, user, session_info, attribute_mapping=None, create_unknown_user=False,
                              assertion_info=None):
    """Sign `user` in as djangosaml2 does at the end of its assertion consumer service (its public
    `authenticate_user`: Django's `login`, and the SAML subject kept for single logout), with the person
    resolved by the portal (tsf.spid.backends.SpidBackend); `session_info` holds at least the
    identity provider's `name_id`."""
    setattr(request, RESOLVED_USER_ATTRIBUTE, user)
    try:
        user = saml_views.AssertionConsumerServiceView(request=request).authenticate_user(
            request, session_info, attribute_mapping, create_unknown_user, assertion_info)
    finally:
        delattr(request, RESOLVED_USER_ATTRIBUTE)
    request.session[SLO_KEY] = True
    return user


class PolicyForm(forms.Form):
    promoters_need_spid = forms.TypedChoiceField(
        label=gettext_lazy("Promoters must sign in with SPID or CIE to submit a proposal"),
        choices=[("", gettext_lazy("As the installation's default")), ("yes", gettext_lazy("Yes")),
                 ("no", gettext_lazy("No"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v), empty_value=None, required=False,
        widget=forms.RadioSelect)


@staff_required
def policy(request):
    """Staff set the sign-in policy (tsf.spid.services.set_policy)."""
    from .models import SignInPolicy, promoters_need_spid

    current = SignInPolicy.objects.filter(pk=1).values_list("promoters_need_spid", flat=True).first()
    initial = {True: "yes", False: "no"}.get(current, "")
    form = PolicyForm(request.POST or None, initial={"promoters_need_spid": initial})
    if request.method == "POST" and form.is_valid():
        services.set_policy(by=request.user, promoters_need_spid=form.cleaned_data["promoters_need_spid"])
        messages.success(request, _("The sign-in policy has been saved."))
        return redirect("spid:policy")
    return render(request, "spid/policy.html", {
        "form": form, "in_force": promoters_need_spid(), "default": settings.SPID_REQUIRED_FOR_PROMOTERS})


@login_required
def reauthenticate(request):
    """Before a sensitive action (closing the account, changing the e-mail address...), a person who
    signed up with SPID/CIE and has no password confirms who they are by signing in again with it
    (allauth's re-authentication sends them here: tsf.accounts.adapters.get_reauthentication_methods)."""
    if not settings.SPID_ENABLED:
        raise Http404
    return render(request, "spid/reauthenticate.html", {})


@login_required
def reauthenticated(request):
    """Back from the identity provider, confirmed: what the person asked for is carried out."""
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
        return resume(request, next_url) or redirect(next_url)
    messages.success(request, _("Your identity is confirmed."))
    return redirect(settings.LOGIN_REDIRECT_URL)
