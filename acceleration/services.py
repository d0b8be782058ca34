"""Every change of the acceleration stage: one function per action, atomic, audited; the
notifications go out after commit (`notify` queues them)."""
from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from calls.models import Call
from projects.services import proposal_people
from tsf.accounts.models import User
from tsf.accounts.permissions import require_perm
from tsf.accounts.services import grant_role
from tsf.core import audit, versioning
from tsf.core.sharing import site_url
from tsf.notifications.outbox import queue_email
from tsf.notifications.services import notify

from . import selectors
from .models import (
    AccelerationProgramme,
    AgendaItem,
    Camp,
    CampInvitation,
    CampRegistration,
    FundingOpportunity,
    HelpMessage,
    HelpRequest,
    HelpStatus,
    ImprovementAction,
    Pitch,
    PitchFeedback,
    RegistrationStatus,
    SupportSlot,
)
from .rules import is_team


class AccelerationError(Exception):
    """A change that cannot be made; the message is for the person who tried."""


class InvalidInput(AccelerationError):
    """Bad input, said next to the fields: `errors` maps a field to its messages, `item_errors` maps
    the index of an agenda row (in the list given to the service) to its own field messages."""

    def __init__(self, errors=None, item_errors=None):
        self.errors = errors or {}
        self.item_errors = item_errors or {}
        flat = [m for msgs in self.errors.values() for m in msgs]
        flat += [m for row in self.item_errors.values() for msgs in row.values() for m in msgs]
        super().__init__(" ".join(flat))


def staff_people():
    return list(User.objects.with_role("staff").filter(is_active=True))


def tutors_of(proposal):
    return list(User.objects.filter(tutor_assignments__proposal=proposal, is_active=True).distinct())


# Programme, camp and agenda (staff) --------------------------------------------------------------

PROGRAMME_FIELDS = ("title", "description", "starts_on", "months")
CAMP_FIELDS = ("title", "description", "date", "starts_at", "ends_at", "place", "address", "capacity",
               "registration_open")
AGENDA_FIELDS = ("starts_at", "ends_at", "title", "description")


