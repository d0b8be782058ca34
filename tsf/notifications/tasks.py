"""Thin Celery tasks: they call the notification services; each is safe to retry or repeat."""
from celery import shared_task

from . import deadlines, services


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
)
def send_outbox_email(self, outbox_id: int) -> bool:
    return services.send_outbox_row(outbox_id)


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
