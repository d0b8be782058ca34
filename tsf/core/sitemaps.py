from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class StaticPagesSitemap(Sitemap):
    """The home page and the site's fixed pages, in Italian and English."""

    changefreq = "monthly"
    priority = 0.5
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return [("home", ()), ("core:page", ("accessibility",)), ("core:page", ("privacy",)), ("core:page", ("contacts",))]

    def location(self, item):
        name, args = item
        return reverse(name, args=args)

    def priority_for(self, item):
        return 1.0 if item[0] == "home" else 0.3
