"""In Chromium: the pages are set in Titillium Web, loaded from the portal itself, and the
post-kind badge on the home page is readable (it was white on white), on a desktop and a phone."""
import os

import pytest

from tests.blog.factories import PostFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FONTS_LOADED = """async () => {
  await document.fonts.ready;
  const loaded = [...document.fonts].filter(f => f.status === "loaded").map(f => `${f.family}|${f.weight}|${f.style}`);
  return {
    loaded,
    check: document.fonts.check('16px "Titillium Web"') && document.fonts.check('600 16px "Titillium Web"'),
    body: getComputedStyle(document.body).fontFamily,
    heading: getComputedStyle(document.querySelector("h1, h2")).fontFamily,
  };
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_pages_are_set_in_titillium_web_from_the_portal(page, live_server, width):
    from blog.models import Post

    PostFactory(title="Intervista al team di quartiere", kind=Post.Kind.INTERVIEW)
    page.set_viewport_size({"width": width, "height": 900})
    font_requests = []
    page.on("request", lambda r: font_requests.append(r.url) if r.resource_type == "font" else None)
    page.goto("/")
    fonts = page.evaluate(FONTS_LOADED)
    assert fonts["check"], fonts
    assert fonts["body"].startswith('"Titillium Web"') and fonts["heading"].startswith('"Titillium Web"')
    assert "Titillium Web|400|normal" in fonts["loaded"] and "Titillium Web|600|normal" in fonts["loaded"]
    assert font_requests and all(url.startswith(live_server.url + "/static/fonts/") for url in font_requests)

    badge = page.locator(".tsf-kind").first
    assert badge.inner_text().strip().lower() == "intervista"
    colours = badge.evaluate("b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]")
    assert colours == ["rgb(255, 255, 255)", "rgb(92, 45, 145)"]  # white on the interview purple

    icon = page.evaluate("() => document.querySelector('link[rel=icon]').href")
    assert page.request.get(icon).status == 200
    os.makedirs("test-results", exist_ok=True)
    page.screenshot(path=f"test-results/look-home-{width}.png", full_page=False)
