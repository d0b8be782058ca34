"""Newsletter actions. Subscribing asks for a confirmation by e-mail (double opt-in); a confirmed
subscription is the record of the person's consent, withdrawn with one click (the link in every issue,
and the List-Unsubscribe / List-Unsubscribe-Post headers for the mail program's own button). Issues go
out through the outbox in batches; no tracking of any kind (no pixels, no rewritten links)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language

from tsf.accounts.permissions import require_perm
from tsf.core import audit, versioning
from tsf.core.queue import offer
from tsf.core.sharing import site_url
from tsf.notifications.services import notify_address

from .models import Delivery, Issue, Subscriber

BATCH_SIZE = getattr(settings, "TSF_NEWSLETTER_BATCH_SIZE", 200)


def _norm(email: str) -> str:
    return email.strip().lower()


def subscription_of(user):
    """The person's subscription (the record of their consent), or None."""
    if user is None or not user.is_authenticated:
        return None
    return Subscriber.objects.filter(user=user).first() or Subscriber.objects.filter(email=_norm(user.email)).first()


def is_subscribed(user) -> bool:
    sub = subscription_of(user)
    return sub is not None and sub.status == Subscriber.Status.ACTIVE


@transaction.atomic
def subscribe(email: str, *, language: str | None = None, user=None) -> Subscriber:
    """A visitor asks to subscribe: a confirmation e-mail goes to the address, and nothing is sent
    until the link in it is followed. Asking again re-sends it; an address already subscribed is
    left as it is (no e-mail tells a stranger whether it was)."""
    email = _norm(email)
    sub, created = Subscriber.objects.select_for_update().get_or_create(
        email=email, defaults={"language": (language or get_language() or "it")[:8]})
    if not created and sub.status == Subscriber.Status.ACTIVE:
        return sub
    if user is not None and user.is_authenticated and _norm(user.email) == email and sub.user_id is None:
        sub.user = user
    sub.status = Subscriber.Status.PENDING
    sub.language = (language or get_language() or sub.language)[:8]
    sub.save()
    notify_address(sub.email, "newsletter_confirm", {"subscriber": sub}, language=sub.language,
                   url=sub.confirm_url())
    return sub


@transaction.atomic
def subscribe_account(user, *, language: str | None = None) -> Subscriber:
    """A signed-in person subscribes from their area: their address is already verified, so the
    subscription is active at once (the consent is theirs, recorded with its moment)."""
    if not user.is_authenticated:
        raise PermissionDenied
    sub = subscription_of(user)
    now = timezone.now()
    if sub is None:
        sub = Subscriber(email=_norm(user.email))
    sub.user = user
    sub.language = (language or get_language() or sub.language or "it")[:8]
    if sub.status != Subscriber.Status.ACTIVE:
        sub.status = Subscriber.Status.ACTIVE
        sub.confirmed_at = now
        sub.unsubscribed_at = None
    sub.save()
    audit.record(user, "newsletter.subscribe", sub)
    return sub


@transaction.atomic
def confirm(token: str) -> Subscriber | None:
    sub = Subscriber.objects.select_for_update().filter(token=token).first()
    if sub is None:
        return None
    if sub.status == Subscriber.Status.PENDING:
        sub.status = Subscriber.Status.ACTIVE
        sub.confirmed_at = timezone.now()
        sub.unsubscribed_at = None
        sub.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
    return sub


@transaction.atomic
def unsubscribe(sub: Subscriber) -> Subscriber:
    """Withdraw: nothing more is sent (an issue being sent skips the address from its next batch)."""
    sub = Subscriber.objects.select_for_update().get(pk=sub.pk)
    if sub.status != Subscriber.Status.UNSUBSCRIBED:
        sub.status = Subscriber.Status.UNSUBSCRIBED
        sub.unsubscribed_at = timezone.now()
        sub.save(update_fields=["status", "unsubscribed_at"])
        if sub.user_id:
            audit.record(sub.user, "newsletter.unsubscribe", sub)
    return sub


def unsubscribe_account(user) -> Subscriber | None:
    sub = subscription_of(user)
    return unsubscribe(sub) if sub is not None else None


# Issues ------------------------------------------------------------------------------------------


