"""The look of an Italian public administration site on every page: Bootstrap Italia's typefaces
served from the design-django-theme package (no CDN, no copy in the repository), a favicon, every
component's styles wherever the component appears, and one canonical address per page."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

from tests.blog.factories import PostFactory

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def canonicals(html):
    return re.findall(r'<link rel="canonical" href="([^"]*)">', html)


def test_the_home_page_links_the_fonts_the_favicon_and_one_canonical(client, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    html = client.get("/").content.decode()
    assert '<link rel="stylesheet" href="/static/css/tsf-fonts.css">' in html
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    assert 'rel="apple-touch-icon"' in html
    assert canonicals(html) == ["http://127.0.0.1:8000/"]
    for href in re.findall(r'<link rel="(?:icon|apple-touch-icon|stylesheet|preload)" href="/static/([^"]+)"', html):
        assert finders.find(href), f"{href} is linked but not served"
    assert client.get("/favicon.ico").url == "/static/img/favicon-32.png"


def test_the_fonts_come_from_the_theme_package_and_the_policy_allows_them(client):
    css = Path(finders.find("css/tsf-fonts.css")).read_text()
    families = set(re.findall(r'font-family: "([^"]+)"', css))
    assert families == {"Titillium Web", "Lora", "Roboto Mono"}
    urls = re.findall(r'url\("([^"]+)"\)', css)
    assert len(urls) == 2 * css.count("@font-face {") >= 32
    for url in urls:  # each one is a file of the installed package, none in the repository
        found = Path(finders.find("css/" + url))
        assert found.is_file() and "bootstrap_italia_template" in str(found), url
    assert not list((ROOT / "static").rglob("*.woff*"))
    policy = client.get("/")["Content-Security-Policy"]
    assert "font-src 'self'" in policy and "style-src 'self'" in policy


@pytest.mark.parametrize("language", ["it", "en"])
def test_one_canonical_in_the_language_of_the_page(client, settings, language):
    settings.SITE_URL = "http://127.0.0.1:8000"
    from django.urls import reverse
    from django.utils import translation

    from calls.reference import ensure_reference_data
    from tests.calls.factories import CallFactory
    from tests.projects.test_public import lab_project

    ensure_reference_data()
    call = CallFactory(year=2018)
    project = lab_project(call, "Bottega di quartiere").public_page
    post = PostFactory(title="Il laboratorio comincia")
    with translation.override(language):
        paths = [reverse("home"), reverse("blog:index"), post.get_absolute_url(), reverse("projects:portfolio"),
                 project.get_absolute_url(), call.get_absolute_url(), reverse("core:page", args=["privacy"]),
                 reverse("account_login")]
    assert all(p.startswith("/en/") == (language == "en") for p in paths)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert canonicals(response.content.decode()) == ["http://127.0.0.1:8000" + path], path


def test_component_styles_are_loaded_on_every_page_not_per_page():
    """A partial (a post card, a level badge, a chart) appears on pages of other apps: its styles
    must not live in a stylesheet that only some pages link (the post-kind badge was white on
    white on the home page). Only base.html links stylesheets; the printable pages, the PDFs' base
    (a document of its own, for WeasyPrint) and the server-error page (no template tags, so it cannot
    fail) have their own."""
    own = {"templates/base.html", "templates/500.html", "assessment/templates/assessment/print_base.html",
           "templates/pdf/base.html",
           # the readable summary inside a person's data copy (a file of its own in the ZIP, read offline)
           "tsf/privacy/templates/privacy/export_summary.html",
           # the rich-text editor's own stylesheets (django-prose-editor), on the one page that has it
           "blog/templates/blog/manage/post_form.html"}
    offenders = []
    for template in ROOT.glob("**/templates/**/*.html"):
        rel = template.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "var/", "node_modules/")) or rel in own:  # var/: tools' own venvs
            continue
        text = template.read_text()
        if 'rel="stylesheet"' in text or re.search(r"<style[ >]", text) and "@media print" not in text:
            offenders.append(rel)
    assert offenders == []
    base = (ROOT / "templates/base.html").read_text()
    for sheet in [*ROOT.glob("static/**/*.css"), *ROOT.glob("*/static/**/*.css")]:
        rel = sheet.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "var/", "node_modules/")) or rel.startswith("assessment/"):  # print.css: the printable pages
            continue
        if rel == "static/css/tsf-pdf.css":  # the PDFs' own stylesheet (templates/pdf/base.html)
            continue
        name = rel.split("static/", 1)[1]
        assert f"{{% static '{name}' %}}" in base, f"{name} is not linked by base.html"


def test_the_production_manifest_rewrites_the_font_addresses(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    call_command("collectstatic", "--noinput", verbosity=0)
    html = client.get("/").content.decode()
    sheet = re.search(r'href="/static/(css/tsf-fonts\.[0-9a-f]+\.css)"', html).group(1)
    css = (tmp_path / "static" / sheet).read_text()
    for url in re.findall(r'url\("([^"]+)"\)', css):
        assert re.search(r"\.[0-9a-f]{12}\.woff2?$", url), url
        assert (tmp_path / "static" / "css" / url).resolve().is_file(), url
    icon = re.search(r'<link rel="icon" href="/static/(img/favicon\.[0-9a-f]+\.svg)"', html).group(1)
    assert (tmp_path / "static" / icon).is_file()


def test_no_template_comment_shows_as_text():
    """Django's `{# ... #}` comment ends on its own line: one spread over two lines is printed as
    text (it was, at the foot of every page). Longer notes use {% comment %}; and the home page shows
    no comment."""
    offenders = []
    for template in ROOT.glob("**/templates/**/*"):
        rel = template.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "var/", "node_modules/")) or not template.is_file():
            continue
        for number, line in enumerate(template.read_text(errors="replace").splitlines(), 1):
            if re.search(r"\{#(?!.*#\})", line):
                offenders.append(f"{rel}:{number}")
    assert offenders == []


def test_pages_show_no_template_syntax(client):
    for url in ("/", "/en/", "/blog/", "/calls/"):
        html = client.get(url).content.decode()
        assert "{#" not in html and "#}" not in html and "{%" not in html, url
