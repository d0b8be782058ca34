"""Files survive a failed validation.

A form with `KeepUploadsMixin` (and `uploader=request.user`) stores each file it receives at once,
privately (`KeptUpload`, owned by that person), as soon as the file passes its field's checks
(type recognised from the content, size: tsf.core.uploads). The page, if it comes back with an
error elsewhere, carries a signed reference to the stored file (hidden `<field>-kept`) and says
"Already attached: receipt.pdf": the person never chooses the same file twice, and an image shows
its preview (served to its owner only, `core:kept_upload`). Sent back, the reference stands for
the file; a new file chosen replaces it. A reference made for someone else, forged or older than
`KEPT_UPLOAD_HOURS` names nothing. The retention schedule's periodic task (`tsf.privacy.tasks.apply_retention`, in
beat and `run_periodic`) deletes kept uploads older than that: the saved object has its own copy.
"""
import datetime
import os

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from .models import KeptUpload

SALT = "tsf.core.kept-upload"
KEPT_UPLOAD_HOURS = 24
REF_SUFFIX = "-kept"
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp")


def keep(upload, owner) -> KeptUpload:
    name = os.path.basename(str(getattr(upload, "name", "") or "file"))[:255]
    upload.seek(0)
    kept = KeptUpload(owner=owner, original_name=name, size=getattr(upload, "size", 0) or 0)
    kept.file.save(name, upload, save=False)
    kept.save()
    upload.seek(0)
    return kept


def sign(kept: KeptUpload) -> str:
    return signing.dumps([kept.pk, kept.owner_id], salt=SALT, compress=True)


def resolve(token: str, owner) -> KeptUpload | None:
    """The kept upload a reference names, if it belongs to `owner` and is recent; else None."""
    if not token or owner is None or not getattr(owner, "is_authenticated", False):
        return None
    try:
        pk, owner_id = signing.loads(token, salt=SALT, max_age=datetime.timedelta(hours=KEPT_UPLOAD_HOURS))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if owner_id != owner.pk:
        return None
    return KeptUpload.objects.filter(pk=pk, owner=owner).first()


def as_upload(kept: KeptUpload) -> UploadedFile:
    """The kept file as if it had just been chosen again (its own name, size and content)."""
    kept.file.open("rb")
    return UploadedFile(file=kept.file.file, name=kept.original_name, size=kept.size)


def remove_unused(hours: int = KEPT_UPLOAD_HOURS, *, cutoff=None) -> int:
    """Delete the kept uploads (files and rows) older than `hours` (or made before `cutoff`): the
    "temporary uploads" line of the retention schedule (tsf.privacy) calls this."""
    cutoff = cutoff or timezone.now() - datetime.timedelta(hours=hours)
    count = 0
    for kept in KeptUpload.objects.filter(created_at__lt=cutoff).iterator():
        kept.file.delete(save=False)
        kept.delete()
        count += 1
    return count


class KeptFileWidgetMixin:
    """Adds `kept` (name, reference, preview address) to the widget's context: the file input's
    templates (Django's and crispy's, overridden in templates/) show "Already attached"."""

    kept = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["kept"] = self.kept
        return context

    def use_required_attribute(self, initial):
        return False if self.kept else super().use_required_attribute(initial)


_kept_widget_classes = {}


def _mark_widget(widget, kept: dict):
    cls = type(widget)
    if not issubclass(cls, KeptFileWidgetMixin):
        if cls not in _kept_widget_classes:
            _kept_widget_classes[cls] = type(f"Kept{cls.__name__}", (KeptFileWidgetMixin, cls), {})
        widget.__class__ = _kept_widget_classes[cls]
    if widget.template_name != "core/widgets/kept_file.html":
        kept["template"] = widget.template_name
    else:
        kept["template"] = (widget.kept or {}).get("template", "django/forms/widgets/file.html")
    widget.kept = kept
    widget.template_name = "core/widgets/kept_file.html"


class KeepUploadsMixin:
    """Put first in a form's bases; build the form with `uploader=request.user`. See the module."""

    def __init__(self, *args, uploader=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.uploader = uploader
        self.kept_uploads = {}
        if self.is_bound and uploader is not None and getattr(uploader, "is_authenticated", False):
            self._keep_uploads()

    def _model_validators(self, name):
        """A ModelForm's file field checks the content only when the model is cleaned: a file is
        kept only once it passes those checks too (an executable renamed .pdf is never stored)."""
        model = getattr(getattr(self, "_meta", None), "model", None)
        if model is None:
            return []
        try:
            return model._meta.get_field(name).validators
        except Exception:  # noqa: BLE001 - a form field with no model field of that name
            return []

    def _keep_uploads(self):
        files = self.files.copy() if self.files else MultiValueDict()
        data = self.data.copy()
        for name, field in self.fields.items():
            if not isinstance(field, forms.FileField) or field.disabled:
                continue
            key = self.add_prefix(name)
            ref = key + REF_SUFFIX
            upload = files.get(key)
            kept = None
            if upload:
                try:
                    field.clean(upload)
                    for validator in self._model_validators(name):
                        validator(upload)  # the content check lives on the model field (UploadValidator)
                except ValidationError:
                    data.pop(ref, None)  # the form's own check says why, next to the field
                    continue
                finally:
                    upload.seek(0)
                kept = keep(upload, self.uploader)
                data[ref] = sign(kept)
            elif data.get(ref):
                kept = resolve(data.get(ref), self.uploader)
                if kept is None:
                    data.pop(ref, None)
                    continue
                files[key] = as_upload(kept)
            if kept is not None:
                self.kept_uploads[name] = kept
                token = data[ref]
                is_image = kept.original_name.lower().endswith(IMAGE_EXTENSIONS)
                _mark_widget(field.widget, {
                    "name": kept.original_name, "ref_name": ref, "token": token,
                    "url": reverse("core:kept_upload", kwargs={"token": token}),
                    "image": is_image,
                })
        self.files = files
        self.data = data
