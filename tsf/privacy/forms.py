from django import forms
from django.utils.translation import gettext_lazy as _

from tsf.core.versioning import VersionedFormMixin

from .models import ConsentKind

CONSENT_HELP = {
    ConsentKind.NEWSLETTER: _("News of the programme by e-mail, about once a month."),
    ConsentKind.MENTOR_CONTACT: _("The programme's mentors and experts may write to you to offer their help."),
}


class ConsentsForm(VersionedFormMixin, forms.Form):
    """The optional consents, each apart, unticked until the person ticks it. Build it with
    `edit_object=user`: a save over choices made meanwhile (another tab) is not applied."""

    edit_scope = "consents"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in ConsentKind.choices:
            self.fields[kind] = forms.BooleanField(label=label, required=False, help_text=CONSENT_HELP[kind])


class CloseAccountForm(forms.Form):
    note = forms.CharField(label=_("Anything you want to tell us (optional)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    confirm = forms.BooleanField(
        label=_("I understand that I will no longer be able to sign in, and that what the municipality must keep "
                "is kept with my name replaced."), required=True)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note or reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=2000, help_text=_("Required to refuse: the person reads it."))


class RequestFilterForm(forms.Form):
    from .models import RequestKind, RequestStatus

    kind = forms.ChoiceField(label=_("Request"), required=False, choices=[("", _("All"))] + RequestKind.choices)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + RequestStatus.choices)
