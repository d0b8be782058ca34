"""Formal acts of the City: the number and date of the municipal act (determinazione dirigenziale)
that makes a decision, and the official responsible for it. Every decision that an auditor may ask
about (admissibility list, selection, funding, award, payment, revocation) carries one.

`act_fields(prefix_label)` returns the three model fields, unpacked in the model's body:

    act_number, act_date, act_official = act_fields()

They are blank in the database only on rows made before acts were recorded; every service that
takes a decision refuses it without its act (`act_problems`), whatever the form sent, and the staff
forms repeat the rule next to each field.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def act_fields(number_label=None, date_label=None, official_label=None):
    return (
        models.CharField(number_label or _("act number"), max_length=50, blank=True,
                         help_text=_("Number of the determinazione dirigenziale, for example 2019 01234.")),
        models.DateField(date_label or _("act date"), null=True, blank=True),
        models.CharField(official_label or _("responsible official"), max_length=200, blank=True,
                         help_text=_("Name of the official who signed the act.")),
    )


def act_text(number, when, official="") -> str:
    """“Determinazione dirigenziale n. 2019 01234 del 3 giugno 2019 (Mario Rossi)”, or “” when no
    act is recorded."""
    if not number:
        return ""
    text = gettext("Executive decision no. %(number)s") % {"number": number}
    if when:
        text = gettext("%(act)s of %(date)s") % {"act": text, "date": date_format(when)}
    if official:
        text = f"{text} ({official})"
    return text


ACT_FIELDS = ("act_number", "act_date", "act_official")


def act_problems(number, when, official, *, names=ACT_FIELDS) -> dict:
    """{field: message} for a decision's act that is missing or wrong: the number, the date (a real
    date, not in the future) and the responsible official are all required. `names` are the form
    fields the messages belong next to (number, date, official)."""
    errors = {}
    if not str(number or "").strip():
        errors[names[0]] = gettext("Give the number of the municipal act (determinazione dirigenziale) that "
                                   "makes this decision.")
    if not when:
        errors[names[1]] = gettext("Give the date of the municipal act.")
    elif not isinstance(when, datetime.date) or isinstance(when, datetime.datetime):
        errors[names[1]] = gettext("The date of the municipal act is not a valid date.")
    elif when > timezone.localdate():
        errors[names[1]] = gettext("The date of the municipal act cannot be in the future.")
    if not str(official or "").strip():
        errors[names[2]] = gettext("Give the name of the official responsible for the act.")
    return errors


def act_date_not_in_future(value):
    """Validator of the forms' act date fields (the services say the same: `act_problems`)."""
    if value and value > timezone.localdate():
        raise ValidationError(gettext("The date of the municipal act cannot be in the future."), code="future")
