from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.db.models import Prefetch
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from projects.models import LAB_STATUSES, Proposal, ProposalVersion
from tsf.core.forms import DateTimeField, HttpsURLField, TypedRowsInlineFormSet
from tsf.core.keptuploads import KeepUploadsMixin
from tsf.core.versioning import VersionedFormMixin

from .models import RESERVED_SLUGS, Category, GalleryImage, InlineImage, Post
from .sanitize import clean_html, images_without_alt
from .services import parse_tag_names

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def project_choices():
    """The projects a post can be about: those that reached the Incubation Lab (blog reads projects)."""
    return (
        Proposal.objects.filter(status__in=LAB_STATUSES)
        .select_related("organisation")
        .prefetch_related(Prefetch("versions", queryset=ProposalVersion.objects.only("pk", "proposal_id", "number",
                                                                                     "title")))
        .order_by("organisation__legal_name", "pk")
    )


def _project_label(proposal):
    return f"{proposal.title} – {proposal.organisation.legal_name}"


# What each kind of post asks for, beyond what every post has (title, address, summary, text,
# categories, tags, related projects, cover, search engines, publication).
KIND_FIELDS = {
    Post.Kind.ARTICLE: (),
    Post.Kind.INTERVIEW: (),
    Post.Kind.VIDEO: ("video_url",),
    Post.Kind.GALLERY: (),
    Post.Kind.EVENT: ("event_date", "event_place"),
}
KIND_ONLY_FIELDS = {"video_url", "event_date", "event_place"}
# The kinds whose form shows the photo gallery.
GALLERY_KINDS = (Post.Kind.GALLERY, Post.Kind.EVENT)


def kind_of(data=None, instance=None, initial_kind=None) -> str:
    """The kind a form is for: what was posted, else the post's own, else the one chosen."""
    for candidate in ((data or {}).get("kind"), getattr(instance, "kind", None) if getattr(instance, "pk", None)
                      else None, initial_kind):
        if candidate in Post.Kind.values:
            return candidate
    return Post.Kind.ARTICLE


class EditorWidget(forms.Textarea):
    """The text of a post: a textarea that the rich-text editor (django-prose-editor, Tiptap) takes
    over in the browser (static/blog/editor.js); without script it stays a textarea of HTML."""

    def __init__(self, attrs=None):
        super().__init__({"rows": 16, "data-tsf-editor": "", **(attrs or {})})

    def get_context(self, name, value, attrs):
        from django.templatetags.static import static
        from django.urls import reverse

        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-editor-module"] = static("django_prose_editor/editor.js")
        context["widget"]["attrs"]["data-picker-url"] = reverse("blog:manage_image")
        return context


