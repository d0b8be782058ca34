from django import forms
from django.utils.translation import gettext_lazy as _


class FeedbackForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Your e-mail address"),
                             help_text=_("The answer is sent to this address, within 30 days."))
    page_url = forms.CharField(label=_("Page where you met the problem (address or title)"), max_length=500,
                               required=False)
    text = forms.CharField(label=_("Describe the problem, or the content you need in an accessible form"),
                           widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Answer to the person"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
