"""Every change that matters to organisations and proposals. Atomic, audited, notifying.

The proposal's status changes ONLY through `change_status` (later stages call it too):

    from projects.services import change_status
    change_status(proposal, Proposal.Status.ADMITTED_TO_INCUBATION, by=request.user, note="Ranking 2018")

Allowed moves (`ALLOWED_MOVES`):

    draft                  -> submitted                     (submit_proposal, while the call is open)
    submitted              -> withdrawn                     (withdraw_proposal, before the deadline)
    submitted              -> admissible | not_admissible   (record_admissibility, staff)
    admissible             -> not_admissible                (staff correct an admissibility outcome)
    not_admissible         -> admissible                    (idem, e.g. after a successful appeal)
    admissible             -> admitted_to_incubation | not_selected   (assessment: first selection)
    not_selected           -> admitted_to_incubation        (the ranking scrolls when a team renounces)
    admitted_to_incubation -> revised_submitted | not_funded   (incubation: revised proposal, or dropped out)
    revised_submitted      -> funded | not_funded           (assessment: final ranking)
    not_funded             -> funded                        (the final ranking scrolls)
    withdrawn, funded      -> (nothing: final)

Every move writes an audit entry (`proposal.status` unless a more specific action is given) with
`{"status": [old, new]}` and the note.
"""
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from calls.models import Call
from tsf.accounts.models import User
from tsf.accounts.permissions import require_perm
from tsf.accounts.services import grant_role
from tsf.core import audit, renditions, versioning
from tsf.core.acts import act_problems
from tsf.core.i18n import later
from tsf.core.money import euro
from tsf.core.queue import offer
from tsf.core.sharing import site_url
from tsf.core.slugs import unique_slug
from tsf.notifications.outbox import queue_email
from tsf.notifications.services import notify
from tsf.spid.models import promoters_need_spid

from .models import (
    LAB_STATUSES,
    ZERO,
    AdmissibilityCheck,
    AdmissibilityList,
    Attachment,
    Invitation,
    Membership,
    Organisation,
    Proposal,
    ProposalStatus,
    ProposalVersion,
    PublicProject,
)
from .rules import is_invitee

S = ProposalStatus

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.WITHDRAWN, S.ADMISSIBLE, S.NOT_ADMISSIBLE}),
    S.WITHDRAWN: frozenset(),
    S.ADMISSIBLE: frozenset({S.NOT_ADMISSIBLE, S.ADMITTED_TO_INCUBATION, S.NOT_SELECTED}),
    S.NOT_ADMISSIBLE: frozenset({S.ADMISSIBLE}),
    S.ADMITTED_TO_INCUBATION: frozenset({S.REVISED_SUBMITTED, S.NOT_FUNDED}),
    S.NOT_SELECTED: frozenset({S.ADMITTED_TO_INCUBATION}),
    S.REVISED_SUBMITTED: frozenset({S.FUNDED, S.NOT_FUNDED}),
    S.FUNDED: frozenset(),
    S.NOT_FUNDED: frozenset({S.FUNDED}),
}

INVITATION_DAYS = 14


class ProposalError(Exception):
    """A service refused an action; `messages` are for the person (already translated)."""

    def __init__(self, *messages, field=None):
        self.messages = [str(m) for m in messages]
        self.field = field  # the form field the message belongs next to, or None
        super().__init__("; ".join(self.messages))


class TransitionNotAllowed(ProposalError):
    pass


class CallClosed(ProposalError):
    pass


class IdentityNotVerified(ProposalError):
    pass


class IncompleteProposal(ProposalError):
    def __init__(self, problems):
        self.problems = problems  # [(step, message)]
        super().__init__(*[m for _step, m in problems])


def can_move(old: str, new: str) -> bool:
    return new in ALLOWED_MOVES.get(old, frozenset())


