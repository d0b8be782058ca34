"""Assessment rounds of a call, their weighted criteria and committees, assignments of proposals
to assessors with conflict-of-interest declarations, scores, and the committee's decisions.

- A round scores one version of the proposals (1 for the selection to the Incubation Lab, 2 for
  the final assessment of the revised proposals).
- An assessor first declares on each assigned proposal that they have no conflict of interest
  (`ConflictDeclaration`); a declared conflict removes the assignment and is remembered, so the
  proposal is never assigned to them again in that call.
- An `Assignment` holds the assessor's work: one `Score` per criterion, strengths, weaknesses and
  feedback for the team; it is a draft until submitted, then locked; staff may reopen it.
- A `Decision` closes a round: the outcome of every ranked proposal (`DecisionItem`), the minutes
  and a frozen copy of the ranking. Its `published_at` makes the ranking public.

The changes go through `assessment.services`; the reads through `assessment.selectors`.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.models import Call
from projects.models import Proposal, ProposalStatus
from tsf.core.acts import act_fields, act_text

ZERO = Decimal("0.00")


class AssessmentRound(models.Model):
    class Kind(models.TextChoices):
        SELECTION = "selection", _("Selection for the Incubation Lab")
        FINAL = "final", _("Final assessment (funding)")

    class Combine(models.TextChoices):
        MEAN = "mean", _("Mean of the assessors' totals")
        MEDIAN = "median", _("Median of the assessors' totals")

    class OthersScores(models.TextChoices):
        NEVER = "never", _("Never")
        AFTER_OWN = "after_own", _("After submitting their own")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="assessment_rounds",
                             verbose_name=_("call"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    version_number = models.PositiveSmallIntegerField(
        _("proposal version scored"), default=1, validators=[MinValueValidator(1), MaxValueValidator(2)],
        help_text=_("1: the proposal as submitted; 2: the revised proposal after the Incubation Lab."),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    combine = models.CharField(_("how scores combine"), max_length=10, choices=Combine.choices,
                               default=Combine.MEAN)
    others_scores = models.CharField(_("assessors see the others' scores"), max_length=10,
                                     choices=OthersScores.choices, default=OthersScores.NEVER)
    show_identity = models.BooleanField(_("assessors see the applicant's identity"), default=True)
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold (points)"), max_digits=8, decimal_places=2, default=Decimal("20.00"),
        validators=[MinValueValidator(ZERO)],
        help_text=_("A proposal whose assessors' weighted totals differ by more than this is flagged for "
                    "discussion."),
    )
    quota = models.PositiveSmallIntegerField(
        _("quota"), default=25,
        help_text=_("Selection: how many proposals are admitted. Final: how many are funded at most."),
    )
    assessors_per_proposal = models.PositiveSmallIntegerField(_("assessors per proposal"), default=2,
                                                              validators=[MinValueValidator(1)])
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True,
                                     help_text=_("Set by the explicit action that closes the round."))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["call", "opens_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "kind"], name="assessment_round_kind_unique"),
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")),
                                   name="assessment_round_closes_after_opens"),
            models.CheckConstraint(condition=models.Q(version_number__in=[1, 2]),
                                   name="assessment_round_version_1_or_2"),
        ]

    def __str__(self):
        return f"{self.title} ({self.call})"

    def get_absolute_url(self):
        return reverse("assessment:round", kwargs={"pk": self.pk})

    @property
    def is_selection(self):
        return self.kind == self.Kind.SELECTION

    @property
    def is_final(self):
        return self.kind == self.Kind.FINAL

    def has_opened(self, when=None):
        return (when or timezone.now()) >= self.opens_at

    def is_open(self, when=None):
        when = when or timezone.now()
        return self.closed_at is None and self.opens_at <= when < self.closes_at

    def is_closed(self, when=None):
        """Scoring has stopped: the closing time has passed, or staff closed the round."""
        return self.closed_at is not None or (when or timezone.now()) >= self.closes_at

    @property
    def is_closed_for_decision(self):
        """Staff closed the round explicitly: the committee may decide."""
        return self.closed_at is not None

    @property
    def state(self):
        now = timezone.now()
        if self.closed_at is not None:
            return "closed"
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"

    def entry_statuses(self):
        """The statuses of the proposals this round assesses before its decision."""
        if self.is_selection:
            return [ProposalStatus.ADMISSIBLE]
        return [ProposalStatus.REVISED_SUBMITTED]

    def outcome_choices(self):
        if self.is_selection:
            return (DecisionItem.Outcome.ADMITTED, DecisionItem.Outcome.NOT_SELECTED)
        return (DecisionItem.Outcome.FUNDED, DecisionItem.Outcome.NOT_FUNDED)


class Criterion(models.Model):
    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="criteria",
                              verbose_name=_("round"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    max_points = models.PositiveSmallIntegerField(_("maximum points"), default=10,
                                                  validators=[MinValueValidator(1)])
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=Decimal("1.00"),
                                 validators=[MinValueValidator(Decimal("0.01"))])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["round", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="assessment_criterion_weight_positive"),
            models.CheckConstraint(condition=models.Q(max_points__gt=0), name="assessment_criterion_max_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def max_weighted(self) -> Decimal:
        return self.max_points * self.weight


class CommitteeMember(models.Model):
    """An assessor in a round's committee."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="committee",
                              verbose_name=_("round"))
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="assessment_committees", verbose_name=_("assessor"))
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["round", "assessor__full_name", "assessor__email"]
        constraints = [models.UniqueConstraint(fields=["round", "assessor"], name="assessment_committee_unique")]

    def __str__(self):
        return f"{self.assessor} · {self.round}"


