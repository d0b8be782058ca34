"""The Celery application. Its configuration is read from Django's settings (CELERY_*)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsf.settings")

app = Celery("tsf")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
