"""Calendar files (iCalendar, RFC 5545) for the portal's events: the lab's sessions and due dates,
the Social Innovation Camp. One writer, on the `icalendar` package, which escapes text, folds lines
at 75 octets (never inside a UTF-8 character) and ends them with CRLF.

    calendar.ics([calendar.Event(uid="camp-3", start=..., end=..., summary="Camp")], name="Camp")

Times are written in UTC (`...Z`), which every calendar application reads without a time-zone
block; each event's UID is its `uid` at the portal's host name (`camp-3@torinosocialfactory.it`),
so a calendar that imports the file again updates the event instead of adding a copy.
"""
import datetime
from dataclasses import dataclass
from urllib.parse import urlparse

import icalendar
from django.http import HttpResponse
from django.utils import timezone

from .sharing import site_url

PRODID = "-//Citta di Torino//Torino Social Factory//IT"


@dataclass
class Event:
    uid: str
    start: datetime.datetime
    end: datetime.datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def ics(events, *, name: str = "", now=None, request=None) -> bytes:
    """The calendar file (bytes, UTF-8) of `events` (`Event`s), titled `name` in the applications
    that show a calendar's name."""
    stamp = _utc(now or timezone.now())
    host = urlparse(site_url(request)).hostname or "torinosocialfactory.it"
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", icalendar.vText(name))
    for e in events:
        event = icalendar.Event()
        event.add("uid", f"{e.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(e.start))
        event.add("dtend", _utc(e.end))
        event.add("summary", e.summary)
        if e.location:
            event.add("location", e.location)
        if e.description:
            event.add("description", e.description)
        if e.url:
            event.add("url", e.url)
        cal.add_component(event)
    return cal.to_ical()


def ics_response(events, *, filename: str, name: str = "", request=None) -> HttpResponse:
    """The calendar file as a download named `filename` (.ics)."""
    response = HttpResponse(ics(events, name=name, request=request), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
