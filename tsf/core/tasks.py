"""Periodic housekeeping of the edit forms (in Celery beat, or `manage.py run_periodic`)."""
from celery import shared_task

from . import keptuploads, versioning


@shared_task
def remove_unused_uploads() -> int:
    """Delete files kept across a form's errors once older than a day (the saved objects hold their
    own copies), and forget edit revisions older than a month (the newest of each object stays)."""
    removed = keptuploads.remove_unused()
    versioning.prune()
    return removed
