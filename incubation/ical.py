"""iCalendar (RFC 5545) text of a team's lab calendar, written by hand: CRLF line ends, lines
folded at 75 octets, TEXT values escaped, times in UTC."""
import datetime

from django.utils import timezone


def escape_text(value: str) -> str:
    """RFC 5545 3.3.11: backslash, semicolon, comma and newlines are escaped."""
    value = str(value or "")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (3.1), never inside a UTF-8 character."""
    out, current = [], b""
    limit = 75
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > limit:
            out.append(current.decode("utf-8"))
            current = b" " + b
            limit = 75
        else:
            current += b
    out.append(current.decode("utf-8"))
    return "\r\n".join(out)


def utc(dt: datetime.datetime) -> str:
    return dt.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _host() -> str:
    from urllib.parse import urlparse

    from tsf.core.sharing import site_url

    return urlparse(site_url()).hostname or "tsf"


def calendar(name: str, events, now=None) -> str:
    """`events`: dicts with uid, start, end, summary, and optionally description, location, url."""
    now = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Citta di Torino//Torino Social Factory//IT",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    host = _host()
    for e in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e['uid']}@{host}",
            f"DTSTAMP:{utc(now)}",
            f"DTSTART:{utc(e['start'])}",
            f"DTEND:{utc(e['end'])}",
            f"SUMMARY:{escape_text(e['summary'])}",
        ]
        if e.get("location"):
            lines.append(f"LOCATION:{escape_text(e['location'])}")
        if e.get("description"):
            lines.append(f"DESCRIPTION:{escape_text(e['description'])}")
        if e.get("url"):
            lines.append(f"URL:{e['url']}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
