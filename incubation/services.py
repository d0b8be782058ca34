"""Every change that matters in the Incubation Lab. Atomic, audited, notifying; each function
checks who may act (a tutor logs only for the teams assigned to them, staff for all).

The revised proposal (version 2) is made and moved with `projects.services`:
`start_revision` calls `start_revised_version` (a copy of the frozen version 1), and
`submit_revised_proposal` freezes version 2 and moves admitted_to_incubation -> revised_submitted
with `change_status`, only inside the call's revised window (server clock, to the second).
"""
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from calls.models import Call
from projects.models import Membership, Proposal, ProposalStatus, ProposalVersion
from projects.services import (
    CallClosed,
    IncompleteProposal,
    ProposalError,
    TransitionNotAllowed,
    add_attachment,
    change_status,
    proposal_people,
    remove_attachment,
    save_step,
    start_revised_version,
    submission_problems,
)
from tsf.accounts.models import User
from tsf.accounts.permissions import require_perm
from tsf.core import audit, versioning
from tsf.notifications.services import notify

from .models import (
    COHORT_STATUSES,
    READINESS_DIMENSIONS,
    Attendance,
    Deliverable,
    Lab,
    ProgressEntry,
    Session,
    Submission,
    TutorAssignment,
    Workshop,
)

S = ProposalStatus


class LabError(ProposalError):
    """The lab refused an action; `messages` are for the person (already translated)."""


def _require(user, perm, obj, message=None):
    require_perm(user, perm, obj, message or _("You are not allowed to do this for this team."), error=LabError)


def team_members(proposal) -> list:
    return proposal_people(proposal)


def _in_lab(lab: Lab, proposal: Proposal):
    if proposal.call_id != lab.call_id or proposal.status not in COHORT_STATUSES:
        raise LabError(_("This proposal is not in the lab's cohort."))


# The lab and its workshops (staff; tutors add materials) -----------------------------------

@transaction.atomic
def create_lab(call: Call, form, *, by) -> Lab:
    require_perm(by, "incubation.manage_lab")
    if Lab.objects.filter(call=call).exists():
        raise LabError(_("This call already has its lab."))
    lab = form.save(commit=False)
    lab.call = call
    lab.save()
    audit.record(by, "incubation.lab_create", lab, changes={"name": [None, lab.name]})
    return lab


LAB_FIELDS = ("name", "incubator_name", "description_it", "description_en", "starts_on", "ends_on")


@transaction.atomic
def update_lab(form, *, by) -> Lab:
    require_perm(by, "incubation.manage_lab", form.instance)
    versioning.claim(form.instance, form.edit(), by=by)  # EditConflict: saved meanwhile, nothing applied
    before = audit.snapshot(Lab.objects.get(pk=form.instance.pk), LAB_FIELDS)
    lab = form.save()
    changes = audit.diff(lab, LAB_FIELDS, before)
    if changes:
        audit.record(by, "incubation.lab_update", lab, changes=changes)
    return lab


@transaction.atomic
def add_workshop(lab: Lab, form, *, by) -> Workshop:
    require_perm(by, "incubation.manage_lab", lab)
    workshop = form.save(commit=False)
    workshop.lab = lab
    if Workshop.objects.filter(lab=lab, number=workshop.number).exists():
        raise LabError(_("This lab already has a workshop with this number."))
    workshop.save()
    audit.record(by, "incubation.workshop_add", lab, changes={"workshop": [None, str(workshop)]})
    return workshop


@transaction.atomic
def save_workshop_item(workshop: Workshop, form, *, kind: str, by):
    """Add or change a session, a deliverable or a material of a workshop (from its form)."""
    require_perm(by, "incubation.manage_lab", workshop.lab)
    if form.instance.pk is not None and hasattr(form, "edit"):
        versioning.claim(form.instance, form.edit(), by=by)  # EditConflict: saved meanwhile, nothing applied
    obj = form.save(commit=False)
    obj.workshop = workshop
    created = obj.pk is None
    if kind == "material" and created:
        obj.uploaded_by = by
    obj.save()
    form.save_m2m()
    audit.record(by, f"incubation.{kind}_{'add' if created else 'update'}", workshop,
                 changes={kind: [None, str(obj)]})
    return obj


@transaction.atomic
def delete_workshop_item(obj, *, kind: str, by):
    """Delete a session or a deliverable, unless teams' records already point to it."""
    require_perm(by, "incubation.manage_lab", obj.workshop.lab)
    if kind == "session" and obj.attendances.exists():
        raise LabError(_("Attendance has been recorded for this session: it cannot be deleted."))
    if kind == "deliverable" and obj.submissions.exists():
        raise LabError(_("Teams have uploaded this deliverable: it cannot be deleted."))
    workshop, label = obj.workshop, str(obj)
    obj.delete()
    audit.record(by, f"incubation.{kind}_delete", workshop, changes={kind: [label, None]})