class ConflictDeclaration(models.Model):
    """What an assessor declared about a proposal before reading it. A conflict is remembered for
    the whole call, even after the assignment it came from is gone."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="declarations",
                              verbose_name=_("round"))
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="conflict_declarations",
                                 verbose_name=_("proposal"))
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="conflict_declarations", verbose_name=_("assessor"))
    has_conflict = models.BooleanField(_("conflict of interest"))
    reason = models.TextField(_("reason"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest declaration")
        verbose_name_plural = _("conflict of interest declarations")
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "proposal", "assessor"], name="assessment_declaration_unique"),
            models.CheckConstraint(condition=models.Q(has_conflict=False) | ~models.Q(reason=""),
                                   name="assessment_conflict_needs_reason"),
        ]

    def __str__(self):
        return f"{self.assessor} · {self.proposal}: {'conflict' if self.has_conflict else 'no conflict'}"


class Assignment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REOPENED = "reopened", _("Reopened")

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="assignments",
                              verbose_name=_("round"))
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assessment_assignments",
                                 verbose_name=_("proposal"))
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="assessment_assignments", verbose_name=_("assessor"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    feedback = models.TextField(_("feedback to the team"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["round", "proposal__protocol_seq", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "proposal", "assessor"], name="assessment_assignment_unique"),
        ]

    def __str__(self):
        return f"{self.assessor} · {self.proposal}"

    def get_absolute_url(self):
        return reverse("assessment:score", kwargs={"pk": self.pk})

    @property
    def is_locked(self):
        return self.status == self.Status.SUBMITTED


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores",
                                   verbose_name=_("assignment"))
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores",
                                  verbose_name=_("criterion"))
    value = models.DecimalField(_("points"), max_digits=6, decimal_places=2, null=True, blank=True,
                                validators=[MinValueValidator(ZERO)])
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["assignment", "criterion__order", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="assessment_score_unique"),
            models.CheckConstraint(condition=models.Q(value__isnull=True) | models.Q(value__gte=0),
                                   name="assessment_score_not_negative"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class RankingEntry(models.Model):
    """A proposal's figures in a round's ranking, kept as the assessments change: one row per
    proposal with at least one assignment in the round, written by `assessment.services` in the
    transaction of the change (`refresh_ranking`); the whole round again when its criteria, its
    way of combining or its threshold change (`rebuild_ranking`).

    The rank is not stored: it is the row's position in the tie-break order (higher `combined`,
    then higher `top_criterion`, then the earlier protocol number; no submitted assessment last),
    which the staff page asks the database for (`selectors.ranking_page`). The proposals of the
    round with no assignment have no row: they rank last, in protocol order, like the assigned
    ones with nothing submitted. `selectors.ranking` computes the same figures from the
    assessments, and remains the reference (decision, exports, printable page)."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="ranking_entries",
                              verbose_name=_("round"))
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="ranking_entries",
                                 verbose_name=_("proposal"))
    combined = models.DecimalField(_("combined score"), max_digits=14, decimal_places=2, null=True, blank=True)
    top_criterion = models.DecimalField(_("points on the highest-weighted criterion"), max_digits=14,
                                        decimal_places=2, null=True, blank=True)
    spread = models.DecimalField(_("spread"), max_digits=14, decimal_places=2, null=True, blank=True)
    disputed = models.BooleanField(_("disputed"), default=False)
    assigned = models.PositiveIntegerField(_("assigned"), default=0)
    submitted = models.PositiveIntegerField(_("submitted"), default=0)
    # The weighted total of each submitted assessment, in assessment order: [[assignment_id, "12.34"], ...]
    totals = models.JSONField(_("assessors' weighted totals"), default=list, blank=True)

    class Meta:
        verbose_name = _("ranking entry")
        verbose_name_plural = _("ranking entries")
        constraints = [
            models.UniqueConstraint(fields=["round", "proposal"], name="assessment_ranking_entry_unique"),
        ]

    def __str__(self):
        return f"{self.round_id} · {self.proposal_id}: {self.combined}"


