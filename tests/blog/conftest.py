import io

import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def blog_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png_bytes(color="#0b3d6b", size=(64, 40)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def editor_user(make_user):
    return make_user("editor@example.org", roles=["editor"], full_name="Davide Gallo")


@pytest.fixture
def editor_client(client, editor_user):
    client.force_login(editor_user)
    return client
