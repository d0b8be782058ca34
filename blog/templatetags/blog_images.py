"""Images of the blog served at the right size (the `{% picture %}` tag is tsf.core's, shared with
the project pages): a `<picture>` with the AVIF and WebP copies made by
the worker (blog/renditions.py) and the original as its `<img>`, `sizes`, width and height (no layout
shift), lazy below the fold. Before the copies exist the original alone is served, its size set."""
import re

from django import template
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import mark_safe

from blog import renditions
from blog.models import InlineImage
from tsf.core.templatetags.public_images import picture

register = template.Library()

IMG = re.compile(r"<img\b([^>]*?)\s*/?>", re.IGNORECASE)
SRC = re.compile(r'\ssrc="([^"]+)"')
BODY_SIZES = "(min-width: 992px) 760px, 100vw"


# The shared tag (tsf.core.templatetags.public_images), under the blog's library too.
register.simple_tag(picture, name="picture")


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
