"""Light pages (README, "Light pages"): the public pages link only the scripts they use, deferred, and
what they make a phone download stays small. `make lighthouse` measures the real transfer on the demo
(every request, images and fonts too); this test weighs, cheaply, what every page carries: the HTML and
the stylesheets and scripts it links (with the modules they import), compressed with gzip (WhiteNoise
serves brotli where the browser takes it, smaller still), so that bringing back a bundle of a megabyte fails here and not only in Lighthouse."""
import functools
import gzip
import re
from html.parser import HTMLParser
from pathlib import PurePosixPath

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.blog.factories import PostFactory
from tests.projects.test_public import call, lab_project  # noqa: F401  (the `call` fixture)

pytestmark = pytest.mark.django_db

# The static files of a page, compressed: today about 120 KB (Bootstrap Italia's stylesheet is most
# of it). The page's fonts (about 60 KB) and images come on top, within Lighthouse's 400 KB.
BUDGET = 200 * 1024
IMPORT = re.compile(r"""(?:^|;|\n)\s*(?:import|export)\s[^'";]*?from\s*["']([^"']+)["']|(?:^|\n)\s*import\s*["']([^"']+)["']""")


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.styles, self.scripts = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "stylesheet":
            self.styles.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.scripts.append(a)


@functools.lru_cache
def _compressed(url):
    return len(gzip.compress(_static_file(url), compresslevel=6))


def _static_file(url):
    assert url.startswith("/static/"), url
    path = finders.find(url.removeprefix("/static/"))
    assert path, f"{url} is not a static file"
    with open(path, "rb") as f:
        return f.read()


def _normal(url):
    parts = []
    for part in url.split("/"):
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _weigh(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content
    parser = _Assets()
    parser.feed(html.decode())
    not_deferred = [s["src"] for s in parser.scripts if "defer" not in s and s.get("type") != "module"]
    modules = set()
    for script in parser.scripts:
        if script.get("type") == "module":
            _collect(script["src"], modules)
    files = set(parser.styles) | {s["src"] for s in parser.scripts} | modules
    weight = len(gzip.compress(html)) + sum(_compressed(f) for f in files)
    return weight, files, not_deferred


def _collect(url, seen):
    url = _normal(url)
    if url in seen:
        return
    seen.add(url)
    for match in IMPORT.finditer(_static_file(url).decode()):
        target = match.group(1) or match.group(2)
        assert target.startswith("."), f"{url} imports {target!r}: a browser cannot resolve a bare name"
        _collect(str(PurePosixPath(url).parent / target), seen)


def test_public_pages_load_only_the_scripts_they_use_deferred_and_stay_light(client, call):  # noqa: F811
    project = lab_project(call, "Forno sociale di quartiere")
    post = PostFactory(with_cover=True)
    pages = [reverse("home"), post.get_absolute_url(), reverse("projects:public_detail", args=[project.public_page.slug]),
             call.get_absolute_url(), reverse("projects:portfolio")]
    for url in pages:
        weight, files, not_deferred = _weigh(client, url)
        assert not any("bootstrap-italia.bundle" in f or "bootstrap-italia.min.js" in f for f in files), files
        # The header's menu is Bootstrap Italia's one component the pages use, imported as modules.
        assert "/static/plugins/navbar-collapsible.js" in files and "/static/plugins/base-component.js" in files
        assert not_deferred == [], f"{url}: scripts that hold up the page: {not_deferred}"
        assert weight < BUDGET, f"{url}: {weight / 1024:.0f} KB of HTML, styles and scripts (budget {BUDGET // 1024} KB)"
