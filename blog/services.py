"""Every change to the blog: writing, publishing, scheduling, unpublishing and deleting a post.
Each is atomic and leaves an audit entry."""
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from tsf.accounts.permissions import require_perm
from tsf.core import audit, versioning
from tsf.core.slugs import unique_slug

from . import renditions
from .images import illustration
from .models import RESERVED_SLUGS, InlineImage, Post, Tag

TRACKED = ("title", "slug", "kind", "status", "publish_at")


def post_slug(text: str, exclude_pk=None) -> str:
    return unique_slug(Post.objects.all(), text, fallback="post", exclude_pk=exclude_pk, reserved=RESERVED_SLUGS)


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
        post.slug = post_slug(post.title, exclude_pk=post.pk)
    _apply_publication(post, form.cleaned_data.get("publication", "draft"), form.cleaned_data.get("publish_at"))
    post.save()
    form.save_m2m()
    set_tags(post, parse_tag_names(form.cleaned_data.get("tags_text", "")))
    if gallery_formset is not None:
        gallery_formset.instance = post
        gallery_formset.save()
        for gform in gallery_formset.forms:
            if gform.instance.pk and "image" in gform.changed_data and not gform.cleaned_data.get("DELETE"):
                process_gallery_image(gform.instance)
    if "cover_image" in form.changed_data and post.cover_image:
        post.cover_renditions, (post.cover_width, post.cover_height) = renditions.process(post.cover_image)
        post.save(update_fields=["cover_renditions", "cover_width", "cover_height", "cover_image"])
    if creating or not post.share_image or {"cover_image", "title"} & set(form.changed_data):
        make_share_image(post)
    if creating:
        audit.record(by, "blog.post.create", post, changes={k: [None, getattr(post, k)] for k in TRACKED})
    else:
        audit.record(by, "blog.post.update", post, changes=audit.diff(post, TRACKED, before))
    return post


def process_gallery_image(image):
    image.renditions, (image.width, image.height) = renditions.process(image.image)
    image.save(update_fields=["renditions", "width", "height", "image"])


def make_share_image(post: Post):
    """The post's 1200 x 630 share image: cut from its cover, else from its first gallery image,
    else drawn from its title."""
    source = post.cover_image or next((img.image for img in post.images.all()), None)
    storage = post.share_image.storage
    old = post.share_image.name
    name = f"blog/share/{post.pk}-{timezone.now():%Y%m%d%H%M%S}.jpg"
    if source:
        post.share_image.name = renditions.share_image(source, storage, name)
    else:
        from django.core.files.base import ContentFile

        name = name[:-4] + ".png"
        storage.delete(name)
        post.share_image.name = storage.save(name, ContentFile(illustration(post.title, seed=post.pk)))
    post.save(update_fields=["share_image"])
    if old and old != post.share_image.name:
        transaction.on_commit(lambda: storage.delete(old))


@transaction.atomic
def upload_inline_image(form, *, by) -> InlineImage:
    """An image uploaded from the editor's image dialog: stored without its metadata, with its
    smaller copies."""
    require_perm(by, "blog.add_post")
    image = form.save(commit=False)
    image.uploaded_by = by
    image.save()
    image.renditions, (image.width, image.height) = renditions.process(image.image)
    image.save(update_fields=["renditions", "width", "height", "image"])
    audit.record(by, "blog.image.upload", image, changes={"alt": [None, image.alt]})
    return image


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
    files += [post.share_image] if post.share_image else []
    files += [img.image for img in post.images.all()]
    renditions_of = [(post.cover_image, post.cover_renditions)] + [(img.image, img.renditions) for img in post.images.all()]
    post.delete()

    def remove_files():
        for f, widths in renditions_of:
            renditions.remove(f, widths)
        for f in files:
            try:
                f.storage.delete(f.name)
            except OSError:
                pass

    transaction.on_commit(remove_files)
