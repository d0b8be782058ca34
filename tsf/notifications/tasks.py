"""The Celery tasks of notifications, thin: the outbox's (defined beside the rows they send, in
`outbox`) and the deadline engine's periodic run. Each is safe to retry or repeat."""
from celery import shared_task

from . import deadlines
from .outbox import retry_delay, send_outbox_email, send_pending_emails

__all__ = ["retry_delay", "run_deadline_engine", "send_outbox_email", "send_pending_emails"]


@shared_task
def run_deadline_engine() -> int:
    return deadlines.run()
