"""Images of the blog served at the right size: a `<picture>` with the AVIF and WebP copies made by
the worker (blog/renditions.py) and the original as its `<img>`, `sizes`, width and height (no layout
shift), lazy below the fold. Before the copies exist the original alone is served, its size set."""
import re

from django import template
from django.conf import settings
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from blog import renditions
from blog.models import InlineImage

register = template.Library()

IMG = re.compile(r"<img\b([^>]*?)\s*/?>", re.IGNORECASE)
SRC = re.compile(r'\ssrc="([^"]+)"')
BODY_SIZES = "(min-width: 992px) 760px, 100vw"


def _sources(fieldfile, made, width, sizes):
    return format_html_join("", '<source type="{}" srcset="{}" sizes="{}">',
                            ((mime, srcset, sizes) for mime, srcset in renditions.sources(fieldfile, made, width)))


@register.simple_tag
def picture(fieldfile, made, width=None, height=None, *, alt="", sizes="100vw", css="", lazy=True, priority=False):
    """`{% picture post.cover_image post.cover_renditions post.cover_width post.cover_height alt=... sizes=... %}`"""
    if not fieldfile:
        return ""
    attrs = format_html(' class="{}"', css) if css else ""
    if width and height:
        attrs += format_html(' width="{}" height="{}"', width, height)
    if lazy:
        attrs += mark_safe(' loading="lazy" decoding="async"')
    if priority:
        attrs += mark_safe(' fetchpriority="high"')
    img = format_html('<img src="{}" alt="{}"{}>', fieldfile.url, alt, attrs)
    sources = _sources(fieldfile, made, width, sizes)
    return format_html("<picture>{}{}</picture>", sources, img) if sources else img


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
        if image is None:
            return f"<img{attrs}{extra}>"
        if image.width and " width=" not in attrs:
            extra += f' width="{image.width}" height="{image.height}"'
        sources = "".join(f'<source type="{mime}" srcset="{escape(srcset)}" sizes="{BODY_SIZES}">'
                          for mime, srcset in renditions.sources(image.image, image.renditions, image.width))
        tag = f"<img{attrs}{extra}>"
        return f"<picture>{sources}{tag}</picture>" if sources else tag

    return mark_safe(IMG.sub(replace, html))  # noqa: S308 - the text was cleaned by the allow-list on save
