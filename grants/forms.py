
from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from calls.models import Call
from projects.models import BudgetLine
from tsf.core.acts import act_date_not_in_future
from tsf.core.forms import AmountField, AmountInput, TypedRowsFormSet
from tsf.core.keptuploads import KeepUploadsMixin
from tsf.core.money import euro
from tsf.core.uploads import DocumentValidator
from tsf.core.versioning import VersionedFormMixin

from .models import CENT, CUP_RE, GrantStatus, TrancheCondition
from .models import validate_cup as _validate_cup

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CupField(forms.CharField):
    def to_python(self, value):
        return (super().to_python(value) or "").strip().replace(" ", "").upper()


class AwardForm(forms.Form):
    amount = AmountField(label=_("Grant (EUR)"), validators=[MinValueValidator(CENT)])
    cup = CupField(label=_("CUP code"), max_length=15, validators=[_validate_cup],
                   help_text=_("A letter, two digits, a letter and eleven digits, e.g. C11J18000120007."),
                   widget=forms.TextInput(attrs={"pattern": CUP_RE.strip("^$"), "autocomplete": "off",
                                                 "style": "text-transform: uppercase"}))
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE, required=False,
                               help_text=_("Empty: the call's implementation period (two years) after the start."))
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  help_text=_("Programme and act that grant the money, e.g. “PON Metro 2014-2020, "
                                              "Asse 3, Determinazione dirigenziale n. …”. Empty: the default."))
    award_reason = forms.CharField(
        label=_("Reason for awarding less than the committee proposed"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the grant is less than the committee's proposal; kept in the history."))
    act_number = forms.CharField(label=_("Number of the award act (determinazione dirigenziale)"), max_length=50,
                                 help_text=_("For example 2019 01234."))
    act_date = forms.DateField(label=_("Date of the award act"), widget=DATE, validators=[act_date_not_in_future])
    official = forms.CharField(label=_("Responsible official"), max_length=200,
                               help_text=_("Name of the official who signs the act."))
    confirm = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] <= data["start_date"]:
            self.add_error("end_date", _("The end date must come after the start date."))
        return data


class SignForm(KeepUploadsMixin, forms.Form):
    """The signed agreement: a file chosen before an error elsewhere (a date in the future) is kept."""

    agreement = forms.FileField(label=_("Signed grant agreement"), validators=[DocumentValidator()])
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)

    def clean_signed_on(self):
        d = self.cleaned_data["signed_on"]
        if d > timezone.localdate():
            raise forms.ValidationError(_("The signature date cannot be in the future."))
        return d


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE, initial=timezone.localdate)
    act_number = forms.CharField(label=_("Number of the act authorising the payment"), max_length=50,
                                 help_text=_("The determinazione di liquidazione."))
    act_date = forms.DateField(label=_("Date of the act"), widget=DATE, validators=[act_date_not_in_future])
    act_official = forms.CharField(label=_("Responsible official"), max_length=200)
    payment_order_number = forms.CharField(label=_("Payment order number (mandato)"), max_length=50)
    payment_order_date = forms.DateField(label=_("Payment order date"), widget=DATE)

    def clean(self):
        data = super().clean()
        act, order = data.get("act_date"), data.get("payment_order_date")
        if act and order and order < act:
            self.add_error("payment_order_date",
                           _("The payment order cannot come before the act that authorises the payment."))
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    act_number = forms.CharField(label=_("Number of the revocation act"), max_length=50)
    act_date = forms.DateField(label=_("Date of the revocation act"), widget=DATE, validators=[act_date_not_in_future])
    act_official = forms.CharField(label=_("Responsible official"), max_length=200)


class BudgetLineForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The empty choice keeps a blank row blank: a browser sends a select's first option.
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *BudgetLine.Category.choices])
    description = forms.CharField(label=_("Description"), max_length=250)
    amount = AmountField(label=_("Amount (EUR)"), validators=[MinValueValidator(CENT)])


BudgetLineFormSet = forms.formset_factory(BudgetLineForm, formset=TypedRowsFormSet, extra=1, can_delete=True)


class TrancheAmountsForm(VersionedFormMixin, forms.Form):
    edit_scope = "budget"

    def __init__(self, *args, tranches, **kwargs):
        super().__init__(*args, **kwargs)
        self.tranches = tranches
        for t in tranches:
            self.fields[f"t{t.pk}"] = AmountField(
                label=_("Tranche %(n)s: %(cond)s") % {"n": t.order, "cond": t.condition_text},
                initial=t.amount, validators=[MinValueValidator(CENT)],
                disabled=t.status == "paid")

    def amounts(self):
        return {t.pk: self.cleaned_data[f"t{t.pk}"] for t in self.tranches}


