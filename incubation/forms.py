from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsf.accounts.models import User
from tsf.core.forms import DateTimeField
from tsf.core.keptuploads import KeepUploadsMixin
from tsf.core.model_i18n import EnglishVersionsForm
from tsf.core.versioning import VersionedFormMixin

from .models import Deliverable, Lab, Material, ProgressEntry, Session, Submission, Workshop

SCORE_CHOICES = [(i, str(i)) for i in range(1, 6)]


class LabForm(VersionedFormMixin, EnglishVersionsForm):
    class Meta:
        model = Lab
        fields = ["name", "incubator_name", "description_it", "description_en", "starts_on", "ends_on"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "description_it": forms.Textarea(attrs={"rows": 3}),
                   "description_en": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The lab must end after it starts."))
        return data


class WorkshopForm(EnglishVersionsForm):
    class Meta:
        model = Workshop
        fields = ["number", "title_it", "title_en", "topics_it", "topics_en", "description_it", "description_en"]
        widgets = {name: forms.Textarea(attrs={"rows": 3})
                   for name in ("topics_it", "topics_en", "description_it", "description_en")}


class SessionForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Session
        fields = ["date", "start_time", "end_time", "place", "address", "tutors", "notes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "tutors": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tutors"].queryset = User.objects.with_role("tutor").order_by("full_name")
        self.fields["tutors"].label_from_instance = lambda u: u.get_full_name() or u.email

    def clean(self):
        data = super().clean()
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", _("The session must end after it starts."))
        return data


def _https_urls(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class MaterialForm(KeepUploadsMixin, forms.ModelForm):
    class Meta:
        model = Material
        formfield_callback = _https_urls
        fields = ["title", "description", "file", "url"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("url") and not self.errors.get("file"):
            self.add_error("url", _("Upload a file or give a link."))
        return data


class DeliverableForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Deliverable
        fields = ["title", "description", "due_at"]
        widgets = {"due_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"due_at": DateTimeField}


class TutorsForm(forms.Form):
    """The tutors of one team. `tutors` (the people with the tutor role) is read once for the whole
    page and shared by every row's form."""

    tutors = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
                                            label=_("Tutors"))

    def __init__(self, *args, tutors, **kwargs):
        super().__init__(*args, **kwargs)
        self.tutor_objects = {u.pk: u for u in tutors}
        self.fields["tutors"].choices = [(u.pk, u.get_full_name() or u.email) for u in tutors]

    def chosen(self):
        return [self.tutor_objects[pk] for pk in self.cleaned_data["tutors"]]


class ProgressForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ProgressEntry
        fields = ["value_proposition", "business_model", "impact_design", "team_readiness", "market_validation",
                  "next_actions", "notes", "notes_staff_only"]
        widgets = {name: forms.RadioSelect(choices=SCORE_CHOICES) for name in (
            "value_proposition", "business_model", "impact_design", "team_readiness", "market_validation")}
        widgets |= {"next_actions": forms.Textarea(attrs={"rows": 3}), "notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"value_proposition": _("1 = just an idea, 5 = ready.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("value_proposition", "business_model", "impact_design", "team_readiness", "market_validation"):
            field = self.fields[name]
            field.widget.choices = SCORE_CHOICES
            field.label = str(field.label)[:1].upper() + str(field.label)[1:]


class SubmissionForm(KeepUploadsMixin, forms.ModelForm):
    class Meta:
        model = Submission
        fields = ["file", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class ReviewForm(VersionedFormMixin, forms.Form):
    """A tutor's feedback on a deliverable (`edit_object`: the submission)."""

    review = forms.ChoiceField(label=_("Feedback"), widget=forms.RadioSelect, choices=[
        (Submission.Review.ACCEPTED, Submission.Review.ACCEPTED.label),
        (Submission.Review.CHANGES, Submission.Review.CHANGES.label),
    ])
    comments = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        if data.get("review") == Submission.Review.CHANGES and not (data.get("comments") or "").strip():
            self.add_error("comments", _("Say which changes are needed."))
        return data


class CohortFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Title, organisation or protocol")}))
    mine = forms.BooleanField(label=_("Only my teams"), required=False)
