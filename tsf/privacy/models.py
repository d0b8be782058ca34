"""Personal data: optional consents, the requests people make about their data (a copy, closing the
account) with their outcome, and the runs of the retention schedule."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsf.core.uploads import private_storage, upload_to


class ConsentKind(models.TextChoices):
    NEWSLETTER = "newsletter", _("Newsletter of the programme")
    MENTOR_CONTACT = "mentor_contact", _("Being contacted by the programme's mentors and experts")


class Consent(models.Model):
    """An optional consent a person gave or withdrew (off until they tick it). One row per person and
    kind; `given_at` / `withdrawn_at` keep when, as the GDPR asks to prove it."""

    Kind = ConsentKind

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent"), max_length=30, choices=ConsentKind.choices)
    given = models.BooleanField(_("given"), default=False)
    given_at = models.DateTimeField(_("given at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="privacy_consent_once")]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()} ({'yes' if self.given else 'no'})"


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Copy of my data")
    ERASURE = "erasure", _("Closing the account")


class RequestChannel(models.TextChoices):
    PORTAL = "portal", _("In the portal")
    PEC = "pec", _("Certified e-mail (PEC)")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter or at the counter")


class RequestStatus(models.TextChoices):
    PREPARING = "preparing", _("Being prepared")
    PENDING = "pending", _("Waiting for the staff")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn by the person")


class DataRequest(models.Model):
    """A request about one's personal data (GDPR arts. 15, 17, 20) and its outcome: the log staff keep."""

    Kind = RequestKind
    Status = RequestStatus
    Channel = RequestChannel

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="data_requests")
    person = models.CharField(_("person"), max_length=200)
    kind = models.CharField(_("request"), max_length=10, choices=RequestKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING, db_index=True)
    note = models.TextField(_("what the person wrote"), blank=True)
    channel = models.CharField(_("received by"), max_length=10, choices=RequestChannel.choices,
                               default=RequestChannel.PORTAL)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"),
                                    help_text=_("The staff member who recorded a request that came by other means."))
    outcome = models.TextField(_("outcome"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    file = models.FileField(upload_to=upload_to("privacy/exports"), storage=private_storage, blank=True,
                            max_length=255)
    expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.person}"

    @property
    def downloadable(self) -> bool:
        return bool(self.file) and self.expires_at is not None and self.expires_at > timezone.now()


class RetentionRun(models.Model):
    """One run of the retention schedule that removed or anonymised something: what, per kind."""

    ran_at = models.DateTimeField(_("ran at"), default=timezone.now, db_index=True)
    report = models.JSONField(_("report"), default=dict)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-ran_at", "-pk"]

    def __str__(self):
        return f"{self.ran_at:%Y-%m-%d %H:%M} {self.report}"
