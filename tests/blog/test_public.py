"""What the public sees: published posts only, at their time; filters, search, post page,
metadata and share links; conditional requests."""
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from blog.models import Post
from tests.blog.factories import CategoryFactory, GalleryImageFactory, PostFactory, TagFactory

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def test_draft_is_invisible_and_its_page_is_404(client):
    draft = PostFactory(title="Bozza segreta", status=Post.Status.DRAFT, publish_at=None)
    PostFactory(title="Articolo pubblico")
    listing = client.get(reverse("blog:index")).content.decode()
    assert "Articolo pubblico" in listing
    assert "Bozza segreta" not in listing
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_scheduled_post_appears_only_when_its_time_comes(client):
    when = datetime.datetime(2018, 7, 20, 10, 0, tzinfo=ROME)
    with freeze_time(when - datetime.timedelta(days=2)):
        post = PostFactory(title="I 12 progetti finanziati", publish_at=when, tags=[TagFactory(name="finanziati")])
    url = post.get_absolute_url()
    with freeze_time(when - datetime.timedelta(minutes=1)):
        assert client.get(url).status_code == 404
        assert "I 12 progetti finanziati" not in client.get(reverse("blog:index")).content.decode()
        assert "I 12 progetti finanziati" not in client.get(reverse("blog:tag", args=["finanziati"])).content.decode()
        assert "I 12 progetti finanziati" not in client.get(reverse("blog:feed_rss")).content.decode()
    with freeze_time(when + datetime.timedelta(seconds=1)):
        response = client.get(url)
        assert response.status_code == 200
        assert "I 12 progetti finanziati" in response.content.decode()
        assert "I 12 progetti finanziati" in client.get(reverse("blog:index")).content.decode()
        assert "I 12 progetti finanziati" in client.get(reverse("blog:feed_rss")).content.decode()


def test_filters_by_kind_category_tag_and_search(client):
    lab = CategoryFactory(name="Incubation Lab")
    camp = CategoryFactory(name="Social Innovation Camp")
    barriera = TagFactory(name="Barriera di Milano")
    PostFactory(title="Intervista a Maria", kind=Post.Kind.INTERVIEW, categories=[lab], tags=[barriera])
    PostFactory(title="Il video del camp", kind=Post.Kind.VIDEO, video_url="https://vimeo.com/123456",
                categories=[camp], body="<p>Pitch davanti agli investitori sociali</p>")
    PostFactory(title="Galleria del workshop", kind=Post.Kind.GALLERY, categories=[lab])

    def titles(url, **params):
        html = client.get(url, params).content.decode()
        return {t for t in ("Intervista a Maria", "Il video del camp", "Galleria del workshop") if t in html}

    index = reverse("blog:index")
    assert titles(index) == {"Intervista a Maria", "Il video del camp", "Galleria del workshop"}
    assert titles(index, kind="interview") == {"Intervista a Maria"}
    assert titles(index, category=lab.slug) == {"Intervista a Maria", "Galleria del workshop"}
    assert titles(reverse("blog:category", args=[camp.slug])) == {"Il video del camp"}
    assert titles(index, tag=barriera.slug) == {"Intervista a Maria"}
    assert titles(reverse("blog:tag", args=[barriera.slug])) == {"Intervista a Maria"}
    assert titles(index, q="investitori") == {"Il video del camp"}  # in the body
    assert titles(index, q="galleria") == {"Galleria del workshop"}  # in the title
    assert "No post matches these filters." in client.get(index, {"q": "nulla di simile"}).content.decode() or \
        "Nessun" in client.get(index, {"q": "nulla di simile"}).content.decode()
    assert client.get(reverse("blog:tag", args=["does-not-exist"])).status_code == 404
    assert client.get(reverse("blog:category", args=["does-not-exist"])).status_code == 404


def test_pagination(client):
    for i in range(15):
        PostFactory(title=f"Post numero {i:02d}", publish_at=timezone.now() - datetime.timedelta(hours=i + 1))
    first = client.get(reverse("blog:index")).content.decode()
    second = client.get(reverse("blog:index"), {"page": 2}).content.decode()
    assert "Post numero 00" in first and "Post numero 14" not in first
    assert "Post numero 14" in second and "Post numero 00" not in second