@transaction.atomic
def save_issue(issue: Issue | None, *, subject, intro, posts, by, edit=None) -> Issue:
    """Save a draft issue. Refused (versioning.EditConflict, nothing saved) when someone else saved it
    after the form was loaded (`edit`: the form's claim)."""
    require_perm(by, "newsletter.compose_issue")
    if issue is not None:
        versioning.claim(issue, edit, by=by)
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status != Issue.Status.DRAFT:
            raise PermissionDenied("An issue that was sent cannot be changed.")
    else:
        issue = Issue(created_by=by, language=(get_language() or "it")[:8])
    issue.subject = subject
    issue.intro = intro
    issue.save()
    issue.posts.set(posts)
    audit.record(by, "newsletter.issue_save", issue)
    return issue


def _headers(sub):
    url = site_url() + sub.unsubscribe_url()
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _issue_context(issue, sub=None):
    return {"issue": issue, "posts": list(issue.posts.order_by("-publish_at", "-pk")), "subscriber": sub}


@transaction.atomic
def send_test(issue: Issue, *, by) -> None:
    """The issue as subscribers will get it, to the editor's own address only."""
    require_perm(by, "newsletter.compose_issue")
    notify_address(by.email, "newsletter_issue", {**_issue_context(issue), "test": True},
                   language=issue.language, url=issue.get_absolute_url())
    Issue.objects.filter(pk=issue.pk).update(test_sent_at=timezone.now())
    audit.record(by, "newsletter.issue_test", issue)


@transaction.atomic
def start_sending(issue: Issue, *, by) -> Issue:
    """Send the issue to every confirmed subscriber: its batches are written to the outbox by the
    task after commit (and by the periodic job, should the worker stop half-way)."""
    require_perm(by, "newsletter.compose_issue")
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status != Issue.Status.DRAFT:
        raise PermissionDenied("This issue was already sent.")
    if not issue.posts.exists():
        raise ValueError("no posts")
    issue.status = Issue.Status.SENDING
    issue.save(update_fields=["status"])
    audit.record(by, "newsletter.issue_send", issue)
    transaction.on_commit(lambda: enqueue_batches(issue.pk))
    return issue


def enqueue_batches(issue_id: int) -> None:
    from .tasks import send_issue

    offer(send_issue, issue_id)  # if the broker is down, the periodic job continues the issue


def send_batch(issue_id: int, size: int | None = None) -> int:
    """Write the next batch of the issue (confirmed subscribers without a delivery) to the outbox, in
    one transaction. Returns how many were written; 0 when the issue is done (it is marked sent)."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().filter(pk=issue_id, status=Issue.Status.SENDING).first()
        if issue is None:
            return 0
        subs = list(Subscriber.objects.filter(status=Subscriber.Status.ACTIVE)
                    .exclude(deliveries__issue=issue).order_by("pk")[:size or BATCH_SIZE])
        if not subs:
            issue.status = Issue.Status.SENT
            issue.sent_at = timezone.now()
            issue.save(update_fields=["status", "sent_at"])
            return 0
        context = _issue_context(issue)
        for sub in subs:
            try:
                with transaction.atomic():
                    Delivery.objects.create(issue=issue, subscriber=sub)
            except IntegrityError:
                continue
            notify_address(sub.email, "newsletter_issue", {**context, "subscriber": sub},
                           language=sub.language, url=sub.unsubscribe_url(), headers=_headers(sub))
        return len(subs)


def send_all_batches(issue_id: int) -> int:
    total = 0
    while n := send_batch(issue_id):
        total += n
    return total


def continue_sending() -> int:
    """Periodic: go on with every issue being sent (a worker that stopped half-way loses nothing)."""
    return sum(send_all_batches(pk) for pk in Issue.objects.filter(status=Issue.Status.SENDING)
               .values_list("pk", flat=True))



def set_account_consent(user, given: bool) -> None:
    """The newsletter consent of a signed-in person, as "my data" and the sign-up form change it: on, an
    address already verified is subscribed at once, one not yet verified (sign-up) gets the confirmation
    e-mail first; off, the subscription is withdrawn."""
    if not given:
        unsubscribe_account(user)
        return
    from allauth.account.models import EmailAddress

    if EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists():
        subscribe_account(user)
    else:
        subscribe(user.email, user=user, language=getattr(user, "language", None))
