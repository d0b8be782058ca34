from decimal import Decimal

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from tsf.accounts.models import User
from tsf.core.acts import act_date_not_in_future
from tsf.core.forms import AmountField, AmountInput, DateTimeField, TypedRowsInlineFormSet
from tsf.core.model_i18n import EnglishVersionsForm
from tsf.core.versioning import VersionedFormMixin

from .models import AssessmentRound, Criterion


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class RoundForm(VersionedFormMixin, EnglishVersionsForm):
    class Meta:
        model = AssessmentRound
        fields = ["kind", "title_it", "title_en", "version_number", "opens_at", "closes_at", "combine", "others_scores",
                  "show_identity", "disagreement_threshold", "quota", "assessors_per_proposal"]
        widgets = {"opens_at": DateTimeInput(), "closes_at": DateTimeInput(),
                   "version_number": forms.Select(choices=[(1, _("Version 1 (as submitted)")),
                                                           (2, _("Version 2 (revised)"))])}
        field_classes = {"opens_at": DateTimeField, "closes_at": DateTimeField}

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call or self.instance.call

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The round must close after it opens."))
        kind = data.get("kind")
        if kind and self.call and AssessmentRound.objects.filter(call=self.call, kind=kind).exclude(
                pk=self.instance.pk).exists():
            self.add_error("kind", _("This call already has a round of this kind."))
        return data

    def save(self, commit=True):
        self.instance.call = self.call
        return super().save(commit)


CriterionFormSet = inlineformset_factory(
    AssessmentRound, Criterion, fields=["name", "description", "max_points", "weight", "order"],
    widgets={"description": forms.TextInput()}, extra=2, can_delete=True, max_num=30, validate_max=True,
    formset=TypedRowsInlineFormSet,
)


class CommitteeForm(forms.Form):
    assessors = forms.ModelMultipleChoiceField(
        label=_("Committee"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("People with the assessor role."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessors"].queryset = User.objects.with_role("assessor").order_by("full_name", "email")
        self.fields["assessors"].label_from_instance = lambda u: f"{u.full_name or u.email} ({u.email})"


class AssignForm(forms.Form):
    proposal = forms.TypedChoiceField(label=_("Proposal"), coerce=int)
    assessor = forms.TypedChoiceField(label=_("Assessor"), coerce=int)

    def __init__(self, *args, proposals=(), assessors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].choices = [("", "—")] + [(p.pk, f"{p.protocol_number} {t}") for p, t in proposals]
        self.fields["assessor"].choices = [("", "—")] + [(u.pk, u.full_name or u.email) for u in assessors]


class AutoAssignForm(forms.Form):
    per_proposal = forms.IntegerField(label=_("Assessors per proposal"), min_value=1, max_value=10)


class DeclarationForm(forms.Form):
    CHOICES = [("no", _("I declare that I have no conflict of interest with this proposal")),
               ("yes", _("I have a conflict of interest with this proposal"))]
    answer = forms.ChoiceField(label=_("Declaration"), choices=CHOICES, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason for the conflict"), widget=forms.Textarea(attrs={"rows": 3}),
                             required=False,
                             help_text=_("Required with a conflict: for example a family tie, a job or a role "
                                         "in the organisation."))

    def clean(self):
        data = super().clean()
        if data.get("answer") == "yes" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Explain the conflict of interest."))
        return data


class ScoreForm(VersionedFormMixin, forms.Form):
    """One field of points and one comment per criterion, plus the texts for the team."""

    strengths = forms.CharField(label=_("Strengths"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    weaknesses = forms.CharField(label=_("Weaknesses"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    feedback = forms.CharField(label=_("Advice to the team"), widget=forms.Textarea(attrs={"rows": 3}),
                               required=False)

    def __init__(self, *args, criteria=(), scores=None, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = scores or {}
        for c in self.criteria:
            s = scores.get(c.pk)
            self.fields[f"points_{c.pk}"] = forms.DecimalField(
                label=_("Points for “%(c)s” (0–%(m)s)") % {"c": c.name, "m": c.max_points},
                min_value=Decimal(0), max_value=Decimal(c.max_points), max_digits=6, decimal_places=2,
                required=False, initial=s.value if s else None,
                widget=forms.NumberInput(attrs={"step": "0.5", "min": 0, "max": c.max_points}),
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("Comment on “%(c)s”") % {"c": c.name}, required=False, initial=s.comment if s else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-control")
            f.disabled = disabled

    def rows(self):
        return [(c, self[f"points_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self):
        return {c.pk: (self.cleaned_data.get(f"points_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}", ""))
                for c in self.criteria}


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionActForm(forms.Form):
    """The formal act that approves the decision, and the reason for deciding with assessments
    missing (when some are)."""

    override_reason = forms.CharField(
        label=_("Reason for deciding with assessments missing"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when a proposal has fewer submitted assessments than the round requires; it goes "
                    "into the minutes."))
    act_number = forms.CharField(label=_("Number of the act (determinazione dirigenziale)"), max_length=50,
                                 help_text=_("For example 2019 01234."))
    act_date = forms.DateField(label=_("Date of the act"), validators=[act_date_not_in_future],
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    act_official = forms.CharField(label=_("Responsible official"), max_length=200,
                                   help_text=_("Name of the official who signs the act."))

    def act(self):
        return {k: self.cleaned_data.get(k) for k in ("override_reason", "act_number", "act_date", "act_official")}


class SelectionDecisionForm(DecisionActForm):
    count = forms.IntegerField(label=_("How many to admit (top of the ranking)"), min_value=0)
    minutes = forms.CharField(label=_("Minutes of the committee"), widget=forms.Textarea(attrs={"rows": 6}),
                              required=False)
    field_order = ["count", "minutes", "override_reason", "act_number", "act_date", "act_official"]


class FinalDecisionForm(DecisionActForm):
    """A tick and a proposed grant per proposal of the ranking."""

    minutes = forms.CharField(label=_("Minutes of the committee"), widget=forms.Textarea(attrs={"rows": 6}),
                              required=False)

    def __init__(self, *args, rows=(), proposed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ranking_rows = list(rows)
        proposed = proposed or {}
        for r in self.ranking_rows:
            outcome, amount = proposed.get(r.proposal.pk, ("", None))
            self.fields[f"fund_{r.proposal.pk}"] = forms.BooleanField(
                label=_("Fund “%(t)s”") % {"t": r.title}, required=False, initial=outcome == "funded")
            self.fields[f"grant_{r.proposal.pk}"] = AmountField(
                label=_("Proposed grant for “%(t)s” (EUR)") % {"t": r.title}, required=False,
                initial=amount, widget=AmountInput(attrs={"size": 10}))

    def table(self):
        return [(r, self[f"fund_{r.proposal.pk}"], self[f"grant_{r.proposal.pk}"]) for r in self.ranking_rows]

    def clean(self):
        data = super().clean()
        for r in self.ranking_rows:
            if f"grant_{r.proposal.pk}" in self.errors:
                continue
            amount = data.get(f"grant_{r.proposal.pk}")
            if data.get(f"fund_{r.proposal.pk}") and amount is None:
                self.add_error(f"grant_{r.proposal.pk}", _("Give the proposed grant."))
            data[f"amount_{r.proposal.pk}"] = amount
        return data

    def outcomes(self):
        out = {}
        for r in self.ranking_rows:
            if self.cleaned_data.get(f"fund_{r.proposal.pk}"):
                out[r.proposal.pk] = ("funded", self.cleaned_data.get(f"amount_{r.proposal.pk}"))
            else:
                out[r.proposal.pk] = ("not_funded", None)
        return out
