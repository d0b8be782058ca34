"""The lab's demo seeder: the 2018 lab complete for the cohort, twice the same."""
from types import SimpleNamespace

import pytest

from incubation import demo
from incubation.models import Attendance, Lab, ProgressEntry, Session, Submission, TutorAssignment, Workshop
from projects.models import ProposalStatus, ProposalVersion
from tests.calls.factories import CallFactory
from tests.incubation.factories import admitted_team

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (Lab, Workshop, Session, Attendance, ProgressEntry, Submission,
                                        TutorAssignment, ProposalVersion)]


def test_seed_builds_the_2018_lab_and_is_idempotent(make_user):
    call = CallFactory(slug="torino-social-factory-2018", year=2018)
    tutor = make_user("tutor@example.org", roles=["tutor"])
    teams = [admitted_team(call, members=0)[0] for _ in range(3)]
    teams.append(admitted_team(call, members=1, status=ProposalStatus.REVISED_SUBMITTED)[0])
    admitted_team(call, members=1, status=ProposalStatus.NOT_SELECTED)
    ctx = SimpleNamespace(users={"tutor@example.org": tutor}, accounts=[], data={}, stdout=None)
    demo.seed(ctx)
    first = _counts()
    demo.seed(ctx)
    assert _counts() == first
    lab = ctx.data["lab_2018"]
    assert lab.workshops.count() == 4
    assert {s.date.month for s in Session.objects.filter(workshop__lab=lab)} == {3, 4, 5}
    assert TutorAssignment.objects.filter(lab=lab).count() == 4
    assert {a.tutor.email for a in TutorAssignment.objects.all()} == {
        "tutor@example.org", "tutor2@example.org", "tutor3@example.org"}
    for team in teams:
        assert team.organisation.memberships.count() >= 2
        assert ProgressEntry.objects.filter(proposal=team).count() == 4
        assert Attendance.objects.filter(proposal=team).count() == 8
    assert Submission.objects.filter(proposal__in=teams).exists()
    # version 2 for the teams still admitted without one; the one already revised is left alone
    assert ProposalVersion.objects.filter(number=2).count() == 3
    for team in teams[:3]:
        team.refresh_from_db()
        assert team.status == ProposalStatus.REVISED_SUBMITTED
        v1, v2 = team.versions.order_by("number")
        assert v2.frozen and v2.solution.startswith(v1.solution) and v2.solution != v1.solution
