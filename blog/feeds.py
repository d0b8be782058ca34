"""RSS and Atom feeds of the latest public posts."""
import copy

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from tsf.core.sharing import absolute

from . import selectors
from .sanitize import plain_text


class LatestPostsFeed(Feed):
    title = _("Torino Social Factory – Blog")
    description = _("News, interviews, videos, photo galleries and event reports of Torino Social Factory.")
    request = None

    def __call__(self, request, *args, **kwargs):
        # One feed object serves every request: the request (for the images' absolute address,
        # which Django does not complete itself) goes on a copy, never on the shared instance.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def link(self):
        return reverse("blog:index")

    def items(self):
        return selectors.public_posts()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return plain_text(item.summary)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author.full_name if item.author else None

    def item_categories(self, item):
        return [c.name for c in item.categories.all()] + [t.name for t in item.tags.all()]

    def item_enclosure_url(self, item):
        return absolute(item.cover_image.url, self.request) if item.cover_image else None

    def item_enclosure_length(self, item):
        try:
            return item.cover_image.size if item.cover_image else None
        except OSError:
            return 0

    def item_enclosure_mime_type(self, item):
        if not item.cover_image:
            return None
        name = item.cover_image.name.lower()
        return "image/png" if name.endswith(".png") else "image/webp" if name.endswith(".webp") else "image/jpeg"


class AtomPostsFeed(LatestPostsFeed):
    feed_type = Atom1Feed
    subtitle = LatestPostsFeed.description
