"""What the projects stage tells the privacy app (tsf.privacy.registry): its lines of the retention
schedule (drafts never submitted, proposals not selected, submitted proposals), the person's part of
"my data" (memberships, organisations, proposals, files), and what closing an account does here."""
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext_lazy as _

from tsf.core import audit
from tsf.privacy import registry
from tsf.privacy.own import LEGAL_OBLIGATION, PUBLIC_TASK
from tsf.privacy.registry import PlanItem, RecordKind

from .models import Attachment, Invitation, Membership, Organisation, Proposal, ProposalStatus

NOT_SELECTED = (ProposalStatus.NOT_ADMISSIBLE, ProposalStatus.NOT_SELECTED, ProposalStatus.NOT_FUNDED,
                ProposalStatus.WITHDRAWN)


def _delete_version_files(proposal_ids):
    for attachment in Attachment.objects.filter(version__proposal_id__in=proposal_ids):
        # files of a version are shared with its copy (copy_as_next): delete each path once
        if not Attachment.objects.filter(file=attachment.file.name).exclude(pk=attachment.pk).exclude(
                version__proposal_id__in=proposal_ids).exists():
            attachment.file.delete(save=False)


def purge_drafts(cutoff) -> int:
    """Drafts never submitted, of a call that closed before `cutoff`: deleted with their files."""
    count = 0
    for proposal in Proposal.objects.filter(status=ProposalStatus.DRAFT, call__closes_at__lt=cutoff):
        try:
            _delete_version_files([proposal.pk])
            label = str(proposal)
            proposal.delete()
        except ProtectedError:
            continue
        audit.record(None, "privacy.draft_deleted", None, note=label)
        count += 1
    return count


def purge_not_selected(cutoff) -> int:
    """Proposals not admitted, not selected, not funded or withdrawn, decided before `cutoff`: their
    attachments (CVs, statutes, letters) and the description of the team are removed; what the
    decision rests on (the proposal's text, budget, outcome) stays with the procedure's records."""
    count = 0
    qs = Proposal.objects.filter(status__in=NOT_SELECTED, status_changed_at__lt=cutoff).filter(
        Q(versions__attachments__isnull=False) | ~Q(versions__team_description="")).distinct()
    for proposal in qs:
        ids = [proposal.pk]
        _delete_version_files(ids)
        Attachment.objects.filter(version__proposal_id__in=ids).delete()
        proposal.versions.update(team_description="")
        audit.record(None, "privacy.proposal_minimised", proposal)
        count += 1
    return count


registry.register_kind(RecordKind(
    "drafts", _("Proposals never submitted"), _("the draft's texts, budget and attachments"),
    _("letting the team write its proposal over time"), PUBLIC_TASK, 365,
    _("deleted (counted from the call's closing)"), purge_drafts, order=20))
registry.register_kind(RecordKind(
    "not_selected", _("Proposals not selected"), _("attachments (CVs, statutes, letters) and the team's description"),
    _("defending the selection against an appeal"), LEGAL_OBLIGATION, 5 * 365,
    _("anonymised: attachments and the team's description removed (counted from the decision)"),
    purge_not_selected, order=21))
registry.register_kind(RecordKind(
    "proposals", _("Submitted proposals, decisions, grants and payments"),
    _("organisations, legal representatives, teams, proposals, assessments, reports, expenses"),
    _("running the call, the assessment and the grants; audits of EU structural funds"), LEGAL_OBLIGATION, None,
    kept_for=_("10 years after the programme closes (EU structural funds and public-records rules)"), order=10))


def _dt(value):
    return value.isoformat() if value else None


def _orgs(user):
    return Organisation.objects.filter(Q(memberships__user=user) | Q(created_by=user)).distinct()


