import re
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (the others come from
    Django's SecurityMiddleware and settings).

    It also answers 400 to a URL whose path or query string carries a NUL byte: PostgreSQL refuses
    NUL in text, so a search box, filter or <str:...> argument reaching a query with one would end
    in a server error. Forms already refuse NUL (Django's ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", ""), errors="replace"):
            response = HttpResponseBadRequest("Bad request: the address contains a NUL character.",
                                              content_type="text/plain; charset=utf-8")
        else:
            response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.TSF_CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        return response


class UploadSizeLimitMiddleware:
    """Refuses a multipart POST whose declared Content-Length is above the upload limit before any
    of its body is read: a person sending a 2 GB file gets a readable page at once, and the server
    neither waits for nor stores the body. (A file under this limit but over the per-file limit is
    still refused next to its field by tsf.core.uploads.UploadValidator.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.TSF_UPLOAD_REQUEST_MAX_BYTES
            if length > limit:
                return render(request, "413.html", {
                    "size": filesizeformat(length), "limit": filesizeformat(limit),
                    "file_limit": filesizeformat(settings.TSF_UPLOAD_MAX_BYTES),
                    "back": request.get_full_path(),
                }, status=413)
        return self.get_response(request)


class SocialCardMiddleware:
    """Every HTML page carries its social card (Open Graph and Twitter): a page whose template
    did not include templates/includes/social_meta.html with its own values (a post, a project,
    the blog) gets it here, from its <title>, its meta description and the portal's share image,
    so that a call page, the camp or the funding opportunities shared on Facebook or X show a card
    too, and so does any page added later."""

    TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
    DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)"', re.IGNORECASE)
    SUFFIX = " · Torino Social Factory"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return with_social_card(request, self.get_response(request))


def with_social_card(request, response):
    """`response` with its social card (SocialCardMiddleware); the anonymous page cache keeps a page with
    its card, so a page served from it is not read through again."""
    if (request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming
            or not response.get("Content-Type", "").startswith("text/html")):
        return response
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return response  # a page as a signed-in person sees it: no network's crawler ever gets it
    body = response.content
    if b"</head>" not in body or b'property="og:title"' in body:
        return response
    from html import unescape

    from django.template.loader import render_to_string

    from tsf.core.sharing import absolute

    text = body.decode(response.charset or "utf-8", "replace")
    title = SocialCardMiddleware.TITLE.search(text)
    title = unescape(" ".join(title.group(1).split())) if title else "Torino Social Factory"
    if title.endswith(SocialCardMiddleware.SUFFIX):
        title = title[: -len(SocialCardMiddleware.SUFFIX)]
    description = SocialCardMiddleware.DESCRIPTION.search(text)
    from django.utils import translation

    from tsf.core.sharing import site_url

    # Without the request: its context processors (the unread notifications) would query the
    # database on every page, a page served from the private cache included.
    card = render_to_string("includes/social_meta.html", {
        "og_type": "website", "og_title": title or "Torino Social Factory",
        "og_description": unescape(description.group(1)) if description else "",
        "canonical_url": absolute(request.path, request),
        "SITE_URL": site_url(request), "LANGUAGE_CODE": translation.get_language(),
    })
    response.content = text.replace("</head>", card + "\n</head>", 1).encode(response.charset or "utf-8")
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    return response
