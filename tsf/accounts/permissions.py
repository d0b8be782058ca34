"""Role checks for views, done on the server for every request.

Staff and assessors must have two-factor authentication (TOTP) before they reach their pages:
without it they are sent to set it up, with a message.
"""
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    cached = getattr(user, "_tsf_has_mfa", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._tsf_has_mfa = cached
    return cached


def needs_mfa(user, roles) -> bool:
    required = set(settings.TSF_MFA_REQUIRED_ROLES).intersection(roles)
    return bool(required) and not has_mfa(user)


def check_roles(request, roles):
    """None if the user may go on; otherwise the response to send (login, MFA set-up) or raise 403."""
    user = request.user
    if not user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not user.has_role(*roles):
        raise PermissionDenied(_("This page is reserved to: %(roles)s.") % {"roles": ", ".join(roles)})
    held = [r for r in roles if r in user.roles]
    if needs_mfa(user, held):
        messages.warning(
            request,
            _("To protect the programme's data, set up two-factor authentication before you continue."),
        )
        return redirect("mfa_activate_totp")
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
