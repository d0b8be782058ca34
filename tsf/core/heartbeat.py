"""Heartbeats of the background processes, read by /healthz: a stopped scheduler (no reminders, no
e-mail re-sends) shows as a beat that is late.

Celery beat writes `beat` each time it sends a scheduled job (tsf.celery connects `record_beat` to
Celery's signals in the beat process only); `manage.py run_periodic` writes it each time it runs
the jobs where no beat runs. The row is written with `update()` (no signal): a heartbeat never
makes a cached page stale."""
import logging

from django.utils import timezone

logger = logging.getLogger(__name__)

BEAT = "beat"
# Beat's most frequent job runs every minute (the e-mail re-send): five minutes without one is late.
BEAT_LATE_SECONDS = 300


def record(name: str, now=None) -> None:
    from .models import Heartbeat

    now = now or timezone.now()
    try:
        if not Heartbeat.objects.filter(name=name).update(at=now):
            Heartbeat.objects.bulk_create([Heartbeat(name=name, at=now)], ignore_conflicts=True)
    except Exception:  # noqa: BLE001 - a heartbeat must never stop the job it accompanies
        logger.warning("Heartbeat %s not recorded", name, exc_info=True)


def last(name: str):
    """When `name` last beat, or None."""
    from .models import Heartbeat

    return Heartbeat.objects.filter(name=name).values_list("at", flat=True).first()


def beat_state(now=None) -> dict:
    """{"last_run": ISO time or None, "seconds_ago": int or None, "state": "ok" | "late" | "never"}."""
    now = now or timezone.now()
    at = last(BEAT)
    if at is None:
        return {"last_run": None, "seconds_ago": None, "state": "never"}
    ago = max(0, int((now - at).total_seconds()))
    return {"last_run": timezone.localtime(at).isoformat(), "seconds_ago": ago,
            "state": "ok" if ago <= BEAT_LATE_SECONDS else "late"}