class Decision(models.Model):
    """The committee's decision on a round, with the minutes and the ranking as it was."""

    round = models.OneToOneField(AssessmentRound, on_delete=models.PROTECT, related_name="decision",
                                 verbose_name=_("round"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    ranking = models.JSONField(_("frozen ranking"), default=list)
    minutes = models.TextField(_("minutes"), blank=True)
    published_at = models.DateTimeField(_("ranking published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    # The municipal act that approves the decision (selection list or funding list).
    act_number, act_date, act_official = act_fields()
    override_reason = models.TextField(
        _("why the decision was taken with assessments missing"), blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at"]

    def __str__(self):
        return f"{self.round}: {self.decided_at:%Y-%m-%d}"

    @property
    def is_published(self):
        return self.published_at is not None

    @property
    def act(self):
        return act_text(self.act_number, self.act_date, self.act_official)


class DecisionItem(models.Model):
    class Outcome(models.TextChoices):
        ADMITTED = "admitted", _("Admitted to the Incubation Lab")
        NOT_SELECTED = "not_selected", _("Not selected")
        FUNDED = "funded", _("Funded")
        NOT_FUNDED = "not_funded", _("Not funded")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="items",
                                 verbose_name=_("decision"))
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="decision_items",
                                 verbose_name=_("proposal"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    rank = models.PositiveIntegerField(_("rank"))
    combined_score = models.DecimalField(_("combined score"), max_digits=10, decimal_places=2, null=True,
                                         blank=True)
    grant_amount = models.DecimalField(_("proposed grant (EUR)"), max_digits=12, decimal_places=2, null=True,
                                       blank=True, validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        verbose_name = _("decision item")
        verbose_name_plural = _("decision items")
        ordering = ["decision", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "proposal"], name="assessment_item_proposal_unique"),
            models.UniqueConstraint(fields=["decision", "rank"], name="assessment_item_rank_unique"),
            models.CheckConstraint(
                condition=models.Q(grant_amount__isnull=True) | models.Q(outcome="funded", grant_amount__gt=0),
                name="assessment_item_grant_only_funded",
            ),
        ]

    def __str__(self):
        return f"{self.rank}. {self.proposal}: {self.get_outcome_display()}"

    @property
    def is_positive(self):
        return self.outcome in (self.Outcome.ADMITTED, self.Outcome.FUNDED)
