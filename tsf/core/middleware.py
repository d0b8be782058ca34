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
