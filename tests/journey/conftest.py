"""Fixtures of the whole-programme journey: the language it is walked in, the people (made once, as
the brief allows: sign-up of every actor would make the test too long) and one browser context per
person, so that each logs in once and keeps their session (and staff/assessors use their TOTP code
only once)."""
import os

import pytest

from tests.conftest import browser_login

LOCALES = {"it": "it-IT", "en": "en-GB"}


@pytest.fixture
def language():
    """The language of the journey: Italian, the portal's default; a test walks it in English with
    `@pytest.mark.parametrize("language", ["en"])`."""
    return "it"


class Say:
    """The words of the journey's language: `say("Salva", "Save")` is the label a person reads on
    the page, written out in both languages (never looked up in the catalogue, so that a missing or
    wrong translation fails the test as it fails a person); `say.url("/calls/")` is the page's
    address (Italian at the root, English under /en/)."""

    def __init__(self, language):
        self.language = language
        self.prefix = "" if language == "it" else f"/{language}"

    def __call__(self, it, en):
        return it if self.language == "it" else en

    def url(self, path):
        return self.prefix + path


@pytest.fixture
def say(language):
    return Say(language)


@pytest.fixture
def people(make_user, language):
    """Staff, a tutor, two assessors, an editor and a mentor; two promoters already registered
    (the third signs up in the browser). Everybody's preferred language is the journey's."""
    def person(email, role, name):
        return make_user(email, roles=[role], full_name=name, language=language)

    return {
        "staff": person("ufficio@example.org", "staff", "Sara Ufficio"),
        "tutor": person("tutor@example.org", "tutor", "Tina Tutor"),
        "assessor1": person("giulia.valuta@example.org", "assessor", "Giulia Rosso"),
        "assessor2": person("paolo.valuta@example.org", "assessor", "Paolo Bianchi"),
        "editor": person("redazione@example.org", "editor", "Elisa Redazione"),
        "mentor": person("mentore@example.org", "mentor", "Marco Mentore"),
        "promoter1": person("anna@emporio.example.org", "promoter", "Anna Ferraris"),
        "promoter2": person("luca@forno.example.org", "promoter", "Luca Esposito"),
    }


@pytest.fixture
def actors(browser, live_server, request, language):
    """`actors(name)` gives the page of one person: a browser context of their own, whose browser
    asks for the journey's language. Every page is screenshotted when the test fails."""
    pages = {}

    def get(name):
        if name not in pages:
            ctx = browser.new_context(base_url=live_server.url, locale=LOCALES[language],
                                      viewport={"width": 1280, "height": 900})
            ctx.set_default_timeout(15000)
            pages[name] = ctx.new_page()
            pages[name].on("dialog", lambda dialog: dialog.accept())
        return pages[name]

    yield get
    rep = getattr(request.node, "rep_call", None)
    for name, p in pages.items():
        if rep is not None and rep.failed:
            os.makedirs("test-results", exist_ok=True)
            p.screenshot(path=f"test-results/{request.node.name}-{name}.png", full_page=True)
        p.context.close()


def login(page, email, totp=False, *, language="it", **kwargs):
    return browser_login(page, email, totp=totp, language=language, **kwargs)
