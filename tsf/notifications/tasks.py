"""Thin Celery tasks: they call the notification services; each is safe to retry or repeat."""
import random

from celery import shared_task
from django.conf import settings

from . import deadlines, services


def retry_delay(retries: int) -> float:
    """Seconds before the next attempt: exponential backoff with jitter, capped at 30 minutes.
    The base is `TSF_OUTBOX_RETRY_BACKOFF` (default 30 s)."""
    base = getattr(settings, "TSF_OUTBOX_RETRY_BACKOFF", 30)
    delay = min(base * (2**retries), 1800)
    return delay * random.uniform(0.5, 1.0)


@shared_task(bind=True, max_retries=8, acks_late=True)
def send_outbox_email(self, outbox_id: int) -> bool:
    """Send one outbox row. When the mail server fails, retry with backoff; the row stays pending
    (with the error and the attempt counted), so the periodic task is the safety net."""
    try:
        return services.send_outbox_row(outbox_id)
    except Exception as exc:
        if self.request.is_eager:
            # Run in the web request (no broker configured): never retry in a loop inside the
            # request; the row stays pending for send_pending_emails.
            return False
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc


@shared_task
def send_pending_emails() -> int:
    """Periodic: send the rows still pending (broker was down, a worker died, the mail server
    refused). Each row is sent at most once thanks to the row lock in send_outbox_row."""
    sent = 0
    for pk in services.pending_ids():
        try:
            sent += bool(services.send_outbox_row(pk))
        except Exception:  # noqa: BLE001, S112 - the error is on the row; try the next one
            continue
    return sent


@shared_task
def run_deadline_engine() -> int:
    return deadlines.run()