def _model_errors(obj, exclude):
    """{field: [messages]} of the model's own validation (required fields, ranges)."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return {k: list(v) for k, v in exc.message_dict.items()}
    return {}


def _d(value):
    return date_format(value, "DATE_FORMAT")


def _t(value):
    return time_format(value, "H:i")


def save_programme(*, by, instance=None, call=None, edit=None, **fields):
    """Create the acceleration programme of `call`, or change `instance`. A change may not leave a
    camp of the programme outside its dates. `edit` (the form's versioning.Edit): refused with
    versioning.EditConflict when the programme was saved after the form was loaded."""
    require_perm(by, "acceleration.manage")
    unknown = set(fields) - set(PROGRAMME_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        if instance is None:
            if call is None:
                raise InvalidInput({"call": [_("Choose the call.")]})
            Call.objects.select_for_update().get(pk=call.pk)  # two staff creating at once: one wins
            if AccelerationProgramme.objects.filter(call=call).exists():
                raise InvalidInput({"call": [_("This call already has an acceleration programme.")]})
            prog, before = AccelerationProgramme(call=call), None
        else:
            prog = AccelerationProgramme.objects.select_for_update().get(pk=instance.pk)
            versioning.claim(prog, edit, by=by)
            before = audit.snapshot(prog, PROGRAMME_FIELDS)
        for name, value in fields.items():
            setattr(prog, name, value)
        errors = _model_errors(prog, ["call"])
        if not errors and prog.pk:
            for camp in prog.camps.order_by("date"):
                if not prog.starts_on <= camp.date <= prog.ends_on:
                    errors["starts_on"] = [_(
                        "The camp “%(camp)s” of %(date)s would fall outside the programme (%(start)s – %(end)s): "
                        "move the camp first.") % {"camp": camp.title, "date": _d(camp.date),
                                                   "start": _d(prog.starts_on), "end": _d(prog.ends_on)}]
                    break
        if errors:
            raise InvalidInput(errors)
        prog.save()
        if before is None:
            audit.record(by, "acceleration.programme_create", prog,
                         changes={name: [None, getattr(prog, name)] for name in PROGRAMME_FIELDS})
        else:
            changes = audit.diff(prog, PROGRAMME_FIELDS, before)
            if changes:
                audit.record(by, "acceleration.programme_change", prog, changes=changes)
    if instance is not None:
        for name in PROGRAMME_FIELDS:
            setattr(instance, name, getattr(prog, name))
    return prog


def _camp_errors(prog, camp, approved):
    errors = {}
    if camp.date and not prog.starts_on <= camp.date <= prog.ends_on:
        errors["date"] = [_("The camp must fall within the programme: between %(start)s and %(end)s.")
                          % {"start": _d(prog.starts_on), "end": _d(prog.ends_on)}]
    if camp.starts_at and camp.ends_at and camp.ends_at <= camp.starts_at:
        errors["ends_at"] = [_("The camp must end after it starts.")]
    if camp.capacity is not None and camp.capacity < approved:
        errors["capacity"] = [ngettext(
            "%(n)s registration is already approved: the places cannot be fewer.",
            "%(n)s registrations are already approved: the places cannot be fewer.", approved) % {"n": approved}]
    return errors


def _agenda_errors(camp, item):
    errors = _model_errors(item, ["camp"])
    start, end = item.starts_at, item.ends_at
    hours = {"start": _t(camp.starts_at), "end": _t(camp.ends_at)}
    if start and not camp.starts_at <= start < camp.ends_at:
        errors.setdefault("starts_at", []).append(
            _("The camp runs from %(start)s to %(end)s: the item must start within those hours.") % hours)
    if start and end and end <= start:
        errors.setdefault("ends_at", []).append(_("An agenda item must end after it starts."))
    elif end and end > camp.ends_at:
        errors.setdefault("ends_at", []).append(_("The camp ends at %(end)s.") % hours)
    return errors


def save_camp(programme, *, by, instance=None, agenda=(), edit=None, **fields):
    """Create a camp of `programme`, or change `instance`, with its agenda, all or nothing.

    `agenda` is a list of `(item or None, {field: value})`: None adds an item. The camp must fall
    within the programme's dates and end after it starts, the agenda within the camp's hours, and
    the places may not go below the registrations already approved: the camp's row is locked, as
    `approve_registration` does, so an approval cannot slip in between the count and the save."""
    require_perm(by, "acceleration.manage")
    unknown = set(fields) - set(CAMP_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        prog = AccelerationProgramme.objects.select_for_update().get(pk=programme.pk)
        if instance is None:
            camp, before, approved = Camp(programme=prog), None, 0
        else:
            camp = Camp.objects.select_for_update().get(pk=instance.pk)
            if camp.programme_id != prog.pk:
                raise AccelerationError(_("This camp belongs to another programme."))
            versioning.claim(camp, edit, by=by)  # EditConflict: saved meanwhile, nothing applied
            before = audit.snapshot(camp, CAMP_FIELDS)
            approved = CampRegistration.objects.filter(camp=camp, status=RegistrationStatus.APPROVED).count()
        for name, value in fields.items():
            setattr(camp, name, value)
        errors = _model_errors(camp, ["programme"])
        errors.update({k: v for k, v in _camp_errors(prog, camp, approved).items() if k not in errors})

        rows, item_errors = [], {}
        existing = {i.pk: i for i in camp.agenda.select_for_update()} if camp.pk else {}
        for index, (item, data) in enumerate(agenda):
            unknown = set(data) - set(AGENDA_FIELDS)
            if unknown:
                raise TypeError(f"unexpected agenda fields: {sorted(unknown)}")
            if item is not None and item.pk not in existing:
                raise AccelerationError(_("This agenda item belongs to another camp."))
            row = existing[item.pk] if item is not None else AgendaItem(camp=camp)
            row_before = audit.snapshot(row, AGENDA_FIELDS) if item is not None else None
            for name, value in data.items():
                setattr(row, name, value)
            if "starts_at" not in errors and "ends_at" not in errors:
                problems = _agenda_errors(camp, row)
            else:
                problems = _model_errors(row, ["camp"])
            if problems:
                item_errors[index] = problems
            rows.append((row, row_before))
        if errors or item_errors:
            raise InvalidInput(errors, item_errors)

        camp.save()
        if before is None:
            audit.record(by, "camp.create", camp, changes={name: [None, getattr(camp, name)] for name in CAMP_FIELDS})
        else:
            changes = audit.diff(camp, CAMP_FIELDS, before)
            if changes:
                audit.record(by, "camp.change", camp, changes=changes)
        for row, row_before in rows:
            if row_before is None:
                row.camp = camp
                row.save()
                audit.record(by, "camp.agenda_add", row, note=camp.title,
                             changes={name: [None, getattr(row, name)] for name in AGENDA_FIELDS})
            else:
                changes = audit.diff(row, AGENDA_FIELDS, row_before)
                if changes:
                    row.save()
                    audit.record(by, "camp.agenda_change", row, changes=changes, note=camp.title)
    return camp


def delete_agenda_item(item, *, by):
    """Remove an item from a camp's agenda (the audit entry is on the camp)."""
    require_perm(by, "acceleration.manage")
    with transaction.atomic():
        locked = AgendaItem.objects.select_for_update().select_related("camp").filter(pk=item.pk).first()
        if locked is None:
            return
        audit.record(by, "camp.agenda_delete", locked.camp, note=str(locked),
                     changes={name: [getattr(locked, name), None] for name in AGENDA_FIELDS})
        locked.delete()


# Social Innovation Camp ------------------------------------------------------------------------


def invite_to_camp(camp, *, email, full_name="", kind, by):
    """Send (once) an invitation e-mail with the registration link."""
    require_perm(by, "acceleration.manage")
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        invitation, created = CampInvitation.objects.get_or_create(
            camp=camp, email=email, defaults={"full_name": full_name, "kind": kind, "invited_by": by})
        if not created:
            raise AccelerationError(_("%(email)s has already been invited.") % {"email": email})
        ctx = {"camp": camp, "invitation": invitation, "url": site_url() + invitation.get_absolute_url()}
        subject = " ".join(render_to_string("acceleration/emails/invitation_subject.txt", ctx).split())
        body = render_to_string("acceleration/emails/invitation_body.txt", ctx)
        queue_email(email, subject, body, event="camp_invitation")
        audit.record(by, "camp.invite", camp, note=email)
    return invitation


def schedule_pitches(camp, *, by, minutes=7):
    """A pitch for each funded team of the programme's call that has none yet, in ranking order.
    Returns the pitches created."""
    require_perm(by, "acceleration.manage")
    from assessment.selectors import funded_items

    with transaction.atomic():
        camp = Camp.objects.select_for_update().select_related("programme").get(pk=camp.pk)
        have = set(camp.pitches.values_list("proposal_id", flat=True))
        order = max(camp.pitches.values_list("order", flat=True), default=0)
        made = []
        for item in funded_items(camp.programme.call):
            if item.proposal_id in have:
                continue
            order += 1
            made.append(Pitch.objects.create(camp=camp, proposal=item.proposal, order=order, minutes=minutes,
                                             title=item.proposal.title))
        if made:
            audit.record(by, "camp.pitches", camp, note=str(len(made)))
    return made


PITCH_FIELDS = ("order", "minutes", "title")


def camp_minutes(camp):
    """How long the camp lasts, in minutes."""
    return (camp.ends_at.hour * 60 + camp.ends_at.minute) - (camp.starts_at.hour * 60 + camp.starts_at.minute)


def save_pitches(camp, *, by, rows, edit=None):
    """Change the order, length and title of the camp's pitches, all or nothing.

    `rows` is a list of `(pitch, {field: value})`. Every pitch must belong to the camp, its length
    is 1 to 60 minutes, no two pitches of the camp share a place in the order (counting the pitches
    not in `rows` too) and all of them together must fit in the camp's hours. The camp's row is
    locked, as `schedule_pitches` does, so a pitch added meanwhile is counted. Raises InvalidInput
    whose `item_errors` are keyed by the index in `rows`; writes one audit entry per changed pitch.
    `edit` (the page's versioning claim): refused with EditConflict, nothing changed, when the
    pitches were saved by someone else after the page was loaded."""
    require_perm(by, "acceleration.manage")
    with transaction.atomic():
        camp = Camp.objects.select_for_update().get(pk=camp.pk)
        versioning.claim(camp, edit, by=by, scope="pitches")
        existing = {p.pk: p for p in camp.pitches.select_for_update().order_by("order", "pk")}
        item_errors, before, changed_index = {}, {}, {}
        for index, (pitch, data) in enumerate(rows):
            unknown = set(data) - set(PITCH_FIELDS)
            if unknown:
                raise TypeError(f"unexpected pitch fields: {sorted(unknown)}")
            if pitch.pk not in existing:
                raise AccelerationError(_("This pitch belongs to another camp."))
            row = existing[pitch.pk]
            if row.pk in before:
                raise AccelerationError(_("The same pitch is listed twice."))
            before[row.pk] = audit.snapshot(row, PITCH_FIELDS)
            for name, value in data.items():
                setattr(row, name, value)
            changed_index[row.pk] = index
            problems = _model_errors(row, ["camp", "proposal"])
            if row.order is not None and not 1 <= row.order <= 999:
                problems.setdefault("order", []).append(_("The place in the order goes from 1 to 999."))
            if problems:
                item_errors[index] = problems

        by_order = {}
        for p in existing.values():
            by_order.setdefault(p.order, []).append(p)
        for order, same in by_order.items():
            if len(same) < 2:
                continue
            for p in same:
                if p.pk in changed_index:
                    item_errors.setdefault(changed_index[p.pk], {}).setdefault("order", []).append(
                        _("Two pitches cannot share place %(n)s in the order: give each pitch its own.")
                        % {"n": order})

        length = camp_minutes(camp)
        total = sum(p.minutes or 0 for p in existing.values())
        if not item_errors and total > length:
            message = _("All the pitches together last %(total)s minutes, but the camp lasts %(length)s "
                        "(%(start)s–%(end)s): shorten them.") % {
                "total": total, "length": length, "start": _t(camp.starts_at), "end": _t(camp.ends_at)}
            longer = [i for pk, i in changed_index.items() if existing[pk].minutes != before[pk]["minutes"]]
            for index in longer or list(changed_index.values()):
                item_errors.setdefault(index, {}).setdefault("minutes", []).append(message)
        if item_errors:
            raise InvalidInput(item_errors=item_errors)

        changes = {pk: audit.diff(existing[pk], PITCH_FIELDS, before[pk]) for pk in changed_index}
        moved = [existing[pk] for pk, c in changes.items() if "order" in c]
        # (camp, order) is unique and checked at each row: park the moved pitches out of the way first
        for offset, p in enumerate(moved, start=1):
            Pitch.objects.filter(pk=p.pk).update(order=30000 + offset)
        for pk, c in changes.items():
            if c:
                existing[pk].save(update_fields=list(c))
                audit.record(by, "camp.pitch_change", existing[pk], changes=c, note=camp.title)
    return sorted(existing.values(), key=lambda p: p.order)


def register_for_camp(camp, *, full_name, email, organisation, kind, consent, invitation=None, now=None):
    """A public registration, waiting for staff's approval."""
    now = now or timezone.now()
    if not camp.registration_open or camp.has_started(now):
        raise AccelerationError(_("Registration for this camp is closed."))
    if not consent:
        raise AccelerationError(_("We need your consent to process your data."))
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        if CampRegistration.objects.filter(camp=camp, email__iexact=email).exists():
            raise AccelerationError(_("This e-mail address is already registered for the camp."))
        reg = CampRegistration.objects.create(
            camp=camp, full_name=full_name, email=email, organisation=organisation, kind=kind, consent=True,
            invitation=invitation if invitation and invitation.camp_id == camp.pk else None)
        audit.record(None, "camp.register", reg, note=email)
        notify(staff_people(), "camp_registration_new", {"registration": reg, "camp": camp},
               url=reverse("acceleration:camp_staff", kwargs={"pk": camp.pk}))
    return reg


def set_password_url(user):
    token = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    return reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": token})


def ensure_account(email, full_name):
    """The user with this e-mail, or a new one without a usable password (they choose it through
    the set-password link). Returns (user, created)."""
    user = User.objects.filter(email__iexact=email).first()
    created = False
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name)
        created = True
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user, created


