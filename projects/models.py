"""Organisations, their teams, proposals and their versions, budget lines and attachments.

A proposal's content lives in `ProposalVersion`: version 1 is what the promoter writes and submits
(frozen at submission); the revised proposal after the Incubation Lab is version 2, made by
`ProposalVersion.copy_as_next()` (content, target groups, themes, neighbourhoods, budget lines and
attachments copied), so version 1 stays as it was and reviewers can compare the two.
The status changes only through `projects.services.change_status`.
"""
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva

from calls.models import AttachmentKind, Call, District, ImpactTheme, LegalForm, Neighbourhood, TargetGroup
from tsf.core.acts import act_fields, act_text
from tsf.core.money import euro
from tsf.core.renditions import Slot
from tsf.core.uploads import DocumentValidator, ImageValidator, private_storage, upload_to

ZERO = Decimal("0.00")


def validate_codice_fiscale(value: str):
    """An organisation's codice fiscale: 11 digits (like a partita IVA) or a 16-character
    personal one (sole traders), with a correct check character."""
    try:
        codicefiscale.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("“%(value)s” is not a valid codice fiscale (11 digits or 16 characters, with a correct check character)."),
            code="invalid_codice_fiscale", params={"value": value},
        ) from exc


def validate_partita_iva(value: str):
    try:
        iva.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("“%(value)s” is not a valid partita IVA (11 digits with a correct check digit)."),
            code="invalid_partita_iva", params={"value": value},
        ) from exc


def validate_personal_fiscal_code(value: str):
    """A person's codice fiscale: 16 characters with a correct check character."""
    try:
        codicefiscale.validate(value)
    except StdnumError:
        valid = False
    else:
        valid = len(codicefiscale.compact(value)) == 16
    if not valid:
        raise ValidationError(
            _("“%(value)s” is not a valid personal codice fiscale (16 characters, with a correct check character)."),
            code="invalid_personal_codice_fiscale", params={"value": value},
        )


def compact_tax_code(value: str) -> str:
    return codicefiscale.compact(value or "") if value else ""


