"""What the newsletter tells the privacy app (tsf.privacy.registry): the subscription is the newsletter
consent (one record), its place in "my data", in closing an account and in the retention schedule."""
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsf.privacy import registry
from tsf.privacy.own import CONSENT
from tsf.privacy.registry import PlanItem, RecordKind

from . import services
from .models import Subscriber

registry.consent_source("newsletter", get=services.is_subscribed, set=services.set_account_consent)


def _of(user):
    return Subscriber.objects.filter(Q(user=user) | Q(email__iexact=user.email))


def purge_unconfirmed(cutoff) -> int:
    """Subscriptions asked for and never confirmed: deleted."""
    return Subscriber.objects.filter(status=Subscriber.Status.PENDING, created_at__lt=cutoff).delete()[0]


def purge_unsubscribed(cutoff) -> int:
    """Withdrawn subscriptions (kept for a while as proof of the withdrawal): deleted."""
    return Subscriber.objects.filter(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at__lt=cutoff).delete()[0]


registry.register_kind(RecordKind(
    "newsletter_unconfirmed", _("Newsletter subscriptions never confirmed"), _("e-mail address, language"),
    _("sending the confirmation of a newsletter subscription"), CONSENT, 30,
    _("deleted (counted from the request)"), purge_unconfirmed, order=60))
registry.register_kind(RecordKind(
    "newsletter_withdrawn", _("Withdrawn newsletter subscriptions"), _("e-mail address, dates of consent and withdrawal"),
    _("proving that a consent was withdrawn, and honouring it"), CONSENT, 365,
    _("deleted (counted from the withdrawal)"), purge_unsubscribed, order=61))


def _dt(value):
    return timezone.localtime(value).isoformat() if value else None


@registry.section("newsletter", _("Newsletter"), order=60)
def newsletter_section(user):
    return {"rows": [{"email": s.email, "status": str(s.get_status_display()), "asked_at": _dt(s.created_at),
                      "confirmed_at": _dt(s.confirmed_at), "unsubscribed_at": _dt(s.unsubscribed_at),
                      "issues_received": s.deliveries.count()} for s in _of(user)]}


def _plan(user):
    return [PlanItem(_("Your newsletter subscription"), "delete", count=_of(user).count())]


@registry.erasure("newsletter", plan=_plan, order=0)
def erase_newsletter(user, pseudonym):
    return {"newsletter": _of(user).delete()[0]}
