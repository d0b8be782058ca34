"""For the site's sitemap.xml: the public posts (and nothing else) and the blog's list page."""
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Post


class PostSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Post.objects.published().only("slug", "updated_at", "publish_at").order_by("-publish_at", "-id")

    def location(self, item):
        return item.get_absolute_url()

    def lastmod(self, item):
        return max(item.updated_at, item.publish_at)


class BlogIndexSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return ["blog:index"]

    def location(self, item):
        return reverse(item)