def change_status(proposal: Proposal, new_status: str, *, by, note: str = "", action: str = "proposal.status") -> Proposal:
    """Move `proposal` to `new_status` if the table allows it; audit the move.

    Locks the proposal's row, so two concurrent moves cannot both start from the same status.
    Updates the instance passed in. Raises TransitionNotAllowed otherwise.
    """
    new_status = str(new_status)
    if new_status not in S.values:
        raise TransitionNotAllowed(_("Unknown status “%(s)s”.") % {"s": new_status})
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        old = locked.status
        if not can_move(old, new_status):
            raise TransitionNotAllowed(
                _("A proposal cannot go from “%(old)s” to “%(new)s”.")
                % {"old": S(old).label, "new": S(new_status).label}
            )
        now = timezone.now()
        Proposal.objects.filter(pk=locked.pk).update(status=new_status, status_changed_at=now, updated_at=now)
        proposal.status = new_status
        proposal.status_changed_at = now
        audit.record(by, action, proposal, changes={"status": [old, new_status]}, note=note)
    return proposal


def proposal_people(proposal) -> list:
    """The promoters of a proposal: every member of its organisation."""
    return list(User.objects.filter(memberships__organisation_id=proposal.organisation_id, is_active=True))


def _forget_memberships(user):
    if hasattr(user, "_tsf_member_org_ids"):
        del user._tsf_member_org_ids


# Organisations and teams ------------------------------------------------------------------

ORG_FIELDS = ("legal_name", "legal_form", "codice_fiscale", "partita_iva", "runts_number", "address", "postcode",
              "city", "legal_representative", "legal_representative_fiscal_code")


@transaction.atomic
def create_organisation(form, *, by) -> Organisation:
    org = form.save(commit=False)
    org.created_by = by
    org.save()
    Membership.objects.create(user=by, organisation=org, role=Membership.Role.ADMIN,
                              team_role=form.cleaned_data.get("your_role", ""))
    if not by.has_role("promoter"):
        grant_role(by, "promoter", by=by)
    audit.record(by, "organisation.create", org, changes={f: [None, getattr(org, f)] for f in ORG_FIELDS})
    _forget_memberships(by)
    return org


@transaction.atomic
def update_organisation(form, *, by) -> Organisation:
    """Refused (versioning.EditConflict, nothing saved) when the organisation was saved by someone
    else after the form was loaded."""
    versioning.claim(form.instance, form.edit(), by=by)
    before = audit.snapshot(Organisation.objects.get(pk=form.instance.pk), ORG_FIELDS)
    org = form.save()
    changes = audit.diff(org, ORG_FIELDS, before)
    if changes:
        audit.record(by, "organisation.update", org, changes=changes)
    return org


@transaction.atomic
def invite_member(organisation, email: str, *, by, team_role: str = "", role=Membership.Role.MEMBER) -> Invitation:
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ProposalError(_("%(email)s is already a member of the team.") % {"email": email})
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, team_role=team_role, role=role, invited_by=by,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    context = {"organisation": organisation, "invited_by": by, "invitation": invitation, "days": INVITATION_DAYS}
    url = invitation.get_absolute_url()
    existing = User.objects.filter(email__iexact=email).first()
    if existing:
        notify(existing, "team_invitation", context, url=url)
    else:
        from django.template.loader import render_to_string

        ctx = {**context, "user": None, "url": url, "site_url": site_url()}
        subject = " ".join(render_to_string("notifications/team_invitation/subject.txt", ctx).split())
        body = render_to_string("notifications/team_invitation/body.txt", ctx).strip()
        queue_email(email, subject, body, event="team_invitation")
    audit.record(by, "organisation.invite", organisation, changes={"invitation": [None, email]})
    return invitation


def _check_invitation(invitation: Invitation, user):
    if not invitation.is_usable:
        raise ProposalError(_("This invitation has already been used or has expired. Ask for a new one."))
    if not is_invitee(user, invitation):
        raise ProposalError(
            _("This invitation was sent to %(email)s, which is not a verified e-mail address of your account.")
            % {"email": invitation.email})


