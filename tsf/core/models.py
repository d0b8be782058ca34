"""What every stage shares: the audit log, the revisions of edit forms, the uploads kept across a form's errors."""
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .uploads import private_storage, upload_to


class AuditEntry(models.Model):
    """Who did what to which object, when, with the changed values. Written by services only."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"


class EditRevision(models.Model):
    """One save of an edit form (tsf.core.versioning): the object and the part of it the form edits
    (`scope`, e.g. a proposal's step), the revision it became, who saved it, when, and the values
    the form saved (to tell the next person what changed). Unique per object, scope and number, so
    two saves over the same revision can never both be applied."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    scope = models.CharField(max_length=40, blank=True)
    number = models.PositiveIntegerField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)
    values = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("edit revision")
        verbose_name_plural = _("edit revisions")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id", "scope", "number"],
                                               name="core_editrevision_unique")]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id}:{self.scope} #{self.number}"


class KeptUpload(models.Model):
    """A file chosen in a form, stored privately the moment it arrived (tsf.core.keptuploads), so a
    page answered with a validation error keeps it: the form carries a signed reference instead of
    asking for the file again. Owned by the person who chose it; removed by the periodic task once
    unused for a day (the saved object keeps its own copy)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=upload_to("kept"), storage=private_storage, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("kept upload")
        verbose_name_plural = _("kept uploads")

    def __str__(self):
        return self.original_name


class Heartbeat(models.Model):
    """When a background process last showed it was alive: `beat` is written each time Celery beat
    sends a scheduled job (or `run_periodic` runs them). /healthz reads it (tsf.core.heartbeat)."""

    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")

    def __str__(self):
        return f"{self.name}: {self.at}"
