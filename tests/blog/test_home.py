import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_home_shows_the_latest_public_posts_only(client, make_user):
    from blog.models import Post

    author = make_user(roles=["editor"])
    now = timezone.now()
    for i in range(4):
        Post.objects.create(title=f"Public post {i}", slug=f"public-{i}", author=author, summary="s",
                            status=Post.Status.PUBLISHED, publish_at=now - timezone.timedelta(days=i + 1))
    Post.objects.create(title="Draft post", slug="draft", author=author, status=Post.Status.DRAFT, publish_at=now)
    Post.objects.create(title="Future post", slug="future", author=author, status=Post.Status.PUBLISHED,
                        publish_at=now + timezone.timedelta(days=2))
    body = client.get("/en/").content.decode()
    assert "Latest from the blog" in body
    assert "Public post 0" in body and "Public post 2" in body and "Public post 3" not in body
    assert "Draft post" not in body and "Future post" not in body
