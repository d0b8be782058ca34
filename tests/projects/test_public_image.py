"""A project page's image is a public image: stored without its location and camera data, upright,
its size read from what is stored."""
import pytest
from django.urls import reverse
from PIL import Image

from projects.models import ProposalStatus as S
from projects.models import PublicProject
from tests.blog.test_editor_kinds import _jpeg_with_gps
from tests.projects.test_public import call, lab_project  # noqa: F401 - the fixture
from tsf.core import renditions

pytestmark = pytest.mark.django_db


def test_a_project_image_is_stored_without_its_location(staff_client, call, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    p = lab_project(call, "Orti e lavoro", status=S.FUNDED, page=False)
    response = staff_client.post(reverse("projects:staff_public_page", args=[p.pk]), {
        "slug": "", "summary": "Agricoltura sociale a Mirafiori Nord.", "image": _jpeg_with_gps("orto.jpg", (1600, 900)),
        "image_alt": "Un orto tra i palazzi", "public_grant_amount": "75000.00", "website": ""})
    assert response.status_code == 302
    page = PublicProject.objects.get(proposal=p)
    with page.image.open("rb") as f:
        stored = Image.open(f)
        stored.load()
    assert not stored.getexif(), "location and camera data removed"
    assert stored.size == (1600, 900) and (page.image_width, page.image_height) == (1600, 900)


def _post_page(staff_client, proposal, image):
    return staff_client.post(reverse("projects:staff_public_page", args=[proposal.pk]), {
        "slug": "", "summary": "Agricoltura sociale a Mirafiori Nord.", "image": image,
        "image_alt": "Un orto tra i palazzi", "public_grant_amount": "75000.00", "website": ""})


def test_a_project_image_gets_its_copies_and_share_image_after_commit(staff_client, call, client, settings,  # noqa: F811
                                                                     tmp_path, django_capture_on_commit_callbacks):
    """The blog's processing (tsf.core.renditions): the page serves the original, its size set, until
    the worker made the AVIF/WebP copies and the share image; then a <picture> with their srcsets."""
    settings.MEDIA_ROOT = tmp_path / "media"
    p = lab_project(call, "Orti e lavoro", status=S.FUNDED, page=False)
    with django_capture_on_commit_callbacks() as queued:
        response = _post_page(staff_client, p, _jpeg_with_gps("orto.jpg", (2000, 1000)))
    assert response.status_code == 302
    staff_client.post(reverse("projects:staff_public_publication", args=[p.pk]), {"action": "publish"})
    page = PublicProject.objects.get(proposal=p)
    assert page.image_renditions == {} and not page.share_image
    # Meanwhile a visitor gets the original, its width and height set: nothing broken, nothing moving.
    html = client.get(page.get_absolute_url()).content.decode()
    assert f'src="{page.image.url}"' in html and 'width="2000" height="1000"' in html
    assert "<source" not in html and "srcset=" not in html

    for callback in queued:  # the transaction committed: the worker's task (eager here) runs
        callback()
    page.refresh_from_db()
    made = list(renditions.formats())
    assert "webp" in made
    assert page.image_renditions == {"widths": [480, 960, 1600], "formats": made}
    for width in (480, 960, 1600):
        for fmt in made:
            with page.image.storage.open(renditions.rendition_name(page.image.name, width, fmt)) as f:
                copy = Image.open(f)
                assert copy.format == fmt.upper() and copy.width == width
    with page.share_image.open("rb") as f:
        assert Image.open(f).size == (1200, 630)

    html = client.get(page.get_absolute_url()).content.decode()
    assert "<picture>" in html and '<source type="image/webp" srcset="' in html and "-960.webp 960w" in html
    if "avif" in made:  # AVIF first: a browser takes the first type it reads
        assert '<source type="image/avif"' in html and "-960.avif 960w" in html
        assert html.index('type="image/avif"') < html.index('type="image/webp"')
    assert f"{page.image.url} 2000w" in html and 'sizes="' in html  # the original ends the srcset
    assert 'width="2000" height="1000"' in html and 'alt="Un orto tra i palazzi"' in html
    assert f'<meta property="og:image" content="http://testserver{page.share_image.url}">' in html
    # The portfolio's card serves the copies too, lazily.
    listing = client.get(reverse("projects:portfolio")).content.decode()
    assert "-480.webp 480w" in listing and 'width="2000" height="1000" loading="lazy"' in listing


def test_a_new_project_image_replaces_the_copies_and_the_share_image(staff_client, call, settings,  # noqa: F811
                                                                     tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    p = lab_project(call, "Orti e lavoro", status=S.FUNDED, page=False)
    with django_capture_on_commit_callbacks(execute=True):
        _post_page(staff_client, p, _jpeg_with_gps("orto.jpg", (2000, 1000)))
    page = PublicProject.objects.get(proposal=p)
    first, first_share = page.image.name, page.share_image.name
    storage = page.image.storage
    assert storage.exists(renditions.rendition_name(first, 960, "webp")) and storage.exists(first_share)
    edit = staff_client.get(reverse("projects:staff_public_page", args=[p.pk])).context["form"]
    data = {name: edit[name].value() or "" for name in edit.fields if name != "image"}  # as the page sends it
    data["image"] = _jpeg_with_gps("serra.jpg", (1000, 500))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("projects:staff_public_page", args=[p.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    page.refresh_from_db()
    assert page.image.name != first and page.image_renditions["widths"] == [480, 960]
    assert not storage.exists(renditions.rendition_name(first, 960, "webp"))  # the old copies are gone
    assert page.share_image and storage.exists(page.share_image.name)  # made again, from the new image
    with page.share_image.open("rb") as f:
        assert Image.open(f).size == (1200, 630)


def test_a_rolled_back_project_image_queues_nothing(staff_user, call, settings, tmp_path,  # noqa: F811
                                                    django_capture_on_commit_callbacks):
    from django.db import transaction

    from projects import services
    from projects.forms import PublicProjectForm

    settings.MEDIA_ROOT = tmp_path / "media"
    p = lab_project(call, "Orti e lavoro", status=S.FUNDED, page=False)
    form = PublicProjectForm(
        data={"slug": "", "summary": "Agricoltura sociale.", "image_alt": "Un orto", "public_grant_amount": "",
              "website": ""},
        files={"image": _jpeg_with_gps("orto.jpg", (1600, 900))}, instance=PublicProject(proposal=p))
    assert form.is_valid(), form.errors
    with django_capture_on_commit_callbacks() as queued:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.save_public_page(form, by=staff_user)
            raise RuntimeError("something after the upload failed")
    assert queued == [] and not PublicProject.objects.filter(proposal=p).exists()


def test_the_periodic_pass_makes_a_project_image_a_broker_down_left(staff_client, call, settings,  # noqa: F811
                                                                    tmp_path):
    import datetime

    from django.utils import timezone
    from freezegun import freeze_time

    from projects import services

    settings.MEDIA_ROOT = tmp_path / "media"
    p = lab_project(call, "Orti e lavoro", status=S.FUNDED, page=False)
    assert _post_page(staff_client, p, _jpeg_with_gps("orto.jpg", (1200, 600))).status_code == 302  # no worker
    page = PublicProject.objects.get(proposal=p)
    assert page.image_renditions == {} and not page.share_image
    assert services.process_pending_public_images() == 0  # too early: the worker may be about to do it
    with freeze_time(timezone.now() + datetime.timedelta(minutes=5)):
        assert services.process_pending_public_images() == 2  # the copies, the share image
        assert services.process_pending_public_images() == 0
    page.refresh_from_db()
    assert page.image_renditions["widths"] == [480, 960] and page.share_image