def approve_registration(registration, *, by):
    """Approve within the camp's capacity: the camp row is locked, so two approvals at the same
    time cannot both take the last place. Gives the person the mentor role (creating the account
    if needed) and tells them, with a link to choose a password when they have none."""
    require_perm(by, "acceleration.manage")
    with transaction.atomic():
        camp = Camp.objects.select_for_update().get(pk=registration.camp_id)
        reg = CampRegistration.objects.select_for_update().get(pk=registration.pk)
        if reg.status == RegistrationStatus.APPROVED:
            return reg
        taken = CampRegistration.objects.filter(camp=camp, status=RegistrationStatus.APPROVED).count()
        if taken >= camp.capacity:
            raise AccelerationError(ngettext("The camp is full: %(n)s place out of %(n)s is taken.",
                                             "The camp is full: %(n)s places out of %(n)s are taken.",
                                             camp.capacity) % {"n": camp.capacity})
        user, _created = ensure_account(reg.email, reg.full_name)
        grant_role(user, "mentor", by=by)
        old = reg.status
        reg.status, reg.user, reg.decided_at, reg.decided_by = RegistrationStatus.APPROVED, user, timezone.now(), by
        reg.save(update_fields=["status", "user", "decided_at", "decided_by"])
        audit.record(by, "camp.registration", reg, changes={"status": [old, reg.status]})
        password_url = "" if user.has_usable_password() else site_url() + set_password_url(user)
        notify(user, "camp_registration_approved", {"registration": reg, "camp": camp,
                                                    "password_url": password_url},
               url=camp.get_absolute_url())
    registration.status, registration.user = reg.status, reg.user
    return reg


