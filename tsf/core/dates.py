"""The programme's time zone and aware date-times, in one place.

Every time the portal stores is aware and shown in Europe/Rome (`TIME_ZONE`); a day (a report's
due date, a camp's date, an opportunity's deadline) starts at midnight in Rome.

    from tsf.core.dates import ROME, at, start_of_day
    at(date(2018, 3, 15), time(9, 30))      # 09:30 in Rome that day (CET or CEST as it was)
    at(2018, 3, 15, 9, 30)                   # the same
    start_of_day(date(2025, 8, 15))          # 00:00 in Rome
"""
import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

ROME = ZoneInfo("Europe/Rome")


def at(day, *args) -> datetime.datetime:
    """The aware moment in Rome: `at(date, time)`, `at(date)` (midnight) or `at(y, m, d[, h, mi])`."""
    if isinstance(day, datetime.date):
        when = args[0] if args else datetime.time.min
        return datetime.datetime.combine(day, when, tzinfo=ROME)
    return datetime.datetime(day, *args, tzinfo=ROME)


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight in Rome at the start of `day`."""
    return at(day)


def local_day(moment: datetime.datetime | None = None) -> datetime.date:
    """The day in Rome of `moment` (now by default)."""
    return timezone.localtime(moment or timezone.now(), ROME).date()
