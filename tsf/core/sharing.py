"""Absolute addresses and plain share links for public pages (no script, no tracking), used by
the blog and the project pages."""
from urllib.parse import quote, urlencode

from django.conf import settings


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def share_links(url: str, title: str) -> list[dict]:
    """Each network's public share address for `url`."""
    url = absolute(url)
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
