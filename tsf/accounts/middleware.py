"""The two-factor gate, per request (right after Django's AuthenticationMiddleware).

The signed-in person of each request is marked with whether this session used TOTP
(`User.session_mfa`): without it the roles that require two-factor authentication
(settings.TSF_MFA_REQUIRED_ROLES) are left out of `user.roles`, so every rule, page, file, export
and service that asks for them refuses. Such a person who meets a refusal (403 or 404) is sent to set
up TOTP, or to enter a code for this session, with a message, instead of the bare refusal.
"""
from django.conf import settings
from django.contrib.auth.middleware import get_user
from django.utils.functional import SimpleLazyObject

from .permissions import session_used_mfa, two_factor_redirect


def _marked_user(request):
    user = get_user(request)
    if user.is_authenticated and getattr(user, "session_mfa", None) is None:
        user.session_mfa = session_used_mfa(request, user)
    return user


class TwoFactorGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if hasattr(request, "user"):
            request.user = SimpleLazyObject(lambda: _marked_user(request))
        response = self.get_response(request)
        if response.status_code in (403, 404) and self._gated(request):
            return two_factor_redirect(request)
        return response

    @staticmethod
    def _gated(request):
        if request.path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            return False
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated and user.is_active and user.gated_roles)
