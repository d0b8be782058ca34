"""A public page with a form that posts, kept by the anonymous page cache (no such page in the portal
today: tests/bench/test_page_cache.py checks that one would still give each visitor their own token)."""
from django.http import HttpResponse
from django.template import engines
from django.urls import path
from django.views.decorators.http import condition

from tsf.core.pagecache import anonymous_page_cache

PAGE = engines["django"].from_string(
    '<html><body><form method="post" action="/form/">{% csrf_token %}<button>Ok</button></form></body></html>')


@condition(etag_func=lambda request: "form-1", last_modified_func=None)
def _get(request):
    return HttpResponse(PAGE.render({}, request))


@anonymous_page_cache
def form_page(request):
    if request.method == "POST":
        return HttpResponse("posted")
    return _get(request)


urlpatterns = [path("form/", form_page)]
