"""Thin Celery tasks over tsf.privacy.services: idempotent, safe to retry."""
from celery import shared_task

from . import services


@shared_task
def build_copy(request_id: int) -> bool:
    """Prepare the ZIP of one request for a copy of one's data and tell the person."""
    return services.prepare_copy(request_id)


@shared_task
def apply_retention() -> dict:
    """The retention schedule (beat, hourly; or run_periodic): what expired is deleted or anonymised,
    and copies whose task was lost are prepared. Returns what was done, per kind of record."""
    report = services.apply_retention()
    report["copies_prepared"] = services.prepare_pending_copies()
    return {k: v for k, v in report.items() if v}
