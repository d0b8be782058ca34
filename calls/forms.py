from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from tsf.core.forms import AmountField, DateTimeField, TypedRowsInlineFormSet
from tsf.core.keptuploads import KeepUploadsMixin
from tsf.core.model_i18n import EnglishVersionsForm
from tsf.core.money import euro
from tsf.core.versioning import VersionedFormMixin

from .models import (
    DEFAULT_REQUIRED_ATTACHMENTS,
    FAQ,
    PROGRAMME_MAX_GRANT,
    AttachmentKind,
    Call,
    CallDocument,
    LegalForm,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OffsetsField(forms.CharField):
    """Days before a deadline, written "14, 3, 0"."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return []
        try:
            days = sorted({int(part) for part in value.replace(";", ",").split(",") if part.strip()}, reverse=True)
        except ValueError as exc:
            raise forms.ValidationError(_("Write whole numbers of days separated by commas, e.g. 14, 3, 0.")) from exc
        if any(d < 0 or d > 365 for d in days):
            raise forms.ValidationError(_("Each number of days must be between 0 and 365."))
        return days


class CallForm(VersionedFormMixin, EnglishVersionsForm):
    eligible_legal_forms = forms.MultipleChoiceField(
        label=_("Eligible legal forms"), choices=LegalForm.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked means every third-sector legal form."),
    )
    required_attachments = forms.MultipleChoiceField(
        label=_("Required documents"), choices=AttachmentKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A proposal without one of them cannot be submitted."))
    dates_change_reason = forms.CharField(
        label=_("Reason for changing the dates"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a date changes after the call has opened; kept in the history."))
    reminder_offsets = OffsetsField(
        label=_("Reminders (days before each deadline)"), required=False,
        help_text=_("For example 14, 3, 0: two weeks before, three days before and on the day."),
    )

    class Meta:
        model = Call
        fields = [
            "programme", "title_it", "title_en", "slug", "year", "protocol_prefix", "summary_it", "summary_en",
            "description_it", "description_en", "eligibility_it", "eligibility_en",
            "is_published", "opens_at", "closes_at", "first_selection_results_on", "incubation_starts_on",
            "incubation_ends_on", "revised_opens_at", "revised_closes_at", "final_assessment_on",
            "results_published_on", "acceleration_starts_on", "implementation_months", "incubation_quota",
            "funding_quota", "max_grant", "total_budget", "districts", "neighbourhoods", "themes", "target_groups",
            "eligible_legal_forms", "required_attachments", "reminder_offsets",
        ]
        widgets = {
            "opens_at": DateTimeLocalInput(), "closes_at": DateTimeLocalInput(),
            "revised_opens_at": DateTimeLocalInput(), "revised_closes_at": DateTimeLocalInput(),
            "first_selection_results_on": DateInput(), "incubation_starts_on": DateInput(),
            "incubation_ends_on": DateInput(), "final_assessment_on": DateInput(),
            "results_published_on": DateInput(), "acceleration_starts_on": DateInput(),
            "districts": forms.CheckboxSelectMultiple, "themes": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple, "neighbourhoods": forms.SelectMultiple(attrs={"size": 10}),
            "summary_it": forms.Textarea(attrs={"rows": 3}), "summary_en": forms.Textarea(attrs={"rows": 3}),
            "description_it": forms.Textarea(attrs={"rows": 8}), "description_en": forms.Textarea(attrs={"rows": 8}),
            "eligibility_it": forms.Textarea(attrs={"rows": 4}), "eligibility_en": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"max_grant": AmountField, "total_budget": AmountField, "opens_at": DateTimeField,
                         "closes_at": DateTimeField, "revised_opens_at": DateTimeField,
                         "revised_closes_at": DateTimeField}
        help_texts = {"opens_at": _("Date and time in Europe/Rome."), "closes_at": _("Date and time in Europe/Rome.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("required_attachments", list(DEFAULT_REQUIRED_ATTACHMENTS))
        if not (self.instance.pk and self.instance.has_opened()):
            del self.fields["dates_change_reason"]

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The call must close after it opens."))
        r_opens, r_closes = data.get("revised_opens_at"), data.get("revised_closes_at")
        if bool(r_opens) != bool(r_closes):
            self.add_error("revised_closes_at", _("Give both the opening and the closing of revised proposals, or neither."))
        elif r_opens and r_closes and r_closes <= r_opens:
            self.add_error("revised_closes_at", _("Revised proposals must close after they open."))
        if closes and r_opens and r_opens < closes:
            self.add_error("revised_opens_at", _("Revised proposals open after the call closes."))
        start, end = data.get("incubation_starts_on"), data.get("incubation_ends_on")
        if start and end and end < start:
            self.add_error("incubation_ends_on", _("The lab ends after it starts."))
        max_grant, total = data.get("max_grant"), data.get("total_budget")
        if max_grant is not None and max_grant > PROGRAMME_MAX_GRANT:
            self.add_error("max_grant", _("A call's maximum grant cannot exceed the programme's cap of %(cap)s.")
                           % {"cap": euro(PROGRAMME_MAX_GRANT)})
        if max_grant is not None and total and max_grant > total:
            self.add_error("max_grant", _("The maximum grant cannot exceed the total budget."))
        if data.get("funding_quota") and data.get("incubation_quota") and data["funding_quota"] > data["incubation_quota"]:
            self.add_error("funding_quota", _("No more projects can be funded than are admitted to incubation."))
        return data


# Texts with an English version (calls/translation.py) show as an Italian field and an optional English
# one beside it, labelled "… (inglese)"; under /en/ the English shows, or the Italian where it is empty.
class CallDocumentForm(KeepUploadsMixin, EnglishVersionsForm):
    """A call's document: its file is kept across the page's errors (tsf.core.keptuploads)."""


DocumentFormSet = inlineformset_factory(
    Call, CallDocument, form=CallDocumentForm, formset=TypedRowsInlineFormSet, fields=["title_it", "title_en", "kind", "file", "order"], extra=1, can_delete=True,
)
FAQFormSet = inlineformset_factory(
    Call, FAQ, form=EnglishVersionsForm, formset=TypedRowsInlineFormSet, fields=["question_it", "question_en", "answer_it", "answer_en", "order"], extra=1, can_delete=True,
    widgets={"answer_it": forms.Textarea(attrs={"rows": 3}), "answer_en": forms.Textarea(attrs={"rows": 3})},
)