@transaction.atomic
def accept_invitation(invitation: Invitation, user) -> Membership:
    """Join the organisation: only the person the invitation was sent to (a verified address of
    their account), once, before it expires. Grants the promoter role to whoever lacks it."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_invitation(invitation, user)
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation,
        defaults={"role": invitation.role, "team_role": invitation.team_role},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if not user.has_role("promoter"):
        grant_role(user, "promoter", by=invitation.invited_by)
        user.clear_role_cache()
    audit.record(user, "organisation.join", invitation.organisation, changes={"member": [None, user.email]})
    _forget_memberships(user)
    return membership


@transaction.atomic
def decline_invitation(invitation: Invitation, user) -> Invitation:
    """The invited person says no: the invitation can no longer be used (the organisation may send
    a new one). Same checks as accepting."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_invitation(invitation, user)
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])
    audit.record(user, "organisation.invitation_decline", invitation.organisation,
                 changes={"invitation": [invitation.email, None]})
    return invitation


@transaction.atomic
def remove_member(membership: Membership, *, by):
    org = membership.organisation
    if membership.role == Membership.Role.ADMIN and not org.memberships.filter(role=Membership.Role.ADMIN).exclude(
        pk=membership.pk
    ).exists():
        raise ProposalError(_("The team needs at least one administrator."))
    email = membership.user.email
    membership.delete()
    audit.record(by, "organisation.remove_member", org, changes={"member": [email, None]})


# Proposals --------------------------------------------------------------------------------

def closed_message(call) -> str:
    return _("The call closed on %(when)s (Rome time): proposals can no longer be submitted or changed. "
             "Your draft is kept and you can still read it.") % {
        "when": date_format(timezone.localtime(call.closes_at), "j F Y, H:i:s")
    }


@transaction.atomic
def start_proposal(call: Call, organisation: Organisation, *, by) -> Proposal:
    if not call.is_open():
        raise CallClosed(closed_message(call) if call.is_closed() else _("The call is not open yet."))
    if not Membership.objects.filter(user=by, organisation=organisation).exists():
        raise ProposalError(_("You are not a member of this organisation."))
    proposal = Proposal.objects.create(call=call, organisation=organisation, created_by=by)
    ProposalVersion.objects.create(proposal=proposal, number=1, title="")
    audit.record(by, "proposal.create", proposal, changes={"organisation": [None, organisation.legal_name]})
    return proposal


def ensure_editable(version: ProposalVersion):
    """Raise unless the version can be changed now (not frozen; version 1: draft and call open).

    Call it inside the transaction that saves the change: it locks the proposal's row and reads
    the state afresh, so a save cannot slip in after a concurrent submission froze the version."""
    proposal = Proposal.objects.select_for_update().select_related("call").get(pk=version.proposal_id)
    frozen = ProposalVersion.objects.filter(pk=version.pk).values_list("frozen", flat=True).first()
    if frozen or version.frozen:
        raise ProposalError(_("This version has been submitted and can no longer be changed."))
    if version.number == 1:
        if proposal.status != S.DRAFT:
            raise ProposalError(_("This proposal has been submitted and can no longer be changed."))
        if not proposal.call.is_open():
            raise CallClosed(closed_message(proposal.call))


def save_step(version: ProposalVersion, form, formset=None, *, by=None, step: str = "") -> ProposalVersion:
    """Save one step of a version: its form and, on the budget step, the budget lines' formset
    (lines numbered in the order shown). Call it inside the transaction that checked the version is
    editable (`ensure_editable`, or incubation's `ensure_revision_editable`). Refused
    (versioning.EditConflict, nothing saved) when the step was saved by someone else, or in another
    tab, after the form was loaded."""
    versioning.claim(version, form.edit() if hasattr(form, "edit") else None, by=by, scope=step)
    form.save()
    if formset is not None:
        saved = formset.save(commit=False)
        for line in formset.deleted_objects:
            line.delete()
        formset.saved_lines = []
        for line in saved:
            if not (line.category or line.description.strip() or line.amount is not None):
                if line.pk is not None:  # a saved line emptied: removed, as if "delete" were ticked
                    line.delete()
                    formset.deleted_objects.append(line)
                continue
            line.order = line.order if line.pk is not None else _next_order(version)
            line.save()
            formset.saved_lines.append(line)
    return version


