"""Form fields shared by every stage's forms."""
from django import forms


class HttpsURLField(forms.URLField):
    """A web address: typed without a scheme ("www.example.org"), it is read as https (Django 6's
    default, chosen now so that nothing changes on the upgrade)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)
