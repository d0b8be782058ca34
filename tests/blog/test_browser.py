"""In a real browser: an editor writes a photo gallery with tags and schedules it; when its time
has come a visitor finds it by tag, opens it and sees the share links. And axe-core on the blog
list and on a post page."""
import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from blog.models import Post
from tests.blog.conftest import png_bytes
from tests.blog.factories import CategoryFactory, GalleryImageFactory, PostFactory, TagFactory
from tests.conftest import PASSWORD, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def field(page, text):
    """A form field by its visible label (crispy adds an asterisk to required ones)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$"))


def _block_video_hosts(page):
    page.route(re.compile(r"https://(www\.youtube-nocookie\.com|player\.vimeo\.com)/.*"), lambda route: route.abort())


def test_editor_schedules_a_gallery_and_a_visitor_finds_it_by_tag(page, browser, live_server, make_user):
    editor = make_user("redazione@example.org", roles=["editor"], full_name="Sara Redattrice")
    CategoryFactory(name="Incubation Lab")
    PostFactory(title="Un articolo già pubblicato", tags=[TagFactory(name="bando")])

    page.goto("/en/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Email")).fill(editor.email)
    page.get_by_label(re.compile(r"^\s*Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/my-area/"))

    page.goto("/en/blog/manage/")
    page.get_by_role("link", name="Write a new post").click()
    page.get_by_role("link", name="Photo gallery", exact=True).click()
    field(page, "Title").fill("Le foto del laboratorio a Mirafiori")
    field(page, "Summary").fill("Una mattina di lavoro con i team nel quartiere Mirafiori.")
    text = page.get_by_role("textbox", name="Text", exact=True)
    # The rich-text editor replaces the plain text area once its module has loaded (slow on a busy machine).
    expect(text).to_have_attribute("contenteditable", "true", timeout=60_000)
    text.click()
    page.keyboard.type("Le immagini della giornata. <script>alert('x')</script>")
    page.get_by_text("Incubation Lab", exact=True).click()
    field(page, "Tags").fill("Mirafiori, workshop")
    page.locator("#id_images-0-image").set_input_files(
        files=[{"name": "laboratorio.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.locator("#id_images-0-alt").fill("Persone sedute in cerchio in un cortile")
    page.locator("#id_images-0-caption").fill("Il cortile della casa del quartiere")
    page.get_by_text("Schedule: publish at the date and time below").click()
    when = timezone.localtime() + datetime.timedelta(minutes=5)
    field(page, "Publication date and time").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("The post is scheduled").wait_for()

    post = Post.objects.get(title="Le foto del laboratorio a Mirafiori")
    assert post.is_scheduled and post.images.count() == 1
    assert "<script" not in post.body

    # Before its time a visitor sees nothing of it.
    visitor = browser.new_context(base_url=live_server.url, locale="en-GB")
    vpage = visitor.new_page()
    vpage.goto("/en/blog/")
    assert "Le foto del laboratorio a Mirafiori" not in vpage.content()
    assert vpage.goto(post.get_absolute_url().replace("/blog/", "/en/blog/", 1)).status == 404

    # Time passes: the publication time is now in the past.
    post.refresh_from_db()
    post.publish_at = timezone.now() - datetime.timedelta(seconds=1)
    post.save()  # time passes: a save, as the scheduler's clock would, clears the anonymous page cache

    vpage.goto("/en/blog/")
    vpage.get_by_role("complementary").get_by_role("link", name="#Mirafiori").click()
    vpage.get_by_role("heading", name="Tag: Mirafiori").wait_for()
    vpage.get_by_role("link", name="Le foto del laboratorio a Mirafiori").click()
    vpage.get_by_role("heading", level=1, name="Le foto del laboratorio a Mirafiori").wait_for()
    assert vpage.get_by_role("img", name="Persone sedute in cerchio in un cortile").count() == 1
    assert "Il cortile della casa del quartiere" in vpage.content()
    for name in ("Share on Facebook", "Share on X (Twitter)", "Share on LinkedIn", "Share on WhatsApp", "Send by e-mail"):
        link = vpage.get_by_role("link", name=name)
        assert link.count() == 1, name
    href = vpage.get_by_role("link", name="Share on Facebook").get_attribute("href")
    assert href.startswith("https://www.facebook.com/sharer/sharer.php?u=")
    # No script from any social network on the page.
    sources = vpage.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")
    assert all(src.startswith(live_server.url) for src in sources), sources
    visitor.close()


def test_video_loads_only_on_click(page):
    post = PostFactory(kind=Post.Kind.VIDEO, title="Il video del Camp", video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    _block_video_hosts(page)
    page.goto(post.get_absolute_url())
    assert page.locator("iframe").count() == 0
    page.get_by_role("button", name=re.compile("Play the video|Riproduci")).click()
    frame = page.locator("iframe")
    frame.wait_for(state="attached")
    assert frame.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    assert frame.get_attribute("title")


def test_blog_list_and_post_page_are_accessible(page):
    lab, tag = CategoryFactory(name="Incubation Lab"), TagFactory(name="workshop")
    for i in range(4):
        PostFactory(title=f"Notizia {i}", categories=[lab], tags=[tag], with_cover=True,
                    publish_at=timezone.now() - datetime.timedelta(days=i + 1))
    video = PostFactory(kind=Post.Kind.VIDEO, title="Il video", video_url="https://vimeo.com/76979871",
                        categories=[lab], tags=[tag], with_cover=True,
                        body="<h2>Il contesto</h2><p>Un testo con un <a href='https://www.comune.torino.it'>link</a>.</p>")
    image = GalleryImageFactory(post__title="La galleria", post__tags=[tag], post__categories=[lab], post__with_cover=True)
    GalleryImageFactory(post=image.post, alt="Seconda foto", caption="")
    _block_video_hosts(page)
    page.goto("/blog/")
    assert_accessible(page, "blog list")
    page.goto(f"/blog/tag/{tag.slug}/")
    assert_accessible(page, "tag page")
    page.goto(image.post.get_absolute_url())
    assert_accessible(page, "gallery post")
    page.goto(video.get_absolute_url())
    assert_accessible(page, "video post")


def test_editor_pages_are_accessible(page, make_user):
    make_user("editor2@example.org", roles=["editor"])
    post = PostFactory(title="Da modificare")
    page.goto("/en/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Email")).fill("editor2@example.org")
    page.get_by_label(re.compile(r"^\s*Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/my-area/"))
    for path in ("/en/blog/manage/", "/en/blog/manage/new/", "/en/blog/manage/new/?kind=gallery",
                 f"/en/blog/manage/{post.pk}/", "/en/blog/manage/calendar/", "/en/blog/manage/images/"):
        page.goto(path)
        assert_accessible(page, path)
