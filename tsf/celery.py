"""The Celery application. Its configuration is read from Django's settings (CELERY_*)."""
import os

from celery import Celery
from celery.signals import beat_init, before_task_publish

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsf.settings")

app = Celery("tsf")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_in_beat = []


@beat_init.connect
def _beat_started(sender=None, **kwargs):
    _in_beat.append(True)


@before_task_publish.connect
def _beat_sends_a_job(sender=None, **kwargs):
    """In the beat process only: each scheduled job sent is a heartbeat of beat (/healthz)."""
    if _in_beat:
        from tsf.core import heartbeat

        heartbeat.record(heartbeat.BEAT)
