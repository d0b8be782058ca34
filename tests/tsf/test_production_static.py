"""With production settings (DEBUG off, hashed static file names from the manifest), pages render."""
import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_pages_render_with_the_production_static_storage(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    for path in ["/", "/en/", "/accounts/login/", "/blog/", "/calls/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert "/static/css/bootstrap-italia.min." in body  # hashed name from the manifest
