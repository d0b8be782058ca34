"""Every change of the acceleration stage: one function per action, atomic, audited; the
notifications go out after commit (`notify` queues them)."""
from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.services import proposal_people
from tsf.accounts.models import User
from tsf.accounts.services import grant_role
from tsf.core import audit
from tsf.notifications.services import notify, queue_email

from . import selectors
from .models import (
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


def staff_people():
    return list(User.objects.with_role("staff").filter(is_active=True))


def tutors_of(proposal):
    return list(User.objects.filter(tutor_assignments__proposal=proposal, is_active=True).distinct())


# Social Innovation Camp ------------------------------------------------------------------------


def invite_to_camp(camp, *, email, full_name="", kind, by):
    """Send (once) an invitation e-mail with the registration link."""
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        invitation, created = CampInvitation.objects.get_or_create(
            camp=camp, email=email, defaults={"full_name": full_name, "kind": kind, "invited_by": by})
        if not created:
            raise AccelerationError(_("%(email)s has already been invited.") % {"email": email})
        ctx = {"camp": camp, "invitation": invitation, "url": settings.SITE_URL + invitation.get_absolute_url()}
        subject = " ".join(render_to_string("acceleration/emails/invitation_subject.txt", ctx).split())
        body = render_to_string("acceleration/emails/invitation_body.txt", ctx)
        queue_email(email, subject, body, event="camp_invitation")
        audit.record(by, "camp.invite", camp, note=email)
    return invitation


def schedule_pitches(camp, *, by, minutes=7):
    """A pitch for each funded team of the programme's call that has none yet, in ranking order.
    Returns the pitches created."""
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
    with transaction.atomic():
        camp = Camp.objects.select_for_update().get(pk=registration.camp_id)
        reg = CampRegistration.objects.select_for_update().get(pk=registration.pk)
        if reg.status == RegistrationStatus.APPROVED:
            return reg
        taken = CampRegistration.objects.filter(camp=camp, status=RegistrationStatus.APPROVED).count()
        if taken >= camp.capacity:
            raise AccelerationError(_("The camp is full: %(n)s places out of %(n)s are taken.") % {"n": camp.capacity})
        user, _created = ensure_account(reg.email, reg.full_name)
        grant_role(user, "mentor", by=by)
        old = reg.status
        reg.status, reg.user, reg.decided_at, reg.decided_by = RegistrationStatus.APPROVED, user, timezone.now(), by
        reg.save(update_fields=["status", "user", "decided_at", "decided_by"])
        audit.record(by, "camp.registration", reg, changes={"status": [old, reg.status]})
        password_url = "" if user.has_usable_password() else settings.SITE_URL + set_password_url(user)
        notify(user, "camp_registration_approved", {"registration": reg, "camp": camp,
                                                    "password_url": password_url},
               url=camp.get_absolute_url())
    registration.status, registration.user = reg.status, reg.user
    return reg


def reject_registration(registration, *, by):
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


def give_feedback(pitch, *, by, clarity, impact, sustainability, team, comment=""):
    """Write (or rewrite) an approved registrant's feedback on a pitch."""
    from .rules import approved_registration

    reg = approved_registration(by, pitch.camp)
    if reg is None:
        raise AccelerationError(_("Only experts approved for this camp can leave feedback."))
    if not pitch.camp.has_started():
        raise AccelerationError(_("Feedback opens when the camp starts."))
    with transaction.atomic():
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


def save_action(proposal, *, by, instance=None, **fields):
    """Add an action to the team's plan, or change `instance`."""
    if not by.has_perm("acceleration.change_improvement", proposal):
        raise AccelerationError(_("Only the team can change its improvement plan."))
    with transaction.atomic():
        if instance is None:
            instance = ImprovementAction(proposal=proposal)
        elif instance.proposal_id != proposal.pk:
            raise AccelerationError(_("This action belongs to another plan."))
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
    with transaction.atomic():
        FundingOpportunity.objects.filter(pk=opportunity.pk).update(is_published=False)
        audit.record(by, "opportunity.unpublish", opportunity, changes={"is_published": [True, False]})
    opportunity.is_published = False

