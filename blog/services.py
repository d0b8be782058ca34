"""Every change to the blog: writing, publishing, scheduling, unpublishing and deleting a post.
Each is atomic and leaves an audit entry.

Images (README, "The blog's editor and the public site's images"): an uploaded image is stripped of
its metadata in the request (`take_in`); its AVIF/WebP copies and the post's share image are made by
the worker after the transaction commits (`queue_post_images`, `queue_inline_image` ->
blog.tasks), and by the periodic pass for whatever a stopped worker or a broker down left
(`process_pending_images`). The demo (blog.demo) goes through the same functions, at once.
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from tsf.accounts.permissions import require_perm
from tsf.core import audit, versioning
from tsf.core.queue import offer
from tsf.core.slugs import unique_slug

from . import renditions
from .images import illustration
from .models import RESERVED_SLUGS, GalleryImage, InlineImage, Post, Tag

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
    received = []
    gallery_changed = False
    if gallery_formset is not None:
        gallery_formset.instance = post
        gallery_formset.save()
        gallery_changed = bool(gallery_formset.new_objects or gallery_formset.deleted_objects or any(
            {"image", "order"} & set(fields) for _obj, fields in gallery_formset.changed_objects))
        for gform in gallery_formset.forms:
            if gform.instance.pk and "image" in gform.changed_data and not gform.cleaned_data.get("DELETE"):
                received.append(gform.instance)
    if "cover_image" in form.changed_data and post.cover_image:
        received.append(post)
    for obj in received:
        take_in(obj)
    if creating or not post.share_image or gallery_changed or {"cover_image", "title"} & set(form.changed_data):
        forget_share_image(post)
    if images_pending(post):
        queue_post_images(post)
    if creating:
        audit.record(by, "blog.post.create", post, changes={k: [None, getattr(post, k)] for k in TRACKED})
    else:
        audit.record(by, "blog.post.update", post, changes=audit.diff(post, TRACKED, before))
    return post


# Images -----------------------------------------------------------------------------------------


def take_in(obj) -> None:
    """An image just stored (a post's cover, a gallery image, an image of a text): its metadata
    removed now, its size read upright, its copies still to make (tsf.core.renditions)."""
    renditions.take_in(obj)


def forget_share_image(post: Post) -> None:
    """The post's share image no longer fits it (new cover, title or gallery): the worker makes the
    next one; until then the page's card shows the cover (or the portal's image)."""
    renditions.forget_share_image(post)


def queue_post_images(post: Post) -> None:
    """After commit: the worker makes the post's missing image copies and share image."""
    from .tasks import process_post_images

    transaction.on_commit(lambda: offer(process_post_images, post.pk))


def queue_inline_image(image: InlineImage) -> None:
    from .tasks import process_inline_image

    transaction.on_commit(lambda: offer(process_inline_image, image.pk))


def make_renditions(obj) -> bool:
    """The one processing of a public image (tsf.core.renditions.make_renditions): a post's cover,
    a gallery image, an image of a text. Safe to repeat; whether it made something."""
    return renditions.make_renditions(obj)


def images_pending(post: Post) -> bool:
    """Whether the post still lacks its share image or a copy of its cover or gallery images."""
    return bool(not post.share_image or (post.cover_image and not post.cover_renditions)
                or post.images.filter(renditions={}).exists())


def process_post_images(post_id: int) -> int:
    """What a post's images still lack: the copies of its cover and gallery images, its share image.
    Safe to repeat; how many things were made."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        return 0
    done = int(make_renditions(post))
    gallery = list(post.images.order_by("order", "id"))
    gallery_done = sum(make_renditions(image) for image in gallery)
    if gallery_done:  # the page changed: its ETag follows (each image's save moved the page cache)
        Post.objects.filter(pk=post.pk).update(updated_at=timezone.now())
    done += gallery_done
    if not post.share_image:
        done += make_share_image(post, gallery)
    return done


def process_inline_image(image_id: int) -> int:
    image = InlineImage.objects.filter(pk=image_id).first()
    if image is None or not make_renditions(image):
        return 0
    # The posts that show it: their pages change (ETag).
    Post.objects.filter(body__contains=image.image.url).update(updated_at=timezone.now())
    return 1


def process_pending_images(older_than_seconds: int = 120) -> int:
    """The periodic pass: every image whose copies, and every post whose share image, are still
    missing a while after its last change (a broker that was down, a worker stopped half-way, a save
    that raced the worker)."""
    before = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    posts = set(Post.objects.filter(updated_at__lt=before).filter(
        Q(share_image="") | (~Q(cover_image="") & Q(cover_renditions={}))).values_list("pk", flat=True))
    posts |= set(GalleryImage.objects.filter(renditions={}, post__updated_at__lt=before)
                 .values_list("post_id", flat=True))
    done = sum(process_post_images(pk) for pk in sorted(posts))
    for pk in InlineImage.objects.filter(renditions={}, created_at__lt=before).values_list("pk", flat=True):
        done += process_inline_image(pk)
    return done


def make_share_image(post: Post, gallery=None) -> bool:
    """The post's 1200 x 630 share image: cut from its cover, else from its first gallery image,
    else drawn from its title. Recorded only if the post has none meanwhile."""
    if gallery is None:
        gallery = list(post.images.order_by("order", "id"))
    source = post.cover_image or next((img.image for img in gallery), None)
    storage = post.share_image.storage
    name = f"blog/share/{post.pk}-{timezone.now():%Y%m%d%H%M%S}.jpg"
    if source:
        name = renditions.share_image(source, storage, name)
    else:
        name = name[:-4] + ".png"
        storage.delete(name)
        name = storage.save(name, ContentFile(illustration(post.title, seed=post.pk)))
    return renditions.record_share_image(post, name, storage)


@transaction.atomic
def upload_inline_image(form, *, by) -> InlineImage:
    """An image uploaded from the editor's image dialog: stored without its metadata; its smaller
    copies made by the worker."""
    require_perm(by, "blog.add_post")
    image = form.save(commit=False)
    image.uploaded_by = by
    image.save()
    take_in(image)
    queue_inline_image(image)
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
    gallery = list(post.images.all())
    files = [post.cover_image] if post.cover_image else []
    files += [post.share_image] if post.share_image else []
    files += [img.image for img in gallery]
    renditions_of = [(post.cover_image, post.cover_renditions)] + [(img.image, img.renditions) for img in gallery]
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
