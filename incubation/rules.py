"""Who may do what in the Incubation Lab.

- Staff: everything.
- Tutors: read the whole cohort of a lab (grid, team pages, notes for staff and tutors); log
  (attendance, progress, feedback) only for the teams assigned to them.
- Team members (the members of a cohort proposal's organisation): their own team's page,
  calendar, materials, deliverables and the tutors' entries (never notes marked staff-only).
- Tutors also read the cohort's proposals (`projects.view_proposal`), for the version diff.
"""
import rules

from projects.models import Proposal
from projects.rules import _member_org_ids, add_proposal_viewer
from tsf.accounts.rules import is_staff_member, is_tutor

from .models import COHORT_STATUSES, Attendance, ProgressEntry, Submission


def _proposal(obj):
    if isinstance(obj, Proposal):
        return obj
    if isinstance(obj, Submission | ProgressEntry | Attendance):
        return obj.proposal
    return None


def _assigned_ids(user):
    cache = getattr(user, "_tsf_tutor_team_ids", None)
    if cache is None:
        from .models import TutorAssignment

        cache = set(TutorAssignment.objects.filter(tutor=user).values_list("proposal_id", flat=True))
        user._tsf_tutor_team_ids = cache
    return cache


@rules.predicate
def in_cohort(user, obj):
    proposal = _proposal(obj)
    return proposal is not None and proposal.status in COHORT_STATUSES


@rules.predicate
def is_team_member(user, obj):
    proposal = _proposal(obj)
    return bool(user.is_authenticated and proposal is not None
                and proposal.organisation_id in _member_org_ids(user))


@rules.predicate
def is_assigned_tutor(user, obj):
    proposal = _proposal(obj)
    return bool(user.is_authenticated and proposal is not None and user.has_role("tutor")
                and proposal.pk in _assigned_ids(user))


@rules.predicate
def is_member_of_any_cohort_team(user, material):
    if not user.is_authenticated:
        return False
    org_ids = _member_org_ids(user)
    return bool(org_ids) and Proposal.objects.filter(
        call_id=material.workshop.lab.call_id, status__in=COHORT_STATUSES, organisation_id__in=list(org_ids)
    ).exists()


@rules.predicate
def is_cohort_tutor(user, proposal):
    """Any tutor reads the proposals of a lab's cohort (the incubator follows them all)."""
    return bool(user.is_authenticated and user.has_role("tutor") and isinstance(proposal, Proposal)
                and proposal.status in COHORT_STATUSES)


add_proposal_viewer(is_cohort_tutor)

can_log = is_staff_member | (is_assigned_tutor & in_cohort)
can_view_team = is_staff_member | is_tutor | (is_team_member & in_cohort)

rules.add_perm("incubation.view_cohort", is_staff_member | is_tutor)
rules.add_perm("incubation.manage_lab", is_staff_member)
rules.add_perm("incubation.view_team", can_view_team)
rules.add_perm("incubation.log_team", can_log)
rules.add_perm("incubation.upload_deliverable", is_team_member & in_cohort)
# A tutor who is also in the team (one person, two roles) reads the team's view, not the notes.
rules.add_perm("incubation.view_staff_notes", is_staff_member | (is_tutor & ~is_team_member))
# Private files served by tsf.core's file view.
rules.add_perm("incubation.view_submission", is_staff_member | is_tutor | is_team_member)
rules.add_perm("incubation.view_material", is_staff_member | is_tutor | is_member_of_any_cohort_team)
