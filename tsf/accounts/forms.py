from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Role, User


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    privacy = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my data is processed to take part in the programme."),
        required=True,
    )

    field_order = ["full_name", "email", "password1", "password2", "privacy"]

    def save(self, request):
        user = super().save(request)
        return user

    def custom_signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"].strip()
        lang = (get_language() or settings.LANGUAGE_CODE)[:2]
        user.language = lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        user.save(update_fields=["full_name", "language"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language"]


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
