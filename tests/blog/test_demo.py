from types import SimpleNamespace

import pytest

from blog import demo
from blog.models import GalleryImage, Post
from tsf.accounts import demo as accounts_demo


@pytest.mark.django_db
def test_demo_seed_is_complete_and_idempotent(blog_media):
    ctx = SimpleNamespace(users={}, accounts=[], data={}, stdout=None)
    accounts_demo.seed(ctx)
    demo.seed(ctx)
    total, images = Post.objects.count(), GalleryImage.objects.count()
    assert total >= 30
    public = Post.objects.published()
    assert set(public.values_list("kind", flat=True)) == set(Post.Kind.values)
    assert Post.objects.filter(status=Post.Status.DRAFT).count() == 2
    assert Post.objects.filter(status=Post.Status.PUBLISHED).exclude(pk__in=public).count() == 1  # scheduled
    assert all(p.cover_image and p.cover_alt for p in Post.objects.all())
    assert images >= 10 and not GalleryImage.objects.filter(alt="").exists()
    assert all(p.author.email == "editor@example.org" for p in Post.objects.select_related("author"))
    first = Post.objects.order_by("publish_at").first()
    assert (blog_media / first.cover_image.name).exists()
    demo.seed(ctx)
    assert (Post.objects.count(), GalleryImage.objects.count()) == (total, images)
