"""Sanitising, video addresses, feeds and the sitemap."""
import xml.etree.ElementTree as ET

import pytest
from django.contrib.sitemaps.views import sitemap
from django.test import RequestFactory
from django.urls import reverse

from blog.models import Post
from blog.sitemaps import BlogIndexSitemap, PostSitemap
from blog.video import embed_url, parse_video_url
from tests.blog.factories import CategoryFactory, PostFactory, TagFactory

EVIL = (
    '<p>Ciao</p><script>alert("x")</script>'
    '<img src="x" onerror="alert(1)">'
    '<a href="javascript:alert(2)" onclick="alert(3)">link</a>'
    '<p style="color:red" onmouseover="alert(4)">testo</p><iframe src="https://evil.example"></iframe>'
    '<svg onload="alert(5)"></svg><h2>Titolo</h2><a href="https://www.comune.torino.it">Comune</a>'
)


@pytest.mark.django_db
def test_body_is_sanitised_on_save_and_never_reaches_the_page(client):
    post = PostFactory(body=EVIL)
    post.refresh_from_db()
    for bad in ("<script", "alert(", "onerror", "onclick", "onmouseover", "javascript:", "style=", "<iframe", "<svg"):
        assert bad not in post.body
    assert "<h2>Titolo</h2>" in post.body
    assert 'href="https://www.comune.torino.it"' in post.body
    html = client.get(post.get_absolute_url()).content.decode()
    body = html.split('class="tsf-post-body">', 1)[1].split("</div>", 1)[0]
    assert "<script" not in body and "onerror" not in body and "alert(" not in body
    assert "onerror" not in html and 'alert("x")' not in html


@pytest.mark.django_db
def test_body_is_sanitised_even_with_update_fields():
    post = PostFactory()
    post.body = "<p onclick='x()'>ok</p><script>bad()</script>"
    post.save(update_fields=["body"])
    post.refresh_from_db()
    assert post.body == "<p>ok</p>"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ")),
        ("https://youtu.be/dQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ")),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ")),
        ("https://vimeo.com/76979871", ("vimeo", "76979871")),
        ("https://player.vimeo.com/video/76979871", ("vimeo", "76979871")),
        ("https://evil.example/watch?v=dQw4w9WgXcQ", None),
        ("https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ", None),
        ("javascript:alert(1)", None),
        ("https://www.youtube.com/watch?v=bad\"id", None),
    ],
)
def test_only_youtube_and_vimeo(url, expected):
    assert parse_video_url(url) == expected


def test_embeds_are_privacy_enhanced():
    assert embed_url("https://youtu.be/dQw4w9WgXcQ").startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    assert embed_url("https://vimeo.com/76979871") == "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"


@pytest.mark.django_db
def test_rss_feed_parses_and_lists_public_posts(client):
    cat, tag = CategoryFactory(name="Incubation Lab"), TagFactory(name="workshop")
    PostFactory(title="Primo workshop", categories=[cat], tags=[tag], with_cover=True)
    PostFactory(title="Secondo workshop")
    PostFactory(title="Bozza", status=Post.Status.DRAFT, publish_at=None)
    response = client.get(reverse("blog:feed_rss"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss"
    items = root.findall("./channel/item")
    titles = [i.findtext("title") for i in items]
    assert sorted(titles) == ["Primo workshop", "Secondo workshop"]
    first = next(i for i in items if i.findtext("title") == "Primo workshop")
    assert first.findtext("link").startswith("http://testserver/blog/primo-workshop")
    assert {c.text for c in first.findall("category")} == {"Incubation Lab", "workshop"}
    assert first.find("enclosure").get("type") == "image/png"
    assert first.findtext("pubDate")


@pytest.mark.django_db
def test_atom_feed_parses_and_lists_public_posts(client):
    PostFactory(title="Il Social Innovation Camp")
    PostFactory(title="Programmato", publish_at="2999-01-01T10:00:00+01:00")
    response = client.get(reverse("blog:feed_atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = root.findall("a:entry", ns)
    assert [e.findtext("a:title", namespaces=ns) for e in entries] == ["Il Social Innovation Camp"]
    entry = entries[0]
    assert entry.find("a:link", ns).get("href").startswith("http://testserver/blog/")
    assert entry.findtext("a:updated", namespaces=ns) and entry.findtext("a:published", namespaces=ns)
    assert entry.findtext("a:summary", namespaces=ns)


@pytest.mark.django_db
def test_post_sitemap_lists_published_posts_and_nothing_else(rf=None):
    public = PostFactory(title="Pubblico")
    PostFactory(title="Bozza", status=Post.Status.DRAFT, publish_at=None)
    PostFactory(title="Futuro", publish_at="2999-01-01T10:00:00+01:00")
    request = RequestFactory().get("/sitemap.xml")
    response = sitemap(request, sitemaps={"blog": BlogIndexSitemap, "posts": PostSitemap})
    response.render()
    root = ET.fromstring(response.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [u.findtext("s:loc", namespaces=ns) for u in root.findall("s:url", ns)]
    paths = sorted(loc.split("testserver", 1)[1] for loc in locs)
    assert paths == sorted(["/blog/", "/en/blog/", public.get_absolute_url(), "/en" + public.get_absolute_url()])


@pytest.mark.django_db
def test_latest_posts_for_the_home_page(django_assert_max_num_queries):
    from blog.selectors import latest_posts

    PostFactory(title="Vecchio", publish_at="2018-01-01T10:00:00+01:00")
    PostFactory(title="Nuovo", publish_at="2018-12-01T10:00:00+01:00")
    PostFactory(title="Bozza", status=Post.Status.DRAFT, publish_at=None)
    with django_assert_max_num_queries(3):
        posts = latest_posts(2)
        assert [p.title for p in posts] == ["Nuovo", "Vecchio"]
        assert all(p.tags.all() is not None for p in posts)
