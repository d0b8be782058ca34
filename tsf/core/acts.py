"""Formal acts of the City: the number and date of the municipal act (determinazione dirigenziale)
that makes a decision, and the official responsible for it. Every decision that an auditor may ask
about (admissibility list, selection, funding, award, payment, revocation) carries one.

`act_fields(prefix_label)` returns the three model fields, unpacked in the model's body:

    act_number, act_date, act_official = act_fields()

They are blank in the database (older rows, rows made by scripts) and required by the staff forms
that record the decision.
"""
from django.db import models
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
