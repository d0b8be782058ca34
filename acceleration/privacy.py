"""What the acceleration stage tells the privacy app (tsf.privacy.registry): help-desk threads and camp
registrations in the retention schedule, the person's part of "my data", and closing an account."""
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsf.privacy import registry
from tsf.privacy.own import PUBLIC_TASK
from tsf.privacy.registry import PlanItem, RecordKind

from .models import CampRegistration, HelpMessage, HelpRequest, HelpStatus, PitchFeedback

ANONYMOUS = "—"


def purge_helpdesk(cutoff) -> int:
    """Help-desk threads resolved and untouched since before `cutoff`: deleted with their files."""
    count = 0
    for req in HelpRequest.objects.filter(status=HelpStatus.RESOLVED, updated_at__lt=cutoff):
        for message in req.messages.exclude(attachment=""):
            message.attachment.delete(save=False)
        req.delete()
        count += 1
    return count


def _anonymise(registrations) -> int:
    count = 0
    for reg in registrations:
        reg.full_name, reg.organisation, reg.user = ANONYMOUS, "", None
        reg.email = f"registration-{reg.pk}@anonymised.invalid"
        reg.save(update_fields=["full_name", "organisation", "user", "email"])
        count += 1
    return count


def purge_camp_registrations(cutoff) -> int:
    """Registrations for a camp held before `cutoff`: name, e-mail and organisation removed (the
    numbers of who took part, and as what, stay)."""
    return _anonymise(CampRegistration.objects.filter(camp__date__lt=cutoff.date()).exclude(full_name=ANONYMOUS))


registry.register_kind(RecordKind(
    "helpdesk", _("Help-desk threads"), _("the team's questions, the answers, attached files"),
    _("supporting the funded teams"), PUBLIC_TASK, 2 * 365, _("deleted (counted from the last message of a "
                                                              "resolved thread)"),
    purge_helpdesk, order=30))
registry.register_kind(RecordKind(
    "camp_registrations", _("Social Innovation Camp registrations"), _("name, e-mail, organisation, role"),
    _("organising the camp and its admissions"), PUBLIC_TASK, 365,
    _("anonymised (counted from the camp's day)"), purge_camp_registrations, order=31))


def _dt(value):
    return value.isoformat() if value else None


def _registrations(user):
    return CampRegistration.objects.filter(Q(user=user) | Q(email__iexact=user.email)).select_related("camp")


@registry.section("helpdesk", _("Help-desk messages"), order=30)
def helpdesk_section(user):
    rows, files = [], []
    for m in HelpMessage.objects.filter(author=user).select_related("request"):
        rows.append({"request": m.request.subject, "written_at": _dt(m.created_at), "text": m.text,
                     "attachment": m.original_name})
        if m.attachment:
            files.append((f"{m.pk}-{m.original_name or 'file'}", m.attachment))
    return {"rows": rows, "files": files}


@registry.section("camp", _("Social Innovation Camp"), order=31)
def camp_section(user):
    rows = [{"camp": str(r.camp), "full_name": r.full_name, "email": r.email, "organisation": r.organisation,
             "as": str(r.get_kind_display()), "status": str(r.get_status_display()), "registered_at": _dt(r.created_at)}
            for r in _registrations(user)]
    rows += [{"pitch_feedback": str(f.pitch), "comment": f.comment} for f in
             PitchFeedback.objects.filter(author=user).select_related("pitch")]
    return {"rows": rows}


def _plan(user):
    items = []
    regs = _registrations(user).count()
    if regs:
        items.append(PlanItem(_("Camp registrations"), "delete", count=regs,
                              reason=_("Your name, e-mail and organisation are removed; the number of participants "
                                       "stays.")))
    messages = HelpMessage.objects.filter(author=user).count()
    if messages:
        items.append(PlanItem(_("Your help-desk messages"), "pseudonymise",
                              _("Part of the project's file until the help-desk line of the retention schedule "
                                "deletes the thread."), count=messages))
    return items


@registry.erasure("acceleration", plan=_plan, order=30)
def erase(user, pseudonym):
    return {"camp_registrations": _anonymise(_registrations(user))}
