from urllib.parse import unquote

from django.conf import settings
from django.http import HttpResponseBadRequest


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