def reject_registration(registration, *, by):
    require_perm(by, "acceleration.manage")
    with transaction.atomic():
        reg = CampRegistration.objects.select_for_update().get(pk=registration.pk)
        if reg.status == RegistrationStatus.APPROVED:
            raise AccelerationError(_("An approved registration cannot be rejected."))
        old = reg.status
        reg.status, reg.decided_at, reg.decided_by = RegistrationStatus.REJECTED, timezone.now(), by
        reg.save(update_fields=["status", "decided_at", "decided_by"])
        audit.record(by, "camp.registration", reg, changes={"status": [old, reg.status]})
    registration.status = reg.status
    return reg


def feedback_scope(user) -> str:
    """The part of a pitch one author's feedback is (versioning): each author's apart."""
    return f"feedback:{user.pk}"


def give_feedback(pitch, *, by, clarity, impact, sustainability, team, comment="", edit=None):
    """Write (or rewrite) an approved registrant's feedback on a pitch. `edit` (the form's
    versioning.Edit): refused with versioning.EditConflict, nothing saved, when the same author
    saved it after the form was loaded (another tab)."""
    from .rules import approved_registration

    reg = approved_registration(by, pitch.camp)
    if reg is None:
        raise AccelerationError(_("Only experts approved for this camp can leave feedback."))
    if not pitch.camp.has_started():
        raise AccelerationError(_("Feedback opens when the camp starts."))
    with transaction.atomic():
        versioning.claim(pitch, edit, by=by, scope=feedback_scope(by))
        fb, created = PitchFeedback.objects.update_or_create(
            pitch=pitch, author=by,
            defaults={"registration": reg, "clarity": clarity, "impact": impact,
                      "sustainability": sustainability, "team": team, "comment": comment})
        audit.record(by, "camp.feedback", fb)
        if created:
            notify(proposal_people(pitch.proposal), "pitch_feedback_new", {"pitch": pitch},
                   url=pitch.get_absolute_url())
    return fb


