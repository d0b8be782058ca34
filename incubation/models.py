"""The Incubation Lab of a call: workshops, sessions, materials, deliverables, tutors assigned to
teams, attendance, progress entries and deliverable submissions with feedback.

A *team* is a proposal in the cohort (status admitted to incubation or later, see
`COHORT_STATUSES`); its members are the `projects.Membership` users of the proposal's organisation.
Times of sessions are a date plus local (Europe/Rome) start and end times; `starts_at`/`ends_at`
give the aware datetimes.
"""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from calls.models import Call
from projects.models import Proposal, ProposalStatus
from tsf.core.dates import at
from tsf.core.uploads import DocumentValidator, private_storage, upload_to

COHORT_STATUSES = (
    ProposalStatus.ADMITTED_TO_INCUBATION,
    ProposalStatus.REVISED_SUBMITTED,
    ProposalStatus.FUNDED,
    ProposalStatus.NOT_FUNDED,
)

# The readiness dimensions a tutor scores 1-5 in each progress entry: (field, label).
READINESS_DIMENSIONS = (
    ("value_proposition", _("Value proposition")),
    ("business_model", _("Business model")),
    ("impact_design", _("Impact design")),
    ("team_readiness", _("Team")),
    ("market_validation", _("Market validation")),
)


class Lab(models.Model):
    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="lab", verbose_name=_("call"))
    name = models.CharField(_("name"), max_length=200)
    incubator_name = models.CharField(_("incubator"), max_length=200,
                                      help_text=_("The incubator that runs the lab, e.g. Make a Cube³."))
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("incubation lab")
        verbose_name_plural = _("incubation labs")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="incubation_lab_ends_after_start"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("incubation:cohort", kwargs={"pk": self.pk})

    def cohort(self):
        return Proposal.objects.filter(call_id=self.call_id, status__in=COHORT_STATUSES)


class TutorAssignment(models.Model):
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="assignments")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="tutor_assignments",
                                 verbose_name=_("team"))
    tutor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tutor_assignments",
                              verbose_name=_("tutor"))
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tutor assignment")
        verbose_name_plural = _("tutor assignments")
        constraints = [models.UniqueConstraint(fields=["proposal", "tutor"], name="incubation_assignment_unique")]

    def __str__(self):
        return f"{self.tutor} → {self.proposal_id}"


class Workshop(models.Model):
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="workshops", verbose_name=_("lab"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    topics = models.TextField(_("topics"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["lab", "number"]
        constraints = [models.UniqueConstraint(fields=["lab", "number"], name="incubation_workshop_unique")]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Session(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="sessions",
                                 verbose_name=_("workshop"))
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    address = models.CharField(_("address"), max_length=250, blank=True)
    tutors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="lab_sessions",
                                    verbose_name=_("tutors"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_time__gt=models.F("start_time")),
                                   name="incubation_session_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.workshop.title} · {self.date:%d/%m/%Y}"

    def clean(self):
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The session must end after it starts.")})

    @property
    def starts_at(self) -> datetime.datetime:
        return at(self.date, self.start_time)

    @property
    def ends_at(self) -> datetime.datetime:
        return at(self.date, self.end_time)


class Material(models.Model):
    """A private file or a link for the cohort of the workshop's lab."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="materials",
                                 verbose_name=_("workshop"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("file"), upload_to=upload_to("incubation/materials"), storage=private_storage,
                            validators=[DocumentValidator()], blank=True, max_length=255)
    url = models.URLField(_("link"), blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["workshop", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(file="") | ~models.Q(url=""),
                                   name="incubation_material_file_or_link"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if not self.file and not self.url:
            raise ValidationError(_("Upload a file or give a link."))


class Deliverable(models.Model):
    """What a workshop expects from each team, by a due date."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="deliverables",
                                 verbose_name=_("workshop"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_at = models.DateTimeField(_("due at"))

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["due_at", "id"]

    def __str__(self):
        return self.title


class Submission(models.Model):
    """One upload of a deliverable by a team; a new upload is a new version. Tutors answer with
    feedback on each version."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Waiting for feedback")
        ACCEPTED = "accepted", _("Accepted")
        CHANGES = "changes_requested", _("Changes requested")

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="submissions",
                                    verbose_name=_("deliverable"))
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="lab_submissions",
                                 verbose_name=_("team"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    file = models.FileField(_("file"), upload_to=upload_to("incubation/deliverables"), storage=private_storage,
                            validators=[DocumentValidator()], max_length=255)
    original_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    note = models.TextField(_("note for the tutor"), blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    review = models.CharField(_("feedback"), max_length=20, choices=Review.choices, default=Review.PENDING)
    comments = models.TextField(_("comments"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deliverable submission")
        verbose_name_plural = _("deliverable submissions")
        ordering = ["deliverable", "proposal", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["deliverable", "proposal", "version"],
                                    name="incubation_submission_version_unique"),
        ]

    def __str__(self):
        return f"{self.deliverable} v{self.version}"


class Attendance(models.Model):
    """Who from one team came to one session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="lab_attendances",
                                 verbose_name=_("team"))
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                       verbose_name=_("present"))
    present_count = models.PositiveSmallIntegerField(default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "proposal"], name="incubation_attendance_unique")]

    def __str__(self):
        return f"{self.session} · {self.proposal_id}: {self.present_count}"


def readiness_field(label):
    return models.PositiveSmallIntegerField(label, validators=[MinValueValidator(1), MaxValueValidator(5)])


class ProgressEntry(models.Model):
    """A tutor's entry for one team in one workshop. The team reads it, except `notes` when
    `notes_staff_only` is set (then only staff and tutors read them)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="progress_entries",
                                 verbose_name=_("workshop"))
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="lab_progress",
                                 verbose_name=_("team"))
    notes = models.TextField(_("notes"), blank=True)
    notes_staff_only = models.BooleanField(
        _("notes for staff and tutors only"), default=False,
        help_text=_("Tick to hide the notes from the team (scores and next actions stay visible)."),
    )
    value_proposition = readiness_field(_("value proposition"))
    business_model = readiness_field(_("business model"))
    impact_design = readiness_field(_("impact design"))
    team_readiness = readiness_field(_("team"))
    market_validation = readiness_field(_("market validation"))
    next_actions = models.TextField(_("next actions agreed"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                               verbose_name=_("tutor"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["workshop__number"]
        constraints = [models.UniqueConstraint(fields=["workshop", "proposal"], name="incubation_progress_unique")]

    def __str__(self):
        return f"{self.workshop} · {self.proposal_id}"

    def scores(self):
        return [(label, getattr(self, field)) for field, label in READINESS_DIMENSIONS]

    @property
    def readiness(self):
        """The mean of the five scores, one decimal."""
        values = [getattr(self, f) for f, _label in READINESS_DIMENSIONS]
        return round(sum(values) / len(values), 1)
