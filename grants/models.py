"""Grants and their implementation: the grant made from a funding decision, its budget lines,
payment tranches, reports (with indicators and expenses) and the documents that go with them.

Money is Decimal in euros. A grant's status and its tranches' and reports' statuses change only
through `grants.services` (one function per action, atomic and audited).
"""
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessment.models import DecisionItem
from calls.models import Call, District, ImpactTheme, TargetGroup
from projects.models import BudgetLine, Proposal
from tsf.core.acts import act_fields, act_text
from tsf.core.money import euro
from tsf.core.uploads import DocumentValidator, private_storage, upload_to

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# Reports: one interim report every REPORT_INTERVAL_MONTHS (the default of a grant's own field),
# and a final report at the end.
REPORT_INTERVAL_MONTHS = 6
DEFAULT_DURATION_MONTHS = 24
# Default payment plan: (share of the grant, condition, which report)
DEFAULT_TRANCHES = (
    (Decimal("0.40"), "signature", None),
    (Decimal("0.40"), "report", "interim"),
    (Decimal("0.20"), "report", "final"),
)
CITY_OF_TURIN_CF = "00514490010"
DEFAULT_LEGAL_BASIS = (
    "PON Città Metropolitane 2014-2020, Asse 3 \u201cServizi per l'inclusione sociale\u201d, "
    "progetto TO3.3.1.a Torino Social Factory; avviso pubblico approvato con determinazione dirigenziale"
)
DEFAULT_OFFICE = "Città di Torino, Divisione Decentramento, Giovani e Servizi, Area Giovani e Pari Opportunità"
DEFAULT_SELECTION = (
    "Avviso pubblico con procedura comparativa: selezione per l'Incubation Lab e valutazione finale "
    "delle proposte revisionate da parte di una commissione"
)

CUP_RE = r"^[A-Z]\d{2}[A-Z]\d{11}$"
validate_cup = RegexValidator(
    CUP_RE,
    _("A CUP code is a letter, two digits, a letter and eleven digits, for example C11J18000120007."),
    code="invalid_cup",
)


def add_months(d: date, months: int) -> date:
    """The same day `months` later (the last day of the month when it does not exist)."""
    import calendar

    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


class GrantStatus(models.TextChoices):
    AWARDED = "awarded", _("Awarded")
    SIGNED = "signed", _("Agreement signed")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    REVOKED = "revoked", _("Revoked")


