"""The editor's tools: one form per kind of post, a gallery of many images in one save, images in
the text uploaded from the editor with their alternative text, images processed at upload
(metadata removed in the request; AVIF/WebP copies and a share image made by the worker after commit) and the calendar of publications."""
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from blog import renditions
from blog.models import InlineImage, Post
from tests.blog.factories import PostFactory
from tests.blog.test_editor import _data, _management

pytestmark = pytest.mark.django_db


def _jpeg_with_gps(name="foto.jpg", size=(2000, 1000)):
    """A JPEG as a phone makes it: with the camera's make and a GPS position in its EXIF."""
    image = Image.new("RGB", size, "#3070a0")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x8825] = {1: "N", 2: (45.0, 4.0, 12.0), 3: "E", 4: (7.0, 40.0, 30.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def _png(name="foto.png", size=(64, 40)):
    out = io.BytesIO()
    Image.new("RGB", size, "#0b3d6b").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_new_post_asks_the_kind_then_shows_only_its_fields(editor_client):
    html = editor_client.get(reverse("blog:manage_create")).content.decode()
    for label in ("Articolo", "Intervista", "Video", "Galleria fotografica", "Resoconto"):
        assert label in html
    article = editor_client.get(reverse("blog:manage_create"), {"kind": "article"}).content.decode()
    assert 'name="video_url"' not in article and 'name="event_date"' not in article
    assert 'name="images-TOTAL_FORMS"' not in article and 'name="body"' in article
    video = editor_client.get(reverse("blog:manage_create"), {"kind": "video"}).content.decode()
    assert 'name="video_url"' in video and 'name="event_date"' not in video
    event = editor_client.get(reverse("blog:manage_create"), {"kind": "event"}).content.decode()
    assert 'name="event_date"' in event and 'name="images-TOTAL_FORMS"' in event
    gallery = editor_client.get(reverse("blog:manage_create"), {"kind": "gallery"}).content.decode()
    assert 'name="images-TOTAL_FORMS"' in gallery and 'name="video_url"' not in gallery
    assert 'multiple accept="image/png,image/jpeg,image/webp"' in gallery


def test_a_gallery_of_ten_images_in_one_save_and_nothing_lost_when_one_alt_is_missing(editor_client):
    rows = {}
    for i in range(10):
        rows[f"images-{i}-image"] = _png(f"foto-{i}.png")
        rows[f"images-{i}-alt"] = "" if i == 6 else f"Foto {i + 1}"
        rows[f"images-{i}-caption"] = f"Didascalia {i + 1}"
        rows[f"images-{i}-order"] = str(10 - i)
    data = _data(kind="gallery", title="Dieci foto", publication="now", **rows, **_management(total=10))
    response = editor_client.post(reverse("blog:manage_create"), data)
    assert response.status_code == 200
    assert not Post.objects.exists()
    formset = response.context["formset"]
    assert list(formset.forms[6].errors) == ["alt"]
    html = response.content.decode()
    # Every chosen file is kept: sent back as references, the person chooses none again.
    kept = {f"images-{i}-image-kept": response.context["formset"].forms[i].data.get(f"images-{i}-image-kept")
            for i in range(10)}
    assert all(kept.values()), kept
    assert html.count("foto-") >= 10
    again = _data(kind="gallery", title="Dieci foto", publication="now", **_management(total=10),
                  **{k: v for k, v in rows.items() if not k.endswith("-image")}, **kept)
    again["images-6-alt"] = "Foto 7"
    response = editor_client.post(reverse("blog:manage_create"), again)
    assert response.status_code == 302, response.context["formset"].errors
    post = Post.objects.get(title="Dieci foto")
    assert post.images.count() == 10
    assert list(post.images.values_list("alt", flat=True)) == [f"Foto {i}" for i in range(10, 0, -1)]
    page = editor_client.get(post.get_absolute_url()).content.decode()
    assert page.count('loading="lazy"') >= 10


def test_images_are_stripped_at_upload_and_their_copies_made_after_commit(editor_client,
                                                                          django_capture_on_commit_callbacks):
    visitor = Client()
    data = _data(kind="gallery", title="Una foto dal telefono", publication="now",
                 cover_image=_jpeg_with_gps("copertina.jpg"), cover_alt="Il cortile",
                 **{"images-0-image": _jpeg_with_gps(), "images-0-alt": "Una piazza", "images-0-order": "1"})
    with django_capture_on_commit_callbacks() as queued:
        response = editor_client.post(reverse("blog:manage_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    post = Post.objects.get()
    image = post.images.get()
    # In the request: the location and camera data are gone already, the copies are not made yet.
    for fieldfile in (image.image, post.cover_image):
        with fieldfile.open("rb") as f:
            stored = Image.open(f)
            stored.load()
        assert not stored.getexif(), "location and camera data removed"
        assert stored.size == (2000, 1000)
    assert image.renditions == {} and post.cover_renditions == {} and not post.share_image
    # Meanwhile a visitor gets the original, its size set: nothing broken, nothing moving.
    html = visitor.get(post.get_absolute_url()).content.decode()
    assert f'src="{image.image.url}"' in html and 'width="2000" height="1000"' in html
    assert "srcset=" not in html and "<source" not in html

    for callback in queued:  # the transaction committed: the worker's task (eager here) runs
        callback()
    post.refresh_from_db()
    image.refresh_from_db()
    made = list(renditions.formats())
    assert "webp" in made
    assert image.renditions == {"widths": [480, 960, 1600], "formats": made}
    assert post.cover_renditions == image.renditions
    for width in (480, 960, 1600):
        for fmt in made:
            with image.image.storage.open(renditions.rendition_name(image.image.name, width, fmt)) as f:
                copy = Image.open(f)
                assert copy.format == fmt.upper() and copy.width == width
    with post.share_image.open("rb") as f:
        assert Image.open(f).size == (1200, 630)
    html = visitor.get(post.get_absolute_url()).content.decode()
    assert '<source type="image/webp" srcset="' in html and "-480.webp 480w" in html and 'sizes="' in html
    if "avif" in made:  # AVIF first: a browser takes the first type it reads
        assert html.index('type="image/avif"') < html.index('type="image/webp"')
        assert "-960.avif 960w" in html
    assert 'width="2000" height="1000"' in html
    assert f'property="og:image" content="http://testserver{post.share_image.url}"' in html


def test_an_upload_rolled_back_queues_nothing(editor_user, django_capture_on_commit_callbacks):
    from django.db import transaction

    from blog import services
    from blog.forms import InlineImageForm

    form = InlineImageForm(data={"alt": "Un forno"}, files={"image": _png("forno.png", (800, 600))})
    assert form.is_valid(), form.errors
    with django_capture_on_commit_callbacks() as queued:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.upload_inline_image(form, by=editor_user)
            raise RuntimeError("something after the upload failed")
    assert queued == [] and not InlineImage.objects.exists()


def test_the_periodic_pass_makes_what_a_broker_down_left(editor_client, django_capture_on_commit_callbacks):
    from freezegun import freeze_time

    from blog import services

    data = _data(kind="article", title="Senza lavoratore", publication="now",
                 cover_image=_png("copertina.png", (1000, 500)), cover_alt="Una strada")
    response = editor_client.post(reverse("blog:manage_create"), data)  # the callbacks never run: no worker
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.cover_renditions == {} and not post.share_image
    assert services.process_pending_images() == 0  # too early: the worker may be about to do it
    with freeze_time(timezone.now() + datetime.timedelta(minutes=5)):
        assert services.process_pending_images() == 2  # the cover's copies, the share image
        assert services.process_pending_images() == 0  # again: nothing more
    post.refresh_from_db()
    assert post.cover_renditions["widths"] == [480, 960] and post.share_image


def test_an_image_uploaded_from_the_editor_needs_its_alt_text_and_keeps_the_file(editor_client, editor_user,
                                                                                 django_capture_on_commit_callbacks):
    url = reverse("blog:manage_image")
    page = editor_client.get(url, {"CKEditorFuncNum": "-3"})
    assert page.status_code == 200 and 'name="CKEditorFuncNum" value="-3"' in page.content.decode()
    response = editor_client.post(url, {"image": _jpeg_with_gps(), "alt": "", "CKEditorFuncNum": "-3"})
    assert response.status_code == 200 and "alt" in response.context["form"].errors
    kept = response.context["form"].data.get("image-kept")
    assert kept
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, {"image-kept": kept, "alt": "Due fornai", "CKEditorFuncNum": "-3"})
    assert response.status_code == 200
    image = InlineImage.objects.get()
    assert image.alt == "Due fornai" and image.uploaded_by == editor_user and image.renditions
    html = response.content.decode()
    assert f'data-url="{image.image.url}"' in html and 'data-func="-3"' in html


def test_the_text_keeps_the_editors_images_and_refuses_one_without_alt(editor_client, client):
    from blog import services

    image = InlineImage.objects.create(image=_png("forno.png", (1200, 800)), alt="Forno")
    services.take_in(image)
    assert services.make_renditions(image)
    src = image.image.url
    body = (f'<h2>La bottega</h2><p>Il pane è <strong>buono</strong>.</p><figure><img src="{src}" alt="Due fornai">'
            '<figcaption>Via Cigna</figcaption></figure><ul><li><p>uno</p></li></ul><blockquote><p>Citazione</p>'
            '</blockquote><p><a href="https://www.comune.torino.it" rel="noopener noreferrer nofollow">link</a> e '
            '<em>corsivo</em></p>')
    response = editor_client.post(reverse("blog:manage_create"), _data(body=body, publication="now"))
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.body == body  # the editor's HTML is kept as it is
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'src="{src}"' in html and 'width="1200" height="800"' in html
    assert '<picture><source type="image/' in html and "-480.webp 480w" in html

    missing = _data(title="Senza alt", body=f'<figure><img src="{src}" alt=""></figure>')
    response = editor_client.post(reverse("blog:manage_create"), missing)
    assert response.status_code == 200
    assert "non ha il testo alternativo" in str(response.context["form"].errors["body"])
    outside = _data(title="Immagine esterna", body='<p>x</p><img src="https://tracker.example/p.gif" alt="x">')
    assert editor_client.post(reverse("blog:manage_create"), outside).status_code == 302
    assert "tracker" not in Post.objects.get(title="Immagine esterna").body


def test_calendar_shows_the_scheduled_posts_of_the_month(editor_client, promoter_user, client):
    soon = timezone.now() + datetime.timedelta(days=3)
    PostFactory(title="Annuncio programmato", publish_at=soon)
    PostFactory(title="Bozza invisibile", status=Post.Status.DRAFT, publish_at=None)
    month = timezone.localtime(soon).strftime("%Y-%m")
    html = editor_client.get(reverse("blog:manage_calendar"), {"month": month}).content.decode()
    assert "Annuncio programmato" in html and "Programmato" in html and "Bozza invisibile" not in html
    assert editor_client.get(reverse("blog:manage_calendar"), {"month": "nonsense"}).status_code == 200
    client.force_login(promoter_user)
    assert client.get(reverse("blog:manage_calendar")).status_code == 403
