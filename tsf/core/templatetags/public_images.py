"""Public images served at the right size, whichever app shows them: a `<picture>` with the AVIF and
WebP copies made by the worker (tsf.core.renditions) and the original as its `<img>`, `sizes`, width
and height (no layout shift), lazy below the fold. Before the copies exist the original alone is
served, its size set."""
from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from tsf.core import renditions

register = template.Library()


def _sources(fieldfile, made, width, sizes):
    return format_html_join("", '<source type="{}" srcset="{}" sizes="{}">',
                            ((mime, srcset, sizes) for mime, srcset in renditions.sources(fieldfile, made, width)))


@register.simple_tag
def picture(fieldfile, made, width=None, height=None, *, alt="", sizes="100vw", css="", lazy=True, priority=False):
    """`{% picture post.cover_image post.cover_renditions post.cover_width post.cover_height alt=... sizes=... %}`"""
    if not fieldfile:
        return ""
    attrs = format_html(' class="{}"', css) if css else mark_safe("")  # stays safe when added to
    if width and height:
        attrs += format_html(' width="{}" height="{}"', width, height)
    if lazy:
        attrs += mark_safe(' loading="lazy" decoding="async"')
    if priority:
        attrs += mark_safe(' fetchpriority="high"')
    img = format_html('<img src="{}" alt="{}"{}>', fieldfile.url, alt, attrs)
    sources = _sources(fieldfile, made, width, sizes)
    return format_html("<picture>{}{}</picture>", sources, img) if sources else img
