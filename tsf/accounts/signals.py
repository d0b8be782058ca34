from allauth.account.signals import user_signed_up
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver

from .models import Role
from .permissions import record_two_factor_used
from .services import grant_role


@receiver(user_signed_up)
def new_people_are_promoters(sender, request, user, **kwargs):
    """Whoever signs up may write proposals; staff grant the other roles."""
    grant_role(user, Role.PROMOTER)


@receiver(authenticator_added)
def enrolling_totp_counts_as_using_it(sender, request, user, authenticator, **kwargs):
    """Setting up TOTP means typing a valid code: this session has used two factors (so a staff
    member or assessor can go on to their pages without signing in again)."""
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_two_factor_used(request.session, user)
