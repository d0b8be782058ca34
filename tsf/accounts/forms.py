from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.base.forms import ReauthenticateForm as MFAReauthenticateForm
from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tsf.core.versioning import VersionedFormMixin

from .models import Role, User


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    privacy = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my data is processed to take part in the programme."),
        required=True,
    )

    # Optional consents: each apart, unticked, not needed to sign up; changed later in My data.
    consent_newsletter = forms.BooleanField(
        label=_("Send me the programme's newsletter (optional)"), required=False)
    consent_mentor_contact = forms.BooleanField(
        label=_("The programme's mentors and experts may contact me (optional)"), required=False)

    field_order = ["full_name", "email", "password1", "password2", "privacy", "consent_newsletter",
                   "consent_mentor_contact"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["privacy"].help_text = format_lazy(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', reverse_lazy("core:page", args=["privacy"]),
            _("Read the privacy notice (opens in a new tab)"))

    def save(self, request):
        user = super().save(request)
        return user

    def custom_signup(self, request, user):
        from tsf.privacy.services import set_consents

        user.full_name = self.cleaned_data["full_name"].strip()
        lang = (get_language() or settings.LANGUAGE_CODE)[:2]
        user.language = lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        user.save(update_fields=["full_name", "language"])
        set_consents(user, {"newsletter": self.cleaned_data.get("consent_newsletter", False),
                            "mentor_contact": self.cleaned_data.get("consent_mentor_contact", False)})


class ProfileForm(VersionedFormMixin, forms.ModelForm):
    edit_scope = "profile"

    class Meta:
        model = User
        fields = ["full_name", "language"]


class RolesForm(VersionedFormMixin, forms.Form):
    """`edit_object`: the person whose roles these are (two staff members on the same page: the
    second save is refused, not applied over the first)."""

    edit_scope = "roles"
    edit_exclude = ("reason",)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("Reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a role is granted or removed; kept in the history."))


class ReauthenticateForm(MFAReauthenticateForm):
    """allauth's "confirm it's you" for a person who uses TOTP (MFA_FORMS["reauthenticate"]): the
    password and a code (from the app, or a recovery code), both, before a sensitive action goes on
    (e-mail address, password, two-factor settings, roles), or before a role that requires two factors
    opens in a session that has not used them. allauth records the confirmation in the session."""

    password = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    field_order = ["password", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code from your authenticator app, or a recovery code")
        self.fields["code"].widget.attrs.pop("placeholder", None)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="incorrect_password")
        return password

    def clean_code(self):
        # a wrong password spends no code: the person types the same code again with the right one
        if "password" in self.errors:
            return self.cleaned_data.get("code", "")
        return super().clean_code()