# Tutors --------------------------------------------------------------------------------------

@transaction.atomic
def assign_tutors(lab: Lab, proposal: Proposal, tutors, *, by, edit=None) -> list[TutorAssignment]:
    """Set the tutors of a team (replacing the previous ones). Only people with the tutor role.
    `edit` (the tutors page's versioning.Edit, one revision for the lab's whole page): refused with
    versioning.EditConflict, nothing changed, when someone saved tutors after the page was loaded."""
    _require(by, "incubation.manage_lab", lab)
    _in_lab(lab, proposal)
    versioning.claim(lab, edit, by=by, scope="tutors")
    tutors = list(tutors)
    for tutor in tutors:
        if not tutor.has_role("tutor"):
            raise LabError(_("%(name)s is not a tutor.") % {"name": tutor.get_full_name() or tutor.email})
    before = sorted(TutorAssignment.objects.filter(proposal=proposal).values_list("tutor__email", flat=True))
    TutorAssignment.objects.filter(proposal=proposal).exclude(tutor__in=tutors).delete()
    for tutor in tutors:
        TutorAssignment.objects.get_or_create(lab=lab, proposal=proposal, tutor=tutor)
    after = sorted(t.email for t in tutors)
    if before != after:
        audit.record(by, "incubation.assign_tutors", proposal, changes={"tutors": [before, after]})
        new = [t for t in tutors if t.email not in before]
        if new:
            notify(new, "lab_tutor_assigned", {"proposal": proposal, "title": proposal.title, "lab": lab},
                   url=team_url(proposal))
    return list(TutorAssignment.objects.filter(proposal=proposal))


def team_url(proposal) -> str:
    from django.urls import reverse

    return reverse("incubation:team", kwargs={"pk": proposal.pk})


# Attendance and progress ---------------------------------------------------------------------

@transaction.atomic
def record_attendance(session: Session, proposal: Proposal, attendees, *, by) -> Attendance:
    """Who from `proposal`'s team came to `session`. Attendees must be members of the team."""
    _require(by, "incubation.log_team", proposal)
    _in_lab(session.workshop.lab, proposal)
    attendees = list(attendees)
    member_ids = set(Membership.objects.filter(organisation_id=proposal.organisation_id)
                     .values_list("user_id", flat=True))
    if any(u.pk not in member_ids for u in attendees):
        raise LabError(_("Only members of the team can be marked present."))
    attendance, _created = Attendance.objects.get_or_create(session=session, proposal=proposal,
                                                            defaults={"recorded_by": by})
    before = sorted(attendance.attendees.values_list("email", flat=True))
    attendance.attendees.set(attendees)
    attendance.present_count = len(attendees)
    attendance.recorded_by = by
    attendance.save()
    after = sorted(u.email for u in attendees)
    if before != after or _created:
        audit.record(by, "incubation.attendance", proposal, changes={"present": [before, after]},
                     note=str(session))
    return attendance


@transaction.atomic
def record_session_attendance(session: Session, present_by_team: list, *, by, edit=None) -> None:
    """The attendance page's save: [(proposal, attendees)], one revision for the whole page. `edit`
    (the page's versioning.Edit): refused with versioning.EditConflict, nothing saved, when someone
    saved the session's attendance after the page was loaded. Nothing to save (no team of this person's
    on the page): nothing is written, not even a revision."""
    if not present_by_team:
        return
    versioning.claim(session, edit, by=by, scope="attendance")
    for proposal, attendees in present_by_team:
        record_attendance(session, proposal, attendees, by=by)


PROGRESS_FIELDS = ("notes", "notes_staff_only", *[f for f, _label in READINESS_DIMENSIONS], "next_actions")


