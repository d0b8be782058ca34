"""Re-authentication with SPID/CIE for a person who has no password (signed up with their digital identity).

allauth asks a signed-in person to confirm who they are before a sensitive action by raising its public
`ReauthenticationRequired`; its middleware then keeps the request and sends the person to the first of the
adapter's re-authentication methods, and its own confirmation pages carry the kept request out. For a
person whose method is SPID/CIE (tsf.accounts.adapters.get_reauthentication_methods) the confirmation
happens at the identity provider, so the portal keeps the request itself: a POST (closing the account,
changing the e-mail address...) is carried out once they are back (`resume`, tsf.spid.views.reauthenticated).
"""
import copy
from urllib.parse import urlencode, urlsplit

from allauth.account.adapter import get_adapter
from allauth.core.exceptions import ReauthenticationRequired
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect, QueryDict
from django.urls import resolve

SUSPENDED_KEY = "tsf_spid_suspended"


class SpidReauthenticationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ReauthenticationRequired) or not request.user.is_authenticated:
            return None
        methods = get_adapter(request).get_reauthentication_methods(request.user)
        if not methods or methods[0]["id"] != "spid":
            return None  # allauth's own pages (password, code, authenticator)
        path = request.get_full_path()
        request.session.pop(SUSPENDED_KEY, None)
        if request.method == "POST":
            request.session[SUSPENDED_KEY] = {"path": request.path, "path_info": request.path_info,
                                              "query": request.GET.urlencode(), "post": request.POST.urlencode()}
        return HttpResponseRedirect(f"{methods[0]['url']}?{urlencode({REDIRECT_FIELD_NAME: path})}")


def resume(request, next_url: str):
    """Carry out the POST kept when the person was asked to confirm who they are, if it was made to
    `next_url` (the page they go back to); None when nothing waits."""
    kept = request.session.pop(SUSPENDED_KEY, None)
    if not kept or urlsplit(next_url).path != kept["path"]:
        return None
    request.FILES  # read now (empty: a GET), so the copy keeps the POST set below  # noqa: B018
    replay = copy.copy(request)
    replay.method = "POST"
    replay.META = {**request.META, "REQUEST_METHOD": "POST"}
    replay.path, replay.path_info = kept["path"], kept["path_info"]
    replay.GET = QueryDict(kept["query"])
    replay.POST = QueryDict(kept["post"])
    match = replay.resolver_match = resolve(replay.path_info)
    return match.func(replay, *match.args, **match.kwargs)