class PostForm(VersionedFormMixin, KeepUploadsMixin, forms.ModelForm):
    PUBLICATION_CHOICES = [
        ("draft", _("Keep as a draft (not visible to the public)")),
        ("now", _("Publish now")),
        ("schedule", _("Schedule: publish at the date and time below")),
    ]

    tags_text = forms.CharField(
        label=_("Tags"), required=False, max_length=500,
        help_text=_("Separated by commas, for example: incubation, Barriera di Milano, interview."),
    )
    publication = forms.ChoiceField(
        label=_("Publication"), choices=PUBLICATION_CHOICES, widget=forms.RadioSelect, initial="draft"
    )
    publish_at = DateTimeField(
        label=_("Publication date and time"), required=False, input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Italian time. Only for a scheduled publication."),
    )

    class Meta:
        model = Post
        fields = [
            "kind", "title", "slug", "summary", "body", "categories", "tags_text", "related_projects", "cover_image",
            "cover_alt", "video_url", "event_date", "event_place", "seo_title", "seo_description",
        ]
        field_classes = {"video_url": HttpsURLField}
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": EditorWidget(),
            "categories": forms.CheckboxSelectMultiple,
            "related_projects": forms.CheckboxSelectMultiple,
            "event_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "body": _("Headings, lists, links, quotes, bold and italic, and images with their alternative "
                      "text: use the editor's buttons (or its keyboard shortcuts, such as Ctrl+B)."),
            "slug": _("Part of the page address; leave empty to make it from the title."),
        }

    def __init__(self, *args, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind_of(self.data if self.is_bound else None, self.instance, kind)
        for name in KIND_ONLY_FIELDS - set(KIND_FIELDS[self.kind]):
            del self.fields[name]
        self.fields["kind"].widget = forms.HiddenInput()
        self.initial["kind"] = self.kind
        self.fields["slug"].required = False
        self.fields["categories"].queryset = Category.objects.order_by("name")
        self.fields["related_projects"].queryset = project_choices()
        self.fields["related_projects"].label_from_instance = _project_label
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        parts = [Fieldset(_("Content"), "kind", "title", "slug", "summary")]
        if self.kind == Post.Kind.VIDEO:
            parts.append(Fieldset(_("Video"), "video_url"))
        if self.kind == Post.Kind.EVENT:
            parts.append(Fieldset(_("Event"), "event_date", "event_place"))
        parts += [
            Fieldset(_("Text"), "body"),
            Fieldset(_("Cover image"), "cover_image", "cover_alt"),
            Fieldset(_("Categories and tags"), "categories", "tags_text"),
            Fieldset(_("Related projects"), "related_projects"),
            Fieldset(_("Search engines and shares"), "seo_title", "seo_description"),
            Fieldset(_("Publication"), "publication", "publish_at"),
        ]
        self.helper.layout = Layout(*parts)
        post = self.instance
        if post.pk:
            self.fields["tags_text"].initial = ", ".join(t.name for t in post.tags.all())
            if post.status == Post.Status.DRAFT:
                self.fields["publication"].initial = "draft"
            elif post.is_scheduled:
                self.fields["publication"].initial = "schedule"
                self.fields["publish_at"].initial = timezone.localtime(post.publish_at)
            else:
                self.fields["publication"].initial = "now"

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "")
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is reserved: choose another one."))
        return slug

    def clean_kind(self):
        return self.kind

    def clean_body(self):
        body = clean_html(self.cleaned_data.get("body", ""))
        missing = images_without_alt(body)
        if missing:
            raise forms.ValidationError(ngettext(
                "An image of the text has no alternative text: open it in the editor (Image button) and describe it.",
                "%(n)d images of the text have no alternative text: open each in the editor (Image button) and "
                "describe it.", missing) % {"n": missing})
        return body

    def clean_tags_text(self):
        return ", ".join(parse_tag_names(self.cleaned_data.get("tags_text", "")))

    def clean(self):
        data = super().clean()
        if data.get("cover_image") and not (data.get("cover_alt") or "").strip():
            self.add_error("cover_alt", _("Describe the image for people who cannot see it."))
        kind = data.get("kind")
        if kind == Post.Kind.VIDEO and not data.get("video_url") and "video_url" not in self.errors:
            self.add_error("video_url", _("A video post needs the address of the video."))
        if kind == Post.Kind.EVENT and not data.get("event_date") and "event_date" not in self.errors:
            self.add_error("event_date", _("An event report needs the date of the event."))
        if data.get("publication") == "schedule":
            when = data.get("publish_at")
            if when is None:
                if "publish_at" not in self.errors:
                    self.add_error("publish_at", _("Choose the date and time of publication."))
            elif when <= timezone.now():
                self.add_error("publish_at", _("This time has already passed: choose a future time, or publish now."))
        return data


class GalleryImageForm(KeepUploadsMixin, forms.ModelForm):
    class Meta:
        model = GalleryImage
        fields = ["image", "alt", "caption", "order"]
        help_texts = {"order": _("Images are shown from the lowest number.")}
        widgets = {"image": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False

    def has_changed(self):
        # An empty extra form is skipped even if its order box was cleared.
        return any(name in self.changed_data for name in ("image", "alt", "caption")) or (
            bool(self.instance.pk) and super().has_changed()
        )

    def clean_order(self):
        return self.cleaned_data.get("order") or 0


class BaseGalleryFormSet(TypedRowsInlineFormSet):
    post_kind = None

    def clean(self):
        super().clean()
        if self.post_kind != Post.Kind.GALLERY or any(self.errors):
            return
        kept = [
            f for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and (f.instance.pk or f.cleaned_data.get("image"))
        ]
        if not kept:
            raise forms.ValidationError(_("A photo gallery needs at least one image."))


GalleryFormSet = inlineformset_factory(
    Post, GalleryImage, form=GalleryImageForm, formset=BaseGalleryFormSet, extra=3, can_delete=True, max_num=60,
)


class ScheduleForm(forms.Form):
    publish_at = DateTimeField(
        label=_("Publication date and time"), input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )

    def clean_publish_at(self):
        when = self.cleaned_data["publish_at"]
        if when <= timezone.now():
            raise forms.ValidationError(_("This time has already passed: choose a future time, or publish now."))
        return when


class InlineImageForm(KeepUploadsMixin, forms.ModelForm):
    """An image uploaded from the editor's image dialog, with its alternative text."""

    class Meta:
        model = InlineImage
        fields = ["image", "alt"]
        widgets = {"image": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"})}
