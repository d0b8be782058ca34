"""Languages: the same page in another language, and a person's own language.

Italian pages live at the root and English ones under /en/ (i18n_patterns without the default
prefix), so the language of a page is read from its path, never from the language that happens to
be active: Django's `translate_url` resolves with the active language and, asked from a request in
one language for a page in the other, finds nothing and gives the same page back."""
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.functional import lazy


def language_of(user) -> str:
    """The language a person reads the portal and their e-mails in (their profile's choice)."""
    lang = (getattr(user, "language", "") or "")[:2]
    return lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def path_language(url: str) -> str:
    """The language of the page at `url` (a path or an absolute URL)."""
    return translation.get_language_from_path(urlsplit(url or "/").path) or settings.LANGUAGE_CODE


def translate_to(url: str, lang: str) -> str:
    """`url` (path or absolute, with its query string and fragment) as the same page in `lang`;
    unchanged when it is not one of the portal's pages."""
    if not url:
        return url
    with translation.override(path_language(url)):
        return translate_url(url, lang)


def _interpolate(message, params):
    return str(message) % params


# A message with its values, translated when it is shown: `later(gettext_lazy("Proposal %(n)s
# withdrawn"), {"n": 7})` put in an e-mail's context reads in each recipient's language.
later = lazy(_interpolate, str)
