"""With production settings (DEBUG off, hashed static file names from the manifest), pages render, and
WhiteNoise serves the static files compressed (brotli, gzip) and cached for a year."""
import re

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_pages_render_with_the_production_static_storage(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "tsf.core.staticfiles.StaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    for path in ["/", "/en/", "/accounts/login/", "/blog/", "/calls/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert "/static/css/bootstrap-italia.min." in body  # hashed name from the manifest

    # The header's menu: Bootstrap Italia's module under its hashed name, importing the other modules
    # under theirs, so every file of the chain can be cached for a year.
    module = re.search(r'<script type="module" src="(/static/plugins/navbar-collapsible\.[0-9a-f]{12}\.js)"', body)
    assert module, "the menu's module is not linked under its hashed name"
    response = client.get(module.group(1))
    assert response.status_code == 200
    code = b"".join(response.streaming_content).decode()
    assert re.search(r'from "\./base-component\.[0-9a-f]{12}\.js"', code), code[:300]
    assert "max-age=315360000" in response["Cache-Control"] and "immutable" in response["Cache-Control"]

    stylesheet = re.search(r'href="(/static/css/bootstrap-italia\.min\.[0-9a-f]{12}\.css)"', body).group(1)
    for accepted, encoding in (("br, gzip", "br"), ("gzip", "gzip")):
        response = client.get(stylesheet, HTTP_ACCEPT_ENCODING=accepted)
        assert response.status_code == 200
        assert response["Content-Encoding"] == encoding
        assert int(response["Content-Length"]) < 100 * 1024  # 600 KB uncompressed
        assert "max-age=315360000" in response["Cache-Control"]
