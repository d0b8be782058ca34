"""{% periodic_jobs_note %}: on the pages where staff follow reminders, says who sends them when no
Celery beat runs (no Redis: `make run` runs them with `manage.py run_periodic --every 60`)."""
from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("notifications/includes/periodic_note.html")
def periodic_jobs_note():
    return {"without_beat": not settings.REDIS_URL}
