from django.conf import settings


def portal(request):
    """What the page layout needs on every page: the unread notifications count (one query)."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {"unread_notifications": unread, "SITE_URL": settings.SITE_URL, "DEBUG": settings.DEBUG}
