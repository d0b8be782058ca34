from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Call


class CallSitemap(Sitemap):
    """The published calls, with the list of calls."""

    changefreq = "weekly"
    priority = 0.8
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return ["calls:index", *Call.objects.published().order_by("-opens_at")]

    def location(self, item):
        return reverse(item) if isinstance(item, str) else item.get_absolute_url()
