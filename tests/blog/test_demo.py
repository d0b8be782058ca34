from types import SimpleNamespace

import pytest
from django.test import Client

from blog import demo, renditions
from blog.models import GalleryImage, Post
from tsf.accounts import demo as accounts_demo


@pytest.mark.django_db
def test_demo_seed_is_complete_processed_and_idempotent(blog_media, django_capture_on_commit_callbacks):
    ctx = SimpleNamespace(users={}, accounts=[], data={}, stdout=None)
    accounts_demo.seed(ctx)
    with django_capture_on_commit_callbacks(execute=True):  # the seed's transaction commits
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
    # Processed as an editor's upload: every image has its copies, every post its share image.
    assert not Post.objects.filter(cover_renditions={}).exists() and not Post.objects.filter(share_image="").exists()
    assert not GalleryImage.objects.filter(renditions={}).exists()
    # A visitor of a demo post gets them: a <picture> with the AVIF and WebP copies, the share image.
    post = Post.objects.published().filter(kind="gallery").order_by("-publish_at").first()
    html = Client().get(post.get_absolute_url()).content.decode()
    cover = post.cover_image
    assert f'<source type="image/webp" srcset="{cover.storage.url(renditions.rendition_name(cover.name, 480))} 480w' in html
    assert 'width="1200" height="630"' in html and 'fetchpriority="high"' in html
    if "avif" in renditions.formats():
        assert f'<source type="image/avif" srcset="{cover.storage.url(renditions.rendition_name(cover.name, 480, "avif"))} 480w' in html
    assert html.count("<picture>") >= 1 + post.images.count()  # the cover, each gallery image (and related posts)
    assert f'content="http://testserver{post.share_image.url}"' in html  # its share image
    assert (blog_media / renditions.rendition_name(cover.name, 960)).exists()

    with django_capture_on_commit_callbacks(execute=True) as queued:
        demo.seed(ctx)
    assert (Post.objects.count(), GalleryImage.objects.count()) == (total, images)
    assert queued == []  # nothing left to process
