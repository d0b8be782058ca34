"""Unique slugs for the addresses of public pages (blog posts, project pages), in one place.

    unique_slug(Post.objects.all(), post.title, fallback="post", exclude_pk=post.pk, reserved=RESERVED_SLUGS)

gives "orti-urbani", or "orti-urbani-2", "-3"... when taken by another row of `queryset`.
"""
from django.utils.text import slugify

MAX_BASE = 180  # below the fields' 200 characters, leaving room for "-<n>"


def unique_slug(queryset, text: str, *, fallback: str, exclude_pk=None, reserved=(), field: str = "slug") -> str:
    """A slug of `text` not used by `queryset` (except the row `exclude_pk`); `fallback` when `text`
    has no letter or digit to keep; a word in `reserved` (an address the app's URLs use) gets
    `-<fallback>` after it."""
    base = slugify(text)[:MAX_BASE] or fallback
    if base in reserved:
        base = f"{base}-{fallback}"
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    slug, n = base, 2
    while queryset.filter(**{field: slug}).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug
