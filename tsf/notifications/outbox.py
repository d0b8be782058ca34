"""The e-mail outbox: each e-mail is written as a row in the transaction of the change that causes it,
and sent by a Celery task once that transaction commits, with retries; a periodic task re-sends the
rows still pending (broker down, worker killed, mail server refusing), each at most once.

The sending tasks live here, beside the rows they send, so that queueing one needs no import of
`tasks` (which imports the deadline engine, which notifies through this module): no import cycle.
Their names stay `tsf.notifications.tasks.*` (the routes to the `mail` queue and beat's schedule).
"""
import logging
import random

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from tsf.core.queue import offer

from .models import OutboxEmail

logger = logging.getLogger(__name__)


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
    offer(send_outbox_email, outbox_id)


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


def retry_delay(retries: int) -> float:
    """Seconds before the next attempt: exponential backoff with jitter, capped at 30 minutes.
    The base is `TSF_OUTBOX_RETRY_BACKOFF` (default 30 s)."""
    base = getattr(settings, "TSF_OUTBOX_RETRY_BACKOFF", 30)
    delay = min(base * (2**retries), 1800)
    return delay * random.uniform(0.5, 1.0)


@shared_task(bind=True, max_retries=8, acks_late=True, name="tsf.notifications.tasks.send_outbox_email")
def send_outbox_email(self, outbox_id: int) -> bool:
    """Send one outbox row. When the mail server fails, retry with backoff; the row stays pending
    (with the error and the attempt counted), so the periodic task is the safety net."""
    try:
        return send_outbox_row(outbox_id)
    except Exception as exc:
        if self.request.is_eager:
            # Run in the web request (no broker configured): never retry in a loop inside the
            # request; the row stays pending for send_pending_emails.
            return False
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc


@shared_task(name="tsf.notifications.tasks.send_pending_emails")
def send_pending_emails() -> int:
    """Periodic: send the rows still pending (broker was down, a worker died, the mail server
    refused). Each row is sent at most once thanks to the row lock in send_outbox_row."""
    sent = 0
    for pk in pending_ids():
        try:
            sent += bool(send_outbox_row(pk))
        except Exception:  # noqa: BLE001, S112 - the error is on the row; try the next one
            continue
    return sent