def _next_order(version: ProposalVersion) -> int:
    last = version.budget_lines.order_by("-order").values_list("order", flat=True).first()
    return 0 if last is None else last + 1


def touch_draft(version: ProposalVersion, step: str, *, by) -> None:
    """Remember where the promoter stopped (drafts are not audited field by field)."""
    now = timezone.now()
    ProposalVersion.objects.filter(pk=version.pk).update(last_step=step, updated_at=now)
    Proposal.objects.filter(pk=version.proposal_id).update(updated_at=now)


def grant_problems(requested: Decimal | None, budget_total: Decimal, max_grant: Decimal) -> list[str]:
    """The requested grant must be positive, at most the call's maximum and at most the total budget."""
    problems = []
    requested = requested if requested is not None else ZERO
    if requested <= ZERO:
        problems.append(_("Give the requested grant."))
    if requested > max_grant:
        problems.append(_("The requested grant (%(req)s) exceeds the call's maximum of %(max)s.")
                        % {"req": euro(requested), "max": euro(max_grant)})
    if requested > budget_total:
        problems.append(_("The requested grant (%(req)s) exceeds the total of the budget lines (%(tot)s).")
                        % {"req": euro(requested), "tot": euro(budget_total)})
    return problems


def missing_attachments(version: ProposalVersion) -> list[str]:
    """The documents the call requires that the version does not carry (kind codes, the call's order)."""
    required = version.proposal.call.required_attachments or []
    have = set(version.attachments.values_list("kind", flat=True))
    return [kind for kind in required if kind in Attachment.Kind.values and kind not in have]


def missing_attachment_messages(version: ProposalVersion) -> list[str]:
    labels = dict(Attachment.Kind.choices)
    return [_("Attach the document the call requires: %(kind)s.") % {"kind": labels[kind]}
            for kind in missing_attachments(version)]


def submission_problems(version: ProposalVersion) -> list[tuple[str, str]]:
    """What is missing before a version can be submitted: [(step, message)]."""
    problems = []
    required = [
        ("project", "title", _("Give the proposal a title.")),
        ("project", "summary", _("Write a short summary.")),
        ("project", "district", _("Choose the targeted city district.")),
        ("need", "social_need", _("Describe the social need.")),
        ("solution", "solution", _("Describe the solution.")),
        ("solution", "experimental_rationale", _("Explain why the solution is experimental.")),
        ("solution", "community_rationale", _("Explain why it is community-based.")),
        ("impact", "expected_impacts", _("Describe the expected impacts.")),
        ("impact", "indicators", _("Give at least one measurable indicator.")),
        ("team", "team_description", _("Describe the team.")),
    ]
    for step, field, message in required:
        value = getattr(version, field)
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            problems.append((step, message))
    if not version.themes.exists():
        problems.append(("project", _("Choose at least one impact theme.")))
    if version.district_id:
        wrong = [n.name for n in version.neighbourhoods.all() if n.district_id != version.district_id]
        if wrong:
            problems.append(("project", _("These neighbourhoods are not in the chosen district: %(names)s.")
                             % {"names": ", ".join(wrong)}))
    if not version.target_groups.exists() and not version.target_groups_other.strip():
        problems.append(("need", _("Choose at least one target group.")))
    lines = list(version.budget_lines.order_by("order", "id"))
    if not lines:
        problems.append(("budget", _("Add at least one budget line.")))
    for n, line in enumerate(lines, start=1):  # a draft keeps lines as typed, incomplete too
        if not line.category:
            problems.append(("budget", _("Budget line %(n)s: choose its category.") % {"n": n}))
        if not line.description.strip():
            problems.append(("budget", _("Budget line %(n)s: describe it.") % {"n": n}))
        if line.amount is None:
            problems.append(("budget", _("Budget line %(n)s: give its amount.") % {"n": n}))
    call = version.proposal.call
    for message in grant_problems(version.requested_grant, version.budget_total(), call.max_grant):
        problems.append(("budget", message))
    for message in missing_attachment_messages(version):
        problems.append(("attachments", message))
    return problems


