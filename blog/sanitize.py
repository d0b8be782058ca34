"""The allow-list for the rich text of posts: what an editor may write, and nothing that runs.

`clean_html` is called on save (Post.save), so whatever reaches the database, and so the page,
has no script, no event handler attribute, no `javascript:` link and no inline style.
"""
import re

import nh3
from django.conf import settings

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup", "small",
    "blockquote", "q", "cite", "abbr", "code", "pre", "ul", "ol", "li", "dl", "dt", "dd",
    "a", "figure", "figcaption", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "span", "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang", "lang"},
    "abbr": {"title"},
    "blockquote": {"cite", "lang"},
    "q": {"cite", "lang"},
    "p": {"lang"},
    "span": {"lang"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "img": {"src", "alt", "width", "height", "data-file"},
}
# The classes the editor's images carry (Bootstrap's own), and no other.
ALLOWED_CLASSES = {"figure": {"figure"}, "figcaption": {"figure-caption"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ALT_ATTR = re.compile(r"""\salt\s*=\s*("([^"]*)"|'([^']*)')""", re.IGNORECASE)


def _attribute_filter(element, attribute, value):
    # An image of the text is one of the portal's own (uploaded with the editor): no address that
    # would let a third party see who reads the post, no `data:` blob.
    if element == "img" and attribute == "src":
        return value if value.startswith(settings.MEDIA_URL) and ".." not in value else None
    if element == "img" and attribute in ("width", "height", "data-file"):
        return value if value.isdigit() else None
    return value


def clean_html(value: str) -> str:
    if not value:
        return ""
    cleaned = nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_attribute_filter,
        allowed_classes=ALLOWED_CLASSES,
    ).strip()
    # An image left without its address is nothing to show.
    return re.sub(r"<img\b(?![^>]*\ssrc=)[^>]*>", "", cleaned)


def images_without_alt(value: str) -> int:
    """How many images of some HTML have no alternative text (or an empty one)."""
    missing = 0
    for tag in IMG_TAG.findall(value or ""):
        match = ALT_ATTR.search(tag)
        text = (match.group(2) if match and match.group(2) is not None else (match.group(3) if match else "")) or ""
        if not text.strip():
            missing += 1
    return missing


def plain_text(value: str) -> str:
    """The text of some HTML, without any tag (for descriptions and feeds)."""
    return nh3.clean(value or "", tags=set()).strip()
