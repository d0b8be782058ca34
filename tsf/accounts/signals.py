from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from .models import Role
from .services import grant_role


@receiver(user_signed_up)
def new_people_are_promoters(sender, request, user, **kwargs):
    """Whoever signs up may write proposals; staff grant the other roles."""
    grant_role(user, Role.PROMOTER)
