from django import forms
from django.utils.translation import gettext_lazy as _

from calls.models import Call, District, ImpactTheme, LegalForm
from tsf.core.forms import AmountField, DateTimeField, HttpsURLField, TypedRowsModelFormSet
from tsf.core.keptuploads import KeepUploadsMixin
from tsf.core.model_i18n import EnglishVersionsForm
from tsf.core.uploads import DocumentValidator
from tsf.core.versioning import VersionedFormMixin

from .models import (
    AccelerationProgramme,
    AgendaItem,
    Camp,
    CampRegistration,
    FundingOpportunity,
    HelpStatus,
    HelpTopic,
    ImprovementAction,
    OpportunityKind,
    ParticipantKind,
    Pitch,
    PitchFeedback,
)

SCORE_CHOICES = [(i, str(i)) for i in range(1, 6)]


# The honeypot of the public registration form: a field people never see (nor hear, nor reach with
# the keyboard) and that only robots fill in. The template renders it by hand, outside the form.
HONEYPOT_FIELD = "website"


class CampRegistrationForm(forms.ModelForm):
    consent = forms.BooleanField(
        label=_("I agree that the City of Turin processes my data to organise the camp (GDPR, art. 6.1.a)."),
        required=True, error_messages={"required": _("We need your consent to register you.")})

    class Meta:
        model = CampRegistration
        fields = ["full_name", "email", "organisation", "kind", "consent"]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, camp=None, **kwargs):
        self.camp = camp
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ParticipantKind.choices

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if self.camp and CampRegistration.objects.filter(camp=self.camp, email__iexact=email).exists():
            raise forms.ValidationError(_("This e-mail address is already registered for the camp."))
        return email

    def validate_unique(self):
        pass  # the camp is set by the service; clean_email reports duplicates next to the field


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Invited as"), choices=ParticipantKind.choices)


