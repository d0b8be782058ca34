"""Notify people of an event: in the portal, and by e-mail through the outbox.

    notify(users, "proposal_submitted", {"proposal": p}, url=p.get_absolute_url())

renders `notifications/<event>/subject.txt`, `body.txt` and (if present) `body.html` in each
recipient's language, writes a Notification and an OutboxEmail per recipient in the current
transaction, and queues the sending after commit.
"""
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation

from tsf.core import pagecache
from tsf.core.i18n import language_of, translate_to
from tsf.core.sharing import site_url

from .models import Notification, OutboxEmail

logger = logging.getLogger(__name__)


def _render(event: str, part: str, context: dict) -> str:
    """Render one part of an event's message. The text parts (subject, plain body) are rendered
    without HTML escaping: an apostrophe in "L'esito" must stay an apostrophe in the e-mail."""
    from django.template import Context

    template = get_template(f"notifications/{event}/{part}")
    if part.endswith(".txt") and hasattr(template, "template"):
        return template.template.render(Context(context, autoescape=False))
    return template.render(context)


def notify(users, event: str, context: dict | None = None, *, url: str = "", email: bool = True):
    """Tell each of `users` (a user or an iterable) about `event`. Returns the notifications."""
    if not isinstance(users, Iterable):
        users = [users]
    context = dict(context or {})
    created = []
    for user in {u.pk: u for u in users if u is not None}.values():
        language = language_of(user)
        user_url = translate_to(url, language)  # the page in the recipient's language
        with translation.override(language):
            ctx = {**context, "user": user, "url": user_url, "site_url": site_url(), "LANGUAGE_CODE": language}
            subject = " ".join(_render(event, "subject.txt", ctx).split())
            body = _render(event, "body.txt", ctx).strip()
            try:
                html = _render(event, "body.html", ctx)
            except TemplateDoesNotExist:
                html = ""
        created.append(
            Notification.objects.create(recipient=user, event=event, title=subject, body=body, url=user_url)
        )
        if email and user.email:
            queue_email(user.email, subject, body, html, event=event, recipient=user)
    return created


def notify_address(address: str, event: str, context: dict | None = None, *, language: str, url: str = "",
                   headers: dict | None = None):
    """E-mail `event` to an address that may have no account (a visitor), in `language`, through the
    outbox: the same templates as `notify`, no notification in the portal. Returns the outbox row."""
    with translation.override(language):
        ctx = {**(context or {}), "url": url, "site_url": site_url(), "LANGUAGE_CODE": language}
        subject = " ".join(_render(event, "subject.txt", ctx).split())
        body = _render(event, "body.txt", ctx).strip()
        try:
            html = _render(event, "body.html", ctx)
        except TemplateDoesNotExist:
            html = ""
    return queue_email(address, subject, body, html, event=event, headers=headers)


def queue_email(to: str, subject: str, body_text: str, body_html: str = "", *, event="", recipient=None,
                headers: dict | None = None):
    """Write the e-mail in the outbox and send it once the transaction commits."""
    row = OutboxEmail.objects.create(
        to=to,
        subject=subject[:255],
        body_text=body_text,
        body_html=body_html,
        event=event,
        recipient=recipient,
        headers=headers or {},
    )
    transaction.on_commit(lambda: enqueue_send(row.pk))
    return row


def enqueue_send(outbox_id: int) -> None:
    """Hand the row to the worker. If the broker is unreachable the row stays pending and the
    periodic task sends it later: the page that caused it answers normally."""
    from .tasks import send_outbox_email

    try:
        send_outbox_email.delay(outbox_id)
    except Exception:  # noqa: BLE001 - any broker failure leaves the row pending
        logger.warning("Broker unreachable: outbox e-mail %s stays pending", outbox_id, exc_info=True)


def send_outbox_row(outbox_id: int) -> bool:
    """Send one pending row, at most once: the row is locked (others skip it) while it is sent,
    and marked sent in the same transaction. Returns True if this call sent it."""
    error = None
    with transaction.atomic():
        row = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=outbox_id, status=OutboxEmail.Status.PENDING)
            .first()
        )
        if row is None:
            return False
        row.attempts += 1
        try:
            message = EmailMultiAlternatives(row.subject, row.body_text, settings.DEFAULT_FROM_EMAIL, [row.to],
                                             headers=row.headers or None)
            if row.body_html:
                message.attach_alternative(row.body_html, "text/html")
            message.connection = get_connection(fail_silently=False)
            message.send()
        except Exception as exc:  # noqa: BLE001 - the mail server's error is kept on the row
            # Keep the attempt and the error on the row (committed below), then let the caller
            # (the task's retry, or the periodic task) know it failed.
            error = exc
            row.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            if row.attempts >= settings.TSF_OUTBOX_MAX_ATTEMPTS:
                row.status = OutboxEmail.Status.FAILED
            row.save(update_fields=["attempts", "last_error", "status"])
        else:
            row.status = OutboxEmail.Status.SENT
            row.sent_at = timezone.now()
            row.last_error = ""
            row.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    if error is not None:
        logger.warning("Outbox e-mail %s not sent (attempt %s): %s", outbox_id, row.attempts, error)
        raise error
    return True


def pending_ids(older_than_seconds: int | None = None) -> list[int]:
    older = settings.TSF_OUTBOX_RESEND_AFTER if older_than_seconds is None else older_than_seconds
    cutoff = timezone.now() - timezone.timedelta(seconds=older)
    return list(
        OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


def mark_read(user, notification_id=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    count = qs.update(read_at=timezone.now())
    if count:
        # update() sends no signal: the unread count on the pages kept for this person changes now.
        pagecache.invalidate_private()
    return count