@transaction.atomic
def submit_proposal(proposal: Proposal, by) -> Proposal:
    """Submit version 1: only while the call is open (server clock, to the second).

    Effects: locks the call row (so protocol numbers are sequential and gapless per call even
    when many submit in the same second), freezes version 1, gives the protocol number
    PREFIX-YEAR-NNNN, moves draft -> submitted (audited), notifies every member of the
    organisation (in the portal and by e-mail with the protocol number).
    """
    if promoters_need_spid() and not getattr(by, "fiscal_code_verified", False):
        raise IdentityNotVerified(_(
            "To submit a proposal, confirm who you are with SPID or CIE: the programme asks promoters for an "
            "identity verified by SPID or CIE. In your profile, choose “Sign in with SPID” or “Sign in with CIE” "
            "to link your digital identity to your account."))
    call = Call.objects.select_for_update().get(pk=proposal.call_id)
    now = timezone.now()
    if not call.is_open(now):
        raise CallClosed(closed_message(call) if call.is_closed(now) else _("The call is not open yet."))
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != S.DRAFT:
        raise TransitionNotAllowed(_("This proposal has already been submitted."))
    version = locked.versions.get(number=1)
    problems = submission_problems(version)
    if problems:
        raise IncompleteProposal(problems)
    seq = (Proposal.objects.filter(call=call).aggregate(m=Max("protocol_seq"))["m"] or 0) + 1
    number = call.protocol_for(seq)
    Proposal.objects.filter(pk=locked.pk).update(protocol_seq=seq, protocol_number=number, submitted_at=now)
    ProposalVersion.objects.filter(pk=version.pk).update(frozen=True, frozen_at=now)
    proposal.protocol_seq, proposal.protocol_number, proposal.submitted_at = seq, number, now
    change_status(proposal, S.SUBMITTED, by=by, action="proposal.submit", note=number)
    notify(proposal_people(proposal), "proposal_submitted",
           {"proposal": proposal, "title": version.title, "protocol_number": number, "call": call,
            "submitted_at": timezone.localtime(now)},
           url=proposal.get_absolute_url())
    return proposal


@transaction.atomic
def withdraw_proposal(proposal: Proposal, *, by, reason: str = "") -> Proposal:
    call = Call.objects.select_for_update().get(pk=proposal.call_id)
    if not call.is_open():
        raise CallClosed(_("The call has closed: a submitted proposal can no longer be withdrawn."))
    change_status(proposal, S.WITHDRAWN, by=by, action="proposal.withdraw", note=reason)
    Proposal.objects.filter(pk=proposal.pk).update(withdrawn_at=timezone.now())
    notify(proposal_people(proposal), "message",
           {"subject": later(gettext_lazy("Proposal %(n)s withdrawn"), {"n": proposal.protocol_number}),
            "text": later(gettext_lazy("The proposal %(n)s has been withdrawn."), {"n": proposal.protocol_number})},
           url=proposal.get_absolute_url())
    return proposal


@transaction.atomic
def add_attachment(version: ProposalVersion, *, file, kind, title="", by) -> Attachment:
    ensure_editable(version)
    attachment = Attachment(version=version, kind=kind, title=title, file=file, uploaded_by=by,
                            original_name=getattr(file, "name", "")[:200], size=getattr(file, "size", 0) or 0)
    attachment.save()
    audit.record(by, "proposal.attachment_add", version.proposal, changes={"attachment": [None, str(attachment)]})
    return attachment


