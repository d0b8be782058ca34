"""A project page's image is a public image: stored without its location and camera data, upright,
its size read from what is stored."""
import pytest
from django.urls import reverse
from PIL import Image

from projects.models import ProposalStatus as S
from projects.models import PublicProject
from tests.blog.test_editor_kinds import _jpeg_with_gps
from tests.projects.test_public import call, lab_project  # noqa: F401 - the fixture

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
