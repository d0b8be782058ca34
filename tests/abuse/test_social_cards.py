"""Every public page has its social card: the URL map's pages that answer 200 to an anonymous
visitor, in Italian and in English, each carry og:title, og:image and a Twitter card (the pages
most shared, the call, the camp, the opportunities, among them), with an absolute image address."""
import re

import pytest

from tests.abuse import urlmap
from tests.abuse.expectations import EXPECTED

pytestmark = pytest.mark.django_db

META = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"')


def _public_pages():
    return [n for n in urlmap.portal_url_names() if EXPECTED.get(n, {}).get("anonymous") == "200"]


@pytest.mark.parametrize("language", ["it", "en"])
def test_every_public_page_has_its_social_card(world, as_role, language):
    kwargs = urlmap.url_kwargs(world.objects)
    client = as_role("anonymous")
    missing, html_pages = [], 0
    for name in _public_pages():
        path = urlmap.path_for(name, kwargs, language)
        response = client.get(path)
        if response.status_code != 200 or response.streaming or \
                not response.get("Content-Type", "").startswith("text/html"):
            continue
        html_pages += 1
        body = response.content.decode()
        meta = {}
        for key, value in META.findall(body):
            meta.setdefault(key, value)
        wanted = ("og:title", "og:description", "og:url", "og:image", "twitter:card", "twitter:image")
        lacks = [k for k in wanted if k not in meta]
        if not lacks and not (meta["og:title"] and meta["og:image"].startswith("http")):
            lacks.append(f"empty title or relative image ({meta['og:title']!r}, {meta['og:image']!r})")
        titles = body.count('property="og:title"')
        if titles != 1:
            lacks.append(f"{titles} og:title tags")
        if lacks:
            missing.append(f"{name} {path}: {', '.join(lacks)}")
    assert html_pages > 20
    assert not missing, "Public pages without their social card:\n" + "\n".join(missing)


def test_a_call_page_shares_its_own_title_and_description(world, as_role):
    call = world.objects.open_call
    body = as_role("anonymous").get(urlmap.path_for("calls:detail", urlmap.url_kwargs(world.objects))).content.decode()
    meta = dict(META.findall(body))
    assert call.title in meta["og:title"] and "Torino Social Factory" not in meta["og:title"].replace(call.title, "")
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:image"].endswith("/static/blog/share-default.png")


def test_a_page_served_from_the_page_cache_keeps_its_one_card(world, as_role, settings):
    """The anonymous page cache keeps the page with its card: served again, it carries the card once,
    with the same values, and the card is not added a second time."""
    settings.TSF_PAGE_CACHE_SECONDS = 60
    client = as_role("anonymous")
    path = urlmap.path_for("calls:detail", urlmap.url_kwargs(world.objects))
    first, again = client.get(path), client.get(path)
    assert "X-Page-Cache" not in first and again["X-Page-Cache"] == "hit"
    body = again.content.decode()
    assert body.count('property="og:title"') == 1
    assert dict(META.findall(body))["og:title"] == dict(META.findall(first.content.decode()))["og:title"]
    assert world.objects.open_call.title in dict(META.findall(body))["og:title"]


def test_a_page_as_a_signed_in_person_sees_it_has_no_card_added(world, as_role):
    """A network's crawler never signs in: the pages a signed-in person is shown are not read through
    to add a card (on the call page, the card is there for visitors who are not signed in)."""
    path = urlmap.path_for("calls:detail", urlmap.url_kwargs(world.objects))
    assert 'property="og:title"' in as_role("anonymous").get(path).content.decode()
    response = as_role("staff").get(path)
    assert response.status_code == 200 and 'property="og:title"' not in response.content.decode()
