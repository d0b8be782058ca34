"""Reads of the blog, for pages, feeds and the sitemap, with their related rows fetched in a fixed
number of queries whatever the number of posts."""
import hashlib

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone

from projects.models import LAB_STATUSES, Proposal, ProposalVersion

from .models import Category, GalleryImage, Post, Tag


def _with_relations(qs):
    return qs.select_related("author").prefetch_related(
        Prefetch("categories", queryset=Category.objects.only("id", "name", "slug")),
        Prefetch("tags", queryset=Tag.objects.only("id", "name", "slug")),
    )


def public_posts(*, kind="", category="", tag="", q="", now=None):
    """The posts the public sees, newest first, filtered."""
    qs = Post.objects.published(now)
    if kind in Post.Kind.values:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(categories__slug=category)
    if tag:
        qs = qs.filter(tags__slug=tag)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(body__icontains=q))
    # No DISTINCT: a category's or a tag's slug is unique, so each filter joins one row per post
    # (DISTINCT over every column, body included, made the list sort the whole table).
    return _with_relations(qs.order_by("-publish_at", "-id"))


def _public_projects_prefetch():
    """The post's related projects that have a public page (blog reads projects)."""
    return Prefetch(
        "related_projects", to_attr="public_projects",
        queryset=Proposal.objects.filter(public_page__is_published=True, status__in=LAB_STATUSES)
        .select_related("public_page")
        .prefetch_related(Prefetch("versions", queryset=ProposalVersion.objects.only("pk", "proposal_id", "number",
                                                                                     "title")))
        .order_by("public_page__slug"),
    )


def public_post(slug, now=None):
    """A published post by its slug, or None."""
    return (
        _with_relations(Post.objects.published(now))
        .prefetch_related(Prefetch("images", queryset=GalleryImage.objects.order_by("order", "id")),
                          _public_projects_prefetch())
        .filter(slug=slug)
        .first()
    )


def post_for_preview(pk):
    return (
        _with_relations(Post.objects.all())
        .prefetch_related(Prefetch("images", queryset=GalleryImage.objects.order_by("order", "id")),
                          _public_projects_prefetch())
        .filter(pk=pk)
        .first()
    )


def categories_in_use(now=None):
    """Categories with at least one public post, with their count (one query)."""
    visible = Q(posts__status=Post.Status.PUBLISHED, posts__publish_at__lte=now or timezone.now())
    return Category.objects.annotate(n=Count("posts", filter=visible)).filter(n__gt=0).order_by("name")


def tags_in_use(now=None, limit=40):
    visible = Q(posts__status=Post.Status.PUBLISHED, posts__publish_at__lte=now or timezone.now())
    return Tag.objects.annotate(n=Count("posts", filter=visible)).filter(n__gt=0).order_by("-n", "name")[:limit]


def related_posts(post, limit=3, now=None):
    """Other public posts sharing a tag or a category, newest first."""
    tag_ids = [t.pk for t in post.tags.all()]
    cat_ids = [c.pk for c in post.categories.all()]
    if not tag_ids and not cat_ids:
        return []
    qs = Post.objects.published(now).exclude(pk=post.pk).filter(Q(tags__in=tag_ids) | Q(categories__in=cat_ids))
    ids = list(qs.values_list("id", flat=True).distinct()[:50])
    return list(_with_relations(Post.objects.filter(id__in=ids)).order_by("-publish_at", "-id")[:limit])


def blog_freshness(now=None):
    """What changes when any public blog page may change: the last edit of any post, the last
    publication whose time has come, and how many posts are public (one cheap query)."""
    now = now or timezone.now()
    visible = Q(status=Post.Status.PUBLISHED, publish_at__lte=now)
    row = Post.objects.aggregate(
        updated=Max("updated_at"), published=Max("publish_at", filter=visible), count=Count("id", filter=visible)
    )
    stamps = [d for d in (row["updated"], row["published"]) if d is not None]
    return (max(stamps) if stamps else None), row["count"]


def post_freshness(slug, now=None):
    """(last modified, exists) of a public post, in one query."""
    row = (
        Post.objects.published(now).filter(slug=slug)
        .annotate(projects_changed=Max("related_projects__public_page__updated_at"))
        .values("updated_at", "publish_at", "projects_changed").first()
    )
    if row is None:
        return None
    # A related project's page published or withdrawn changes the post's links to it.
    return max(d for d in (row["updated_at"], row["publish_at"], row["projects_changed"]) if d is not None)


def editor_posts(*, state="", q=""):
    qs = Post.objects.select_related("author").order_by("-updated_at", "-id")
    now = timezone.now()
    if state == "draft":
        qs = qs.filter(status=Post.Status.DRAFT)
    elif state == "scheduled":
        qs = qs.filter(status=Post.Status.PUBLISHED, publish_at__gt=now)
    elif state == "published":
        qs = qs.published(now)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(slug__icontains=q))
    return qs


def etag_for(request, *parts) -> str:
    """An ETag for an anonymous page: what the page depends on, plus the CSRF cookie (the page's
    language form carries a token tied to it) and the language."""
    raw = "|".join(str(p) for p in (*parts, request.get_full_path(), request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
                                       getattr(request, "LANGUAGE_CODE", "")))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def latest_posts(limit=3, now=None):
    """The newest public posts, for the home page (a fixed number of queries)."""
    return list(public_posts(now=now)[:limit])


def posts_about_project(proposal_pk, limit=3, now=None):
    """The newest public posts related to a project (a proposal), for its public page."""
    qs = Post.objects.published(now).filter(related_projects=proposal_pk)  # one row per post: no DISTINCT
    return list(_with_relations(qs.order_by("-publish_at", "-id"))[:limit])


def publications_in_month(first):
    """The published and scheduled posts whose publication falls in the month of `first`, by local day."""
    import datetime

    from django.utils import timezone

    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    end = timezone.make_aware(datetime.datetime.combine(following, datetime.time()))
    posts = (
        Post.objects.filter(status=Post.Status.PUBLISHED, publish_at__gte=start, publish_at__lt=end)
        .select_related("author").order_by("publish_at", "pk")
    )
    by_day = {}
    for post in posts:
        by_day.setdefault(timezone.localtime(post.publish_at).date(), []).append(post)
    return by_day