@transaction.atomic
def remove_attachment(attachment: Attachment, *, by):
    ensure_editable(attachment.version)
    proposal = attachment.version.proposal
    name = str(attachment)
    storage, path = attachment.file.storage, attachment.file.name
    attachment.delete()
    # The file is shared with later versions only when they exist; v1 drafts own theirs.
    if not Attachment.objects.filter(file=path).exists():
        transaction.on_commit(lambda: storage.delete(path))
    audit.record(by, "proposal.attachment_remove", proposal, changes={"attachment": [name, None]})


@transaction.atomic
def start_revised_version(proposal: Proposal, *, by) -> ProposalVersion:
    """Version 2 (the revised proposal after the Incubation Lab): a copy of the latest version,
    which stays frozen. Returns the existing one if it was already started."""
    latest = proposal.versions.order_by("-number").first()
    if latest.number >= 2:
        return latest
    if not latest.frozen:
        raise ProposalError(_("Version 1 must be submitted before a revised version is started."))
    new = latest.copy_as_next()
    audit.record(by, "proposal.revision_start", proposal, changes={"version": [latest.number, new.number]})
    proposal.__dict__.pop("_current_version", None)
    return new


@transaction.atomic
def record_admissibility(proposal: Proposal, *, by, eligible_applicant: bool, documents_complete: bool,
                         budget_within_limits: bool, submitted_on_time: bool, outcome: str,
                         reason: str = "", correction_reason: str = "", edit=None) -> AdmissibilityCheck:
    """Staff's admissibility check: the checklist and the outcome; moves the status and tells the
    promoters. A proposal is admissible only when every item of the checklist holds; a 'not
    admissible' outcome needs the reason. Correcting an outcome already recorded needs the reason
    for the correction (kept in the audit entry), and takes the check out of the admissibility list
    that approved the old outcome: the corrected one waits for the next list and its act
    (`approve_admissibility_list`)."""
    require_perm(by, "projects.check_admissibility", proposal)
    # `edit` (AdmissibilityForm's claim): refused with EditConflict, nothing recorded, when another
    # check was recorded after the form was loaded.
    versioning.claim(proposal, edit, by=by, scope="admissibility")
    checklist = [eligible_applicant, documents_complete, budget_within_limits, submitted_on_time]
    if outcome == AdmissibilityCheck.Outcome.ADMISSIBLE and not all(checklist):
        raise ProposalError(_("A proposal is admissible only when every item of the checklist is met."),
                            field="outcome")
    if outcome == AdmissibilityCheck.Outcome.NOT_ADMISSIBLE and not reason.strip():
        raise ProposalError(_("Give the reason why the proposal is not admissible."), field="reason")
    previous = AdmissibilityCheck.objects.select_for_update().filter(proposal=proposal).first()
    correction_reason = (correction_reason or "").strip()
    corrected = previous is not None and previous.outcome != outcome
    if corrected and not correction_reason:
        raise ProposalError(_("The outcome was “%(old)s”: give the reason for correcting it.")
                            % {"old": previous.get_outcome_display()}, field="correction_reason")
    check, _created = AdmissibilityCheck.objects.update_or_create(
        proposal=proposal,
        defaults={
            "eligible_applicant": eligible_applicant, "documents_complete": documents_complete,
            "budget_within_limits": budget_within_limits, "submitted_on_time": submitted_on_time,
            "outcome": outcome, "reason": reason.strip(), "checked_by": by, "checked_at": timezone.now(),
            **({"admissibility_list": None} if corrected else {}),
        },
    )
    note = correction_reason if corrected else reason.strip()
    if proposal.status != outcome:
        change_status(proposal, outcome, by=by, action="proposal.admissibility_correct" if corrected
                      else "proposal.admissibility", note=note)
    else:
        audit.record(by, "proposal.admissibility", proposal, note=note)
    notify(proposal_people(proposal), "proposal_admissibility",
           {"proposal": proposal, "title": proposal.title, "check": check,
            "admissible": outcome == AdmissibilityCheck.Outcome.ADMISSIBLE},
           url=proposal.get_absolute_url())
    return check


