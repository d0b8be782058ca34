from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_urlconf, translate_url

from .sharing import site_url


@lru_cache(maxsize=4096)
def _alternate_paths(path, urlconf):
    """The path of this page in each language (resolving a path costs more than the rest of the frame;
    the answer depends only on the path and the URLconf, so it is kept per process)."""
    return tuple((code, translate_url(path, code)) for code, _name in settings.LANGUAGES)


def _forget_alternates(**_kwargs):  # another URLconf or list of languages (the tests' override_settings)
    _alternate_paths.cache_clear()


setting_changed.connect(_forget_alternates, dispatch_uid="tsf.core.context_processors")


def portal(request):
    """What the page layout needs on every page: the unread notifications count (read with the person)."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        # Read with the person (tsf.accounts.backends), else one query.
        unread = getattr(user, "tsf_unread", None)
        if unread is None:
            unread = user.notifications.filter(read_at__isnull=True).count()
    alternates, switch = [], []
    site = site_url(request)
    if request is not None and hasattr(request, "path"):
        paths = _alternate_paths(request.path, get_urlconf())
        alternates = [(code, site + path) for code, path in paths]
        query = request.META.get("QUERY_STRING", "")
        switch = [(code, f"{path}?{query}" if query else path) for code, path in paths]
    return {
        "unread_notifications": unread,
        "SITE_URL": site,
        "DEBUG": settings.DEBUG,
        "alternate_urls": alternates,
        # The header's language switch: links to this page (its query string kept) in each language, so
        # a page needs no form (and no CSRF token) to offer it.
        "language_links": switch,
        "canonical_url": site + request.path if request is not None else site,
        "PUBLISHER": settings.TSF_PUBLISHER,
        "ACCESSIBILITY": settings.TSF_ACCESSIBILITY,
    }
