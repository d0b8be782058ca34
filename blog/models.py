"""Blog: posts of five kinds (article, interview, video, photo gallery, event report), their
categories, tags and gallery images.

A post is visible to the public when its status is "published" and its `publish_at` has come:
a post published with a future `publish_at` is scheduled, and invisible until then.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsf.core.uploads import ImageValidator, upload_to

from .renditions import Slot
from .sanitize import clean_html
from .video import embed_url, provider_name, validate_video_url

# Slugs that would shadow the blog's own addresses.
RESERVED_SLUGS = {"manage", "category", "tag", "feed", "rss", "atom", "search", "page"}


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:category", args=[self.slug])


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:tag", args=[self.slug])


class PostQuerySet(models.QuerySet):
    def published(self, now=None):
        """What the public sees: published and whose time has come."""
        return self.filter(status=Post.Status.PUBLISHED, publish_at__lte=now or timezone.now())


class Post(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        INTERVIEW = "interview", _("Interview")
        VIDEO = "video", _("Video")
        GALLERY = "gallery", _("Photo gallery")
        EVENT = "event", _("Event report")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address (slug)"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), max_length=600, help_text=_("Two or three sentences shown in lists, feeds and shares."))
    body = models.TextField(_("text"), blank=True)
    categories = models.ManyToManyField(Category, verbose_name=_("categories"), blank=True, related_name="posts")
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="blog_posts",
    )
    cover_image = models.ImageField(
        _("cover image"), upload_to=upload_to("blog/covers"), blank=True, validators=[ImageValidator()],
        width_field="cover_width", height_field="cover_height",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_renditions = models.JSONField(default=dict, blank=True, editable=False)
    share_image = models.ImageField(upload_to=upload_to("blog/share"), blank=True, editable=False)
    cover_alt = models.CharField(
        _("alternative text of the cover"), max_length=250, blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )
    video_url = models.URLField(
        _("video address"), blank=True, validators=[validate_video_url],
        help_text=_("YouTube or Vimeo. The video is loaded only when the visitor presses play."),
    )
    event_date = models.DateField(_("event date"), null=True, blank=True)
    event_place = models.CharField(_("event place"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(_("publication date and time"), null=True, blank=True)
    related_projects = models.ManyToManyField(
        "projects.Proposal", verbose_name=_("related projects"), blank=True, related_name="blog_posts",
        help_text=_("The incubated or funded projects the post is about: it appears on their public pages."),
    )
    seo_title = models.CharField(_("title for search engines and shares"), max_length=70, blank=True)
    seo_description = models.CharField(_("description for search engines and shares"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PostQuerySet.as_manager()

    # The cover is processed as every public image is (blog.renditions, blog.services.make_renditions).
    IMAGE_SLOT = Slot("cover_image", "cover_width", "cover_height", "cover_renditions")

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-publish_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-publish_at"], name="blog_post_status_pub_idx"),
            models.Index(fields=["kind", "status", "-publish_at"], name="blog_post_kind_pub_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cover_image="") | ~Q(cover_alt=""), name="blog_post_cover_has_alt"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(publish_at__isnull=False), name="blog_post_published_has_date"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Sanitised on every save: no script or event handler is ever stored.
        self.body = clean_html(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"body", "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:post", args=[self.slug])

    # What the editors see of the publication ---------------------------------------------
    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.publish_at and self.publish_at > timezone.now()

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.publish_at and self.publish_at <= timezone.now()

    @property
    def state_label(self):
        if self.status == self.Status.DRAFT:
            return _("Draft")
        if self.is_scheduled:
            return _("Scheduled")
        return _("Published")

    # Video --------------------------------------------------------------------------------
    @property
    def video_embed_url(self):
        return embed_url(self.video_url)

    @property
    def video_provider(self):
        return provider_name(self.video_url)

    # Metadata -----------------------------------------------------------------------------
    @property
    def share_title(self):
        return self.seo_title or self.title

    @property
    def share_description(self):
        return self.seo_description or self.summary


class PublicImage(models.Model):
    """An image the public sees, with its alternative text: stripped of its metadata at upload, its
    AVIF/WebP copies made by the worker (blog.renditions; `renditions` is empty until then). Each
    kind declares its own `image` field (its folder)."""

    IMAGE_SLOT = Slot()

    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    alt = models.CharField(
        _("alternative text"), max_length=250, help_text=_("What the image shows, for people who cannot see it.")
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.alt


class GalleryImage(PublicImage):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images", verbose_name=_("post"))
    image = models.ImageField(
        _("image"), upload_to=upload_to("blog/gallery"), validators=[ImageValidator()],
        width_field="width", height_field="height",
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("gallery image")
        verbose_name_plural = _("gallery images")
        ordering = ["order", "id"]
        constraints = [models.CheckConstraint(condition=~Q(alt=""), name="blog_galleryimage_has_alt")]

    def __str__(self):
        return self.caption or self.alt


class InlineImage(PublicImage):
    """An image placed in the text of a post with the editor (uploaded from its image dialog)."""

    image = models.ImageField(
        _("image"), upload_to=upload_to("blog/inline"), validators=[ImageValidator()],
        width_field="width", height_field="height",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("image in a text")
        verbose_name_plural = _("images in texts")
        ordering = ["-created_at", "-id"]
