"""Thin tasks: the copies of the blog's images and the posts' share images (blog.services; each safe
to repeat)."""
from celery import shared_task

from . import services


@shared_task(acks_late=True)
def process_post_images(post_id: int) -> int:
    return services.process_post_images(post_id)


@shared_task(acks_late=True)
def process_inline_image(image_id: int) -> int:
    return services.process_inline_image(image_id)


@shared_task
def process_pending_images() -> int:
    return services.process_pending_images()