@registry.section("memberships", _("Organisations and teams"), order=20)
def memberships_section(user):
    rows = []
    for m in Membership.objects.filter(user=user).select_related("organisation"):
        org = m.organisation
        rows.append({"organisation": org.legal_name, "codice_fiscale": org.codice_fiscale,
                     "permissions": str(m.get_role_display()), "team_role": m.team_role, "joined_at": _dt(m.joined_at),
                     "legal_representative": org.legal_representative, "address": org.address,
                     "email": org.email, "phone": org.phone})
    for inv in Invitation.objects.filter(email__iexact=user.email).select_related("organisation"):
        rows.append({"invitation_to": inv.organisation.legal_name, "invited_at": _dt(inv.created_at),
                     "accepted_at": _dt(inv.accepted_at), "declined_at": _dt(inv.declined_at)})
    return {"rows": rows}


@registry.section("proposals", _("Proposals"), order=21)
def proposals_section(user):
    rows, files = [], []
    proposals = (Proposal.objects.filter(Q(organisation__in=_orgs(user)) | Q(created_by=user)).distinct()
                 .select_related("call", "organisation").prefetch_related("versions__attachments",
                                                                          "versions__budget_lines"))
    for p in proposals:
        versions = []
        for v in p.versions.all():
            content = {name: str(getattr(v, name)) for name in v.CONTENT_FIELDS}
            content["number"] = v.number
            content["budget"] = [{"category": b.category, "description": b.description, "amount": str(b.amount)}
                                 for b in v.budget_lines.all()]
            content["attachments"] = [a.original_name or a.file.name for a in v.attachments.all()]
            versions.append(content)
            for a in v.attachments.all():
                if a.uploaded_by_id == user.pk and a.file:
                    files.append((f"{p.pk}-v{v.number}-{a.pk}-{a.original_name or 'file'}", a.file))
        rows.append({"title": p.title, "protocol_number": p.protocol_number, "call": str(p.call),
                     "organisation": p.organisation.legal_name, "status": str(p.get_status_display()),
                     "written_by_you": p.created_by_id == user.pk, "submitted_at": _dt(p.submitted_at),
                     "versions": versions})
    return {"rows": rows, "files": files}


def _kept_org_ids(user):
    return set(Proposal.objects.filter(organisation__memberships__user=user).exclude(
        status=ProposalStatus.DRAFT).values_list("organisation_id", flat=True))


def _sole_draft_ids(user):
    """Drafts of organisations where the person is the only member: nobody else will finish them."""
    ids = []
    for m in Membership.objects.filter(user=user).select_related("organisation"):
        if m.organisation.memberships.exclude(user=user).exists():
            continue
        ids += list(m.organisation.proposals.filter(status=ProposalStatus.DRAFT).values_list("pk", flat=True))
    return ids


def _plan(user):
    kept_orgs = _kept_org_ids(user)
    memberships = Membership.objects.filter(user=user)
    submitted = Proposal.objects.filter(organisation_id__in=kept_orgs).exclude(status=ProposalStatus.DRAFT).count()
    items = []
    if submitted:
        items.append(PlanItem(
            _("Submitted proposals of your organisations, and your place in their team"), "pseudonymise",
            _("The municipality must keep the records of a public call and of its grants (public-records and EU "
              "structural funds rules, 10 years): they stay, with your name replaced."),
            count=submitted, needs_review=True))
    free = memberships.exclude(organisation_id__in=kept_orgs).count()
    if free:
        items.append(PlanItem(_("Your place in teams without a submitted proposal"), "delete", count=free))
    drafts = _sole_draft_ids(user)
    if drafts:
        items.append(PlanItem(_("Drafts only you were writing"), "delete", count=len(drafts)))
    invitations = Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True).count()
    if invitations:
        items.append(PlanItem(_("Invitations to join a team"), "delete", count=invitations))
    return items


@registry.erasure("projects", plan=_plan, order=20)
def erase(user, pseudonym):
    kept_orgs = _kept_org_ids(user)
    drafts = _sole_draft_ids(user)
    _delete_version_files(drafts)
    deleted_drafts = 0
    for proposal in Proposal.objects.filter(pk__in=drafts):
        try:
            proposal.delete()
            deleted_drafts += 1
        except ProtectedError:
            pass
    return {
        "drafts": deleted_drafts,
        "memberships": Membership.objects.filter(user=user).exclude(organisation_id__in=kept_orgs).delete()[0],
        "invitations": Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True).delete()[0],
    }