class Organisation(models.Model):
    legal_name = models.CharField(_("legal name"), max_length=250)
    legal_form = models.CharField(_("legal form"), max_length=30, choices=LegalForm.choices)
    codice_fiscale = models.CharField(_("codice fiscale"), max_length=16, unique=True,
                                      validators=[validate_codice_fiscale])
    partita_iva = models.CharField(_("partita IVA"), max_length=11, blank=True, validators=[validate_partita_iva])
    runts_number = models.CharField(
        _("RUNTS number"), max_length=40, blank=True,
        help_text=_("Registration number in the national register of third-sector bodies, if any."),
    )
    address = models.CharField(_("address"), max_length=250)
    postcode = models.CharField(_("postcode"), max_length=5, validators=[RegexValidator(r"^\d{5}$",
                                _("Five digits."))])
    city = models.CharField(_("city"), max_length=100, default="Torino")
    province = models.CharField(_("province"), max_length=2, default="TO")
    email = models.EmailField(_("e-mail"), blank=True)
    pec = models.EmailField(_("certified e-mail (PEC)"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=200)
    legal_representative_role = models.CharField(_("legal representative's office"), max_length=100, blank=True,
                                                 help_text=_("For example: president."))
    legal_representative_fiscal_code = models.CharField(
        _("legal representative's codice fiscale"), max_length=16, blank=True,
        validators=[validate_personal_fiscal_code],
        help_text=_("16 characters. When the legal representative signs in with SPID or CIE and is in the team, "
                    "the organisation page shows them as verified."))
    description = models.TextField(_("what the organisation does"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["legal_name"]

    def __str__(self):
        return self.legal_name

    def get_absolute_url(self):
        return reverse("projects:organisation", kwargs={"pk": self.pk})

    def clean(self):
        self.codice_fiscale = compact_tax_code(self.codice_fiscale)
        self.partita_iva = iva.compact(self.partita_iva) if self.partita_iva else ""
        self.legal_representative_fiscal_code = compact_tax_code(self.legal_representative_fiscal_code)

    def verified_representative(self, members):
        """The team member whose codice fiscale, verified with SPID or CIE, is the legal representative's."""
        code = self.legal_representative_fiscal_code
        if not code:
            return None
        return next((m.user for m in members if m.user.fiscal_code_verified and m.user.fiscal_code == code), None)


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator (manages the organisation and the team)")
        MEMBER = "member", _("Team member")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("permissions"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    team_role = models.CharField(_("role in the team"), max_length=120, blank=True,
                                 help_text=_("For example: project manager, educator, accountant."))
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["organisation", "joined_at"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="projects_membership_unique")]

    def __str__(self):
        return f"{self.user} @ {self.organisation}"


def new_token():
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    team_role = models.CharField(_("role in the team"), max_length=120, blank=True)
    role = models.CharField(_("permissions"), max_length=10, choices=Membership.Role.choices,
                            default=Membership.Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    def get_absolute_url(self):
        return reverse("projects:invitation", kwargs={"token": self.token})

    @property
    def is_usable(self):
        return self.accepted_at is None and self.declined_at is None and self.expires_at > timezone.now()


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ADMISSIBLE = "admissible", _("Admissible")
    NOT_ADMISSIBLE = "not_admissible", _("Not admissible")
    ADMITTED_TO_INCUBATION = "admitted_to_incubation", _("Admitted to the Incubation Lab")
    NOT_SELECTED = "not_selected", _("Not selected")
    REVISED_SUBMITTED = "revised_submitted", _("Revised proposal submitted")
    FUNDED = "funded", _("Funded")
    NOT_FUNDED = "not_funded", _("Not funded")


class Proposal(models.Model):
    Status = ProposalStatus

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("call"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="proposals",
                                     verbose_name=_("organisation"))
    status = models.CharField(_("status"), max_length=30, choices=ProposalStatus.choices,
                              default=ProposalStatus.DRAFT, db_index=True)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    protocol_seq = models.PositiveIntegerField(_("protocol sequence"), null=True, blank=True, editable=False)
    protocol_number = models.CharField(_("protocol number"), max_length=40, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["call", "protocol_seq"], name="projects_proposal_protocol_seq_unique"),
            models.UniqueConstraint(fields=["call", "protocol_number"], condition=~models.Q(protocol_number=""),
                                    name="projects_proposal_protocol_number_unique"),
        ]

    def __str__(self):
        version = self.current_version if self.pk else None
        title = version.title if version is not None else ""
        return f"{self.protocol_number or _('draft')} {title}".strip()

    def get_absolute_url(self):
        return reverse("projects:proposal", kwargs={"pk": self.pk})

    @property
    def current_version(self):
        """The latest version (2 once the revised proposal exists, else 1)."""
        if "_current_version" not in self.__dict__:
            prefetched = getattr(self, "_prefetched_objects_cache", {}).get("versions")
            if prefetched is not None:
                versions = sorted(prefetched, key=lambda v: v.number)
                self._current_version = versions[-1] if versions else None
            else:
                self._current_version = self.versions.order_by("-number").first()
        return self._current_version

    @property
    def first_version(self):
        return self.versions.get(number=1)

    @property
    def title(self):
        v = self.current_version
        return v.title if v else ""

    @property
    def is_draft(self):
        return self.status == ProposalStatus.DRAFT


class SolutionType(models.TextChoices):
    COMMUNITY_HUB = "community_hub", _("Community hub")
    BABY_PARKING = "baby_parking", _("Accessible baby parking")
    ABANDONED_BUILDINGS = "abandoned_buildings", _("Reactivation of abandoned buildings")
    CLOTHING_EMPORIUM = "clothing_emporium", _("Second-hand clothing emporium")
    TRAINING = "training", _("Training")
    MINI_INCUBATION = "mini_incubation", _("Mini-incubation")
    FOOD_DISTRIBUTION = "food_distribution", _("Food distribution")
    ARTISAN_BAKERY = "artisan_bakery", _("Artisan bakery")
    OTHER = "other", _("Other")


class ProposalVersion(models.Model):
    """The content of a proposal at one stage. Frozen versions are never changed again."""

    # Fields copied by copy_as_next (everything but identity and freezing).
    CONTENT_FIELDS = (
        "title", "summary", "social_need", "target_groups_other", "district", "area_description",
        "solution_type", "solution", "experimental_rationale", "community_rationale", "expected_impacts",
        "indicators", "partners", "team_description", "requested_grant", "co_financing",
    )
    M2M_FIELDS = ("target_groups", "neighbourhoods", "themes")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    frozen = models.BooleanField(_("frozen"), default=False)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    last_step = models.CharField(max_length=30, blank=True)

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, help_text=_("In a few lines: what, for whom, where."))
    social_need = models.TextField(_("the social need"), blank=True)
    target_groups = models.ManyToManyField(TargetGroup, blank=True, related_name="+",
                                           verbose_name=_("target groups"))
    target_groups_other = models.CharField(_("other target groups"), max_length=250, blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("city district"))
    neighbourhoods = models.ManyToManyField(Neighbourhood, blank=True, related_name="+",
                                            verbose_name=_("neighbourhoods"))
    area_description = models.TextField(_("the targeted area"), blank=True)
    themes = models.ManyToManyField(ImpactTheme, blank=True, related_name="+", verbose_name=_("impact themes"))
    solution_type = models.CharField(_("kind of solution"), max_length=30, choices=SolutionType.choices, blank=True)
    solution = models.TextField(_("the solution"), blank=True)
    experimental_rationale = models.TextField(_("why it is experimental"), blank=True)
    community_rationale = models.TextField(_("why it is community-based (proximity and community welfare)"),
                                           blank=True)
    expected_impacts = models.TextField(_("expected impacts"), blank=True)
    indicators = models.TextField(
        _("measurable indicators"), blank=True,
        help_text=_("One per line: indicator, starting value, target. For example: families reached, 0, 120."),
    )
    partners = models.TextField(_("partners"), blank=True)
    team_description = models.TextField(_("the team"), blank=True)
    requested_grant = models.DecimalField(_("requested grant (EUR)"), max_digits=12, decimal_places=2,
                                          default=ZERO, validators=[MinValueValidator(ZERO)])
    co_financing = models.DecimalField(_("co-financing (EUR)"), max_digits=12, decimal_places=2, default=ZERO,
                                       validators=[MinValueValidator(ZERO)])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("proposal version")
        verbose_name_plural = _("proposal versions")
        ordering = ["proposal", "number"]
        constraints = [models.UniqueConstraint(fields=["proposal", "number"], name="projects_version_unique")]

    def __str__(self):
        return f"{self.title} (v{self.number})"

    def budget_total(self) -> Decimal:
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("budget_lines")
        if prefetched is not None:
            return sum((line.amount or ZERO for line in prefetched), ZERO)
        return self.budget_lines.aggregate(total=Sum("amount"))["total"] or ZERO

    def indicator_rows(self):
        rows = []
        for line in (self.indicators or "").splitlines():
            if line.strip():
                rows.append([part.strip() for part in line.split(",", 2)])
        return rows

    def copy_as_next(self) -> "ProposalVersion":
        """A new, editable version (number + 1) with the same content, budget lines and attachments.
        The attachments' files are shared, not duplicated: frozen files are never deleted."""
        new = ProposalVersion(proposal=self.proposal, number=self.number + 1)
        for name in self.CONTENT_FIELDS:
            setattr(new, name, getattr(self, name))
        new.save()
        for name in self.M2M_FIELDS:
            getattr(new, name).set(getattr(self, name).all())
        BudgetLine.objects.bulk_create(
            BudgetLine(version=new, category=b.category, description=b.description, amount=b.amount, order=b.order)
            for b in self.budget_lines.all()
        )
        Attachment.objects.bulk_create(
            Attachment(version=new, kind=a.kind, title=a.title, file=a.file.name, original_name=a.original_name,
                       size=a.size, uploaded_by=a.uploaded_by, uploaded_at=a.uploaded_at)
            for a in self.attachments.all()
        )
        return new


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        PERSONNEL = "personnel", _("Personnel")
        EQUIPMENT = "equipment", _("Equipment and furniture")
        WORKS = "works", _("Small works and renovation")
        SERVICES = "services", _("External services and consultancy")
        MATERIALS = "materials", _("Materials and supplies")
        COMMUNICATION = "communication", _("Communication")
        TRAINING = "training", _("Training")
        OVERHEADS = "overheads", _("Overheads")
        OTHER = "other", _("Other")

    version = models.ForeignKey(ProposalVersion, on_delete=models.CASCADE, related_name="budget_lines")
    # A draft keeps a line as typed, incomplete too (blank category, description or amount):
    # services.submission_problems lists what each line misses before the proposal can be submitted.
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    description = models.CharField(_("description"), max_length=250, blank=True)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.get_category_display()}: {self.description} ({euro(self.amount)})"


class Attachment(models.Model):
    Kind = AttachmentKind

    # Kinds that name the applicant or its people: hidden from assessors of a blind round.
    IDENTIFYING_KINDS = frozenset({Kind.STATUTE, Kind.CV, Kind.SUPPORT_LETTER, Kind.DECLARATION})

    version = models.ForeignKey(ProposalVersion, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=upload_to("proposals"), storage=private_storage,
                            validators=[DocumentValidator()], max_length=255)
    original_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.title or self.original_name or self.get_kind_display()


class AdmissibilityList(models.Model):
    """The list of admissible and not admissible proposals of a call, approved once by a municipal
    act (determinazione dirigenziale: number, date, official). Each check joins the list that
    approved it (`AdmissibilityCheck.admissibility_list`); a check recorded or corrected after a
    list waits for the next one (number 2, 3...: a supplementary or corrected list, with its act)."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="admissibility_lists",
                             verbose_name=_("call"))
    number = models.PositiveSmallIntegerField(_("list number"), default=1)
    act_number, act_date, act_official = act_fields()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    approved_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("admissibility list")
        verbose_name_plural = _("admissibility lists")
        ordering = ["call", "number"]
        constraints = [models.UniqueConstraint(fields=["call", "number"], name="projects_admissibility_list_unique")]

    def __str__(self):
        return f"{self.call} · {self.number}"

    @property
    def act(self):
        return act_text(self.act_number, self.act_date, self.act_official)


class AdmissibilityCheck(models.Model):
    """Staff's checklist and outcome for one proposal; the call's admissibility list that approved
    it, once approved."""

    class Outcome(models.TextChoices):
        ADMISSIBLE = "admissible", _("Admissible")
        NOT_ADMISSIBLE = "not_admissible", _("Not admissible")

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="admissibility")
    eligible_applicant = models.BooleanField(_("eligible applicant"), default=False)
    documents_complete = models.BooleanField(_("documents complete"), default=False)
    budget_within_limits = models.BooleanField(_("budget within limits"), default=False)
    submitted_on_time = models.BooleanField(_("submitted on time"), default=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    checked_at = models.DateTimeField(default=timezone.now)
    admissibility_list = models.ForeignKey(AdmissibilityList, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="checks", verbose_name=_("admissibility list"))

    class Meta:
        verbose_name = _("admissibility check")
        verbose_name_plural = _("admissibility checks")

    def __str__(self):
        return f"{self.proposal}: {self.get_outcome_display()}"

    @property
    def act(self):
        """The act of the list that approved this outcome ("" while it waits for one)."""
        return self.admissibility_list.act if self.admissibility_list_id else ""


# Statuses of a proposal that reached the Incubation Lab: the ones that may have a public page.
LAB_STATUSES = (
    ProposalStatus.ADMITTED_TO_INCUBATION,
    ProposalStatus.REVISED_SUBMITTED,
    ProposalStatus.FUNDED,
    ProposalStatus.NOT_FUNDED,
)


class PublicProjectQuerySet(models.QuerySet):
    def public(self):
        """What visitors see: published by staff, of a proposal that reached the Incubation Lab."""
        return self.filter(is_published=True, proposal__status__in=LAB_STATUSES)


class PublicProject(models.Model):
    """The public page of an incubated or funded project, written and published by staff.

    It shows only what is meant to be public: the title, district, neighbourhoods, themes and
    target groups of the proposal's current version, the organisation's name, and what staff
    write here (public summary, image, grant amount). Never budget lines, attachments, the
    legal representative or the tax codes.
    """

    class Stage(models.TextChoices):
        INCUBATED = "incubated", _("Incubated")
        FUNDED = "funded", pgettext_lazy("project", "Funded")

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="public_page",
                                    verbose_name=_("proposal"))
    slug = models.SlugField(_("address (slug)"), max_length=200, unique=True)
    summary = models.TextField(_("public summary"), help_text=_("What the project does, for whom and where: "
                                                                "plain words for any visitor."))
    image = models.ImageField(_("image"), upload_to=upload_to("projects/public"), blank=True,
                              validators=[ImageValidator()], width_field="image_width", height_field="image_height")
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # What the worker made of the image (tsf.core.renditions): empty until its AVIF/WebP copies exist.
    image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    share_image = models.ImageField(upload_to=upload_to("projects/share"), blank=True, editable=False)
    image_alt = models.CharField(_("alternative text of the image"), max_length=250, blank=True,
                                 help_text=_("What the image shows, for people who cannot see it. "
                                             "Required with an image."))
    public_grant_amount = models.DecimalField(
        _("grant awarded (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Shown on the public page of a funded project."),
    )
    website = models.URLField(_("project website"), blank=True)
    featured = models.BooleanField(_("featured on the home page"), default=False)
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicProjectQuerySet.as_manager()

    IMAGE_SLOT = Slot(image="image", width="image_width", height="image_height", renditions="image_renditions")

    class Meta:
        verbose_name = _("public project page")
        verbose_name_plural = _("public project pages")
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(condition=models.Q(image="") | ~models.Q(image_alt=""),
                                   name="projects_publicproject_image_has_alt"),
        ]

    def __str__(self):
        return self.slug

    def get_absolute_url(self):
        return reverse("projects:public_detail", kwargs={"slug": self.slug})

    @property
    def stage(self) -> str:
        return self.Stage.FUNDED if self.proposal.status == ProposalStatus.FUNDED else self.Stage.INCUBATED

    @property
    def stage_label(self):
        return self.Stage(self.stage).label

    @property
    def is_public(self) -> bool:
        return self.is_published and self.proposal.status in LAB_STATUSES
