from django import forms
from django.utils.translation import gettext_lazy as _

from tsf.core.versioning import VersionedFormMixin

from .models import ConsentKind, RequestChannel, RequestKind, RequestStatus

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
    """The filters of the log of data requests: a bad value is a message on the page, never an error."""

    q = forms.CharField(label=_("Search (name or e-mail address)"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Request"), required=False, choices=[("", _("All"))] + RequestKind.choices)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + RequestStatus.choices)
    channel = forms.ChoiceField(label=_("Received by"), required=False,
                                choices=[("", _("All"))] + RequestChannel.choices)


class RecordRequestForm(forms.Form):
    """A request that came by PEC, e-mail or letter, recorded by staff once the person's identity is checked."""

    email = forms.EmailField(label=_("E-mail address of the person's account"))
    kind = forms.ChoiceField(label=_("Request"), choices=RequestKind.choices, widget=forms.RadioSelect)
    channel = forms.ChoiceField(label=_("Received by"),
                                choices=[c for c in RequestChannel.choices if c[0] != RequestChannel.PORTAL])
    note = forms.CharField(label=_("Reference (e.g. PEC protocol number and date)"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    identity_checked = forms.BooleanField(
        label=_("I have checked that the request comes from the person who holds the account."), required=True)

    def clean_email(self):
        from django.contrib.auth import get_user_model

        email = self.cleaned_data["email"].strip()
        self.person = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if self.person is None:
            raise forms.ValidationError(_("There is no open account with this address."))
        return email
