"""A multipart POST declaring more than the upload limit is refused before its body is read."""
import os

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from acceleration.models import HelpRequest

pytestmark = pytest.mark.django_db

BOUNDARY = "tsfboundary"


def multipart(filename="nota.pdf", content=b"%PDF-1.4\n%%EOF\n"):
    return (
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nPreventivo\r\n"
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"{filename}\"\r\n"
        f"Content-Type: application/pdf\r\n\r\n"
    ).encode() + content + f"\r\n--{BOUNDARY}--\r\n".encode()


def stored_files():
    root = settings.PRIVATE_MEDIA_ROOT
    return {os.path.join(d, f) for d, _, files in os.walk(root) for f in files} if os.path.isdir(root) else set()


@override_settings(TSF_UPLOAD_MAX_BYTES=10 * 1024 * 1024, TSF_UPLOAD_REQUEST_MAX_BYTES=51 * 1024 * 1024)
def test_a_huge_declared_upload_is_refused_at_once_with_a_readable_page(promoter_client):
    before = stored_files()
    body = multipart()
    # The body declares 2 GB; the test client's payload raises if anything tries to read past its
    # few real bytes, so the refusal must come from the declared length alone.
    response = promoter_client.generic(
        "POST", reverse("acceleration:help_new"), body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}", CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "File troppo grandi" in page
    assert "2,0\xa0GB" in page and "51,0\xa0MB" in page and "10,0\xa0MB" in page
    assert "Non è stato salvato nulla" in page
    assert not HelpRequest.objects.exists()
    assert stored_files() == before


def test_an_ordinary_upload_still_reaches_the_form(promoter_client):
    response = promoter_client.post(reverse("acceleration:help_new"), {"subject": "Preventivo"})
    assert response.status_code != 413
