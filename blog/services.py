"""Every change to the blog: writing, publishing, scheduling, unpublishing and deleting a post.
Each is atomic and leaves an audit entry."""
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from tsf.accounts.permissions import require_perm
from tsf.core import audit, versioning

from .models import RESERVED_SLUGS, Post, Tag

TRACKED = ("title", "slug", "kind", "status", "publish_at")


def unique_slug(text: str, exclude_pk=None) -> str:
    base = slugify(text)[:180] or "post"
    if base in RESERVED_SLUGS:
        base = f"{base}-post"
    slug, n = base, 2
    qs = Post.objects.all()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def parse_tag_names(text: str) -> list[str]:
    seen, names = set(), []
    for raw in (text or "").replace(";", ",").split(","):
        name = " ".join(raw.split())[:60]
        key = slugify(name)
        if name and key and key not in seen:
            seen.add(key)
            names.append(name)
    return names


def set_tags(post: Post, names: list[str]):
    tags = []
    for name in names:
        slug = slugify(name)[:60]
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.create(name=name, slug=slug)
        tags.append(tag)
    post.tags.set(tags)


def _apply_publication(post: Post, publication: str, when=None, now=None):
    now = now or timezone.now()
    if publication == "draft":
        post.status = Post.Status.DRAFT
    elif publication == "now":
        if not post.is_public:
            post.publish_at = now
        post.status = Post.Status.PUBLISHED
    elif publication == "schedule":
        post.status = Post.Status.PUBLISHED
        post.publish_at = when


@transaction.atomic
def save_post(form, gallery_formset, *, by):
    """Save the editor's form and gallery; the publication choice of the form applies. Refused
    (versioning.EditConflict, nothing saved) when the post was saved by someone else after the form
    was loaded."""
    require_perm(by, "blog.change_post" if form.instance.pk else "blog.add_post")
    creating = form.instance.pk is None
    if not creating:
        versioning.claim(form.instance, form.edit(), by=by)
    before = {} if creating else audit.snapshot(Post.objects.get(pk=form.instance.pk), TRACKED)
    post = form.save(commit=False)
    if creating and post.author_id is None:
        post.author = by
    if not post.slug:
        post.slug = unique_slug(post.title, exclude_pk=post.pk)
    _apply_publication(post, form.cleaned_data.get("publication", "draft"), form.cleaned_data.get("publish_at"))
    post.save()
    form.save_m2m()
    set_tags(post, parse_tag_names(form.cleaned_data.get("tags_text", "")))
    if gallery_formset is not None:
        gallery_formset.instance = post
        gallery_formset.save()
    if creating:
        audit.record(by, "blog.post.create", post, changes={k: [None, getattr(post, k)] for k in TRACKED})
    else:
        audit.record(by, "blog.post.update", post, changes=audit.diff(post, TRACKED, before))
    return post


@transaction.atomic
def publish_now(post: Post, *, by):
    require_perm(by, "blog.publish_post", post)
    before = audit.snapshot(post, TRACKED)
    _apply_publication(post, "now")
    post.save(update_fields=["status", "publish_at"])
    audit.record(by, "blog.post.publish", post, changes=audit.diff(post, TRACKED, before))
    return post


@transaction.atomic
def schedule(post: Post, when, *, by):
    require_perm(by, "blog.publish_post", post)
    if when is None or when <= timezone.now():
        raise ValueError("A scheduled publication needs a date and time in the future")
    before = audit.snapshot(post, TRACKED)
    _apply_publication(post, "schedule", when)
    post.save(update_fields=["status", "publish_at"])
    audit.record(by, "blog.post.schedule", post, changes=audit.diff(post, TRACKED, before))
    return post


@transaction.atomic
def unpublish(post: Post, *, by):
    require_perm(by, "blog.publish_post", post)
    before = audit.snapshot(post, TRACKED)
    post.status = Post.Status.DRAFT
    post.save(update_fields=["status"])
    audit.record(by, "blog.post.unpublish", post, changes=audit.diff(post, TRACKED, before))
    return post


@transaction.atomic
def delete_post(post: Post, *, by):
    require_perm(by, "blog.delete_post", post)
    audit.record(by, "blog.post.delete", post, changes={"title": [post.title, None]})
    files = [post.cover_image] if post.cover_image else []
    files += [img.image for img in post.images.all()]
    post.delete()

    def remove_files():
        for f in files:
            try:
                f.storage.delete(f.name)
            except OSError:
                pass

    transaction.on_commit(remove_files)