# Help desk ------------------------------------------------------------------------------------


def _helpers_of(req):
    """Who hears about a team's message: whoever took the request, else staff and the team's
    tutors."""
    if req.assignee_id and req.assignee.is_active:
        return [req.assignee]
    return staff_people() + tutors_of(req.proposal)


def _add_message(req, by, text, attachment, from_team):
    msg = HelpMessage(request=req, author=by, from_team=from_team, text=text)
    if attachment:
        msg.original_name = (getattr(attachment, "name", "") or "")[:200]
        msg.attachment = attachment
    msg.save()
    return msg


def open_request(proposal, *, by, topic, subject, text, attachment=None, report=None):
    if not by.has_perm("acceleration.open_helprequest", proposal):
        raise AccelerationError(_("Only a team of the programme can open a help-desk request."))
    if report is not None and report.grant.proposal_id != proposal.pk:
        raise AccelerationError(_("This report belongs to another project."))
    with transaction.atomic():
        req = HelpRequest.objects.create(proposal=proposal, topic=topic, subject=subject, report=report,
                                         opened_by=by)
        _add_message(req, by, text, attachment, True)
        audit.record(by, "helpdesk.open", req)
        notify(_helpers_of(req), "helpdesk_request_new", {"req": req, "text": text}, url=req.get_absolute_url())
    return req