class AddTrancheForm(forms.Form):
    """An extra payment tranche of a signed grant: paid at once, or when a report is approved."""

    amount = AmountField(label=_("Amount (EUR)"), validators=[MinValueValidator(CENT)])
    condition = forms.ChoiceField(label=_("Payable"), choices=[
        (TrancheCondition.SIGNATURE, _("At once (the agreement is signed)")),
        (TrancheCondition.REPORT, _("When a report is approved")),
    ], initial=TrancheCondition.REPORT, widget=forms.RadioSelect)
    report = forms.ModelChoiceField(label=_("Report"), queryset=None, required=False,
                                    help_text=_("Only when the tranche waits for a report."))

    def __init__(self, *args, grant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = grant.reports.order_by("due_date", "pk")
        self.fields["report"].label_from_instance = lambda r: _("%(report)s, due %(due)s") % {
            "report": r.label, "due": date_format(r.due_date)}

    def clean(self):
        data = super().clean()
        if data.get("condition") == TrancheCondition.REPORT and not data.get("report"):
            self.add_error("report", _("Choose the report the tranche waits for."))
        return data


class ReportForm(VersionedFormMixin, forms.Form):
    activities = forms.CharField(label=_("What was done in the period"), widget=forms.Textarea(attrs={"rows": 6}),
                                 required=False,
                                 help_text=_("Activities, results, difficulties and changes to the plan."))
    jobs_created = forms.IntegerField(label=_("Jobs created"), min_value=0, initial=0)
    volunteers_involved = forms.IntegerField(label=_("Volunteers involved"), min_value=0, initial=0)

    def __init__(self, *args, target_groups=(), reach=None, **kwargs):
        super().__init__(*args, **kwargs)
        reach = reach or {}
        self.target_groups = list(target_groups)
        for tg in self.target_groups:
            self.fields[f"reach_{tg.pk}"] = forms.IntegerField(
                label=_("People reached: %(group)s") % {"group": tg.name}, min_value=0, initial=reach.get(tg.pk, 0),
                required=False)

    def reach_fields(self):
        return [self[f"reach_{tg.pk}"] for tg in self.target_groups]

    def reach(self):
        return {tg.pk: self.cleaned_data.get(f"reach_{tg.pk}") or 0 for tg in self.target_groups}


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=200, required=False)
    value = forms.CharField(label=_("Value"), max_length=100, required=False)

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("value"):
            self.add_error("value", _("Give the indicator's value."))
        return data


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=2)


class ExpenseForm(KeepUploadsMixin, forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    budget_line = forms.ModelChoiceField(label=_("Budget line"), queryset=None)
    spent_on = forms.DateField(label=_("Date"), widget=DATE)
    amount = AmountField(label=_("Amount (EUR)"), validators=[MinValueValidator(CENT)],
                         widget=AmountInput(attrs={"class": "js-expense-amount"}))
    supplier = forms.CharField(label=_("Supplier"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=250, required=False)
    receipt = forms.FileField(label=_("Receipt"), required=False, validators=[DocumentValidator()],
                              help_text=_("PDF or image of the invoice or receipt."))

    def __init__(self, *args, grant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = grant.budget_lines.all()
        self.fields["budget_line"].widget.attrs["class"] = "js-expense-line"
        self.fields["budget_line"].label_from_instance = lambda b: f"{b.description} ({euro(b.amount)})"

    def clean(self):
        data = super().clean()
        if data.get("spent_on") and data["spent_on"] > timezone.localdate():
            self.add_error("spent_on", _("The date cannot be in the future."))
        return data


class BaseExpenseFormSet(TypedRowsFormSet):
    def __init__(self, *args, grant=None, **kwargs):
        self.grant = grant
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "grant": self.grant}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, grant=self.grant, renderer=self.renderer)
        self.add_fields(form, None)
        return form


ExpenseFormSet = forms.formset_factory(ExpenseForm, formset=BaseExpenseFormSet, extra=1, can_delete=True)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve the report")), ("changes", _("Ask the team for changes"))])
    comment = forms.CharField(label=_("Comments to the team"), widget=forms.Textarea(attrs={"rows": 4}),
                              required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "changes" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Tell the team what to change."))
        return data


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Title, CUP, organisation, tax code")}))
    call = forms.ModelChoiceField(label=_("Call"), queryset=Call.objects.all(), required=False,
                                  empty_label=_("All calls"))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status"))] + list(GrantStatus.choices))
    overdue = forms.BooleanField(label=_("Only with overdue reports"), required=False)

