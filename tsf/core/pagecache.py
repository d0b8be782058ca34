"""A server-side cache of the public pages as anonymous visitors see them.

`@anonymous_page_cache` on a view keeps its 200 answer to an anonymous GET (no session cookie, no
pending message) in the cache, keyed by language and full path, for `TSF_PAGE_CACHE_SECONDS`
(60 by default; 0 turns it off). Logged-in people and other methods always get a fresh page.

- Invalidation: every save, delete or many-to-many change of a model of the programme's apps
  (calls, projects, assessment, incubation, grants, acceleration, blog) moves a generation
  counter that is part of every key, so what a page shows is never older than the last change
  made through the ORM. Changes that send no signal (`QuerySet.update()`, `bulk_create`) and
  what depends only on the clock (a scheduled post, a call that closes) wait at most the timeout.
- CSRF: the cached HTML keeps a placeholder instead of the token, and each visitor gets their
  own token (and cookie) when the page is served, so no CSRF secret is ever shared.
- Conditional requests: the view's Last-Modified is kept; its ETag is made the visitor's own
  (hashed with their CSRF secret, since the page carries a token tied to it), so a 304 is only
  ever answered to a visitor whose copy of the page holds a token that still works.
- If the cache does not answer (Redis down), the page is rendered as if there were no cache.
"""
import hashlib
import logging
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

logger = logging.getLogger(__name__)

CONTENT_APPS = {"calls", "projects", "assessment", "incubation", "grants", "acceleration", "blog"}
GENERATION_KEY = "tsf:pagecache:generation"
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Cache-Control", "Last-Modified")
CSRF_PLACEHOLDER = "__TSF_CSRF_TOKEN__"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def timeout():
    return getattr(settings, "TSF_PAGE_CACHE_SECONDS", 60)


def _generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, None)
        generation = cache.get(GENERATION_KEY) or 1
    return generation


def invalidate():
    """Every cached public page is stale from now on."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, 2, None)
    except Exception:  # noqa: BLE001 - no cache, nothing cached to invalidate... until it returns
        logger.warning("page cache: could not invalidate", exc_info=True)


def _on_change(sender, **kwargs):
    if sender._meta.app_label in CONTENT_APPS:
        invalidate()


def connect_signals():
    post_save.connect(_on_change, dispatch_uid="tsf_pagecache_save")
    post_delete.connect(_on_change, dispatch_uid="tsf_pagecache_delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="tsf_pagecache_m2m")


def _on_m2m_change(sender, instance, action, **kwargs):
    if action.startswith("post_") and type(instance)._meta.app_label in CONTENT_APPS:
        invalidate()


def _cacheable_request(request):
    return (request.method == "GET" and timeout() > 0
            and settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES)


def _key(request, generation):
    return f"tsf:page:{generation}:{translation.get_language()}:{request.get_full_path()}"


def _visitor_etag(request, base_etag):
    """The page's ETag for this visitor: the view's, with the visitor's CSRF secret."""
    if not base_etag:
        return None
    secret = request.META.get("CSRF_COOKIE", "")
    digest = hashlib.sha256(f"{base_etag}|{secret}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def _not_modified(request, etag, last_modified):
    if not (etag or last_modified):
        return None
    return get_conditional_response(
        request, etag=etag, last_modified=parse_http_date_safe(last_modified) if last_modified else None)


def _serve(request, entry):
    status, headers, content, base_etag = entry
    if CSRF_PLACEHOLDER.encode() in content:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    etag = _visitor_etag(request, base_etag)
    not_modified = _not_modified(request, etag, headers.get("Last-Modified"))
    if not_modified is not None:
        return not_modified
    response = HttpResponse(content, status=status)
    for name, value in headers.items():
        response[name] = value
    if etag:
        response["ETag"] = etag
    response["X-Page-Cache"] = "hit"
    return response


def anonymous_page_cache(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        try:
            generation = _generation()
            key = _key(request, generation)
            entry = cache.get(key)
        except Exception:  # noqa: BLE001 - the cache is down: serve the page uncached
            logger.warning("page cache: not available", exc_info=True)
            return view(request, *args, **kwargs)
        if entry is not None:
            return _serve(request, entry)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and getattr(response, "is_rendered", True):
            content = _CSRF_INPUT.sub(rb"\g<1>" + CSRF_PLACEHOLDER.encode() + rb"\g<2>", response.content)
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            base_etag = response.get("ETag")
            try:
                cache.set(key, (200, headers, content, base_etag), timeout())
            except Exception:  # noqa: BLE001
                logger.warning("page cache: could not store", exc_info=True)
            if base_etag:
                response["ETag"] = _visitor_etag(request, base_etag)
                not_modified = _not_modified(request, response["ETag"], response.get("Last-Modified"))
                if not_modified is not None:
                    return not_modified
        return response

    return wrapped