def post_message(req, *, by, text, attachment=None):
    """A message in the thread. From the team: the request is open again and whoever follows it
    hears. From staff or a tutor: they take it if nobody has, it waits for the team, the team
    hears."""
    from_team = is_team.test(by, req)
    if not from_team and not by.has_perm("acceleration.answer_helprequest", req):
        raise AccelerationError(_("You cannot write in this request."))
    with transaction.atomic():
        req = HelpRequest.objects.select_for_update().get(pk=req.pk)
        msg = _add_message(req, by, text, attachment, from_team)
        old = req.status
        if from_team:
            req.status, req.resolved_at = HelpStatus.OPEN, None
            recipients = _helpers_of(req)
            event = "helpdesk_team_message"
        else:
            if req.assignee_id is None:
                req.assignee = by
            req.status = HelpStatus.WAITING
            recipients = proposal_people(req.proposal)
            event = "helpdesk_answer"
        req.save(update_fields=["status", "resolved_at", "assignee", "updated_at"])
        audit.record(by, "helpdesk.message", req, changes={"status": [old, req.status]} if old != req.status else None)
        notify([u for u in recipients if u.pk != by.pk], event, {"req": req, "text": text, "author": by},
               url=req.get_absolute_url())
    return msg


def take_request(req, *, by):
    if not by.has_perm("acceleration.answer_helprequest", req):
        raise AccelerationError(_("You cannot take this request."))
    with transaction.atomic():
        req = HelpRequest.objects.select_for_update().get(pk=req.pk)
        old = req.assignee_id
        req.assignee = by
        req.save(update_fields=["assignee", "updated_at"])
        audit.record(by, "helpdesk.take", req, changes={"assignee": [old, by.pk]})
    return req


def resolve_request(req, *, by):
    if not by.has_perm("acceleration.answer_helprequest", req) and not is_team.test(by, req):
        raise AccelerationError(_("You cannot close this request."))
    with transaction.atomic():
        req = HelpRequest.objects.select_for_update().get(pk=req.pk)
        if req.status == HelpStatus.RESOLVED:
            return req
        old = req.status
        req.status, req.resolved_at = HelpStatus.RESOLVED, timezone.now()
        req.save(update_fields=["status", "resolved_at", "updated_at"])
        audit.record(by, "helpdesk.resolve", req, changes={"status": [old, req.status]})
    return req


# Reporting support slots ------------------------------------------------------------------------


def offer_slot(*, by, starts_at, minutes, place):
    require_perm(by, "acceleration.manage")
    with transaction.atomic():
        slot = SupportSlot.objects.create(starts_at=starts_at, minutes=minutes, place=place, offered_by=by)
        audit.record(by, "support.offer", slot)
    return slot


def book_slot(slot, proposal, *, by, report=None, note="", now=None):
    """Book a free future slot for a team: the slot's row is locked, so two teams booking at once
    cannot both get it."""
    now = now or timezone.now()
    if not by.has_perm("acceleration.book_slot", proposal):
        raise AccelerationError(_("Only a funded team can book a support slot."))
    if report is not None and report.grant.proposal_id != proposal.pk:
        raise AccelerationError(_("This report belongs to another project."))
    with transaction.atomic():
        locked = SupportSlot.objects.select_for_update().get(pk=slot.pk)
        if locked.proposal_id is not None:
            raise AccelerationError(_("This slot has just been booked by another team: please choose another."))
        if locked.starts_at <= now:
            raise AccelerationError(_("This slot is in the past."))
        locked.proposal, locked.report, locked.booked_by, locked.booked_at, locked.note = (
            proposal, report, by, now, note)
        locked.save(update_fields=["proposal", "report", "booked_by", "booked_at", "note"])
        audit.record(by, "support.book", locked, note=str(proposal))
        notify([u for u in [locked.offered_by] if u] or staff_people(), "support_slot_booked",
               {"slot": locked, "proposal": proposal}, url=reverse("acceleration:slots"))
    return locked