def admissibility_list_problems(call) -> list[str]:
    """Why the call's admissibility list cannot be approved now (empty when it can): every submitted
    proposal must have been checked, and some checked outcome must still wait for an act."""
    problems = []
    unchecked = Proposal.objects.filter(call=call, status=ProposalStatus.SUBMITTED).count()
    if unchecked:
        problems.append(ngettext(
            "%(n)s submitted proposal has not been checked yet: check it before approving the list.",
            "%(n)s submitted proposals have not been checked yet: check them before approving the list.",
            unchecked) % {"n": unchecked})
    if not AdmissibilityCheck.objects.filter(proposal__call=call, admissibility_list__isnull=True).exists():
        problems.append(_("No checked outcome waits for an act: every one is in an approved admissibility list."))
    return problems


@transaction.atomic
def approve_admissibility_list(call, *, by, act_number: str, act_date, act_official: str) -> AdmissibilityList:
    """Record the municipal act (determinazione dirigenziale: number, date, official) that approves
    the call's admissibility list: every checked outcome of the call that waits for an act joins
    the new list (the first, or a later one after corrections and late checks), once.

    Refused without the act (`tsf.core.acts.act_problems`), while a submitted proposal is still
    unchecked, or when no outcome waits for an act. Audited on the call."""
    require_perm(by, "projects.check_admissibility")
    errors = act_problems(act_number, act_date, act_official)
    if errors:
        raise ProposalError(*errors.values(), field=next(iter(errors)))
    call = Call.objects.select_for_update().get(pk=call.pk)
    problems = admissibility_list_problems(call)
    if problems:
        raise ProposalError(*problems)
    number = (call.admissibility_lists.aggregate(n=Max("number"))["n"] or 0) + 1
    made = AdmissibilityList.objects.create(call=call, number=number, act_number=act_number.strip(),
                                            act_date=act_date, act_official=act_official.strip(), approved_by=by)
    waiting = AdmissibilityCheck.objects.filter(proposal__call=call, admissibility_list__isnull=True)
    counts = dict(waiting.values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n"))
    waiting.update(admissibility_list=made)
    audit.record(by, "call.admissibility_list", call, changes={
        "list": [None, number], "act": [None, made.act],
        "admissible": [None, counts.get(AdmissibilityCheck.Outcome.ADMISSIBLE, 0)],
        "not_admissible": [None, counts.get(AdmissibilityCheck.Outcome.NOT_ADMISSIBLE, 0)]})
    return made


# Public project pages ------------------------------------------------------------------------

PUBLIC_TRACKED = ("slug", "summary", "image", "image_alt", "public_grant_amount", "website", "featured",
                  "is_published")


def unique_public_slug(text: str, exclude_pk=None) -> str:
    return unique_slug(PublicProject.objects.all(), text, fallback="progetto", exclude_pk=exclude_pk)


def _check_can_be_public(proposal: Proposal):
    if proposal.status not in LAB_STATUSES:
        raise ProposalError(_("Only projects admitted to the Incubation Lab (incubated or funded) can have a "
                              "public page."))


def _take_in_public_image(page: PublicProject, previous: PublicProject | None) -> None:
    """A new image (or none) on the page: the previous one's copies go after commit; the new one is
    stripped of its metadata now (tsf.core.renditions), its copies and share image still to make."""
    if previous is not None and previous.image and previous.image_renditions:
        old_file, old_made = previous.image, previous.image_renditions
        transaction.on_commit(lambda: renditions.remove(old_file, old_made))
    if page.image:
        renditions.take_in(page)  # its location and camera data removed now, before anyone can see it
    elif page.image_renditions:
        page.image_renditions = {}
        page.save(update_fields=["image_renditions"])
    renditions.forget_share_image(page)


def queue_public_image(page: PublicProject) -> None:
    """After commit: the worker makes the page image's missing copies and the page's share image
    (nothing is queued by a save that is rolled back)."""
    from .tasks import process_public_image

    transaction.on_commit(lambda: offer(process_public_image, page.pk))


def public_image_pending(page: PublicProject) -> bool:
    return bool(page.image and (not page.image_renditions or not page.share_image))


def process_public_image(page_id: int) -> int:
    """What a page's image still lacks: its AVIF/WebP copies (tsf.core.renditions, the blog's
    processing), the page's 1200 x 630 share image. Safe to repeat; how many things were made."""
    page = PublicProject.objects.filter(pk=page_id).first()
    if page is None or not page.image:
        return 0
    done = int(renditions.make_renditions(page))
    if not page.share_image:
        done += make_public_share_image(page)
    if done:  # the page changed: its ETag follows
        PublicProject.objects.filter(pk=page.pk).update(updated_at=timezone.now())
    return done


def make_public_share_image(page: PublicProject) -> bool:
    """The page's share image, cut from its image; recorded only if the page still shows that image
    and has no share image meanwhile."""
    image_name = page.image.name
    storage = page.share_image.storage
    name = renditions.share_image(page.image, storage, f"projects/share/{page.pk}-{timezone.now():%Y%m%d%H%M%S}.jpg")
    return renditions.record_share_image(page, name, storage, still_fits=lambda fresh: fresh.image.name == image_name)


def process_pending_public_images(older_than_seconds: int = 120) -> int:
    """The periodic pass: every page whose image copies or share image are still missing a while
    after its last change (a broker that was down, a worker stopped half-way)."""
    before = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    pending = (PublicProject.objects.exclude(image="").filter(updated_at__lt=before)
               .filter(Q(image_renditions={}) | Q(share_image="")).values_list("pk", flat=True))
    return sum(process_public_image(pk) for pk in list(pending))


@transaction.atomic
def save_public_page(form, *, by) -> PublicProject:
    """Staff write a project's public page (summary, image, grant amount...). Audited on the
    proposal. Publishing is a separate action."""
    require_perm(by, "projects.manage_proposals")
    page = form.instance
    _check_can_be_public(page.proposal)
    # EditConflict (nothing saved) when another save of this page came after the form was loaded.
    versioning.claim(page.proposal, form.edit() if hasattr(form, "edit") else None, by=by, scope="public_page")
    creating = page.pk is None
    previous = None if creating else PublicProject.objects.get(pk=page.pk)
    before = {} if creating else audit.snapshot(previous, PUBLIC_TRACKED)
    page = form.save(commit=False)
    if not page.slug:
        page.slug = unique_public_slug(page.proposal.title, exclude_pk=page.pk)
    page.save()
    if "image" in form.changed_data:
        _take_in_public_image(page, previous)
    if public_image_pending(page):
        queue_public_image(page)
    if creating:
        changes = {k: [None, str(getattr(page, k))] for k in PUBLIC_TRACKED if getattr(page, k) not in ("", None)}
    else:
        changes = audit.diff(page, PUBLIC_TRACKED, before)
    audit.record(by, "project.public_page.save", page.proposal, changes=changes)
    return page


@transaction.atomic
def publish_public_page(page: PublicProject, *, by) -> PublicProject:
    require_perm(by, "projects.manage_proposals")
    page = PublicProject.objects.select_for_update().select_related("proposal").get(pk=page.pk)
    _check_can_be_public(page.proposal)
    if not page.summary.strip():
        raise ProposalError(_("Write the public summary before publishing the page."))
    if page.is_published:
        return page
    page.is_published = True
    page.published_at = page.published_at or timezone.now()
    page.save(update_fields=["is_published", "published_at", "updated_at"])
    audit.record(by, "project.public_page.publish", page.proposal, changes={"is_published": [False, True]})
    return page


@transaction.atomic
def unpublish_public_page(page: PublicProject, *, by, note: str = "") -> PublicProject:
    require_perm(by, "projects.manage_proposals")
    page = PublicProject.objects.select_for_update().select_related("proposal").get(pk=page.pk)
    if not page.is_published:
        return page
    page.is_published = False
    page.save(update_fields=["is_published", "updated_at"])
    audit.record(by, "project.public_page.unpublish", page.proposal, changes={"is_published": [True, False]},
                 note=note)
    return page