class FeedbackForm(VersionedFormMixin, forms.ModelForm):
    """A mentor's own feedback on a pitch: build it with `edit_object=pitch` and
    `edit_scope=feedback_scope(user)` (each author's feedback is versioned apart, from its first save)."""

    class Meta:
        model = PitchFeedback
        fields = ["clarity", "impact", "sustainability", "team", "comment"]
        widgets = {name: forms.RadioSelect(choices=SCORE_CHOICES)
                   for name in ("clarity", "impact", "sustainability", "team")}
        help_texts = {"comment": _("What the team should keep, and what it should improve.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("clarity", "impact", "sustainability", "team"):
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label, choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect,
                help_text=_("1 = weak, 5 = excellent"))

    def validate_unique(self):
        pass


class HelpRequestForm(KeepUploadsMixin, forms.Form):
    proposal = forms.ModelChoiceField(label=_("Project"), queryset=None, empty_label=None)
    topic = forms.ChoiceField(label=_("Topic"), choices=HelpTopic.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    text = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(label=_("Attachment (optional)"), required=False, validators=[DocumentValidator()])

    def __init__(self, *args, proposals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals
        if proposals is not None and len(proposals) == 1:
            self.fields["proposal"].widget = forms.HiddenInput()


class MessageForm(KeepUploadsMixin, forms.Form):
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(label=_("Attachment (optional)"), required=False, validators=[DocumentValidator()])


class HelpFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any")), ("active", _("Open or waiting"))] + list(HelpStatus.choices))
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=[("", _("Any"))] + list(HelpTopic.choices))
    mine = forms.BooleanField(label=_("Taken by me"), required=False)


class SlotForm(forms.Form):
    starts_at = DateTimeField(label=_("Date and time"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"])
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=10, max_value=240, initial=45)
    place = forms.CharField(label=_("Place or video link"), max_length=250)


class BookingForm(forms.Form):
    proposal = forms.ModelChoiceField(label=_("Project"), queryset=None, empty_label=None)
    report = forms.ModelChoiceField(label=_("About the report (optional)"), queryset=None, required=False)
    note = forms.CharField(label=_("What you would like to discuss"), max_length=300, required=False)

    def __init__(self, *args, proposals=None, reports=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals
        self.fields["report"].queryset = reports


class ActionForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ImprovementAction
        fields = ["action", "owner", "status", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class OpportunityForm(VersionedFormMixin, EnglishVersionsForm):
    legal_forms = forms.MultipleChoiceField(label=_("Eligible legal forms"), choices=LegalForm.choices,
                                            required=False, widget=forms.CheckboxSelectMultiple,
                                            help_text=_("None selected: any legal form."))

    class Meta:
        model = FundingOpportunity
        fields = ["funder", "title_it", "title_en", "kind", "description_it", "description_en", "deadline",
                  "amount_min", "amount_max", "themes", "districts", "legal_forms", "url"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "themes": forms.CheckboxSelectMultiple, "districts": forms.CheckboxSelectMultiple}
        field_classes = {"url": HttpsURLField, "amount_min": AmountField, "amount_max": AmountField}

    def clean(self):
        data = super().clean()
        lo, hi = data.get("amount_min"), data.get("amount_max")
        if lo is not None and hi is not None and hi < lo:
            self.add_error("amount_max", _("The upper amount cannot be lower than the lower one."))
        return data


class OpportunityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any"))] + list(OpportunityKind.choices))
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=ImpactTheme.objects.all(), required=False,
                                   empty_label=_("Any"))
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all(), required=False,
                                      empty_label=_("Any"))
    legal_form = forms.ChoiceField(label=_("Legal form"), required=False,
                                   choices=[("", _("Any"))] + list(LegalForm.choices))
    closed = forms.BooleanField(label=_("Show closed ones too"), required=False)


# Staff: programme, camp and agenda ----------------------------------------------------------------

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ProgrammeForm(VersionedFormMixin, forms.ModelForm):
    """The acceleration programme of a call; the call is chosen only when the programme is new."""

    class Meta:
        model = AccelerationProgramme
        fields = ["call", "title", "starts_on", "months", "description"]
        widgets = {"starts_on": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"months": _("Usually 12: one year of acceleration."),
                      "starts_on": _("The camp must fall within the programme.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["call"]
        else:
            self.fields["call"].queryset = (Call.objects.filter(acceleration__isnull=True)
                                            .order_by("-year", "title"))
            self.fields["call"].help_text = _("Only the calls that have no acceleration programme yet.")


class CampForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Camp
        fields = ["title", "date", "starts_at", "ends_at", "place", "address", "capacity", "registration_open",
                  "description"]
        widgets = {"date": DATE_WIDGET, "starts_at": TIME_WIDGET, "ends_at": TIME_WIDGET,
                   "description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"capacity": _("It cannot go below the registrations already approved.")}

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The camp must end after it starts."))
        return data


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["starts_at", "ends_at", "title", "description"]
        widgets = {"starts_at": TIME_WIDGET, "ends_at": TIME_WIDGET,
                   "description": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("An agenda item must end after it starts."))
        return data


AgendaFormSet = forms.modelformset_factory(AgendaItem, form=AgendaItemForm, formset=TypedRowsModelFormSet, extra=3,
                                           can_delete=False)


class PitchForm(forms.ModelForm):
    """A pitch's place in the order, length and title (the project's title when left empty)."""

    order = forms.IntegerField(label=_("Order"), min_value=1, max_value=999)
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=1, max_value=60)

    class Meta:
        model = Pitch
        fields = ["order", "minutes", "title"]
        help_texts = {"title": _("Empty: the project's title.")}

    def validate_unique(self):
        pass  # the order is checked across all the camp's pitches by services.save_pitches


class BasePitchFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.instance.pk:  # a row the page did not offer: another camp's pitch, or none
                form.add_error("id", _("This pitch belongs to another camp."))


PitchFormSet = forms.modelformset_factory(Pitch, form=PitchForm, formset=BasePitchFormSet, extra=0,
                                          can_delete=False)