def test_post_page_has_open_graph_twitter_card_and_share_links(client, settings):
    settings.SITE_URL = "https://www.torinosocialfactory.it"
    post = PostFactory(title="Al via il bando Torino Social Factory", slug="al-via-il-bando",
                       summary="Il Comune apre il bando.", with_cover=True, cover_alt="Il logo del bando")
    html = client.get(post.get_absolute_url()).content.decode()
    url = "https://www.torinosocialfactory.it" + post.get_absolute_url()
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Al via il bando Torino Social Factory">' in html
    assert f'<meta property="og:image" content="https://www.torinosocialfactory.it{post.cover_image.url}">' in html
    assert '<meta property="og:image:alt" content="Il logo del bando">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert f'<link rel="canonical" href="{url}">' in html
    enc = "https%3A%2F%2Fwww.torinosocialfactory.it%2Fblog%2Fal-via-il-bando%2F"
    assert f"https://www.facebook.com/sharer/sharer.php?u={enc}" in html
    assert f"https://www.linkedin.com/sharing/share-offsite/?url={enc}" in html
    assert "https://twitter.com/intent/tweet?url=" + enc in html
    assert "https://wa.me/?text=" in html
    assert "mailto:?subject=" in html
    # Plain links: no script from any social network.
    for host in ("facebook.net", "platform.twitter.com", "platform.linkedin.com", "connect.facebook"):
        assert host not in html


def test_list_page_has_open_graph_metadata(client, settings):
    settings.SITE_URL = "https://tsf.example"
    html = client.get(reverse("blog:index")).content.decode()
    assert '<meta property="og:type" content="website">' in html
    assert '<meta property="og:url" content="https://tsf.example/blog/">' in html
    assert '<meta property="og:image" content="https://tsf.example/static/blog/share-default.png">' in html
    assert 'name="twitter:card"' in html
    assert "Share on Facebook" in html or "Condividi" in html


def test_gallery_and_event_and_video_are_rendered(client):
    image = GalleryImageFactory(post__title="Le foto del primo workshop", alt="Una sala piena di persone",
                                caption="Il saluto dell'assessora")
    html = client.get(image.post.get_absolute_url()).content.decode()
    assert 'alt="Una sala piena di persone"' in html
    assert "<figcaption" in html and "Il saluto dell&#x27;assessora" in html

    event = PostFactory(kind=Post.Kind.EVENT, event_date=datetime.date(2018, 10, 26), event_place="Toolbox, via Agostino da Montefeltro 2")
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Toolbox, via Agostino da Montefeltro 2" in html and 'datetime="2018-10-26"' in html

    video = PostFactory(kind=Post.Kind.VIDEO, video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    html = client.get(video.get_absolute_url()).content.decode()
    # Nothing from YouTube is loaded until the visitor presses play: no iframe, a button and the script.
    assert "<iframe" not in html
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0&amp;autoplay=1"' in html
    assert 'class="tsf-video-play"' in html
    assert "/static/blog/video.js" in html


def test_conditional_get_answers_304(client):
    post = PostFactory(title="Un post")
    client.get(reverse("blog:index"))  # the first visit sets the CSRF cookie, part of the ETag
    for url in (reverse("blog:index"), post.get_absolute_url()):
        first = client.get(url)
        assert first.status_code == 200
        assert first.has_header("ETag") and first.has_header("Last-Modified")
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304


def test_edit_changes_the_etag(client):
    post = PostFactory(title="Un post")
    client.get(reverse("blog:index"))
    first = client.get(post.get_absolute_url())
    with freeze_time(timezone.now() + datetime.timedelta(minutes=5)):
        post.title = "Un post corretto"
        post.save()
        again = client.get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 200
        assert "Un post corretto" in again.content.decode()
        listing = client.get(reverse("blog:index"))
    # A newly public scheduled post changes the list's ETag too.
    PostFactory(title="Arriva adesso", publish_at=timezone.now() + datetime.timedelta(minutes=10))
    with freeze_time(timezone.now() + datetime.timedelta(minutes=11)):
        later = client.get(reverse("blog:index"), HTTP_IF_NONE_MATCH=listing["ETag"])
        assert later.status_code == 200 and "Arriva adesso" in later.content.decode()


def test_logged_in_pages_are_not_conditional(client, promoter_user):
    client.force_login(promoter_user)
    response = client.get(reverse("blog:index"))
    assert response.status_code == 200
    assert not response.has_header("ETag")


def test_blog_list_query_count_is_flat(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cats = [CategoryFactory(name=f"Cat {i}") for i in range(3)]
    tags = [TagFactory(name=f"Tag {i}") for i in range(4)]

    def make(n):
        for _ in range(n):
            PostFactory(categories=cats[:2], tags=tags[:3], with_cover=False)

    make(10)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("blog:index")).status_code == 200
    make(190)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("blog:index")).status_code == 200
    assert len(few) == len(many), [q["sql"] for q in many.captured_queries]
    with CaptureQueriesContext(connection) as tag_page:
        assert client.get(reverse("blog:tag", args=[tags[0].slug])).status_code == 200
    assert len(tag_page) <= len(many) + 1
