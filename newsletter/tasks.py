"""Thin tasks: the newsletter's batches (each batch its own transaction; safe to repeat)."""
from celery import shared_task

from . import services


@shared_task(acks_late=True)
def send_issue(issue_id: int) -> int:
    return services.send_all_batches(issue_id)


@shared_task
def continue_sending() -> int:
    return services.continue_sending()
