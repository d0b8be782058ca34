"""Who may see what in the assessment stage.

- An assessor reads a proposal only while assigned to it in a round that has opened (open or
  closed) AND after declaring no conflict of interest with it (`assessment.read_assigned_proposal`,
  asked by the scoring page, which shows the round's version).
- Blind review: the round's identity setting is followed everywhere. An assessor cleared in a round
  that shows the applicant's identity is registered with `projects.rules.add_proposal_viewer`, so
  the proposal's own page, its versions, their comparison and every attachment
  (`projects.view_proposal`, `projects.view_proposalversion`, `projects.view_attachment`) follow.
  In a round that hides it, none of these: only the attachments that do not name the applicant
  (`add_attachment_viewer`, never Attachment.IDENTIFYING_KINDS), offered by the scoring page.
- Staff see and manage everything.
- An assessor scores only their own assignments; the team reads its outcome
  (`projects.view_proposal`).
"""
import rules
from django.db.models import Exists, OuterRef
from django.utils import timezone

from projects.models import Attachment
from projects.rules import _proposal_of, add_attachment_viewer, add_proposal_viewer
from tsf.accounts.rules import is_assessor, is_staff_member

from .models import Assignment, ConflictDeclaration


def _cleared_assignments(user, obj):
    """The person's assignments to the proposal in rounds that have opened, with a 'no conflict'
    declaration (none for someone who may not use the assessor role now)."""
    proposal = _proposal_of(obj)
    if proposal is None or not user.is_authenticated or not user.has_role("assessor"):
        return Assignment.objects.none()
    cleared = ConflictDeclaration.objects.filter(round=OuterRef("round"), proposal=OuterRef("proposal"),
                                                 assessor=OuterRef("assessor"), has_conflict=False)
    return Assignment.objects.filter(
        proposal=proposal, assessor=user, round__opens_at__lte=timezone.now(),
    ).filter(Exists(cleared))


@rules.predicate
def is_cleared_assessor(user, obj):
    """Assigned in a round that has opened, with a 'no conflict' declaration (blind or not)."""
    return _cleared_assignments(user, obj).exists()


@rules.predicate
def sees_applicant(user, obj):
    """Cleared in a round that shows the applicant's identity to its assessors."""
    return _cleared_assignments(user, obj).filter(round__show_identity=True).exists()


@rules.predicate
def may_download_anonymous_attachment(user, attachment):
    """A cleared assessor (even of a blind round) downloads the attachments that do not name the applicant."""
    return attachment.kind not in Attachment.IDENTIFYING_KINDS and is_cleared_assessor(user, attachment)


add_proposal_viewer(sees_applicant)
add_attachment_viewer(may_download_anonymous_attachment)


@rules.predicate
def owns_assignment(user, assignment):
    return assignment is not None and user.is_authenticated and assignment.assessor_id == user.pk


rules.add_perm("assessment.manage", is_staff_member)
rules.add_perm("assessment.read_assigned_proposal", is_cleared_assessor | is_staff_member)
rules.add_perm("assessment.view_assignment", owns_assignment | is_staff_member)
rules.add_perm("assessment.score_assignment", owns_assignment & is_assessor)
