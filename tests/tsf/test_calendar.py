"""The one calendar writer (tsf.core.calendar, on the icalendar package) of the lab and the camp:
RFC 5545 text that a calendar application and the icalendar parser read back as written."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from tsf.core import calendar

ROME = ZoneInfo("Europe/Rome")


def test_escaping_folding_utc_and_uid_at_the_portals_host(settings):
    settings.SITE_URL = "https://torinosocialfactory.it"
    start = datetime(2018, 10, 26, 9, 30, tzinfo=ROME)
    body = calendar.ics([calendar.Event(
        uid="camp-1", start=start, end=start + timedelta(hours=8), summary="Camp; pitch, feedback \\ rete",
        description="Riga uno\nRiga due " + "è" * 80, location="Toolbox, Via Agostino da Montefeltro 2",
        url="https://torinosocialfactory.it/camp/1/")], name="Camp, 2018", now=start).decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    lines = body.split("\r\n")
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert "DTSTART:20181026T073000Z" in lines and "DTEND:20181026T153000Z" in lines
    assert "SUMMARY:Camp\\; pitch\\, feedback \\\\ rete" in lines
    assert "LOCATION:Toolbox\\, Via Agostino da Montefeltro 2" in lines
    assert "UID:camp-1@torinosocialfactory.it" in lines
    assert "X-WR-CALNAME:Camp\\, 2018" in lines
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = body.replace("\r\n ", "")
    assert "Riga uno\\nRiga due " + "è" * 80 in unfolded
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["description"]) == "Riga uno\nRiga due " + "è" * 80
    assert event.decoded("dtstart") == start


def test_a_download_named_as_asked(rf):
    start = datetime(2018, 3, 15, 9, 30, tzinfo=ROME)
    response = calendar.ics_response([calendar.Event(uid="s-1", start=start, end=start + timedelta(hours=3),
                                                     summary="Workshop")], filename="lab.ics", request=rf.get("/"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="lab.ics"'
    assert b"UID:s-1@testserver\r\n" in response.content
