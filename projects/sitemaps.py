from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import PublicProject


class ProjectSitemap(Sitemap):
    """The public portfolio and every published project page (never an unpublished one)."""

    changefreq = "weekly"
    priority = 0.7
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return ["projects:portfolio", *PublicProject.objects.public().order_by("slug")]

    def location(self, item):
        return reverse(item) if isinstance(item, str) else item.get_absolute_url()

    def lastmod(self, item):
        return None if isinstance(item, str) else item.updated_at