@transaction.atomic
def save_progress(workshop: Workshop, proposal: Proposal, data: dict, *, by, edit=None) -> ProgressEntry:
    """Create or update the progress entry of a team for a workshop (tutor assigned, or staff).
    `edit` (the form's versioning claim): refused with EditConflict when the entry was saved by
    someone else after the form was loaded."""
    _require(by, "incubation.log_team", proposal)
    _in_lab(workshop.lab, proposal)
    entry = ProgressEntry.objects.select_for_update().filter(workshop=workshop, proposal=proposal).first()
    if entry is not None:
        versioning.claim(entry, edit, by=by)
    created = entry is None
    if created:
        entry = ProgressEntry(workshop=workshop, proposal=proposal, author=by)
        before = {}
    else:
        before = audit.snapshot(entry, PROGRESS_FIELDS)
    for name in PROGRESS_FIELDS:
        if name in data:
            setattr(entry, name, data[name])
    entry.full_clean(exclude=["workshop", "proposal", "author"])
    if not created and not by.has_role("staff"):
        entry.author = by
    entry.save()
    changes = audit.diff(entry, PROGRESS_FIELDS, before) if before else {
        f: [None, getattr(entry, f)] for f in PROGRESS_FIELDS if f != "notes"}
    audit.record(by, "incubation.progress", proposal, changes=changes, note=str(workshop))
    if created:
        notify(team_members(proposal), "lab_progress_entry",
               {"proposal": proposal, "title": proposal.title, "workshop": workshop},
               url=team_url(proposal))
    return entry


# Deliverables --------------------------------------------------------------------------------

@transaction.atomic
def upload_submission(deliverable: Deliverable, proposal: Proposal, *, file, note="", by) -> Submission:
    """A team uploads a deliverable (or a new version of it). The file is checked by the model's
    validators (content, size, name) before this is called (the form does it)."""
    _require(by, "incubation.upload_deliverable", proposal,
             _("Only the members of a team in the lab can upload its deliverables."))
    _in_lab(deliverable.workshop.lab, proposal)
    Proposal.objects.select_for_update().filter(pk=proposal.pk).first()  # serialise version numbers
    last = Submission.objects.filter(deliverable=deliverable, proposal=proposal).aggregate(m=Max("version"))["m"]
    submission = Submission(deliverable=deliverable, proposal=proposal, version=(last or 0) + 1, file=file,
                            note=note, uploaded_by=by, original_name=getattr(file, "name", "")[:200],
                            size=getattr(file, "size", 0) or 0)
    submission.save()
    audit.record(by, "incubation.deliverable_upload", proposal,
                 changes={"deliverable": [None, f"{deliverable.title} v{submission.version}"]})
    tutors = [a.tutor for a in TutorAssignment.objects.filter(proposal=proposal).select_related("tutor")]
    if tutors:
        notify(tutors, "lab_deliverable_uploaded",
               {"proposal": proposal, "title": proposal.title, "deliverable": deliverable, "submission": submission},
               url=team_url(proposal))
    return submission


@transaction.atomic
def review_submission(submission: Submission, *, review: str, comments: str = "", by, edit=None) -> Submission:
    """Feedback on a deliverable: accepted, or changes requested (comments required). `edit` (the
    form's versioning claim): refused with EditConflict when another tutor gave feedback meanwhile."""
    proposal = submission.proposal
    _require(by, "incubation.log_team", proposal)
    if review not in (Submission.Review.ACCEPTED, Submission.Review.CHANGES):
        raise LabError(_("Choose “accepted” or “changes requested”."))
    if review == Submission.Review.CHANGES and not comments.strip():
        raise LabError(_("Say which changes are needed."))
    versioning.claim(submission, edit, by=by)
    old = submission.review
    submission.review = review
    submission.comments = comments.strip()
    submission.reviewed_by = by
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["review", "comments", "reviewed_by", "reviewed_at"])
    audit.record(by, "incubation.deliverable_feedback", proposal, changes={"review": [old, review]},
                 note=f"{submission.deliverable.title} v{submission.version}")
    notify(team_members(proposal), "lab_feedback",
           {"proposal": proposal, "title": proposal.title, "submission": submission,
            "deliverable": submission.deliverable, "review_label": Submission.Review(submission.review).label},
           url=team_url(proposal))
    return submission


# The revised proposal (version 2) -----------------------------------------------------------

def _window_message(call: Call, now=None) -> str:
    now = now or timezone.now()
    if not call.revised_opens_at or not call.revised_closes_at:
        return _("The dates of the revised proposal have not been set yet.")
    if now < call.revised_opens_at:
        return _("Revised proposals can be written from %(when)s (Rome time).") % {
            "when": date_format(timezone.localtime(call.revised_opens_at), "j F Y, H:i:s")}
    return _("The revised proposals closed on %(when)s (Rome time): version 2 can no longer be changed or "
             "submitted.") % {"when": date_format(timezone.localtime(call.revised_closes_at), "j F Y, H:i:s")}


def revised_version(proposal: Proposal) -> ProposalVersion | None:
    return proposal.versions.filter(number=2).first()


