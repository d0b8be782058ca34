"""The post editor: a save over a newer version changes nothing; gallery images (and the cover)
chosen before a validation error are still attached after it, with a preview that works."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from blog.models import GalleryImage, Post
from tests.blog.conftest import png_bytes
from tests.blog.factories import PostFactory
from tests.conflicts import assert_conflict_keeps_text
from tests.forms_as_rendered import form_from_response, read_form
from tsf.core.models import KeptUpload

pytestmark = pytest.mark.django_db


def test_post_saved_over_a_newer_version_changes_nothing(client, editor_user):
    post = PostFactory(title="Una bozza", status=Post.Status.DRAFT, publish_at=None)
    client.force_login(editor_user)
    other = Client()
    other.force_login(editor_user)
    url = reverse("blog:manage_edit", args=[post.pk])

    def state():
        return Post.objects.values("title", "summary", "body", "status").get(pk=post.pk)

    assert_conflict_keeps_text(mine=client, theirs=other, url=url, field="summary", state=state,
                               who=editor_user.full_name, button="Salva",
                               their_value="Sommario della collega.", my_value="Il mio sommario.")
    assert Post.objects.get(pk=post.pk).summary == "Il mio sommario."


def test_gallery_images_chosen_before_an_error_are_kept_with_a_working_preview(client, editor_user):
    client.force_login(editor_user)
    post = PostFactory(title="Galleria", kind=Post.Kind.GALLERY, status=Post.Status.DRAFT, publish_at=None)
    url = reverse("blog:manage_edit", args=[post.pk])
    form = read_form(client, url, field="title")
    form["title"] = ""  # forgotten: the page comes back with an error
    form["images-0-alt"] = "Il cortile della Casa del Quartiere"
    data = form.data()
    data["images-0-image"] = SimpleUploadedFile("cortile.png", png_bytes(), content_type="image/png")
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and not GalleryImage.objects.exists()
    assert "Già allegato:" in html and "cortile.png" in html
    kept = KeptUpload.objects.get()
    preview = reverse("core:kept_upload", kwargs={"token": form_from_response(
        client, response, field="title", url=url)["images-0-image-kept"]})
    assert f'src="{preview}"' in html
    shown = client.get(preview)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert b"".join(shown.streaming_content) == kept.file.open("rb").read()

    again = form_from_response(client, response, field="title", url=url)
    again["title"] = "Galleria del cortile"
    assert again.submit(button="Salva").status_code == 302
    image = GalleryImage.objects.get()
    assert image.alt == "Il cortile della Casa del Quartiere"
    assert image.image.read() == png_bytes()
    # The editor's page now shows the saved image (the public one), not a broken preview.
    page = client.get(url).content.decode()
    assert image.image.url in page
