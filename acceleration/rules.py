"""Object permissions of the acceleration stage (the `rules` library).

- A team (the members of a proposal's organisation) sees its own pitch feedback, help-desk
  requests (and their attachments), bookings and improvement plan; nobody else's.
- A tutor assigned to the team in the Incubation Lab sees and answers the team's requests.
- Staff see everything.
- Feedback on a pitch: only people whose camp registration was APPROVED, from the camp's start.
"""
import rules

from incubation.models import TutorAssignment
from projects.models import Proposal, ProposalStatus
from projects.rules import _member_org_ids
from tsf.accounts.rules import is_staff_member

from .models import CampRegistration, HelpMessage, HelpRequest, Pitch, RegistrationStatus

FUNDED = (ProposalStatus.FUNDED,)
HELPDESK_STATUSES = (ProposalStatus.ADMITTED_TO_INCUBATION, ProposalStatus.REVISED_SUBMITTED,
                     ProposalStatus.FUNDED, ProposalStatus.NOT_FUNDED)
NOT_FUNDED = (ProposalStatus.NOT_FUNDED, ProposalStatus.NOT_SELECTED)


def proposal_of(obj):
    if isinstance(obj, Proposal):
        return obj
    if isinstance(obj, HelpMessage):
        return obj.request.proposal
    if isinstance(obj, HelpRequest | Pitch):
        return obj.proposal
    return getattr(obj, "proposal", None)


@rules.predicate
def is_team(user, obj):
    proposal = proposal_of(obj)
    if not user.is_authenticated or proposal is None:
        return False
    return proposal.organisation_id in _member_org_ids(user)


@rules.predicate
def is_team_tutor(user, obj):
    proposal = proposal_of(obj)
    if not user.is_authenticated or proposal is None or not user.has_role("tutor"):
        return False
    return TutorAssignment.objects.filter(proposal=proposal, tutor=user).exists()


@rules.predicate
def may_use_helpdesk(user, proposal):
    return isinstance(proposal, Proposal) and proposal.status in HELPDESK_STATUSES


@rules.predicate
def is_not_funded(user, proposal):
    return isinstance(proposal, Proposal) and proposal.status in NOT_FUNDED


@rules.predicate
def is_funded(user, proposal):
    return isinstance(proposal, Proposal) and proposal.status in FUNDED


def approved_registration(user, camp):
    if not user.is_authenticated:
        return None
    return CampRegistration.objects.filter(camp=camp, user=user, status=RegistrationStatus.APPROVED).first()


@rules.predicate
def may_give_feedback(user, pitch):
    if not isinstance(pitch, Pitch) or not pitch.camp.has_started():
        return False
    return approved_registration(user, pitch.camp) is not None


can_follow_request = is_team | is_staff_member | is_team_tutor

rules.add_perm("acceleration.view_helprequest", can_follow_request)
rules.add_perm("acceleration.view_helpmessage", can_follow_request)
rules.add_perm("acceleration.answer_helprequest", is_staff_member | is_team_tutor)
rules.add_perm("acceleration.open_helprequest", is_team & may_use_helpdesk)
rules.add_perm("acceleration.view_pitch_feedback", is_team | is_staff_member)
rules.add_perm("acceleration.give_feedback", may_give_feedback)
rules.add_perm("acceleration.view_improvement", (is_team | is_staff_member | is_team_tutor) & is_not_funded)
rules.add_perm("acceleration.change_improvement", is_team & is_not_funded)
rules.add_perm("acceleration.book_slot", is_team & is_funded)
rules.add_perm("acceleration.manage", is_staff_member)