def ensure_revision_editable(version: ProposalVersion, *, by=None):
    """Raise unless version 2 can be changed now: not frozen, the proposal still admitted to the
    lab, the revised window open, and (when `by` is given) `by` a member of the team."""
    proposal = version.proposal
    if version.number < 2:
        raise LabError(_("Version 1 is frozen: the revised proposal is version 2."))
    if version.frozen or proposal.status != S.ADMITTED_TO_INCUBATION:
        raise LabError(_("The revised proposal has been submitted and can no longer be changed."))
    if not proposal.call.revised_is_open():
        raise CallClosed(_window_message(proposal.call))
    if by is not None and not Membership.objects.filter(user=by, organisation_id=proposal.organisation_id).exists():
        raise LabError(_("Only the members of the team can change its revised proposal."))


@transaction.atomic
def start_revision(proposal: Proposal, *, by) -> ProposalVersion:
    """Version 2, a copy of the frozen version 1, once the revised window is open."""
    if proposal.status != S.ADMITTED_TO_INCUBATION:
        existing = revised_version(proposal)
        if existing:
            return existing
        raise LabError(_("Only proposals admitted to the Incubation Lab have a revised proposal."))
    if not Membership.objects.filter(user=by, organisation_id=proposal.organisation_id).exists():
        raise LabError(_("Only the members of the team can start its revised proposal."))
    if not proposal.call.revised_is_open():
        existing = revised_version(proposal)
        if existing:
            return existing
        raise CallClosed(_window_message(proposal.call))
    return start_revised_version(proposal, by=by)


@transaction.atomic
def save_revision(version: ProposalVersion, form, formset=None, *, step: str, by) -> ProposalVersion:
    """Save one part of version 2 (a projects step form, and the budget lines' formset)."""
    ensure_revision_editable(version, by=by)
    save_step(version, form, formset, by=by, step=step)
    now = timezone.now()
    ProposalVersion.objects.filter(pk=version.pk).update(last_step=step, updated_at=now)
    Proposal.objects.filter(pk=version.proposal_id).update(updated_at=now)
    return version


@transaction.atomic
def add_revision_attachment(version: ProposalVersion, *, file, kind, title="", by):
    """A new attachment of version 2 (version 1's stay where they are)."""
    ensure_revision_editable(version, by=by)
    return add_attachment(version, file=file, kind=kind, title=title, by=by)


@transaction.atomic
def remove_revision_attachment(attachment, *, by):
    """Remove an attachment from version 2; a file version 1 shares is kept for version 1."""
    ensure_revision_editable(attachment.version, by=by)
    remove_attachment(attachment, by=by)


@transaction.atomic
def submit_revised_proposal(proposal: Proposal, *, by) -> Proposal:
    """Submit version 2: only while the call's revised window is open (server clock, to the second:
    `revised_opens_at <= now < revised_closes_at`).

    Effects: locks the call and the proposal rows, checks version 2 is complete (the same checks
    as version 1), freezes version 2, moves admitted_to_incubation -> revised_submitted (audited
    as `proposal.revised_submit` with the protocol number), notifies every member of the team
    (in the portal and by e-mail, the receipt with the time of submission). Version 1 is untouched.
    """
    call = Call.objects.select_for_update().get(pk=proposal.call_id)
    now = timezone.now()
    if not call.revised_is_open(now):
        raise CallClosed(_window_message(call, now))
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not Membership.objects.filter(user=by, organisation_id=locked.organisation_id).exists():
        raise LabError(_("Only the members of the team can submit its revised proposal."))
    if locked.status == S.REVISED_SUBMITTED:
        raise TransitionNotAllowed(_("The revised proposal has already been submitted."))
    if locked.status != S.ADMITTED_TO_INCUBATION:
        raise TransitionNotAllowed(_("Only proposals admitted to the Incubation Lab can submit a revised proposal."))
    version = locked.versions.filter(number=2).first()
    if version is None:
        raise LabError(_("Start the revised proposal (version 2) before submitting it."))
    if version.frozen:
        raise TransitionNotAllowed(_("The revised proposal has already been submitted."))
    problems = submission_problems(version)
    if problems:
        raise IncompleteProposal(problems)
    ProposalVersion.objects.filter(pk=version.pk).update(frozen=True, frozen_at=now)
    change_status(proposal, S.REVISED_SUBMITTED, by=by, action="proposal.revised_submit",
                  note=locked.protocol_number)
    proposal.__dict__.pop("_current_version", None)
    notify(proposal_people(proposal), "lab_revised_submitted",
           {"proposal": proposal, "title": version.title, "protocol_number": locked.protocol_number, "call": call,
            "submitted_at": timezone.localtime(now)},
           url=team_url(proposal))
    return proposal


def tutors_of(proposal) -> list[User]:
    return [a.tutor for a in TutorAssignment.objects.filter(proposal=proposal).select_related("tutor")]
