"""The "my area" panel of editors (and of staff who are not editors): the posts waiting for them."""
from django.db.models import Count, Min, Q
from django.utils import timezone

from tsf.accounts import my_area

from .models import Post


def _summary(request):
    now = timezone.now()
    published = Q(status=Post.Status.PUBLISHED)
    row = Post.objects.aggregate(
        drafts=Count("id", filter=Q(status=Post.Status.DRAFT)),
        scheduled=Count("id", filter=published & Q(publish_at__gt=now)),
        public=Count("id", filter=published & Q(publish_at__lte=now)),
        next_at=Min("publish_at", filter=published & Q(publish_at__gt=now)),
    )
    recent = list(
        Post.objects.filter(status=Post.Status.DRAFT).order_by("-updated_at").only("id", "title", "updated_at")[:5]
    )
    return {"template": "blog/panels/editor.html", "counts": row, "recent_drafts": recent}


@my_area.panel("editor", order=80)
def editor_panel(request):
    return _summary(request)


@my_area.panel("staff", order=90)
def staff_blog_panel(request):
    if request.user.has_role("editor"):
        return None  # already shown as editor
    return _summary(request)
