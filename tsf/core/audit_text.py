"""The audit log as sentences in the reader's language.

    describe(entry)  # "Mario Rossi ha cambiato le date del bando «Bando 2027»: chiusura da
                     #  4 febbraio 2027, 12:00 a 1 febbraio 2027, 12:00. Motivo: proroga."

The raw values stay in the entry (and in the export's "Changes" column, as JSON): this only reads
them. Field names come from the model's verbose names, choices from their labels, dates and numbers
are shown the reader's way; an action without a phrase of its own reads as its code, humanised.
"""
import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What each action says, with %(who)s and %(object)s.
ACTIONS = {
    "call.create": gettext_lazy("%(who)s created the call “%(object)s”"),
    "call.update": gettext_lazy("%(who)s changed the call “%(object)s”"),
    "call.dates_change": gettext_lazy("%(who)s changed the dates of the call “%(object)s” after it opened"),
    "call.publish": gettext_lazy("%(who)s published the call “%(object)s”"),
    "call.admissibility_list": gettext_lazy("%(who)s recorded the act approving the admissibility list of "
                                            "“%(object)s”"),
    "proposal.create": gettext_lazy("%(who)s started the proposal “%(object)s”"),
    "proposal.submit": gettext_lazy("%(who)s submitted the proposal “%(object)s”"),
    "proposal.status": gettext_lazy("%(who)s changed the status of the proposal “%(object)s”"),
    "proposal.admissibility": gettext_lazy("%(who)s recorded the admissibility check of “%(object)s”"),
    "proposal.withdraw": gettext_lazy("%(who)s withdrew the proposal “%(object)s”"),
    "proposal.attachment_add": gettext_lazy("%(who)s attached a document to “%(object)s”"),
    "proposal.attachment_remove": gettext_lazy("%(who)s removed a document from “%(object)s”"),
    "proposal.revision_start": gettext_lazy("%(who)s started the revised proposal “%(object)s”"),
    "budget.change": gettext_lazy("%(who)s changed the budget of “%(object)s”"),
    "organisation.create": gettext_lazy("%(who)s registered the organisation “%(object)s”"),
    "organisation.update": gettext_lazy("%(who)s changed the organisation “%(object)s”"),
    "role.grant": gettext_lazy("%(who)s granted a role to %(object)s"),
    "role.revoke": gettext_lazy("%(who)s removed a role from %(object)s"),
    "assessment.round_create": gettext_lazy("%(who)s created the assessment round “%(object)s”"),
    "assessment.committee": gettext_lazy("%(who)s changed the committee of “%(object)s”"),
    "assessment.criteria": gettext_lazy("%(who)s changed the criteria of “%(object)s”"),
    "assessment.assign": gettext_lazy("%(who)s assigned “%(object)s” to an assessor"),
    "assessment.auto_assign": gettext_lazy("%(who)s assigned the proposals of “%(object)s” automatically"),
    "assessment.unassign": gettext_lazy("%(who)s removed the assignment “%(object)s”"),
    "assessment.conflict": gettext_lazy("%(who)s declared on a conflict of interest: “%(object)s”"),
    "assessment.submit": gettext_lazy("%(who)s submitted the assessment “%(object)s”"),
    "assessment.reopen": gettext_lazy("%(who)s reopened the assessment “%(object)s”"),
    "assessment.decision": gettext_lazy("%(who)s recorded the committee's decision on “%(object)s”"),
    "assessment.publish": gettext_lazy("%(who)s published the ranking of “%(object)s”"),
    "grant.award": gettext_lazy("%(who)s awarded the grant “%(object)s”"),
    "grant.status": gettext_lazy("%(who)s changed the status of the grant “%(object)s”"),
    "grant.budget": gettext_lazy("%(who)s changed the budget of the grant “%(object)s”"),
    "grant.tranches": gettext_lazy("%(who)s set the payment tranches of “%(object)s”"),
    "grant.tranche_add": gettext_lazy("%(who)s added a payment tranche to “%(object)s”"),
    "grant.tranche_paid": gettext_lazy("%(who)s recorded a payment of “%(object)s”"),
    "grant.report_submit": gettext_lazy("%(who)s submitted the report “%(object)s”"),
    "grant.report_approve": gettext_lazy("%(who)s reviewed the report “%(object)s”"),
    "user.rename": gettext_lazy("%(who)s changed the name of %(object)s"),
    "privacy.consent": gettext_lazy("%(who)s changed their optional consents"),
    "privacy.copy_request": gettext_lazy("%(who)s asked for a copy of their data"),
    "privacy.copy_ready": gettext_lazy("The copy of the data of %(object)s was prepared"),
    "privacy.erasure_request": gettext_lazy("%(who)s asked to close their account"),
    "privacy.erasure_withdraw": gettext_lazy("%(who)s withdrew the request to close their account"),
    "privacy.erasure_refuse": gettext_lazy("%(who)s refused to close the account of %(object)s"),
    "privacy.erasure_done": gettext_lazy("%(who)s closed the account of %(object)s"),
    "privacy.retention": gettext_lazy("The retention schedule deleted or anonymised what had expired"),
    "privacy.draft_deleted": gettext_lazy("The retention schedule deleted a draft never submitted"),
    "privacy.proposal_minimised": gettext_lazy("The retention schedule removed the attachments of “%(object)s”"),
    "account.spid_signup": gettext_lazy("%(who)s created their account by signing in with SPID or CIE"),
    "account.spid_link": gettext_lazy("%(who)s linked their account to SPID or CIE"),
    "spid.policy": gettext_lazy("%(who)s changed the sign-in policy (SPID or CIE for promoters)"),
}
GENERIC = gettext_lazy("%(who)s: %(action)s, “%(object)s”")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def action_label(action: str) -> str:
    """The action's words without a person or an object, e.g. for the filter's options."""
    phrase = ACTIONS.get(action)
    if phrase is None:
        return humanise(action)
    return str(phrase % {"who": "", "object": "…"}).strip().replace("“…”", "…")


