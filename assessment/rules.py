"""Who may see what in the assessment stage.

- An assessor sees a proposal (its versions and attachments) only while assigned to it in a round
  that has opened (open or closed) AND after declaring no conflict of interest with it. This is
  registered with `projects.rules.add_proposal_viewer`, so `projects.view_proposal`,
  `projects.view_proposalversion` and `projects.view_attachment` (the private file view) follow.
- Staff see and manage everything.
- An assessor scores only their own assignments; the team reads its outcome
  (`projects.view_proposal`).
"""
import rules
from django.db.models import Exists, OuterRef
from django.utils import timezone

from projects.rules import _proposal_of, add_proposal_viewer
from tsf.accounts.rules import is_assessor, is_staff_member

from .models import Assignment, ConflictDeclaration


@rules.predicate
def is_cleared_assessor(user, obj):
    """Assigned in a round that has opened, with a 'no conflict' declaration."""
    proposal = _proposal_of(obj)
    if proposal is None or not user.is_authenticated or not user.has_role("assessor"):
        return False
    cleared = ConflictDeclaration.objects.filter(round=OuterRef("round"), proposal=OuterRef("proposal"),
                                                 assessor=OuterRef("assessor"), has_conflict=False)
    return Assignment.objects.filter(
        proposal=proposal, assessor=user, round__opens_at__lte=timezone.now(),
    ).filter(Exists(cleared)).exists()


add_proposal_viewer(is_cleared_assessor)


@rules.predicate
def owns_assignment(user, assignment):
    return assignment is not None and user.is_authenticated and assignment.assessor_id == user.pk


rules.add_perm("assessment.manage", is_staff_member)
rules.add_perm("assessment.view_assignment", owns_assignment | is_staff_member)
rules.add_perm("assessment.score_assignment", owns_assignment & is_assessor)