def cancel_booking(slot, *, by, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        locked = SupportSlot.objects.select_for_update().get(pk=slot.pk)
        if locked.proposal is None:
            return locked
        if not (is_team.test(by, locked.proposal) or by.has_role("staff")):
            raise AccelerationError(_("You cannot cancel this booking."))
        if locked.starts_at <= now:
            raise AccelerationError(_("This slot is in the past."))
        old = locked.proposal_id
        locked.proposal = locked.report = locked.booked_by = locked.booked_at = None
        locked.note = ""
        locked.save(update_fields=["proposal", "report", "booked_by", "booked_at", "note"])
        audit.record(by, "support.cancel", locked, changes={"proposal": [old, None]})
    return locked


# Improvement plan -------------------------------------------------------------------------------


def save_action(proposal, *, by, instance=None, edit=None, **fields):
    """Add an action to the team's plan, or change `instance` (refused with
    versioning.EditConflict when someone saved it after the form was loaded: `edit`)."""
    if not by.has_perm("acceleration.change_improvement", proposal):
        raise AccelerationError(_("Only the team can change its improvement plan."))
    with transaction.atomic():
        if instance is None:
            instance = ImprovementAction(proposal=proposal)
        elif instance.proposal_id != proposal.pk:
            raise AccelerationError(_("This action belongs to another plan."))
        else:
            versioning.claim(instance, edit, by=by)
        before = audit.snapshot(instance, list(fields)) if instance.pk else None
        for k, v in fields.items():
            setattr(instance, k, v)
        instance.full_clean(exclude=["proposal"])
        instance.save()
        audit.record(by, "improvement.save", instance,
                     changes=audit.diff(instance, list(fields), before) if before else None)
    return instance


def delete_action(action, *, by):
    if not by.has_perm("acceleration.change_improvement", action.proposal):
        raise AccelerationError(_("Only the team can change its improvement plan."))
    with transaction.atomic():
        audit.record(by, "improvement.delete", action.proposal, note=action.action)
        action.delete()


# Funding opportunities --------------------------------------------------------------------------


def publish_opportunity(opportunity, *, by):
    """Publish once and tell exactly the teams the opportunity fits. Returns the proposals told."""
    require_perm(by, "acceleration.manage")
    with transaction.atomic():
        opp = FundingOpportunity.objects.select_for_update().get(pk=opportunity.pk)
        if opp.is_published:
            return []
        first_time = opp.published_at is None
        opp.is_published, opp.published_at = True, opp.published_at or timezone.now()
        opp.save(update_fields=["is_published", "published_at", "updated_at"])
        audit.record(by, "opportunity.publish", opp, changes={"is_published": [False, True]})
        teams = selectors.matching_teams(opp) if first_time else []
        people = {}
        for proposal in teams:
            for user in proposal_people(proposal):
                people[user.pk] = user
        notify(list(people.values()), "opportunity_published", {"opportunity": opp}, url=opp.get_absolute_url())
    opportunity.is_published, opportunity.published_at = True, opp.published_at
    return teams


def unpublish_opportunity(opportunity, *, by):
    require_perm(by, "acceleration.manage")
    with transaction.atomic():
        FundingOpportunity.objects.filter(pk=opportunity.pk).update(is_published=False)
        audit.record(by, "opportunity.unpublish", opportunity, changes={"is_published": [True, False]})
    opportunity.is_published = False



@transaction.atomic
def save_opportunity(form, *, by):
    """Save a funding opportunity of the catalogue (staff). Refused (versioning.EditConflict,
    nothing saved) when it was saved by someone else after the form was loaded."""
    require_perm(by, "acceleration.manage")
    if form.instance.pk:
        versioning.claim(form.instance, form.edit(), by=by)
    obj = form.save(commit=False)
    if obj.created_by_id is None:
        obj.created_by = by
    obj.save()
    form.save_m2m()
    audit.record(by, "opportunity.save", obj)
    return obj
