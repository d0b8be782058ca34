"""Server-side caches of rendered pages.

`@anonymous_page_cache` on a public view keeps its 200 answer to an anonymous GET (no session
cookie, no pending message) in the cache, keyed by language and full path, for
`TSF_PAGE_CACHE_SECONDS` (60 by default; 0 turns it off).

`@private_page_cache` on a view behind a login (below its role check, which still runs on every
request) keeps the HTML page it rendered for that person, keyed by user, two-factor state of the session, language and full path,
for `TSF_PRIVATE_PAGE_CACHE_SECONDS` (30 by default; 0 turns it off). A staff member paging
back and forth through the ranking, or a promoter coming back to "my area", gets the page again
without the work of building it. It is never shared between people, never kept when the page
showed a message or changed the session, and only HTML pages are kept (exports are not).

- Invalidation: every save, delete or many-to-many change of a model of the programme's apps
  (calls, projects, assessment, incubation, grants, acceleration, blog) moves the public
  generation counter that is part of every public key; every change of any model except
  sessions and the e-mail outbox (a role granted, a notification, an audit entry, ...) moves the
  private one, and so does marking notifications read. What a page shows is never older than the
  last change made through the ORM. Changes that send no signal (`QuerySet.update()`,
  `bulk_create`) and what depends only on the clock (a scheduled post, a call that closes) wait
  at most the timeout; every action of the portal that uses `update()` also writes an audit
  entry or a notification, which moves the private generation.
- One round trip: the generation and the page are read together (`get_many`); the page keeps the
  generation it was made in and is used only while that is still the current one.
- CSRF: the public pages hold no form that posts (the language switch is a pair of links), so a
  kept page is served as it was stored, with no token and no cookie. Should a kept page hold a
  form, the cached HTML keeps a placeholder instead of the token, and each request gets its own
  token (and cookie) when the page is served, so no CSRF secret is ever shared.
- Conditional requests (public pages): the view's Last-Modified and ETag are kept; the ETag of a
  page holding a token is made the visitor's own (hashed with their CSRF secret), so a 304 is only
  ever answered to a visitor whose copy of the page holds a token that still works.
- If the cache does not answer (Redis down), the page is rendered as if there were no cache.
"""
import hashlib
import logging
import re
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import get_urlconf
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from .middleware import with_social_card

logger = logging.getLogger(__name__)

CONTENT_APPS = {"calls", "projects", "assessment", "incubation", "grants", "acceleration", "blog"}
GENERATION_KEY = "tsf:pagecache:generation"
PRIVATE_GENERATION_KEY = "tsf:pagecache:private-generation"
# Changes that never alter what a person's page shows (a session saved, an e-mail marked sent).
PRIVATE_IGNORED_MODELS = {"sessions.session", "notifications.outboxemail", "core.heartbeat"}
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Cache-Control", "Last-Modified")
CSRF_PLACEHOLDER = "__TSF_CSRF_TOKEN__"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def timeout():
    return getattr(settings, "TSF_PAGE_CACHE_SECONDS", 60)


def private_timeout():
    return getattr(settings, "TSF_PRIVATE_PAGE_CACHE_SECONDS", 30)


def _fresh_generation():
    """A generation for a counter that is missing (never set, or evicted by the cache): the clock in
    microseconds, so that it never equals the generation of a page kept before the counter was lost."""
    return time.time_ns() // 1000


def _bump(key):
    try:
        cache.incr(key)
    except ValueError:
        cache.add(key, _fresh_generation(), None)
    except Exception:  # noqa: BLE001 - no cache, nothing cached to invalidate... until it returns
        logger.warning("page cache: could not invalidate", exc_info=True)


def invalidate():
    """Every cached page, public or private, is stale from now on."""
    _bump(GENERATION_KEY)
    _bump(PRIVATE_GENERATION_KEY)


def invalidate_private():
    """Every cached page behind a login is stale from now on."""
    _bump(PRIVATE_GENERATION_KEY)


def _on_change(sender, **kwargs):
    if sender._meta.app_label in CONTENT_APPS:
        invalidate()
    elif sender._meta.label_lower not in PRIVATE_IGNORED_MODELS:
        invalidate_private()


