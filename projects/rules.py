"""Object permissions on organisations and proposals (the `rules` library).

- A promoter sees and edits only what belongs to organisations they are a member of.
- Staff see everything and run the admissibility check.
- Later stages (assessors, tutors) add who else may *view* a proposal without touching this file:

      from projects.rules import add_proposal_viewer

      @rules.predicate
      def is_assigned_assessor(user, proposal): ...
      add_proposal_viewer(is_assigned_assessor)

  `projects.view_proposal`, `projects.view_proposalversion` and `projects.view_attachment` (the
  private file view) then follow. These viewers see the applicant's identity: the proposal's own
  page, its versions, their comparison and every attachment name the organisation and its people.
- A later stage that must show a proposal WITHOUT the applicant's identity (blind review) registers
  `add_attachment_viewer(predicate(user, attachment))` for the attachments it may offer
  (never Attachment.IDENTIFYING_KINDS), and shows the rest on its own page: such a person is not a
  viewer of the proposal, its versions or the comparison.
"""
import rules
from allauth.account.models import EmailAddress

from tsf.accounts.rules import is_staff_member

from .models import Attachment, Membership, ProposalStatus, ProposalVersion

_extra_viewers: list = []
_attachment_viewers: list = []


def add_proposal_viewer(predicate):
    """Let another app grant read access to proposals: predicate(user, proposal) -> bool."""
    if predicate not in _extra_viewers:
        _extra_viewers.append(predicate)
    return predicate


def add_attachment_viewer(predicate):
    """Let another app grant the download of some attachments only: predicate(user, attachment) -> bool."""
    if predicate not in _attachment_viewers:
        _attachment_viewers.append(predicate)
    return predicate


def _proposal_of(obj):
    if isinstance(obj, Attachment):
        return obj.version.proposal
    if isinstance(obj, ProposalVersion):
        return obj.proposal
    return obj


def _member_org_ids(user):
    cache = getattr(user, "_tsf_member_org_ids", None)
    if cache is None:
        cache = {}
        for org_id, role in Membership.objects.filter(user=user).values_list("organisation_id", "role"):
            cache[org_id] = role
        user._tsf_member_org_ids = cache
    return cache


@rules.predicate
def is_organisation_member(user, organisation):
    if not user.is_authenticated or organisation is None:
        return False
    return organisation.pk in _member_org_ids(user)


@rules.predicate
def is_organisation_admin(user, organisation):
    if not user.is_authenticated or organisation is None:
        return False
    return _member_org_ids(user).get(organisation.pk) == Membership.Role.ADMIN


@rules.predicate
def is_proposal_member(user, obj):
    proposal = _proposal_of(obj)
    if not user.is_authenticated or proposal is None:
        return False
    return proposal.organisation_id in _member_org_ids(user)


@rules.predicate
def is_extra_viewer(user, obj):
    proposal = _proposal_of(obj)
    return proposal is not None and any(p.test(user, proposal) for p in _extra_viewers)


@rules.predicate
def is_attachment_viewer(user, obj):
    return isinstance(obj, Attachment) and any(p.test(user, obj) for p in _attachment_viewers)


@rules.predicate
def is_draft(user, obj):
    proposal = _proposal_of(obj)
    return proposal is not None and proposal.status == ProposalStatus.DRAFT


@rules.predicate
def call_is_open(user, obj):
    proposal = _proposal_of(obj)
    return proposal is not None and proposal.call.is_open()


@rules.predicate
def is_submitted(user, obj):
    proposal = _proposal_of(obj)
    return proposal is not None and proposal.status == ProposalStatus.SUBMITTED


@rules.predicate
def is_invitee(user, invitation):
    """The invitation was sent to one of the person's VERIFIED e-mail addresses: whoever else holds
    the link (a forwarded e-mail, a shared mailbox) can neither accept nor decline it. Asked
    directly, never through has_perm(), which grants every permission to a superuser."""
    if not user.is_authenticated or invitation is None:
        return False
    return EmailAddress.objects.filter(user=user, verified=True, email__iexact=invitation.email).exists()


can_view_proposal = is_proposal_member | is_staff_member | is_extra_viewer

rules.add_perm("projects.view_organisation", is_organisation_member | is_staff_member)
rules.add_perm("projects.change_organisation", is_organisation_admin)
rules.add_perm("projects.invite_member", is_organisation_admin)
rules.add_perm("projects.view_proposal", can_view_proposal)
rules.add_perm("projects.view_proposalversion", can_view_proposal)
rules.add_perm("projects.view_attachment", can_view_proposal | is_attachment_viewer)
rules.add_perm("projects.change_proposal", is_proposal_member & is_draft & call_is_open)
rules.add_perm("projects.submit_proposal", is_proposal_member & is_draft & call_is_open)
rules.add_perm("projects.withdraw_proposal", is_proposal_member & is_submitted & call_is_open)
rules.add_perm("projects.view_history", is_staff_member)
rules.add_perm("projects.manage_proposals", is_staff_member)
rules.add_perm("projects.check_admissibility", is_staff_member)
