from django.conf import settings


def portal(request):
    """What the page layout needs on every page: the unread notifications count (one query)."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    alternates = []
    if request is not None and hasattr(request, "path"):
        from django.urls import translate_url

        for code, _name in settings.LANGUAGES:
            alternates.append((code, settings.SITE_URL + translate_url(request.path, code)))
    return {
        "unread_notifications": unread,
        "SITE_URL": settings.SITE_URL,
        "DEBUG": settings.DEBUG,
        "alternate_urls": alternates,
        "canonical_url": settings.SITE_URL + request.path if request is not None else settings.SITE_URL,
    }
