from celery import shared_task

from . import registry


@shared_task(ignore_result=True)
def refresh_identity_providers():
    """Periodic (beat's `refresh-spid-idps`): the SPID and CIE identity providers from their registries."""
    return registry.refresh_all()
