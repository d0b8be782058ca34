"""allauth adapter: allauth's e-mails (verification, password reset, security notices) go through
the outbox, in the recipient's language, so that they are never lost when the mail server is down;
after signing in, a person reads the portal in their preferred language."""
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tsf.core.i18n import language_of, translate_to


def _recipient(email, context):
    """The account an allauth e-mail goes to: the context's user, else the address's owner."""
    user = context.get("user")
    if getattr(user, "pk", None):
        return user
    from .models import User

    return User.objects.filter(email__iexact=email).first() if email else None


def lockout_minutes() -> int:
    """How long the per-account limit of failed sign-ins lasts, in whole minutes (at least 1)."""
    from .allauth_internals import minutes, rate_limit_seconds

    limits = settings.ACCOUNT_RATE_LIMITS if isinstance(settings.ACCOUNT_RATE_LIMITS, dict) else {}
    return minutes(rate_limit_seconds(limits.get("login_failed") or "", "key") or 300)


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

    # allauth_internals.LOGIN_ATTEMPTS_KEY_METHOD (no public hook for the key of that limit)
    def _get_login_attempts_cache_key(self, request, **credentials):
        """Failed sign-ins are counted per account AND client address (ACCOUNT_RATE_LIMITS
        "login_failed"): guessing passwords from one address is stopped, but nobody elsewhere can lock
        a named person (a staff member) out of their account by failing on purpose."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{self.get_client_ip(request)}"

    def validation_error(self, code, *args):
        if code == "too_many_login_attempts":
            from django.core.exceptions import ValidationError

            minutes = lockout_minutes()
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


def confirmed_with_identity(request) -> bool:
    """This person (no password: signed up with SPID/CIE) confirmed who they are with their digital
    identity less than ACCOUNT_REAUTHENTICATION_TIMEOUT seconds ago."""
    import time

    from allauth.account.authentication import get_authentication_records

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.has_usable_password():
        return False
    records = [r for r in get_authentication_records(request, user)
               if r.get("method") == "spid" and r.get("reauthenticated")]
    return bool(records) and time.time() - records[-1]["at"] < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
