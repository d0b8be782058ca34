"""Role checks for views, done on the server for every request.

Staff and assessors must use two-factor authentication (TOTP) before their roles give them anything:
the gate itself is in `User.roles` (a role of settings.TSF_MFA_REQUIRED_ROLES is left out of the
roles of a request whose session did not use TOTP; see tsf.accounts.middleware), so every rule,
page, file, export and service refuses. Here, a page of such a role sends the person to set up
TOTP, or to confirm it for this session, with a message, instead of a bare refusal.
"""
from functools import wraps
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


def has_mfa(user) -> bool:
    """Whether the person has TOTP enrolled (read with the signed-in person by the backend)."""
    from allauth.mfa.models import Authenticator

    cached = getattr(user, "_tsf_has_mfa", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._tsf_has_mfa = cached
    return cached


def session_used_spid(request, user) -> bool:
    """Whether this session signed in with SPID or CIE, at SPID_SECOND_FACTOR_LEVEL (2) or higher, as the
    person whose verified codice fiscale is on the account (tsf.spid records it in the session). SPID level
    2 is itself two-factor (password and a one-time code or app, by the identity provider), so it counts
    as the portal's second factor for staff and assessors."""
    from django.conf import settings

    record = request.session.get("tsf_spid") or {}
    return bool(
        record and int(record.get("level") or 0) >= settings.SPID_SECOND_FACTOR_LEVEL
        and user.fiscal_code_verified and record.get("fiscal_code") == user.fiscal_code)


# The portal's own record that this session's person used their authenticator outside allauth's login and
# re-authentication steps, which allauth records itself: enrolling TOTP means typing a valid code.
TWO_FACTOR_SESSION_KEY = "tsf_two_factor"


def record_two_factor_used(session, user) -> None:
    """Write in the session that its person has just used their authenticator (tsf.accounts.signals, when
    TOTP is enrolled)."""
    session[TWO_FACTOR_SESSION_KEY] = str(user.pk)


def session_used_mfa(request, user) -> bool:
    """Whether this session's person has TOTP enrolled and used it (at login, on enrolment or to
    confirm their identity) in this session: allauth records its login and re-authentication steps in
    the session (read with its public `get_authentication_records`), the portal records enrolment
    (record_two_factor_used); or signed in with SPID/CIE at level 2 or higher (session_used_spid)."""
    if session_used_spid(request, user):
        return True
    if not has_mfa(user):
        return False
    if request.session.get(TWO_FACTOR_SESSION_KEY) == str(user.pk):
        return True
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def needs_mfa(user, roles) -> bool:
    """Whether some of `roles`, held by the person, are waiting for two-factor authentication."""
    return bool(set(user.gated_roles).intersection(roles))


def two_factor_redirect(request):
    """Send a person whose role waits for two-factor authentication to set it up (no TOTP yet) or to
    confirm it for this session, then back to the page they asked for."""
    user = request.user
    next_url = request.get_full_path() if request.method == "GET" else ""
    if has_mfa(user):
        messages.warning(request, _(
            "Your role requires two-factor authentication in this session: enter your password and the code "
            "from your authenticator app to continue."))
        url = reverse("mfa_reauthenticate")
        if next_url:
            url += "?" + urlencode({"next": next_url})
    else:
        messages.warning(request, _(
            "To protect the programme's data, set up two-factor authentication before you continue."))
        url = reverse("mfa_activate_totp")
    return redirect(url)


def check_roles(request, roles):
    """None if the user may go on; otherwise the response to send (login, MFA set-up) or raise 403."""
    user = request.user
    if not user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not user.has_role(*roles):
        if user.is_active and needs_mfa(user, roles):
            return two_factor_redirect(request)
        raise PermissionDenied(_("This page is reserved to: %(roles)s.") % {"roles": ", ".join(roles)})
    return None


def role_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = check_roles(request, roles)
            if response is not None:
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleRequiredMixin(AccessMixin):
    required_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        response = check_roles(request, self.required_roles)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)


class StaffRequiredMixin(RoleRequiredMixin):
    required_roles = ("staff",)


staff_required = role_required("staff")


def _refuse(actor, message, allowed, error=PermissionDenied):
    """Raise `error` with `message`; or, when the actor's roles waiting for two-factor
    authentication would allow it (`allowed()` asked as if the session had used TOTP), say so."""
    if actor is not None and getattr(actor, "gated_roles", None):
        actor.session_mfa = True
        try:
            would = allowed()
        finally:
            actor.session_mfa = False
        if would:
            message = _("This action needs two-factor authentication in this session: enter your password and "
                        "the code from your authenticator app first.")
    raise error(message)


def require_role(actor, *roles):
    """For services: refuse an actor who may not use any of `roles` now. A role waiting for two-factor
    authentication in the actor's session gives nothing here either (the actor is request.user)."""
    if actor is None or not actor.is_authenticated or not actor.has_role(*roles):
        _refuse(actor, _("This action is reserved to: %(roles)s.") % {"roles": ", ".join(roles)},
                lambda: actor.has_role(*roles))


def require_perm(actor, perm, obj=None, message=None, *, error=PermissionDenied):
    """For services: refuse an actor to whom the rule the pages ask (`perm`, django-rules, on `obj`)
    says no; like the pages, a role waiting for two-factor authentication in the actor's session gives
    nothing. Every privileged service starts with this or `require_role` (one way, everywhere); `error`
    is the app's own refusal where its pages show it as a message (e.g. incubation's LabError)."""
    if actor is None or not actor.is_authenticated or not actor.has_perm(perm, obj):
        _refuse(actor, message or _("You are not allowed to do this."), lambda: actor.has_perm(perm, obj), error)
