"""A visitor becomes a user in a real browser: home page, English, sign-up, the e-mail's link, login,
"my area". And axe-core on the first pages everybody sees."""
import re

import pytest
from django.core import mail

from ..conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_signs_up_in_english_and_reaches_my_area(page, live_server):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "it"
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/en/$"))
    assert page.locator("html").get_attribute("lang") == "en"

    page.goto("/en/accounts/signup/")
    page.get_by_label("Full name").fill("Laura Neri")
    page.get_by_label("Email").fill("laura@example.org")
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill("Laura-Password-2018")
    page.get_by_label(re.compile("Password \\(again\\)")).fill("Laura-Password-2018")
    page.get_by_text(re.compile("I have read the privacy notice")).click()  # Bootstrap Italia styles the label
    assert page.get_by_label(re.compile("I have read the privacy notice")).is_checked()
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["laura@example.org"]
    link = re.search(r"https?://\S+/confirm-email/\S+", mail.outbox[0].body).group(0)
    page.goto(link.replace("http://testserver", live_server.url))
    page.get_by_role("button", name="Confirm").click()

    page.goto("/en/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Email")).fill("laura@example.org")
    page.get_by_label(re.compile(r"^\s*Password")).fill("Laura-Password-2018")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="My area").wait_for()
    assert "Welcome, Laura Neri." in page.content()


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/", "/en/", "/page/accessibility/"])
def test_first_pages_have_no_serious_accessibility_violation(page, path):
    page.goto(path)
    assert_accessible(page, path)


def test_home_fits_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto("/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    context.close()
