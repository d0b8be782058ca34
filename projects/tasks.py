"""Thin tasks: a public project page's image copies and share image (projects.services; each safe to
repeat)."""
from celery import shared_task

from . import services


@shared_task(acks_late=True)
def process_public_image(page_id: int) -> int:
    return services.process_public_image(page_id)


@shared_task
def process_pending_public_images() -> int:
    return services.process_pending_public_images()
