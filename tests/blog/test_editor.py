"""The editors' pages: who may open them, writing a post with its gallery, preview, publication
and deletion, and the messages next to the fields."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from blog.models import GalleryImage, Post, Tag
from tests.blog.conftest import png_bytes
from tests.blog.factories import CategoryFactory, PostFactory
from tsf.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _management(total=3, initial=0):
    return {
        "images-TOTAL_FORMS": str(total), "images-INITIAL_FORMS": str(initial),
        "images-MIN_NUM_FORMS": "0", "images-MAX_NUM_FORMS": "60",
    }


def _data(**overrides):
    data = {
        "kind": "article", "title": "Al via l'Incubation Lab", "slug": "", "summary": "Venticinque team al lavoro.",
        "body": "<p>Il primo workshop.</p>", "tags_text": "", "cover_alt": "", "video_url": "", "event_date": "",
        "event_place": "", "seo_title": "", "seo_description": "", "publication": "draft", "publish_at": "",
        **_management(),
    }
    data.update(overrides)
    return data


def _png(name="foto.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture
def post():
    return PostFactory(title="Una bozza", status=Post.Status.DRAFT, publish_at=None)


def _urls(post):
    return [
        reverse("blog:manage"), reverse("blog:manage_create"), reverse("blog:manage_edit", args=[post.pk]),
        reverse("blog:manage_preview", args=[post.pk]), reverse("blog:manage_delete", args=[post.pk]),
    ]


def test_anonymous_is_sent_to_login(client, post):
    for url in _urls(post):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    response = client.post(reverse("blog:manage_publication", args=[post.pk]), {"action": "publish"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


def test_promoter_is_refused(promoter_client, post):
    for url in _urls(post):
        assert promoter_client.get(url).status_code == 403, url
    assert promoter_client.post(reverse("blog:manage_publication", args=[post.pk]), {"action": "publish"}).status_code == 403
    assert promoter_client.post(reverse("blog:manage_delete", args=[post.pk]), {"confirm": "yes"}).status_code == 403
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


def test_editor_and_staff_may_open_every_page(editor_user, staff_user, post):
    from django.test import Client

    for person in (editor_user, staff_user):
        c = Client()
        c.force_login(person)
        for url in _urls(post):
            assert c.get(url).status_code == 200, url


def test_staff_without_totp_is_sent_to_set_it_up(client, make_user, post):
    client.force_login(make_user(roles=["staff"], mfa=False))
    response = client.get(reverse("blog:manage"))
    assert response.status_code == 302 and "totp" in response["Location"]


def test_editor_does_not_need_totp(client, make_user):
    client.force_login(make_user(roles=["editor"], mfa=False))
    assert client.get(reverse("blog:manage")).status_code == 200


def test_editor_writes_a_gallery_post_with_tags_and_schedules_it(editor_client, editor_user):
    category = CategoryFactory(name="Incubation Lab")
    when = timezone.localtime() + datetime.timedelta(days=2)
    data = _data(
        kind="gallery", title="Le foto del secondo workshop", categories=[category.pk],
        tags_text="workshop, Barriera di Milano, workshop", publication="schedule",
        publish_at=when.strftime("%Y-%m-%dT%H:%M"),
        **{"images-0-image": _png(), "images-0-alt": "Un tavolo con i canvas", "images-0-caption": "Il business model canvas",
           "images-0-order": "1"},
    )
    response = editor_client.post(reverse("blog:manage_create"), data)
    assert response.status_code == 302, (response.context["form"].errors, response.context["formset"].errors, response.context["formset"].non_form_errors())
    post = Post.objects.get(title="Le foto del secondo workshop")
    assert post.slug == "le-foto-del-secondo-workshop"
    assert post.author == editor_user
    assert post.is_scheduled and not post.is_public
    assert sorted(post.tags.values_list("name", flat=True)) == ["Barriera di Milano", "workshop"]
    assert list(post.categories.all()) == [category]
    image = post.images.get()
    assert image.alt == "Un tavolo con i canvas" and image.width == 64
    assert AuditEntry.objects.filter(action="blog.post.create", object_id=str(post.pk)).exists()
    page = editor_client.get(response["Location"])
    assert "Scheduled" in page.content.decode() or "Programmato" in page.content.decode()


def test_missing_alt_text_and_bad_fields_get_messages_next_to_the_field(editor_client):
    data = _data(
        kind="video", video_url="https://evil.example/v/1", cover_image=_png("cover.png"), cover_alt="",
        publication="schedule", publish_at="2001-01-01T10:00",
        **{"images-0-image": _png(), "images-0-alt": ""},
    )
    response = editor_client.post(reverse("blog:manage_create"), data)
    assert response.status_code == 200
    form, formset = response.context["form"], response.context["formset"]
    assert "cover_alt" in form.errors
    assert "video_url" in form.errors
    assert "publish_at" in form.errors
    assert formset is None  # a video post has no gallery
    html = response.content.decode()
    assert "Only YouTube or Vimeo" in html or "YouTube" in html
    assert not Post.objects.exists()


def test_gallery_needs_an_image_and_event_needs_a_date(editor_client):
    response = editor_client.post(reverse("blog:manage_create"), _data(kind="gallery"))
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()
    response = editor_client.post(reverse("blog:manage_create"), _data(kind="event"))
    assert "event_date" in response.context["form"].errors


def test_script_in_the_form_never_reaches_the_page(editor_client):
    from django.test import Client

    client = Client()
    data = _data(body='<p>ok</p><script>alert(1)</script><img src=x onerror="alert(2)">', publication="now")
    assert editor_client.post(reverse("blog:manage_create"), data).status_code == 302
    post = Post.objects.get()
    html = client.get(post.get_absolute_url()).content.decode()
    assert "alert(" not in html and "onerror" not in html


def test_preview_shows_a_draft_to_editors_only(editor_client, promoter_user, post):
    from django.test import Client

    client, promoter_client = Client(), Client()
    promoter_client.force_login(promoter_user)
    url = reverse("blog:manage_preview", args=[post.pk])
    response = editor_client.get(url)
    assert response.status_code == 200 and "Una bozza" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert client.get(post.get_absolute_url()).status_code == 404
    assert promoter_client.get(url).status_code == 403


def test_publish_now_unpublish_and_schedule(editor_client, post):
    from django.test import Client

    client = Client()
    action = reverse("blog:manage_publication", args=[post.pk])
    editor_client.post(action, {"action": "publish"})
    post.refresh_from_db()
    assert post.is_public
    assert client.get(post.get_absolute_url()).status_code == 200
    editor_client.post(action, {"action": "unpublish"})
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert client.get(post.get_absolute_url()).status_code == 404
    response = editor_client.post(action, {"action": "schedule", "publish_at": "2001-01-01T10:00"}, follow=True)
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT  # a past time is refused, with a message
    assert list(response.context["messages"])
    later = (timezone.localtime() + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    editor_client.post(action, {"action": "schedule", "publish_at": later})
    post.refresh_from_db()
    assert post.is_scheduled
    assert client.get(post.get_absolute_url()).status_code == 404
    assert set(AuditEntry.objects.filter(object_id=str(post.pk)).values_list("action", flat=True)) >= {
        "blog.post.publish", "blog.post.unpublish", "blog.post.schedule"}


def test_delete_asks_for_confirmation(editor_client, post, english):
    GalleryImage.objects.create(post=post, image=_png(), alt="Una foto")
    url = reverse("blog:manage_delete", args=[post.pk])
    response = editor_client.get(url)
    assert response.status_code == 200 and "cannot be undone" in response.content.decode()
    editor_client.post(url, {})  # no confirmation: nothing happens
    assert Post.objects.filter(pk=post.pk).exists()
    response = editor_client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert not Post.objects.filter(pk=post.pk).exists()
    assert AuditEntry.objects.filter(action="blog.post.delete").exists()


def test_edit_keeps_gallery_and_tags(editor_client, post):
    GalleryImage.objects.create(post=post, image=_png(), alt="Prima foto")
    post.tags.add(Tag.objects.create(name="camp", slug="camp"))
    response = editor_client.get(reverse("blog:manage_edit", args=[post.pk]))
    assert response.context["form"]["tags_text"].value() == "camp"
    image = post.images.get()
    data = _data(title="Titolo nuovo", slug=post.slug, tags_text="camp, pitch", kind="gallery",
                 **_management(total=4, initial=1),
                 **{"images-0-id": str(image.pk), "images-0-post": str(post.pk), "images-0-alt": "Prima foto, corretta",
                    "images-0-order": "0"})
    response = editor_client.post(reverse("blog:manage_edit", args=[post.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    post.refresh_from_db()
    assert post.title == "Titolo nuovo"
    assert sorted(post.tags.values_list("slug", flat=True)) == ["camp", "pitch"]
    assert post.images.get().alt == "Prima foto, corretta"


def test_manage_list_filters_and_query_count(editor_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    PostFactory(title="Bozza uno", status=Post.Status.DRAFT, publish_at=None)
    PostFactory(title="Futuro uno", publish_at=timezone.now() + datetime.timedelta(days=1))
    PostFactory(title="Pubblico uno")
    url = reverse("blog:manage")

    def titles(**params):
        html = editor_client.get(url, params).content.decode()
        return {t for t in ("Bozza uno", "Futuro uno", "Pubblico uno") if t in html}

    assert titles() == {"Bozza uno", "Futuro uno", "Pubblico uno"}
    assert titles(state="draft") == {"Bozza uno"}
    assert titles(state="scheduled") == {"Futuro uno"}
    assert titles(state="published") == {"Pubblico uno"}
    assert titles(q="futuro") == {"Futuro uno"}
    with CaptureQueriesContext(connection) as few:
        editor_client.get(url)
    for _ in range(40):
        PostFactory()
    with CaptureQueriesContext(connection) as many:
        editor_client.get(url)
    assert len(few) == len(many)


def test_my_area_shows_the_editor_panel(editor_client):
    PostFactory(title="Bozza nel pannello", status=Post.Status.DRAFT, publish_at=None)
    PostFactory(publish_at=timezone.now() + datetime.timedelta(days=1))
    html = editor_client.get(reverse("accounts:my_area")).content.decode()
    assert "Bozza nel pannello" in html
    assert reverse("blog:manage_create") in html
    assert "1 scheduled post" in html or "1 articolo programmato" in html or "?state=scheduled" in html


def test_fake_image_is_refused_with_a_message(editor_client):
    fake = SimpleUploadedFile("cover.png", b"this is not an image at all", content_type="image/png")
    response = editor_client.post(reverse("blog:manage_create"), _data(cover_image=fake, cover_alt="Una foto"))
    assert response.status_code == 200
    assert "cover_image" in response.context["form"].errors
    assert not Post.objects.exists()


def test_manage_list_exports_csv_and_xlsx(editor_client, promoter_user):
    from django.test import Client

    PostFactory(title="=HYPERLINK(\"x\")")
    PostFactory(title="Bozza esportata", status=Post.Status.DRAFT, publish_at=None)
    response = editor_client.get(reverse("blog:manage"), {"format": "csv", "state": "draft"})
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Bozza esportata" in text and "HYPERLINK" not in text
    text = b"".join(editor_client.get(reverse("blog:manage"), {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text  # formulas neutralised
    response = editor_client.get(reverse("blog:manage"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    other = Client()
    other.force_login(promoter_user)
    assert other.get(reverse("blog:manage"), {"format": "csv"}).status_code == 403
