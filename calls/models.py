"""The programme and its calls: dates, quotas, money, targeted areas, themes, target groups,
eligible applicants, documents and FAQ. Every number is a setting of the call, not a constant."""
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsf.core.uploads import DocumentValidator, upload_to


def default_reminder_offsets():
    return [14, 3, 0]


class LegalForm(models.TextChoices):
    """Legal forms of third-sector organisations (used by calls for eligibility and by
    organisations)."""

    APS = "aps", _("Association for social promotion (APS)")
    ODV = "odv", _("Volunteer organisation (ODV)")
    COOP_A = "coop_a", _("Social cooperative type A")
    COOP_B = "coop_b", _("Social cooperative type B")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Social enterprise")
    FOUNDATION = "foundation", _("Foundation")
    OTHER_ETS = "other_ets", _("Other third-sector body")


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    promoter = models.CharField(_("promoted by"), max_length=300, blank=True)
    funding = models.TextField(_("funding"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class District(models.Model):
    """One of Turin's eight circoscrizioni."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("city district")
        verbose_name_plural = _("city districts")
        ordering = ["number"]

    def __str__(self):
        return self.name


class Neighbourhood(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="neighbourhoods",
                                 verbose_name=_("district"))
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        ordering = ["district__number", "name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="calls_neighbourhood_unique")]

    def __str__(self):
        return self.name


class ImpactTheme(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("impact theme")
        verbose_name_plural = _("impact themes")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class TargetGroup(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class AttachmentKind(models.TextChoices):
    """The kinds of document a proposal carries; a call says which of them are required."""

    STATUTE = "statute", _("Statute and deed of incorporation")
    BUDGET = "budget", _("Detailed budget")
    CV = "cv", _("CVs of the team")
    SUPPORT_LETTER = "support_letter", _("Letter of support from a partner")
    DECLARATION = "declaration", _("Signed declaration of the legal representative")
    OTHER = "other", _("Other")


# The kinds a new call requires unless staff choose otherwise.
DEFAULT_REQUIRED_ATTACHMENTS = [AttachmentKind.STATUTE.value, AttachmentKind.BUDGET.value, AttachmentKind.CV.value]
# The programme's cap on one grant (Torino Social Factory, PON Metro 2014-2020): no call goes above it.
PROGRAMME_MAX_GRANT = Decimal("140000.00")


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open_at(self, when=None):
        when = when or timezone.now()
        return self.filter(opens_at__lte=when, closes_at__gt=when)


class Call(models.Model):
    """A call for proposals (bando). Times are aware datetimes, shown in Europe/Rome.

    A proposal may be submitted when `opens_at <= now < closes_at` (to the second); the revised
    proposal of the incubation stage in `revised_opens_at <= now < revised_closes_at`.
    """

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="calls",
                                  verbose_name=_("programme"))
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    year = models.PositiveSmallIntegerField(_("edition (year)"))
    protocol_prefix = models.CharField(
        _("protocol prefix"), max_length=20, default="TSF",
        help_text=_("Protocol numbers read PREFIX-YEAR-0001."),
    )
    summary = models.TextField(_("summary"))
    description = models.TextField(_("full description"), blank=True)
    eligibility = models.TextField(_("who may apply"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)

    # Stage dates
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    first_selection_results_on = models.DateField(_("first selection results by"), null=True, blank=True)
    incubation_starts_on = models.DateField(_("Incubation Lab starts on"), null=True, blank=True)
    incubation_ends_on = models.DateField(_("Incubation Lab ends on"), null=True, blank=True)
    revised_opens_at = models.DateTimeField(_("revised proposals open at"), null=True, blank=True)
    revised_closes_at = models.DateTimeField(_("revised proposals close at"), null=True, blank=True)
    final_assessment_on = models.DateField(_("final assessment on"), null=True, blank=True)
    results_published_on = models.DateField(_("final results published on"), null=True, blank=True)
    acceleration_starts_on = models.DateField(_("acceleration starts on"), null=True, blank=True)
    implementation_months = models.PositiveSmallIntegerField(_("implementation period (months)"), default=24)

    # Quotas and money (euros)
    incubation_quota = models.PositiveSmallIntegerField(_("projects admitted to incubation"), default=25)
    funding_quota = models.PositiveSmallIntegerField(_("projects funded (at most)"), default=12)
    max_grant = models.DecimalField(_("maximum grant (EUR)"), max_digits=12, decimal_places=2,
                                    default=PROGRAMME_MAX_GRANT,
                                    validators=[MinValueValidator(Decimal("0")), MaxValueValidator(PROGRAMME_MAX_GRANT)])
    total_budget = models.DecimalField(_("total budget (EUR)"), max_digits=14, decimal_places=2,
                                       default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0"))])

    # Who and where
    districts = models.ManyToManyField(District, blank=True, related_name="calls", verbose_name=_("targeted districts"))
    neighbourhoods = models.ManyToManyField(Neighbourhood, blank=True, related_name="calls",
                                            verbose_name=_("targeted neighbourhoods"))
    themes = models.ManyToManyField(ImpactTheme, blank=True, related_name="calls", verbose_name=_("impact themes"))
    target_groups = models.ManyToManyField(TargetGroup, blank=True, related_name="calls",
                                           verbose_name=_("target groups"))
    required_attachments = models.JSONField(
        _("required documents"), default=list, blank=True,
        help_text=_("Codes of AttachmentKind: a proposal without one of them cannot be submitted."))
    eligible_legal_forms = models.JSONField(_("eligible legal forms"), default=list, blank=True,
                                            help_text=_("Codes of LegalForm; empty means every legal form."))
    reminder_offsets = models.JSONField(
        _("reminders (days before a deadline)"), default=default_reminder_offsets, blank=True,
        help_text=_("For example [14, 3, 0]: reminders 14 days, 3 days and on the day of the deadline."),
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")),
                                   name="calls_call_closes_after_opens"),
            models.CheckConstraint(condition=models.Q(max_grant__lte=PROGRAMME_MAX_GRANT),
                                   name="calls_call_max_grant_within_programme_cap"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("calls:detail", kwargs={"slug": self.slug})

    # Derived state, always against the server's clock.
    def is_open(self, when=None) -> bool:
        when = when or timezone.now()
        return self.opens_at <= when < self.closes_at

    def has_opened(self, when=None) -> bool:
        return (when or timezone.now()) >= self.opens_at

    def is_closed(self, when=None) -> bool:
        return (when or timezone.now()) >= self.closes_at

    def revised_is_open(self, when=None) -> bool:
        when = when or timezone.now()
        return bool(self.revised_opens_at and self.revised_closes_at
                    and self.revised_opens_at <= when < self.revised_closes_at)

    @property
    def state(self) -> str:
        now = timezone.now()
        if now < self.opens_at:
            return "upcoming"
        if now < self.closes_at:
            return "open"
        return "closed"

    def eligible_legal_form_labels(self):
        labels = dict(LegalForm.choices)
        return [labels.get(code, code) for code in (self.eligible_legal_forms or [])]

    def accepts_legal_form(self, code: str) -> bool:
        return not self.eligible_legal_forms or code in self.eligible_legal_forms

    def protocol_for(self, seq: int) -> str:
        return f"{self.protocol_prefix}-{self.year}-{seq:04d}"


class CallDocument(models.Model):
    """A public document of the call (the call text, forms, FAQ as a file): public MEDIA storage."""

    class Kind(models.TextChoices):
        CALL_TEXT = "call_text", _("Call text")
        FORM = "form", _("Form")
        GUIDE = "guide", _("Guide")
        FAQ = "faq", _("FAQ")
        OTHER = "other", _("Other")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="documents", verbose_name=_("call"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(_("file"), upload_to=upload_to("calls"), validators=[DocumentValidator()])
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("call document")
        verbose_name_plural = _("call documents")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title

    @property
    def extension(self):
        name = self.file.name or ""
        return name.rsplit(".", 1)[-1].upper() if "." in name else ""


class FAQ(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="faqs", verbose_name=_("call"))
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")
        ordering = ["order", "id"]

    def __str__(self):
        return self.question
