"""Images of the blog served at the right size: `srcset` of the WebP copies made at upload
(blog/renditions.py), `sizes`, width and height (no layout shift), lazy below the fold."""
import re

from django import template
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import mark_safe

from blog import renditions
from blog.models import InlineImage

register = template.Library()

IMG = re.compile(r"<img\b([^>]*?)\s*/?>", re.IGNORECASE)
SRC = re.compile(r'\ssrc="([^"]+)"')
BODY_SIZES = "(min-width: 992px) 760px, 100vw"


@register.simple_tag
def srcset(fieldfile, widths, width=None):
    return renditions.srcset(fieldfile, widths, width)


@register.filter
def responsive_body(html):
    """The text of a post with its images (uploaded with the editor) served at the right size."""
    html = html or ""
    sources = {m.group(1) for m in SRC.finditer(html)}
    names = {src[len(settings.MEDIA_URL):] for src in sources if src.startswith(settings.MEDIA_URL)}
    if not names:
        return mark_safe(html)  # noqa: S308 - the text was cleaned by the allow-list on save
    images = {img.image.name: img for img in InlineImage.objects.filter(image__in=names)}

    def replace(match):
        attrs = match.group(1)
        found = SRC.search(attrs)
        image = images.get(found.group(1)[len(settings.MEDIA_URL):]) if found else None
        extra = ' loading="lazy" decoding="async"'
        if image is not None:
            if image.renditions:
                extra += f' srcset="{escape(renditions.srcset(image.image, image.renditions, image.width))}"'
                extra += f' sizes="{BODY_SIZES}"'
            if image.width and " width=" not in attrs:
                extra += f' width="{image.width}" height="{image.height}"'
        return f"<img{attrs}{extra}>"

    return mark_safe(IMG.sub(replace, html))  # noqa: S308 - the text was cleaned by the allow-list on save
