"""A real Celery worker (in a thread, on the test Redis) makes an uploaded image's AVIF/WebP copies and
the post's share image after the request committed; the page meanwhile serves the original."""
import time

import pytest
from django.test import Client
from django.urls import reverse

from blog.models import Post
from tests.blog.test_editor import _data
from tests.blog.test_editor_kinds import _jpeg_with_gps
from tests.tsf.test_outbox_worker import real_worker  # noqa: F401 - the fixture

pytestmark = [pytest.mark.real_clock, pytest.mark.django_db(transaction=True)]


def _wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_real_worker_makes_the_copies_after_the_upload(real_worker, client, make_user):  # noqa: F811
    client.force_login(make_user("editor@example.org", roles=["editor"]))
    data = _data(title="Dal telefono", publication="now", cover_image=_jpeg_with_gps("piazza.jpg", (1200, 800)),
                 cover_alt="Una piazza")
    response = client.post(reverse("blog:manage_create"), data)
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.cover_width == 1200 and post.cover_height == 800  # stripped in the request, size set

    def done():
        post.refresh_from_db()
        return bool(post.cover_renditions and post.share_image)

    assert _wait_for(done), "the worker did not make the copies"
    assert post.cover_renditions["widths"] == [480, 960]
    html = Client().get(post.get_absolute_url()).content.decode()
    assert '<source type="image/webp"' in html and "-960.webp 960w" in html and 'width="1200" height="800"' in html