def connect_signals():
    post_save.connect(_on_change, dispatch_uid="tsf_pagecache_save")
    post_delete.connect(_on_change, dispatch_uid="tsf_pagecache_delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="tsf_pagecache_m2m")


def _on_m2m_change(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        _on_change(type(instance))


def _lookup(generation_key, key):
    """(generation, entry or None): the current generation and the page kept under `key` if it
    was made in that generation, in one round trip to the cache."""
    found = cache.get_many([generation_key, key])
    generation = found.get(generation_key)
    if generation is None:
        cache.add(generation_key, _fresh_generation(), None)
        return cache.get(generation_key) or _fresh_generation(), None
    entry = found.get(key)
    if entry is None or entry[0] != generation:
        return generation, None
    return generation, entry[1:]


def _safe_lookup(generation_key, key):
    """`_lookup`, or None when the cache does not answer (then the caller reads the database)."""
    try:
        return _lookup(generation_key, key)
    except Exception:  # noqa: BLE001 - the cache is down
        logger.warning("page cache: not available", exc_info=True)
        return None


def _safe_set(key, value, seconds):
    try:
        cache.set(key, value, seconds)
    except Exception:  # noqa: BLE001 - not kept: the next request builds it again
        logger.warning("page cache: could not store", exc_info=True)


def private_snapshot(key, build, seconds):
    """`build()`'s value, kept under `key` until the private generation moves (any change of a
    model but sessions and the outbox) or `seconds` pass. None is never kept. Without a cache,
    `build()` every time."""
    found = _safe_lookup(PRIVATE_GENERATION_KEY, key)
    if found is None:
        return build()
    generation, entry = found
    if entry is not None:
        return entry[0]
    value = build()
    if value is not None:
        _safe_set(key, (generation, value), seconds)
    return value


def _cacheable_content(response):
    return (response.status_code == 200 and not response.streaming and getattr(response, "is_rendered", True)
            and response.get("Content-Type", "").startswith("text/html"))


def _without_csrf_token(content):
    return _CSRF_INPUT.sub(rb"\g<1>" + CSRF_PLACEHOLDER.encode() + rb"\g<2>", content)


def _cacheable_request(request):
    return (request.method == "GET" and timeout() > 0
            and settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES)


def _path_digest(request):
    """The full path (query string included) as a short fixed-length digest: keys stay small
    whatever a visitor puts in the address."""
    return hashlib.sha256(request.get_full_path().encode()).hexdigest()[:40]


def _key(request):
    return f"tsf:page4:{translation.get_language()}:{_path_digest(request)}"


def _private_key(request):
    """Per person and per two-factor state of the session: a page made while the staff role was in
    use is never served to a session of the same person that did not use TOTP."""
    two_factor = "2f" if getattr(request.user, "session_mfa", None) else "1f"
    return f"tsf:ppage4:{request.user.pk}:{two_factor}:{translation.get_language()}:{_path_digest(request)}"


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
    status, headers, content, base_etag, has_token = entry
    etag = base_etag
    if has_token:
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


# The paths this process has seen answered by a view under @anonymous_page_cache (with the URLconf
# they were resolved in): AnonymousPageCacheMiddleware serves their kept pages before the URL is
# resolved. Bounded: forgotten when full, and when a setting changes (another URLconf in the tests).
_CACHED_PATHS = set()
_CACHED_PATHS_LIMIT = 20_000


def _forget_paths(**_kwargs):
    _CACHED_PATHS.clear()


setting_changed.connect(_forget_paths, dispatch_uid="tsf.core.pagecache.paths")


def _remember_path(request):
    if len(_CACHED_PATHS) >= _CACHED_PATHS_LIMIT:
        _CACHED_PATHS.clear()
    _CACHED_PATHS.add((get_urlconf(), request.path_info))


class AnonymousPageCacheMiddleware:
    """The innermost middleware: an anonymous GET of a page kept by @anonymous_page_cache is served
    from the cache here, after every other middleware has seen the request (and will see the answer)
    but before the URL is resolved, which costs more than the rest of a kept page's answer. Only
    paths this process has already seen answered by such a view are looked up, so no other page pays
    for a round trip to the cache; on a miss the view's decorator reuses this lookup."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _cacheable_request(request) and (get_urlconf(), request.path_info) in _CACHED_PATHS:
            key = _key(request)
            found = _safe_lookup(GENERATION_KEY, key)
            if found is not None:
                if found[1] is not None:
                    return _serve(request, found[1])
                request._tsf_page_lookup = (key, found)
        return self.get_response(request)


def anonymous_page_cache(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        _remember_path(request)
        key = _key(request)
        looked_up = getattr(request, "_tsf_page_lookup", None)
        found = looked_up[1] if looked_up is not None and looked_up[0] == key else _safe_lookup(GENERATION_KEY, key)
        if found is None:
            return view(request, *args, **kwargs)
        generation, entry = found
        if entry is not None:
            return _serve(request, entry)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and getattr(response, "is_rendered", True):
            response = with_social_card(request, response)  # kept with its card: not added on every hit
            content = _without_csrf_token(response.content)
            has_token = content != response.content
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            base_etag = response.get("ETag")
            _safe_set(key, (generation, 200, headers, content, base_etag, has_token), timeout())
            if base_etag and has_token:
                response["ETag"] = _visitor_etag(request, base_etag)
                not_modified = _not_modified(request, response["ETag"], response.get("Last-Modified"))
                if not_modified is not None:
                    return not_modified
        return response

    return wrapped


def _pending_messages(request):
    """Whether a message waits to be shown (then the page is made fresh, so it shows it once)."""
    if "messages" in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.get("_messages"))


def _added_messages(request):
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and getattr(storage, "_queued_messages", None))


def private_page_cache(view):
    """Keep the page a signed-in person was shown, for that person only (see the module's text).
    Goes below the view's role check: the check runs on every request, cached page or not."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if (request.method != "GET" or private_timeout() <= 0 or user is None or not user.is_authenticated
                or _pending_messages(request)):
            return view(request, *args, **kwargs)
        key = _private_key(request)
        found = _safe_lookup(PRIVATE_GENERATION_KEY, key)
        if found is None:
            return view(request, *args, **kwargs)
        generation, entry = found
        if entry is not None:
            response = _serve(request, entry)
            response["Cache-Control"] = "private"
            return response
        response = view(request, *args, **kwargs)
        session = getattr(request, "session", None)
        if (_cacheable_content(response) and not response.cookies and not _added_messages(request)
                and not (session is not None and session.modified)):
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            content = _without_csrf_token(response.content)
            _safe_set(key, (generation, 200, headers, content, None, content != response.content), private_timeout())
        response["Cache-Control"] = "private"
        return response

    return wrapped
