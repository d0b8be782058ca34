"""Video links: only YouTube and Vimeo, embedded in their privacy-enhanced form."""
import re
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_YT_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^\d{4,12}$")
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com",
                 "youtube-nocookie.com"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}


def parse_video_url(url: str):
    """(provider, id) for a YouTube or Vimeo address, or None."""
    if not url:
        return None
    try:
        parts = urlparse(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    if host in YOUTUBE_HOSTS:
        video_id = None
        if host == "youtu.be" and segments:
            video_id = segments[0]
        elif segments[:1] == ["watch"]:
            video_id = (parse_qs(parts.query).get("v") or [None])[0]
        elif len(segments) >= 2 and segments[0] in ("embed", "shorts", "live", "v"):
            video_id = segments[1]
        if video_id and _YT_ID.match(video_id):
            return "youtube", video_id
        return None
    if host in VIMEO_HOSTS:
        if host == "player.vimeo.com":
            segments = segments[1:] if segments[:1] == ["video"] else []
        candidates = [s for s in segments if _VIMEO_ID.match(s)]
        if candidates:
            return "vimeo", candidates[-1]
    return None


def validate_video_url(url: str):
    if url and parse_video_url(url) is None:
        raise ValidationError(
            _("Only YouTube or Vimeo video addresses are accepted (for example https://www.youtube.com/watch?v=… "
              "or https://vimeo.com/123456)."),
            code="bad_video_url",
        )


def embed_url(url: str) -> str:
    """The privacy-enhanced player address: youtube-nocookie.com, or Vimeo with do-not-track."""
    parsed = parse_video_url(url)
    if parsed is None:
        return ""
    provider, video_id = parsed
    if provider == "youtube":
        return f"https://www.youtube-nocookie.com/embed/{video_id}?rel=0&autoplay=1"
    return f"https://player.vimeo.com/video/{video_id}?dnt=1&autoplay=1"


def provider_name(url: str) -> str:
    parsed = parse_video_url(url)
    return {"youtube": "YouTube", "vimeo": "Vimeo"}.get(parsed[0], "") if parsed else ""
