"""The deadline engine: one place that reminds people of what is due, for every stage.

A stage declares its deadlines by registering a provider, a function `provider(now)` that yields
`Reminder` items for what is due around `now` (a reminder at each offset that has passed, an
escalation every N days while overdue...). Each item carries a unique key; the engine sends an item
only if its key was never sent, so running the job twice, late, or after the worker was down for
days sends every missed reminder once and none twice.

    from tsf.notifications import deadlines

    @deadlines.register
    def report_reminders(now):
        for report in due_reports(now):
            yield deadlines.Reminder(key=f"report:{report.pk}:d14", users=..., event="report_due", ...)
"""
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import DeadlineReminder
from .services import notify

logger = logging.getLogger(__name__)

_providers: list[Callable] = []


@dataclass
class Reminder:
    key: str
    users: Iterable
    event: str
    context: dict = field(default_factory=dict)
    url: str = ""


def register(provider: Callable) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider: Callable) -> None:
    """Remove a provider (tests use it to clean up after themselves)."""
    if provider in _providers:
        _providers.remove(provider)


def offsets_passed(due, now, offsets_days: Iterable[int]) -> list[int]:
    """The reminder offsets (days before `due`) whose moment has come by `now`.

    An offset `d` is due from `due - d days` until one day after `due` (the grace day lets a job
    that ran late, or the "due today" reminder at offset 0, still go out); after that the
    escalations take over. The caller builds one key per offset, so a job that ran late finds
    every reminder it missed and the engine sends each once.
    """
    one_day = timezone.timedelta(days=1)
    if now > due + one_day:
        return []
    return [d for d in offsets_days if due - timezone.timedelta(days=d) <= now]


def escalations_passed(due, now, every_days: int = 7) -> list[int]:
    """The numbers (1, 2, ...) of the escalations due for an item overdue since `due`: the first
    as soon as it is overdue, then one more every `every_days` days (escalation n is due at
    `due + (n - 1) * every_days`). Empty while `now <= due`."""
    if now <= due:
        return []
    return list(range(1, (now - due) // timezone.timedelta(days=every_days) + 2))


def run(now=None) -> int:
    """Send every reminder due and never sent. Returns how many were sent.

    Each reminder is recorded and notified in one transaction: if notifying fails, nothing is
    recorded and the next run tries again; a provider that fails does not stop the others."""
    now = now or timezone.now()
    sent = 0
    for provider in list(_providers):
        try:
            items = list(provider(now))
        except Exception:
            logger.exception("Deadline provider %r failed", provider)
            continue
        for item in items:
            try:
                with transaction.atomic():
                    DeadlineReminder.objects.create(key=item.key[:200])
                    notify(list(item.users), item.event, item.context, url=item.url)
            except IntegrityError:
                continue  # already sent
            except Exception:
                logger.exception("Deadline reminder %s could not be sent", item.key)
                continue
            sent += 1
    return sent
