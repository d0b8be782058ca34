from django.conf import settings

from .sharing import site_url


def portal(request):
    """What the page layout needs on every page: the unread notifications count (read with the person)."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        # Read with the person (tsf.accounts.backends), else one query.
        unread = getattr(user, "tsf_unread", None)
        if unread is None:
            unread = user.notifications.filter(read_at__isnull=True).count()
    alternates = []
    site = site_url(request)
    if request is not None and hasattr(request, "path"):
        from django.urls import translate_url

        for code, _name in settings.LANGUAGES:
            alternates.append((code, site + translate_url(request.path, code)))
    return {
        "unread_notifications": unread,
        "SITE_URL": site,
        "DEBUG": settings.DEBUG,
        "alternate_urls": alternates,
        "canonical_url": site + request.path if request is not None else site,
        "PUBLISHER": settings.TSF_PUBLISHER,
        "ACCESSIBILITY": settings.TSF_ACCESSIBILITY,
    }
