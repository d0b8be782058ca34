"""The allow-list for the rich text of posts: what an editor may write, and nothing that runs.

`clean_html` is called on save (Post.save), so whatever reaches the database, and so the page,
has no script, no event handler attribute, no `javascript:` link and no inline style.
"""
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup", "small",
    "blockquote", "q", "cite", "abbr", "code", "pre", "ul", "ol", "li", "dl", "dt", "dd",
    "a", "figure", "figcaption", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "span",
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
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean_html(value: str) -> str:
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def plain_text(value: str) -> str:
    """The text of some HTML, without any tag (for descriptions and feeds)."""
    return nh3.clean(value or "", tags=set()).strip()
