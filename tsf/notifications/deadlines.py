"""The deadline engine: one place that reminds people of what is due, for every stage.

A stage declares its deadlines by registering a provider, a function `provider(now)` that yields
`Reminder` items for what is due around `now` (a reminder at each offset that has passed, an
escalation every N days while overdue...). Each item carries a unique key; the engine sends an item
only if its key was never sent, so running the job twice, late, or after the worker was down for
days never sends one twice.

One rule for the reminders before a deadline, in every stage (`reminder_due`): the offsets are
whole days before the deadline's day in Rome (0 is "due today"), the call's `reminder_offsets`
(`offsets_for`, [14, 3, 0] when a call sets none); the reminder of offset d is due from the start of
that day until the end of the deadline's day; when several are due (a job that ran late, an item
made a day before its deadline) only the nearest is sent, so nobody gets "14 days left" and
"due today" at once. The key names the offset, so each is sent once. The same for the escalations
while an item is overdue (`escalation_due`): only the current one.

    from tsf.notifications import deadlines

    @deadlines.register
    def report_reminders(now):
        for report in due_reports(now):
        offset = deadlines.reminder_due(report.due_date, now, deadlines.offsets_for(report.grant.call))
        if offset is not None:
            yield deadlines.Reminder(key=f"report:{report.pk}:d{offset}", users=..., event="report_due", ...)
"""
import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from tsf.core.dates import local_day, start_of_day

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


DEFAULT_OFFSETS = (14, 3, 0)


def offsets_for(call=None, default=DEFAULT_OFFSETS) -> list[int]:
    """The reminder offsets (days before a deadline) of `call`, or `default` when it sets none:
    whole numbers >= 0, each once, the farthest first."""
    offsets = getattr(call, "reminder_offsets", None) or default
    return sorted({int(d) for d in offsets if int(d) >= 0}, reverse=True)


def reminder_due(deadline, now, offsets: Iterable[int]) -> int | None:
    """The offset whose reminder is due at `now` for `deadline` (an aware date-time, or a date: the
    whole day in Rome), or None. Offset d is due from the start of the day d days before the
    deadline's day until the end of the deadline's day; of those due, the nearest."""
    day = local_day(deadline) if isinstance(deadline, datetime.datetime) else deadline
    if now >= start_of_day(day + datetime.timedelta(days=1)):
        return None
    due = [d for d in offsets if start_of_day(day - datetime.timedelta(days=d)) <= now]
    return min(due) if due else None


def escalation_due(due, now, every_days: int = 7) -> int | None:
    """The number (1, 2, ...) of the escalation due for an item overdue since `due`: the first as
    soon as it is overdue, then one more every `every_days` days (escalation n is due from
    `due + (n - 1) * every_days`). None while `now <= due`.

    As with the reminders, only the latest is due: a job that ran late, or a worker that was down
    for weeks, sends one escalation (the current one, with how late the item is), not every one it
    missed at once. The key names the number, so each is sent once."""
    if now <= due:
        return None
    return (now - due) // timezone.timedelta(days=every_days) + 1


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
