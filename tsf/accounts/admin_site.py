"""The Django admin behind the portal's own sign-in and two-factor gate.

- Signing in happens only on allauth's login page (rate limits, TOTP step): the admin's own login
  page sends there, and back to the admin afterwards.
- The admin opens only to an active `is_staff` account whose session used TOTP (the same record
  as the portal's roles, `User.session_mfa`); such an account without it is sent to set TOTP up or
  to enter a code; anyone else signed in gets 403.
- TOTP secrets and recovery codes are never shown (allauth's Authenticator admin is replaced by
  one without their data).
- `ADMIN_ENABLED` (on with DEBUG, off otherwise) removes the admin's URLs altogether (tsf/urls.py).
"""
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and getattr(request.user, "session_mfa", None) is True

    def login(self, request, extra_context=None):
        from .permissions import two_factor_redirect

        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            next_url = reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return redirect(reverse("account_login") + "?" + urlencode({"next": next_url}))
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not self.has_permission(request):
            return two_factor_redirect(request)
        return redirect(next_url)


class PortalAdminConfig(AdminConfig):
    default_site = "tsf.accounts.admin_site.PortalAdminSite"
