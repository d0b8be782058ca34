from decimal import Decimal

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _
from stdnum.it import codicefiscale, iva

from calls.models import District, ImpactTheme, LegalForm, Neighbourhood, TargetGroup
from tsf.core.acts import act_date_not_in_future
from tsf.core.forms import AmountField, AutosavedRowsMixin, HttpsURLField, QuickSelect, TypedRowsInlineFormSet
from tsf.core.keptuploads import KeepUploadsMixin
from tsf.core.money import euro
from tsf.core.versioning import VersionedFormMixin

from .models import (
    ZERO,
    AdmissibilityCheck,
    Attachment,
    BudgetLine,
    Membership,
    Organisation,
    ProposalStatus,
    ProposalVersion,
    PublicProject,
)


class OrganisationForm(VersionedFormMixin, forms.ModelForm):
    # Longer than the stored value: spaces, dots and the "IT" prefix are removed before checking.
    codice_fiscale = forms.CharField(
        label=_("Codice fiscale"), max_length=30,
        error_messages={"unique": _("An organisation with this codice fiscale is already registered: ask one of "
                                    "its administrators to invite you to its team.")},
        help_text=_("11 digits for associations and companies (or 16 characters for a sole trader)."))
    partita_iva = forms.CharField(label=_("Partita IVA"), max_length=30, required=False,
                                  help_text=_("11 digits, if the organisation has one."))
    legal_representative_fiscal_code = forms.CharField(
        label=_("Legal representative's codice fiscale"), max_length=30, required=False,
        help_text=_("16 characters. When the legal representative signs in with SPID or CIE and is in the team, "
                    "the organisation page shows them as verified."))

    class Meta:
        model = Organisation
        fields = [
            "legal_name", "legal_form", "codice_fiscale", "partita_iva", "runts_number", "address", "postcode",
            "city", "province", "email", "pec", "phone", "website", "legal_representative",
            "legal_representative_role", "legal_representative_fiscal_code", "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"website": HttpsURLField}

    def clean_codice_fiscale(self):
        value = self.cleaned_data["codice_fiscale"]
        return codicefiscale.compact(value) if value else value

    def clean_legal_representative_fiscal_code(self):
        value = (self.cleaned_data.get("legal_representative_fiscal_code") or "").strip()
        return codicefiscale.compact(value) if value else ""

    def clean_partita_iva(self):
        value = self.cleaned_data.get("partita_iva") or ""
        return iva.compact(value) if value else ""


class OrganisationCreateForm(OrganisationForm):
    your_role = forms.CharField(label=_("Your role in the team"), max_length=120, required=False,
                                help_text=_("For example: project manager."))


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the person to invite"))
    team_role = forms.CharField(label=_("Their role in the team"), max_length=120, required=False)
    role = forms.ChoiceField(label=_("Permissions"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class StartProposalForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Applying organisation"),
                                          empty_label=None)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class _VersionForm(VersionedFormMixin, forms.ModelForm):
    """A step of a proposal version. A draft keeps whatever was typed: no field is required here
    and no rule between fields is checked; `services.submission_problems` checks them all when the
    proposal is submitted (and the steps list them meanwhile). Only what cannot be stored (an amount
    that is not a number, a choice that does not exist) is refused beside its field."""

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        for field in self.fields.values():
            field.required = False


class ProjectStepForm(_VersionForm):
    class Meta:
        model = ProposalVersion
        fields = ["title", "summary", "themes", "district", "neighbourhoods", "area_description"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "themes": forms.CheckboxSelectMultiple,
            "neighbourhoods": forms.CheckboxSelectMultiple,
            "area_description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        call = self.call
        if call is not None:
            if call.themes.exists():
                self.fields["themes"].queryset = call.themes.all()
            if call.districts.exists():
                self.fields["district"].queryset = call.districts.all()
            if call.neighbourhoods.exists():
                self.fields["neighbourhoods"].queryset = call.neighbourhoods.all()
        self.fields["neighbourhoods"].queryset = self.fields["neighbourhoods"].queryset.select_related("district")
        self.fields["neighbourhoods"].label_from_instance = lambda n: f"{n.name} ({n.district.number})"
        self.fields["district"].label_from_instance = lambda d: d.name


class NeedStepForm(_VersionForm):
    class Meta:
        model = ProposalVersion
        fields = ["social_need", "target_groups", "target_groups_other"]
        widgets = {"social_need": forms.Textarea(attrs={"rows": 6}), "target_groups": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.call is not None and self.call.target_groups.exists():
            self.fields["target_groups"].queryset = self.call.target_groups.all()


class SolutionStepForm(_VersionForm):
    class Meta:
        model = ProposalVersion
        fields = ["solution_type", "solution", "experimental_rationale", "community_rationale"]
        widgets = {f: forms.Textarea(attrs={"rows": 5}) for f in
                   ("solution", "experimental_rationale", "community_rationale")}


class ImpactStepForm(_VersionForm):
    class Meta:
        model = ProposalVersion
        fields = ["expected_impacts", "indicators"]
        widgets = {"expected_impacts": forms.Textarea(attrs={"rows": 5}), "indicators": forms.Textarea(attrs={"rows": 4})}


class TeamStepForm(_VersionForm):
    class Meta:
        model = ProposalVersion
        fields = ["partners", "team_description"]
        widgets = {"partners": forms.Textarea(attrs={"rows": 4}), "team_description": forms.Textarea(attrs={"rows": 5})}


class BudgetStepForm(_VersionForm):
    class Meta:
        model = ProposalVersion
        fields = ["requested_grant", "co_financing"]
        field_classes = {"requested_grant": AmountField, "co_financing": AmountField}


class BaseBudgetFormSet(AutosavedRowsMixin, TypedRowsInlineFormSet):
    """The budget lines of a draft: a line is kept as typed, incomplete too (no field is required;
    the review lists what each line misses, `services.submission_problems`)."""

    def total(self) -> Decimal:
        total = ZERO
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            amount = form.cleaned_data.get("amount")
            if amount is not None:
                total += amount
        return total


BudgetFormSet = inlineformset_factory(
    ProposalVersion, BudgetLine, formset=BaseBudgetFormSet, fields=["category", "description", "amount"],
    extra=2, can_delete=True, max_num=60, validate_max=True, field_classes={"amount": AmountField},
)


class AttachmentForm(KeepUploadsMixin, forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["kind", "title", "file"]


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("Search (title, protocol, organisation, codice fiscale)"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect,
                               choices=[("", _("All submitted")), ("all", _("All, drafts included")),
                                        *ProposalStatus.choices])
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all(), required=False,
                                      widget=QuickSelect,
                                      empty_label=_("All"))
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), queryset=Neighbourhood.objects.all(),
                                           required=False, widget=QuickSelect, empty_label=_("All"))
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=ImpactTheme.objects.all(), required=False,
                                   widget=QuickSelect,
                                   empty_label=_("All"))
    target_group = forms.ModelChoiceField(label=_("Target group"), queryset=TargetGroup.objects.all(), required=False,
                                          widget=QuickSelect,
                                          empty_label=_("All"))
    legal_form = forms.ChoiceField(label=_("Legal form"), required=False, widget=QuickSelect, choices=[("", _("All")), *LegalForm.choices])
    sort = forms.ChoiceField(label=_("Sort by"), required=False, widget=QuickSelect, choices=[
        ("protocol", _("Protocol number")), ("-protocol", _("Protocol number, last first")), ("-submitted", _("Latest submitted")), ("submitted", _("First submitted")),
        ("title", _("Title")), ("organisation", _("Organisation")), ("-grant", _("Requested grant, highest first")),
        ("grant", _("Requested grant, lowest first")), ("status", _("Status")), ("-status", _("Status, reversed")),
        ("-title", _("Title, Z to A")), ("-organisation", _("Organisation, Z to A")),
    ])

    def __init__(self, *args, choices=None, **kwargs):
        """`choices`: the options of the four reference selects, read together
        (`projects.selectors.staff_filter_choices`); without, each select reads its own."""
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.select_related("district")
        self.fields["neighbourhood"].label_from_instance = lambda n: f"{n.name} ({n.district.number})"
        for name, options in (choices or {}).items():
            # what the select shows; the queryset still checks a chosen value
            self.fields[name].choices = [("", self.fields[name].empty_label), *options]

    def params(self) -> dict:
        self.is_valid()  # invalid filters are ignored (and shown as errors); the valid ones apply
        data = self.cleaned_data
        return {
            "q": data.get("q"), "status": data.get("status"), "legal_form": data.get("legal_form"),
            "sort": data.get("sort"),
            "district": data["district"].pk if data.get("district") else None,
            "neighbourhood": data["neighbourhood"].pk if data.get("neighbourhood") else None,
            "theme": data["theme"].pk if data.get("theme") else None,
            "target_group": data["target_group"].pk if data.get("target_group") else None,
        }


class AdmissibilityForm(VersionedFormMixin, forms.ModelForm):
    """The checklist starts unticked: each item is a statement the officer makes."""

    correction_reason = forms.CharField(
        label=_("Reason for correcting the outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the outcome differs from the one already recorded; kept in the history."))

    class Meta:
        model = AdmissibilityCheck
        fields = ["eligible_applicant", "documents_complete", "budget_within_limits", "submitted_on_time", "outcome",
                  "reason"]
        widgets = {"outcome": forms.RadioSelect, "reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"reason": _("Required when the proposal is not admissible; the promoter will read it.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = AdmissibilityCheck.Outcome.choices  # no empty choice
        if not (self.instance and self.instance.pk):
            del self.fields["correction_reason"]

    def clean(self):
        data = super().clean()
        checklist = [data.get(f) for f in ("eligible_applicant", "documents_complete", "budget_within_limits",
                                          "submitted_on_time")]
        if data.get("outcome") == AdmissibilityCheck.Outcome.ADMISSIBLE and not all(checklist):
            self.add_error("outcome", _("A proposal is admissible only when every item of the checklist is met."))
        if data.get("outcome") == AdmissibilityCheck.Outcome.NOT_ADMISSIBLE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason why the proposal is not admissible."))
        return data


class AdmissibilityListForm(forms.Form):
    """The municipal act that approves the call's admissibility list (once for the whole list)."""

    act_number = forms.CharField(label=_("Number of the act approving the admissibility list"), max_length=50,
                                 help_text=_("The determinazione dirigenziale, for example 2019 01234."))
    act_date = forms.DateField(label=_("Date of the act"), validators=[act_date_not_in_future],
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    act_official = forms.CharField(label=_("Responsible official"), max_length=200,
                                   help_text=_("Name of the official who signs the act."))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label=_("I understand that a withdrawn proposal cannot be submitted again."))


class PublicProjectForm(VersionedFormMixin, KeepUploadsMixin, forms.ModelForm):
    """Staff write the public page of an incubated or funded project (versioned on the proposal,
    scope "public_page", so a page created meanwhile counts too; the image is kept across errors)."""

    edit_scope = "public_page"

    class Meta:
        model = PublicProject
        fields = ["slug", "summary", "image", "image_alt", "public_grant_amount", "website", "featured"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6})}
        field_classes = {"website": HttpsURLField, "public_grant_amount": AmountField}
        help_texts = {"slug": _("Part of the page address; leave empty to make it from the title.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or ""
        if slug and PublicProject.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another project page already has this address: choose another one."))
        return slug

    def clean(self):
        data = super().clean()
        if data.get("image") and not (data.get("image_alt") or "").strip():
            self.add_error("image_alt", _("Describe the image for people who cannot see it."))
        amount = data.get("public_grant_amount")
        proposal = self.instance.proposal
        if amount is not None and proposal.status != ProposalStatus.FUNDED:
            self.add_error("public_grant_amount", _("Only a funded project shows a grant amount."))
        elif amount is not None and amount > proposal.call.max_grant:
            self.add_error("public_grant_amount", _("The grant cannot exceed the call's maximum of %(max)s.")
                           % {"max": euro(proposal.call.max_grant)})
        return data


class PortfolioFilterForm(forms.Form):
    """The public portfolio's filters: area (district), theme, target group, stage, search."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    district = forms.ModelChoiceField(label=_("Area (city district)"), queryset=District.objects.all(),
                                      to_field_name="number", required=False, empty_label=_("All"))
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=ImpactTheme.objects.all(), to_field_name="code",
                                   required=False, empty_label=_("All"))
    target_group = forms.ModelChoiceField(label=_("Target group"), queryset=TargetGroup.objects.all(),
                                          to_field_name="code", required=False, empty_label=_("All"))
    stage = forms.ChoiceField(label=_("Stage"), required=False,
                              choices=[("", _("All")), *PublicProject.Stage.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"

    def params(self) -> dict:
        self.is_valid()  # an unknown value is ignored; the valid filters apply
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "district": data["district"].number if data.get("district") else None,
            "theme": data["theme"].code if data.get("theme") else None,
            "target_group": data["target_group"].code if data.get("target_group") else None,
            "stage": data.get("stage") or "",
        }
