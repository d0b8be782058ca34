"""Blog pages: the public list, category and tag pages and the post page (with Last-Modified and
ETag for anonymous visitors, 304 on conditional requests), and the editors' pages."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import condition, require_POST

from tsf.accounts.permissions import role_required
from tsf.core.exports import export_response
from tsf.core.pagecache import anonymous_page_cache
from tsf.core.sharing import absolute, share_links
from tsf.core.versioning import EditConflict

from . import selectors, services
from .forms import GALLERY_KINDS, GalleryFormSet, InlineImageForm, PostForm, ScheduleForm, kind_of
from .models import Category, InlineImage, Post, Tag

PAGE_SIZE = 12
EDITORS = ("editor", "staff")


# Conditional requests -----------------------------------------------------------------------
# Only anonymous pages are the same for everyone; a logged-in person's page carries their name,
# notifications and tokens, so it is always sent whole.


def _list_freshness(request):
    if not hasattr(request, "_blog_fresh"):
        request._blog_fresh = selectors.blog_freshness()
    return request._blog_fresh


def _list_last_modified(request, *args, **kwargs):
    if request.user.is_authenticated:
        return None
    return _list_freshness(request)[0]


def _list_etag(request, *args, **kwargs):
    if request.user.is_authenticated:
        return None
    modified, count = _list_freshness(request)
    if modified is None:
        return None
    return selectors.etag_for(request, "list", modified.isoformat(), count, kwargs)


def _post_last_modified(request, slug):
    if request.user.is_authenticated:
        return None
    if not hasattr(request, "_post_fresh"):
        request._post_fresh = selectors.post_freshness(slug)
    return request._post_fresh


def _post_etag(request, slug):
    modified = _post_last_modified(request, slug)
    if modified is None:
        return None
    return selectors.etag_for(request, "post", slug, modified.isoformat())


def _public_headers(request, response):
    if not request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


# Public pages ---------------------------------------------------------------------------------


def _list(request, *, category=None, tag=None):
    kind = request.GET.get("kind", "")
    category_slug = category.slug if category else request.GET.get("category", "")
    tag_slug = tag.slug if tag else request.GET.get("tag", "")
    q = request.GET.get("q", "").strip()[:100]
    posts = selectors.public_posts(kind=kind, category=category_slug, tag=tag_slug, q=q)
    page_obj = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    if category:
        heading = _("Category: %(name)s") % {"name": category.name}
        description = category.description or heading
    elif tag:
        heading = _("Tag: %(name)s") % {"name": tag.name}
        description = heading
    else:
        heading = _("Blog")
        description = _("News, interviews, videos, photo galleries and event reports of Torino Social Factory.")
    context = {
        "page_obj": page_obj,
        "posts": page_obj.object_list,
        "heading": heading,
        "description": description,
        "category": category,
        "tag": tag,
        "kind": kind if kind in Post.Kind.values else "",
        "category_slug": category_slug,
        "tag_slug": tag_slug,
        "q": q,
        "kinds": Post.Kind.choices,
        "categories": selectors.categories_in_use(),
        "tags": selectors.tags_in_use(),
        "share_links": share_links(request.path, heading, request),
        "canonical_url": absolute(request.path, request),
    }
    return _public_headers(request, render(request, "blog/post_list.html", context))


@anonymous_page_cache
@condition(etag_func=_list_etag, last_modified_func=_list_last_modified)
def index(request):
    return _list(request)


@condition(etag_func=_list_etag, last_modified_func=_list_last_modified)
def category(request, slug):
    return _list(request, category=get_object_or_404(Category, slug=slug))


@condition(etag_func=_list_etag, last_modified_func=_list_last_modified)
def tag(request, slug):
    return _list(request, tag=get_object_or_404(Tag, slug=slug))


def _post_context(request, post, preview=False):
    url = post.get_absolute_url()
    return {
        "post": post,
        "preview": preview,
        "share_links": share_links(url, post.share_title, request),
        "canonical_url": absolute(url, request),
        "related": [] if preview else selectors.related_posts(post),
    }


@anonymous_page_cache
@condition(etag_func=_post_etag, last_modified_func=_post_last_modified)
def post_detail(request, slug):
    post = selectors.public_post(slug)
    if post is None:
        raise Http404(_("No such post."))
    return _public_headers(request, render(request, "blog/post_detail.html", _post_context(request, post)))


# Editors' pages -------------------------------------------------------------------------------


@role_required(*EDITORS)
def manage_list(request):
    state = request.GET.get("state", "")
    q = request.GET.get("q", "").strip()[:100]
    posts = selectors.editor_posts(state=state, q=q)
    if request.GET.get("format") in ("csv", "xlsx"):
        headers = [_("Title"), _("Kind"), _("State"), _("Publication"), _("Author"), _("Address"), _("Updated")]
        rows = (
            (p.title, p.get_kind_display(), p.state_label, p.publish_at if p.status == Post.Status.PUBLISHED else None,
             p.author.full_name if p.author else "", absolute(p.get_absolute_url(), request), p.updated_at)
            for p in posts
        )
        return export_response(request.GET["format"], "blog-posts", headers, rows)
    page_obj = Paginator(posts, 25).get_page(request.GET.get("page"))
    states = [("draft", _("Draft")), ("scheduled", _("Scheduled")), ("published", _("Published"))]
    return render(request, "blog/manage/post_list.html", {"page_obj": page_obj, "state": state, "q": q, "states": states})


def _edit(request, post, kind=None):
    is_new = post.pk is None
    if request.method == "POST":
        form = PostForm(request.POST, request.FILES, instance=post, uploader=request.user, kind=kind)
        formset = GalleryFormSet(request.POST, request.FILES, instance=post, prefix="images",
                                 form_kwargs={"uploader": request.user})
        formset.post_kind = form.kind
        if form.kind not in GALLERY_KINDS:
            formset = None
        try:
            valid = form.is_valid() and (formset is None or formset.is_valid())
            saved = services.save_post(form, formset, by=request.user) if valid else None
        except EditConflict as exc:
            form.show_conflict(exc)
            saved = None
        if saved is not None:
            post = saved
            if post.status == Post.Status.DRAFT:
                messages.success(request, _("The draft is saved."))
            elif post.is_scheduled:
                messages.success(request, _("The post is scheduled: it will be public on %(when)s.")
                                 % {"when": _local(post.publish_at)})
            else:
                messages.success(request, _("The post is published."))
            return redirect("blog:manage_edit", pk=post.pk)
        if form.edit_conflict is None:
            messages.error(request, _("Please correct the fields marked below."))
    else:
        form = PostForm(instance=post, kind=kind)
        formset = GalleryFormSet(instance=post, prefix="images") if form.kind in GALLERY_KINDS else None
    return render(request, "blog/manage/post_form.html", {
        "form": form, "formset": formset, "post": post, "is_new": is_new, "schedule_form": ScheduleForm(),
        "kind": form.kind, "kind_label": Post.Kind(form.kind).label,
    })


def _local(when):
    from django.utils import formats, timezone

    return formats.date_format(timezone.localtime(when), "DATETIME_FORMAT")


KIND_DESCRIPTIONS = {
    Post.Kind.ARTICLE: _lazy("News and stories: a text with headings, links, quotes and images."),
    Post.Kind.INTERVIEW: _lazy("Questions and answers with a person of the programme."),
    Post.Kind.VIDEO: _lazy("A YouTube or Vimeo video with a short text."),
    Post.Kind.GALLERY: _lazy("Many photos at once, each with its alternative text and caption."),
    Post.Kind.EVENT: _lazy("What happened at an event: its date and place, a text and photos."),
}


@role_required(*EDITORS)
def manage_create(request):
    kind = request.POST.get("kind") or request.GET.get("kind")
    if kind not in Post.Kind.values:
        kinds = [(value, label, KIND_DESCRIPTIONS[value]) for value, label in Post.Kind.choices]
        return render(request, "blog/manage/post_kind.html", {"kinds": kinds})
    return _edit(request, Post(author=request.user, kind=kind), kind=kind)


@role_required(*EDITORS)
def manage_image(request):
    """The editor's image dialog opens this page ("Browse..."): upload an image with its
    alternative text, or pick one uploaded before; the page hands the image back to the editor."""
    func = request.GET.get("CKEditorFuncNum") or request.POST.get("CKEditorFuncNum") or ""
    func = func if func.lstrip("-").isdigit() and len(func) < 12 else ""  # the editor counts down from -1
    chosen = None
    if request.method == "POST":
        form = InlineImageForm(request.POST, request.FILES, uploader=request.user)
        if form.is_valid():
            chosen = services.upload_inline_image(form, by=request.user)
        else:
            messages.error(request, _("Please correct the fields marked below."))
    else:
        form = InlineImageForm()
        pick = request.GET.get("pick", "")
        if pick.isdigit():
            chosen = InlineImage.objects.filter(pk=int(pick)).first()
    recent = InlineImage.objects.order_by("-created_at", "-id")[:12]
    response = render(request, "blog/manage/image_picker.html", {
        "form": form, "func": func, "chosen": chosen, "recent": recent,
    })
    patch_cache_control(response, private=True, no_store=True)
    return response


def _editable(request, pk, perm="blog.change_post"):
    post = get_object_or_404(Post, pk=pk)
    if not request.user.has_perm(perm, post):
        raise Http404
    return post


@role_required(*EDITORS)
def manage_edit(request, pk):
    post = _editable(request, pk)
    return _edit(request, post, kind=kind_of(None, post))


@role_required(*EDITORS)
def manage_preview(request, pk):
    _editable(request, pk, "blog.preview_post")
    post = selectors.post_for_preview(pk)
    response = render(request, "blog/post_detail.html", _post_context(request, post, preview=True))
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_POST
@role_required(*EDITORS)
def manage_publication(request, pk):
    post = _editable(request, pk, "blog.publish_post")
    action = request.POST.get("action")
    if action == "publish":
        services.publish_now(post, by=request.user)
        messages.success(request, _("The post is published."))
    elif action == "unpublish":
        services.unpublish(post, by=request.user)
        messages.success(request, _("The post is back to draft: the public no longer sees it."))
    elif action == "schedule":
        form = ScheduleForm(request.POST)
        if form.is_valid():
            services.schedule(post, form.cleaned_data["publish_at"], by=request.user)
            messages.success(request, _("The post is scheduled: it will be public on %(when)s.")
                             % {"when": _local(post.publish_at)})
        else:
            for error in form.errors.get("publish_at", []):
                messages.error(request, error)
    else:
        messages.error(request, _("Unknown action."))
    return redirect("blog:manage_edit", pk=post.pk)


@role_required(*EDITORS)
def manage_delete(request, pk):
    post = _editable(request, pk, "blog.delete_post")
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        title = post.title
        services.delete_post(post, by=request.user)
        messages.success(request, _("“%(title)s” is deleted.") % {"title": title})
        return redirect("blog:manage")
    return render(request, "blog/manage/post_confirm_delete.html", {"post": post})


@role_required(*EDITORS)
def manage_calendar(request):
    """The month's publications in a calendar: the scheduled posts (and those already public),
    day by day, Monday first; `?month=2026-12`."""
    import calendar
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        first = datetime.date(year, month, 1)
    except (TypeError, ValueError):
        first = today.replace(day=1)
    by_day = selectors.publications_in_month(first)
    weeks = [
        [{"date": day, "in_month": day.month == first.month, "today": day == today, "posts": by_day.get(day, [])}
         for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return render(request, "blog/manage/calendar.html", {
        "first": first, "weeks": weeks, "previous": previous, "following": following,
        "weekdays": [datetime.date(2024, 1, d) for d in range(1, 8)],  # Monday 1 January 2024 onwards
        "scheduled": [p for posts in by_day.values() for p in posts if p.is_scheduled],
    })
