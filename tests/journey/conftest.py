"""Fixtures of the whole-programme journey: the people (made once, as the brief allows: sign-up of
every actor would make the test too long) and one browser context per person, so that each logs
in once and keeps their session (and staff/assessors use their TOTP code only once)."""
import os
import re

import pytest

from tests.conftest import PASSWORD, totp_now


@pytest.fixture
def people(make_user):
    """Staff, a tutor, two assessors, an editor and a mentor; two promoters already registered
    (the third signs up in the browser)."""
    return {
        "staff": make_user("ufficio@example.org", roles=["staff"], full_name="Sara Ufficio", language="en"),
        "tutor": make_user("tutor@example.org", roles=["tutor"], full_name="Tina Tutor", language="en"),
        "assessor1": make_user("giulia.valuta@example.org", roles=["assessor"], full_name="Giulia Rosso",
                               language="en"),
        "assessor2": make_user("paolo.valuta@example.org", roles=["assessor"], full_name="Paolo Bianchi",
                               language="en"),
        "editor": make_user("redazione@example.org", roles=["editor"], full_name="Elisa Redazione", language="en"),
        "mentor": make_user("mentore@example.org", roles=["mentor"], full_name="Marco Mentore", language="en"),
        "promoter1": make_user("anna@emporio.example.org", roles=["promoter"], full_name="Anna Ferraris",
                               language="en"),
        "promoter2": make_user("luca@forno.example.org", roles=["promoter"], full_name="Luca Esposito",
                               language="en"),
    }


@pytest.fixture
def actors(browser, live_server, request, page):
    """`actors(name)` gives the page of one person (a browser context of their own); `page` (the
    suite's fixture) is the first one. Every page is screenshotted when the test fails."""
    pages = {}

    def get(name):
        if name not in pages:
            if not pages:
                pages[name] = page
            else:
                ctx = browser.new_context(base_url=live_server.url, locale="en-GB",
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
        if p is not page:
            p.context.close()


def login(page, email, totp=False):
    page.goto("/en/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Email")).fill(email)
    page.get_by_label(re.compile(r"^\s*Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if totp:
        page.get_by_label(re.compile(r"^\s*Code")).fill(totp_now())
        page.get_by_label(re.compile(r"^\s*Code")).press("Enter")
    page.get_by_role("heading", name="My area").wait_for()
    return page