class Grant(models.Model):
    Status = GrantStatus

    decision_item = models.OneToOneField(DecisionItem, on_delete=models.PROTECT, related_name="grant",
                                         verbose_name=_("funding decision"))
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="grant",
                                    verbose_name=_("proposal"))
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="grants", verbose_name=_("call"))
    # Where the portfolio counts the grant: the city district and the impact themes of the proposal's
    # version it funds (its latest, frozen, when the grant is made: `services.award_grant`).
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("city district"))
    themes = models.ManyToManyField(ImpactTheme, blank=True, related_name="+", verbose_name=_("impact themes"))
    title = models.CharField(_("project title"), max_length=200)
    amount = models.DecimalField(_("grant (EUR)"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(CENT)])
    cup = models.CharField(_("CUP code"), max_length=15, unique=True, validators=[validate_cup],
                           help_text=_("Codice Unico di Progetto: a letter, two digits, a letter and eleven digits."))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    report_interval_months = models.PositiveSmallIntegerField(
        _("interim report every (months)"), default=REPORT_INTERVAL_MONTHS, validators=[MinValueValidator(1)])
    legal_basis = models.TextField(_("legal basis"), default=DEFAULT_LEGAL_BASIS)
    responsible_office = models.CharField(_("responsible office"), max_length=250, default=DEFAULT_OFFICE)
    selection_method = models.CharField(_("how the beneficiary was chosen"), max_length=300,
                                        default=DEFAULT_SELECTION)
    status = models.CharField(_("status"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.AWARDED,
                              db_index=True)
    agreement = models.FileField(_("grant agreement"), upload_to=upload_to("grants"), storage=private_storage,
                                 validators=[DocumentValidator()], max_length=255, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    awarded_at = models.DateTimeField(_("awarded at"), default=timezone.now)
    # The municipal act that awards the grant, and the one that revokes it.
    award_act_number, award_act_date, award_official = act_fields()
    award_reason = models.TextField(_("why the grant differs from the committee's proposal"), blank=True)
    revocation_act_number, revocation_act_date, revocation_official = act_fields(
        _("revocation act number"), _("revocation act date"), _("official responsible for the revocation"))
    revocation_reason = models.TextField(_("reason for the revocation"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["call", "cup"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="grants_grant_amount_positive"),
            models.CheckConstraint(condition=models.Q(end_date__gt=models.F("start_date")),
                                   name="grants_grant_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.cup} · {self.title}"

    def get_absolute_url(self):
        return reverse("grants:detail", kwargs={"pk": self.pk})

    @property
    def is_editable_budget(self):
        return self.status == GrantStatus.AWARDED

    @property
    def tranches_can_change(self):
        """After the signature, staff may still change the unpaid tranches and add new ones."""
        return self.status in (GrantStatus.SIGNED, GrantStatus.ACTIVE)

    @property
    def organisation(self):
        return self.proposal.organisation

    @property
    def award_act(self):
        return act_text(self.award_act_number, self.award_act_date, self.award_official)

    @property
    def procedure_acts(self) -> list[tuple[str, str]]:
        """[(what, act)] of the selection that led to the grant: the act approving the call's
        admissibility list that admitted the proposal, and the one approving the funding ranking."""
        out = []
        check = getattr(self.proposal, "admissibility", None) if self.proposal_id else None
        if check is not None and check.act:
            out.append((_("Admissibility list"), check.act))
        decision = self.decision_item.decision if self.decision_item_id else None
        if decision is not None and decision.act:
            out.append((_("Funding ranking"), decision.act))
        return out

    @property
    def revocation_act(self):
        return act_text(self.revocation_act_number, self.revocation_act_date, self.revocation_official)

    @property
    def project_url(self):
        """The project's public page: the one staff publish in projects when there is one, else the
        grant's transparency page."""
        try:
            page = self.proposal.public_page
        except ObjectDoesNotExist:
            page = None
        if page is not None and page.is_published:
            return page.get_absolute_url()
        return reverse("grants:project", kwargs={"cup": self.cup})


class GrantBudgetLine(models.Model):
    """A budget line of the grant: copied from the revised proposal, adjustable by staff before
    the agreement is signed. Expenses are checked against it."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=20, choices=BudgetLine.Category.choices)
    description = models.CharField(_("description"), max_length=250)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(CENT)])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.get_category_display()}: {self.description}"


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("Interim report")
    FINAL = "final", _("Final report")


class ReportStatus(models.TextChoices):
    DUE = "due", _("To be submitted")
    SUBMITTED = "submitted", _("Submitted, under review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", pgettext_lazy("report", "Approved")


class Report(models.Model):
    Kind = ReportKind
    Status = ReportStatus

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_date = models.DateField(_("due on"), db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DUE,
                              db_index=True)
    activities = models.TextField(_("what was done"), blank=True)
    jobs_created = models.PositiveIntegerField(_("jobs created"), default=0)
    volunteers_involved = models.PositiveIntegerField(_("volunteers involved"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    review_comment = models.TextField(_("staff comments"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["grant", "due_date", "number"]
        constraints = [models.UniqueConstraint(fields=["grant", "number"], name="grants_report_number_unique")]
        indexes = [
            # The portfolio's lists: the first 50 reports to review, in the order they came; the first
            # 50 open reports overdue or due soon, by due date.
            models.Index(fields=["status", "submitted_at"], name="grants_report_status_sub"),
            models.Index(fields=["due_date"], condition=models.Q(status__in=["due", "changes_requested"]),
                         name="grants_report_open_due"),
        ]

    def __str__(self):
        return f"{self.label} · {self.grant.cup}"

    def get_absolute_url(self):
        return reverse("grants:report", kwargs={"pk": self.pk})

    @property
    def label(self):
        """"Interim report 2", "Final report" (interim reports are numbered, the final one is not)."""
        return self.label_for(self.kind, self.number)

    @staticmethod
    def label_for(kind, number):
        """The label of a report of this kind and number (for rows read with values())."""
        name = ReportKind(kind).label if kind in ReportKind.values else kind
        if kind == ReportKind.FINAL:
            return str(name)
        return f"{name} {number}"

    @property
    def is_editable(self):
        return self.status in (ReportStatus.DUE, ReportStatus.CHANGES_REQUESTED)

    @property
    def is_open(self):
        """Not yet accepted: the team still owes it (due, or changes requested)."""
        return self.status in (ReportStatus.DUE, ReportStatus.CHANGES_REQUESTED)

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.is_open and self.due_date < today


class ReportReach(models.Model):
    """People reached per target group of the call, in one report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reach")
    target_group = models.ForeignKey(TargetGroup, on_delete=models.PROTECT, related_name="+")
    people = models.PositiveIntegerField(_("people reached"), default=0)

    class Meta:
        verbose_name = _("people reached")
        verbose_name_plural = _("people reached")
        ordering = ["target_group__order", "target_group__name"]
        constraints = [models.UniqueConstraint(fields=["report", "target_group"], name="grants_reach_unique")]

    def __str__(self):
        return f"{self.target_group}: {self.people}"


class ReportIndicator(models.Model):
    """A free indicator of a report (the project's own ones)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=200)
    value = models.CharField(_("value"), max_length=100)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["id"]

    def __str__(self):
        return f"{self.name}: {self.value}"


class Expense(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="expenses")
    budget_line = models.ForeignKey(GrantBudgetLine, on_delete=models.PROTECT, related_name="expenses",
                                    verbose_name=_("budget line"))
    spent_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(CENT)])
    supplier = models.CharField(_("supplier"), max_length=200)
    description = models.CharField(_("description"), max_length=250, blank=True)
    receipt = models.FileField(_("receipt"), upload_to=upload_to("receipts"), storage=private_storage,
                               validators=[DocumentValidator()], max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["spent_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="grants_expense_positive")]

    def __str__(self):
        return f"{self.supplier}: {euro(self.amount)}"


class TrancheCondition(models.TextChoices):
    SIGNATURE = "signature", _("Signature of the agreement")
    REPORT = "report", _("Approval of a report")


class TrancheStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    PAYABLE = "payable", _("Payable")
    PAID = "paid", _("Paid")


class Tranche(models.Model):
    Condition = TrancheCondition
    Status = TrancheStatus

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="tranches")
    order = models.PositiveSmallIntegerField(_("number"))
    condition = models.CharField(_("condition"), max_length=10, choices=TrancheCondition.choices)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, null=True, blank=True, related_name="tranches",
                               verbose_name=_("report"))
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(CENT)])
    status = models.CharField(_("status"), max_length=10, choices=TrancheStatus.choices,
                              default=TrancheStatus.PLANNED, db_index=True)
    payable_since = models.DateTimeField(_("payable since"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    # The act that authorises the payment (determinazione di liquidazione) and the payment order.
    act_number, act_date, act_official = act_fields()
    payment_order_number = models.CharField(_("payment order number"), max_length=50, blank=True,
                                            help_text=_("Number of the mandato di pagamento."))
    payment_order_date = models.DateField(_("payment order date"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment tranche")
        verbose_name_plural = _("payment tranches")
        ordering = ["grant", "order"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "order"], name="grants_tranche_order_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="grants_tranche_positive"),
            models.CheckConstraint(
                condition=models.Q(condition="signature", report__isnull=True)
                | models.Q(condition="report", report__isnull=False),
                name="grants_tranche_condition_report",
            ),
        ]

    def __str__(self):
        return f"{self.grant.cup} #{self.order}: {euro(self.amount)}"

    @property
    def act(self):
        return act_text(self.act_number, self.act_date, self.act_official)

    @property
    def condition_text(self):
        if self.condition == TrancheCondition.REPORT and self.report_id:
            return _("Approval of the %(report)s (due %(due)s)") % {
                "report": self.report.get_kind_display().lower(), "due": date_format(self.report.due_date)}
        return self.get_condition_display()
