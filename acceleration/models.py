"""Acceleration (stage 8) and support for the teams not funded (stage 9).

- `AccelerationProgramme`: one per call (start date, length in months).
- `Camp` (Social Innovation Camp, a one-day event) with its `AgendaItem`s, a `Pitch` per funded
  team, `CampInvitation`s sent to experts, mentors and social investors, the public
  `CampRegistration` (approved by staff, within the camp's capacity) and the `PitchFeedback`
  approved registrants leave after the pitches.
- Help desk: `HelpRequest` (a team's question, optionally about a grant report) and its
  `HelpMessage`s (with a private attachment).
- Reporting support: `SupportSlot`s staff offer and a team books (one team per slot).
- `ImprovementAction`: the improvement plan of a team not funded.
- `FundingOpportunity`: the catalogue staff scout (eligibility: themes, districts, legal forms;
  an empty list means "any").

Every change goes through `acceleration.services`.
"""
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from calls.models import Call, District, ImpactTheme, LegalForm
from grants.models import Report
from projects.models import Proposal
from tsf.core.dates import at
from tsf.core.uploads import DocumentValidator, private_storage, upload_to


def new_token():
    return secrets.token_urlsafe(32)


class AccelerationProgramme(models.Model):
    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="acceleration", verbose_name=_("call"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    months = models.PositiveSmallIntegerField(_("length (months)"), default=12,
                                              validators=[MinValueValidator(1), MaxValueValidator(60)])

    class Meta:
        verbose_name = _("acceleration programme")
        verbose_name_plural = _("acceleration programmes")
        ordering = ["-starts_on"]

    def __str__(self):
        return self.title

    @property
    def ends_on(self):
        from grants.models import add_months

        return add_months(self.starts_on, self.months)


class Camp(models.Model):
    """The Social Innovation Camp: a one-day event where the funded teams pitch."""

    programme = models.ForeignKey(AccelerationProgramme, on_delete=models.CASCADE, related_name="camps",
                                  verbose_name=_("programme"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    address = models.CharField(_("address"), max_length=250, blank=True)
    capacity = models.PositiveIntegerField(_("places for experts, mentors and investors"), default=40,
                                           validators=[MinValueValidator(1)])
    registration_open = models.BooleanField(_("registration open"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Social Innovation Camp")
        verbose_name_plural = _("Social Innovation Camps")
        ordering = ["-date"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="acceleration_camp_ends_after_start")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("acceleration:camp", kwargs={"pk": self.pk})

    def start(self):
        return at(self.date, self.starts_at)

    def end(self):
        return at(self.date, self.ends_at)

    def has_started(self, now=None):
        return (now or timezone.now()) >= self.start()


class AgendaItem(models.Model):
    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("camp"))
    starts_at = models.TimeField(pgettext_lazy("agenda: start time", "from"))
    ends_at = models.TimeField(pgettext_lazy("agenda: end time", "to"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["camp", "starts_at", "pk"]

    def __str__(self):
        return f"{self.starts_at:%H:%M} {self.title}"


class Pitch(models.Model):
    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="pitches", verbose_name=_("camp"))
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="pitches",
                                 verbose_name=_("project"))
    order = models.PositiveSmallIntegerField(_("order"))
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=7,
                                               validators=[MinValueValidator(1), MaxValueValidator(60)])
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("pitch")
        verbose_name_plural = _("pitches")
        ordering = ["camp", "order"]
        constraints = [
            models.UniqueConstraint(fields=["camp", "proposal"], name="acceleration_pitch_once"),
            models.UniqueConstraint(fields=["camp", "order"], name="acceleration_pitch_order"),
        ]

    def __str__(self):
        return f"{self.order}. {self.title or self.proposal}"

    def get_absolute_url(self):
        return reverse("acceleration:pitch", kwargs={"pk": self.pk})


class ParticipantKind(models.TextChoices):
    EXPERT = "expert", _("Expert")
    MENTOR = "mentor", _("Mentor")
    INVESTOR = "investor", _("Social investor")


class CampInvitation(models.Model):
    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("camp"))
    email = models.EmailField(_("e-mail"))
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ParticipantKind.choices,
                            default=ParticipantKind.EXPERT)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("camp invitation")
        verbose_name_plural = _("camp invitations")
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["camp", "email"], name="acceleration_invitation_once")]

    def __str__(self):
        return f"{self.email} → {self.camp}"

    def get_absolute_url(self):
        return reverse("acceleration:camp_register", kwargs={"pk": self.camp_id}) + f"?invito={self.token}"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


class CampRegistration(models.Model):
    Status = RegistrationStatus

    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("camp"))
    full_name = models.CharField(_("name and surname"), max_length=200)
    email = models.EmailField(_("e-mail"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    kind = models.CharField(_("I take part as"), max_length=10, choices=ParticipantKind.choices)
    consent = models.BooleanField(_("consent to the processing of personal data"), default=False)
    invitation = models.ForeignKey(CampInvitation, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="registrations")
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.PENDING, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="camp_registrations")
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("camp registration")
        verbose_name_plural = _("camp registrations")
        ordering = ["camp", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["camp", "email"], name="acceleration_registration_once"),
            models.CheckConstraint(condition=models.Q(consent=True), name="acceleration_registration_consent"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.get_kind_display()})"


SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class PitchFeedback(models.Model):
    QUESTIONS = (
        ("clarity", _("Clarity of the pitch")),
        ("impact", _("Social impact")),
        ("sustainability", _("Economic sustainability")),
        ("team", _("Strength of the team")),
    )

    pitch = models.ForeignKey(Pitch, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("pitch"))
    registration = models.ForeignKey(CampRegistration, on_delete=models.CASCADE, related_name="feedback",
                                     verbose_name=_("registration"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pitch_feedback")
    clarity = models.PositiveSmallIntegerField(_("Clarity of the pitch"), validators=SCORE_VALIDATORS)
    impact = models.PositiveSmallIntegerField(_("Social impact"), validators=SCORE_VALIDATORS)
    sustainability = models.PositiveSmallIntegerField(_("Economic sustainability"), validators=SCORE_VALIDATORS)
    team = models.PositiveSmallIntegerField(_("Strength of the team"), validators=SCORE_VALIDATORS)
    comment = models.TextField(_("comment for the team"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pitch feedback")
        verbose_name_plural = _("pitch feedback")
        ordering = ["pitch", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["pitch", "author"], name="acceleration_feedback_once"),
            *[models.CheckConstraint(condition=models.Q(**{f"{q}__gte": 1, f"{q}__lte": 5}),
                                     name=f"acceleration_feedback_{q}_1_5")
              for q in ("clarity", "impact", "sustainability", "team")],
        ]

    def __str__(self):
        return f"{self.author} → {self.pitch}"

    def scores(self):
        return [(label, getattr(self, name)) for name, label in self.QUESTIONS]


# Help desk -----------------------------------------------------------------------------------


class HelpTopic(models.TextChoices):
    REPORTING = "reporting", _("Reporting")
    ADMIN_LEGAL = "admin_legal", _("Administration and legal")
    COMMUNICATION = "communication", _("Communication")
    PARTNERS = "partners", _("Partners and clients")
    FUNDRAISING = "fundraising", _("Fundraising")
    OTHER = "other", _("Other")


class HelpStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("help-desk request", "Open")
    WAITING = "waiting", _("Waiting for the team")
    RESOLVED = "resolved", _("Resolved")


class HelpRequest(models.Model):
    Topic = HelpTopic
    Status = HelpStatus

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="help_requests",
                                 verbose_name=_("project"))
    topic = models.CharField(_("topic"), max_length=20, choices=HelpTopic.choices)
    subject = models.CharField(_("subject"), max_length=200)
    report = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="help_requests",
                               verbose_name=_("grant report"))
    status = models.CharField(_("status"), max_length=10, choices=HelpStatus.choices, default=HelpStatus.OPEN,
                              db_index=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="help_requests_taken", verbose_name=_("taken by"))
    created_at = models.DateTimeField(_("opened at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("help-desk request")
        verbose_name_plural = _("help-desk requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("acceleration:help_detail", kwargs={"pk": self.pk})


class HelpMessage(models.Model):
    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    from_team = models.BooleanField(_("written by the team"))
    text = models.TextField(_("message"))
    attachment = models.FileField(_("attachment"), upload_to=upload_to("acceleration/helpdesk"),
                                  storage=private_storage, validators=[DocumentValidator()], blank=True,
                                  max_length=255)
    original_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("help-desk message")
        verbose_name_plural = _("help-desk messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.request}: {self.text[:40]}"


class SupportSlot(models.Model):
    """A reporting-support appointment staff offer; one team books it."""

    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=45,
                                               validators=[MinValueValidator(10), MaxValueValidator(240)])
    place = models.CharField(_("place or video link"), max_length=250)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("offered by"))
    proposal = models.ForeignKey(Proposal, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="support_slots", verbose_name=_("booked by the team of"))
    report = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="support_slots",
                               verbose_name=_("about the report"))
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    booked_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("what you would like to discuss"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("support slot")
        verbose_name_plural = _("support slots")
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return f"{timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    @property
    def is_booked(self):
        return self.proposal_id is not None


# Teams not funded ----------------------------------------------------------------------------


class ImprovementAction(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DOING = "doing", _("In progress")
        DONE = "done", _("Done")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="improvement_actions")
    action = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("who"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.TODO)
    due_on = models.DateField(_("by"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        ordering = ["proposal", "due_on", "pk"]

    def __str__(self):
        return self.action


class OpportunityKind(models.TextChoices):
    FOUNDATION = "foundation", _("Foundation call")
    CROWDFUNDING = "crowdfunding", _("Crowdfunding")
    REGIONAL = "regional", _("Regional call")
    NATIONAL = "national", _("National call")
    EU = "eu", _("European call")
    INVESTOR = "investor", _("Social investment")


class FundingOpportunity(models.Model):
    Kind = OpportunityKind

    funder = models.CharField(_("funder"), max_length=200)
    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(_("kind"), max_length=20, choices=OpportunityKind.choices,
                            default=OpportunityKind.FOUNDATION)
    description = models.TextField(_("description"))
    deadline = models.DateField(_("deadline"), db_index=True)
    amount_min = models.DecimalField(_("from (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    amount_max = models.DecimalField(_("up to (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    themes = models.ManyToManyField(ImpactTheme, blank=True, related_name="+", verbose_name=_("eligible themes"),
                                    help_text=_("None selected: any theme."))
    districts = models.ManyToManyField(District, blank=True, related_name="+", verbose_name=_("eligible districts"),
                                       help_text=_("None selected: any district."))
    legal_forms = models.JSONField(_("eligible legal forms"), default=list, blank=True,
                                   help_text=_("None selected: any legal form."))
    url = models.URLField(_("link"), max_length=500)
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("funding opportunity")
        verbose_name_plural = _("funding opportunities")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_min__isnull=True) | models.Q(amount_max__isnull=True)
                | models.Q(amount_max__gte=models.F("amount_min")),
                name="acceleration_opportunity_amount_range"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("acceleration:opportunity", kwargs={"pk": self.pk})

    def legal_form_labels(self):
        labels = dict(LegalForm.choices)
        return [labels.get(code, code) for code in (self.legal_forms or [])]
