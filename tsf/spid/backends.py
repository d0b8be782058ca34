"""The authentication backend through which djangosaml2's assertion consumer service signs in the person
that tsf.spid.views resolved from the identity provider's answer (tsf.spid.services.resolve).

djangosaml2's public `authenticate_user` signs in whoever `django.contrib.auth.authenticate` returns for
the answer and keeps the SAML subject for single logout; this backend returns the person the view put on
the request for it, and nobody else: it never answers a password or any other credentials."""
from tsf.accounts.backends import ModelBackend

RESOLVED_USER_ATTRIBUTE = "tsf_spid_user"


class SpidBackend(ModelBackend):
    def authenticate(self, request, session_info=None, **kwargs):
        if request is None or session_info is None:
            return None
        user = getattr(request, RESOLVED_USER_ATTRIBUTE, None)
        return user if user is not None and self.user_can_authenticate(user) else None