def humanise(code: str) -> str:
    return code.replace(".", " · ").replace("_", " ")


def who(entry) -> str:
    if entry.actor is None:
        return _("The system")
    return entry.actor.full_name or entry.actor.email


def _field(model, name):
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # A reverse relation (e.g. a round's "assignments", counted by auto_assign) has no label of its own.
    return field if hasattr(field, "verbose_name") else None


def value_text(value, field=None) -> str:
    """A stored value (JSON: text, number, bool, list, ISO date) the reader's way."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(value_text(v, field) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_text(v)}" for k, v in value.items())
    choices = dict(getattr(field, "flatchoices", None) or [])
    if choices and value in choices:
        return str(choices[value])
    text = str(value)
    if ISO_DATETIME.match(text):
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return text
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "j F Y, H:i")
    if ISO_DATE.match(text):
        try:
            return date_format(datetime.date.fromisoformat(text), "j F Y")
        except ValueError:
            return text
    if isinstance(value, int | float) or NUMBER.match(text):
        try:
            number = Decimal(text)
        except InvalidOperation:
            return text
        places = max(0, -number.as_tuple().exponent)
        return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
    return text if len(text) <= 200 else text[:199] + "…"


def change_sentences(entry) -> list[str]:
    model = entry.content_type.model_class() if entry.content_type_id else None
    out = []
    for name, pair in (entry.changes or {}).items():
        field = _field(model, name)
        label = str(field.verbose_name) if field is not None else name.replace("_", " ")
        if isinstance(pair, list | tuple) and len(pair) == 2:
            old, new = pair
            if old in (None, "", []):
                out.append(_("%(field)s set to %(new)s") % {"field": label, "new": value_text(new, field)})
            elif new in (None, "", []):
                out.append(_("%(field)s removed (it was %(old)s)") % {"field": label, "old": value_text(old, field)})
            else:
                out.append(_("%(field)s from %(old)s to %(new)s") % {
                    "field": label, "old": value_text(old, field), "new": value_text(new, field)})
        else:
            out.append(f"{label}: {value_text(pair, field)}")
    return out


def describe(entry) -> str:
    phrase = ACTIONS.get(entry.action)
    params = {"who": who(entry), "object": entry.object_repr or "—", "action": humanise(entry.action)}
    sentence = str(phrase % params) if phrase is not None else str(GENERIC % params)
    changes = change_sentences(entry)
    if changes:
        sentence += ": " + "; ".join(changes)
    sentence += "."
    if entry.note:
        sentence += " " + _("Reason: %(note)s") % {"note": entry.note.strip()}
    return sentence
