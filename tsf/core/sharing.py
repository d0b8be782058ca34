"""The portal's own address, absolute addresses and plain share links for public pages (no
script, no tracking), used by pages, feeds, exports and e-mails."""
from urllib.parse import quote, urlencode

from django.conf import settings

# Where links point when SITE_URL is not set and there is no request (e-mails sent in the
# background): `make run` sets SITE_URL to the host and port it serves, so this is a last resort.
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def site_url(request=None) -> str:
    """The scheme, host and port of the portal, without a trailing slash: SITE_URL when it is set
    (production: the public address, whatever host a proxy passes on); otherwise the address this
    request was made to (`runserver 127.0.0.1:8101` links to port 8101); otherwise the default."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return DEFAULT_SITE_URL


def absolute(url: str, request=None) -> str:
    return url if url.startswith(("http://", "https://")) else site_url(request) + url


def share_links(url: str, title: str, request=None) -> list[dict]:
    """Each network's public share address for `url`."""
    url = absolute(url, request)
    enc_url = quote(url, safe="")
    return [
        {"network": "facebook", "name": "Facebook",
         "href": f"https://www.facebook.com/sharer/sharer.php?u={enc_url}"},
        {"network": "x", "name": "X (Twitter)",
         "href": "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": title})},
        {"network": "linkedin", "name": "LinkedIn",
         "href": f"https://www.linkedin.com/sharing/share-offsite/?url={enc_url}"},
        {"network": "whatsapp", "name": "WhatsApp", "href": "https://wa.me/?" + urlencode({"text": f"{title} {url}"})},
        {"network": "email", "name": "E-mail",
         "href": "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote)},
    ]
