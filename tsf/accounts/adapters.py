"""allauth adapter: allauth's e-mails (verification, password reset, security notices) go through
the outbox, in the recipient's language, so that they are never lost when the mail server is down;
after signing in, a person reads the portal in their preferred language."""
import math
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

from tsf.core.i18n import language_of, translate_to


def _recipient(email, context):
    """The account an allauth e-mail goes to: the context's user, else the address's owner."""
    user = context.get("user")
    if getattr(user, "pk", None):
        return user
    from .models import User

    return User.objects.filter(email__iexact=email).first() if email else None


# Failed sign-ins per account AND client address (django-ratelimit, in the portal's cache; the address read
# by allauth's adapter, so TRUSTED_PROXY_COUNT applies): guessing passwords from one address is stopped,
# but nobody elsewhere can lock a named person (a staff member) out of their account by failing on
# purpose. allauth's own "login_failed" limit (ACCOUNT_RATE_LIMITS) counts per address only.
LOGIN_FAILED_GROUP = "tsf.accounts.login_failed"


def _login_failed_rate() -> str:
    return f"{settings.TSF_LOGIN_FAILED_LIMIT}/{settings.TSF_LOGIN_FAILED_MINUTES}m"


def lockout_minutes() -> int:
    """How long the limit of failed sign-ins per account and address lasts, in whole minutes (at least 1)."""
    return max(1, settings.TSF_LOGIN_FAILED_MINUTES)


def failed_sign_ins(adapter, request, credentials, *, count_one=False):
    """The failed sign-ins for this account from the client's address in the current window (counting
    one more when `count_one`), as django-ratelimit's usage (None when rate limiting is off)."""
    login = str(credentials.get("email") or credentials.get("username") or "").lower()
    address = adapter.get_client_ip(request)
    return get_usage(request, group=LOGIN_FAILED_GROUP, key=lambda group, req: f"{login}:{address}",
                     rate=_login_failed_rate(), increment=count_one)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        from tsf.notifications.outbox import queue_email

        request = allauth_context.request
        user = _recipient(email, context)
        lang = language_of(user) if user else (translation.get_language() or settings.LANGUAGE_CODE)
        # the links (confirmation, password reset) lead to the pages in the recipient's language
        links = {k: translate_to(v, lang) for k, v in context.items() if k.endswith("_url") and isinstance(v, str)}
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context, **links}
        with translation.override(lang):
            msg = self.render_mail(template_prefix, email, ctx)
        html = ""
        for content, mimetype in getattr(msg, "alternatives", []):
            if mimetype == "text/html":
                html = content
        queue_email(
            email,
            msg.subject,
            msg.body,
            html,
            event=template_prefix.rsplit("/", 1)[-1],
            recipient=user,
        )

    def pre_authenticate(self, request, **credentials):
        """Refuse the sign-in while this account is locked out from this address (failed_sign_ins)."""
        usage = failed_sign_ins(self, request, credentials)
        if usage is not None and usage["count"] >= usage["limit"]:
            raise self.validation_error("too_many_login_attempts", max(1, math.ceil(usage["time_left"] / 60)))
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request, **credentials):
        super().authentication_failed(request, **credentials)
        failed_sign_ins(self, request, credentials, count_one=True)

    def validation_error(self, code, *args):
        if code == "too_many_login_attempts":
            from django.core.exceptions import ValidationError

            minutes = args[0] if args else lockout_minutes()
            return ValidationError(ngettext(
                "Too many failed sign-in attempts for this account from your connection: try again in "
                "%(minutes)s minute.",
                "Too many failed sign-in attempts for this account from your connection: try again in "
                "%(minutes)s minutes.", minutes) % {"minutes": minutes}, code=code)
        return super().validation_error(code, *args)

    def get_reauthentication_methods(self, user):
        """How a person confirms who they are before a sensitive action (allauth's re-authentication):
        with the password; a person who uses TOTP with the password and a code together, on allauth's
        two-factor page (tsf.accounts.forms.ReauthenticateForm), never with the password alone."""
        methods = super().get_reauthentication_methods(user)
        if (settings.SPID_ENABLED and getattr(user, "fiscal_code_verified", False)
                and not user.has_usable_password()):
            # Signed up with SPID/CIE, no password: they confirm by signing in again with their identity.
            from django.urls import reverse

            return [{"id": "spid", "description": _("Sign in again with SPID or CIE"),
                     "url": reverse("spid:reauthenticate")}]
        two_factor = [m for m in methods if m["id"].startswith("mfa_reauthenticate")]
        if two_factor:
            for method in two_factor:
                if method["id"] == "mfa_reauthenticate":
                    method["description"] = _("Use your password and authenticator app")
            return two_factor
        return methods

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Not again for a few minutes once a person without a password (signed up with SPID/CIE) has
        confirmed who they are by signing in again with their identity (tsf.spid.views.reauthenticate):
        allauth counts only its own methods (password, code, authenticator)."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        if required:
            from allauth.core import context

            request = context.request
            if request is not None and confirmed_with_identity(request):
                return False
        return required

    def post_login(self, request, user, **kwargs):
        """Signed in, a person reads the portal in their preferred language: the page they go to
        (my area, or the page they asked for) in that language, with allauth's "signed in" message
        in it too. The default Italian pages are where everyone arrives, so they give way to the
        preference; a person who signed in from the English pages chose English for this visit."""
        page_lang = translation.get_language() or settings.LANGUAGE_CODE
        lang = language_of(user) if page_lang == settings.LANGUAGE_CODE else page_lang
        with translation.override(lang):
            response = super().post_login(request, user, **kwargs)
        if isinstance(response, HttpResponseRedirect):
            response["Location"] = translate_to(response["Location"], lang)
        return response


class MFAAdapter(DefaultMFAAdapter):
    """Two-factor authentication cannot be turned off while a role requires it."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Your role requires two-factor authentication: it cannot be turned off. Ask the staff to "
            "remove the role first."),
    }

    def can_delete_authenticator(self, authenticator) -> bool:
        user = authenticator.user
        required = set(settings.TSF_MFA_REQUIRED_ROLES)
        return not (user.is_superuser or user.is_staff or required.intersection(user.held_roles))


# The portal's own record that a person without a password (signed up with SPID/CIE) has just confirmed
# who they are by signing in again with their digital identity (tsf.spid.views): allauth records only its
# own re-authentication methods (password, code, authenticator).
IDENTITY_CONFIRMED_SESSION_KEY = "tsf_spid_confirmed"


def record_confirmed_with_identity(request, user, provider: str, level: int) -> None:
    request.session[IDENTITY_CONFIRMED_SESSION_KEY] = {
        "user": str(user.pk), "at": time.time(), "provider": provider, "level": level}


def confirmed_with_identity(request) -> bool:
    """This person (no password: signed up with SPID/CIE) confirmed who they are with their digital
    identity less than ACCOUNT_REAUTHENTICATION_TIMEOUT seconds ago."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.has_usable_password():
        return False
    record = request.session.get(IDENTITY_CONFIRMED_SESSION_KEY) or {}
    return (record.get("user") == str(user.pk)
            and time.time() - record.get("at", 0) < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT)
