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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import DeadlineReminder
from .services import notify

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


def offsets_passed(due, now, offsets_days: Iterable[int]) -> list[int]:
    """The reminder offsets (days before `due`) whose moment has come by `now`, while `due` is
    not past; a job that ran late still finds the ones it missed."""
    return [d for d in offsets_days if due - timezone.timedelta(days=d) <= now <= due + timezone.timedelta(days=1)]


def escalations_passed(due, now, every_days: int = 7) -> list[int]:
    """The numbers of the escalations (1, 2, ...) that are due for an item overdue since `due`."""
    if now <= due:
        return []
    return list(range(1, (now - due).days // every_days + 2))


def run(now=None) -> int:
    """Send every reminder due and never sent. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    for provider in list(_providers):
        for item in provider(now):
            try:
                with transaction.atomic():
                    DeadlineReminder.objects.create(key=item.key[:200])
                    notify(list(item.users), item.event, item.context, url=item.url)
            except IntegrityError:
                continue  # already sent
            sent += 1
    return sent
