"""Services of the lab: who may log, attendance, progress, deliverables and feedback, the revised
proposal (window to the second, version 1 frozen), the word diff."""
import datetime

import pytest
from django.core import mail
from freezegun import freeze_time

from incubation import services
from incubation.diff import version_diff, word_diff
from incubation.models import Attendance, ProgressEntry, Submission
from projects.models import BudgetLine, ProposalStatus
from projects.services import CallClosed, IncompleteProposal, TransitionNotAllowed
from tests.calls.factories import CallFactory
from tests.incubation.factories import admitted_team, assign, make_lab, pdf_upload
from tsf.core.models import AuditEntry
from tsf.notifications.models import Notification

pytestmark = pytest.mark.django_db

SCORES = {"value_proposition": 3, "business_model": 2, "impact_design": 4, "team_readiness": 4,
          "market_validation": 2, "notes": "Team solido, budget fragile.", "notes_staff_only": True,
          "next_actions": "Rivedere il budget."}


@pytest.fixture
def lab():
    return make_lab()


@pytest.fixture
def tutor(make_user):
    return make_user("tutor@example.org", roles=["tutor"], full_name="Tina Tutor")


def test_tutor_cannot_log_for_a_team_not_assigned(lab, tutor):
    mine, _ = admitted_team(lab.call)
    other, other_members = admitted_team(lab.call)
    assign(lab, mine, tutor)
    ws = lab.workshops.get(number=1)
    session = ws.sessions.first()
    with pytest.raises(services.LabError):
        services.save_progress(ws, other, SCORES, by=tutor)
    with pytest.raises(services.LabError):
        services.record_attendance(session, other, other_members, by=tutor)
    sub = services.upload_submission(ws.deliverables.first(), other, file=pdf_upload(), by=other_members[0])
    with pytest.raises(services.LabError):
        services.review_submission(sub, review="accepted", by=tutor)
    assert not ProgressEntry.objects.filter(proposal=other).exists()
    assert not Attendance.objects.filter(proposal=other).exists()
    # ...and can for their own team
    entry = services.save_progress(ws, mine, SCORES, by=tutor)
    assert entry.readiness == 3.0 and entry.author == tutor


def test_staff_log_for_every_team_and_tutors_must_have_the_role(lab, staff_user, make_user):
    team, members = admitted_team(lab.call)
    session = lab.workshops.get(number=1).sessions.first()
    att = services.record_attendance(session, team, members[:1], by=staff_user)
    assert att.present_count == 1 and list(att.attendees.all()) == members[:1]
    not_a_tutor = make_user(roles=["promoter"])
    with pytest.raises(services.LabError):
        services.assign_tutors(lab, team, [not_a_tutor], by=staff_user)
    tutor = make_user(roles=["tutor"])
    services.assign_tutors(lab, team, [tutor], by=staff_user)
    assert Notification.objects.filter(recipient=tutor, event="lab_tutor_assigned").exists()
    with pytest.raises(services.LabError):
        services.assign_tutors(lab, team, [tutor], by=tutor)


def test_attendance_only_for_members_and_idempotent(lab, tutor, make_user):
    team, members = admitted_team(lab.call)
    assign(lab, team, tutor)
    session = lab.workshops.get(number=1).sessions.first()
    stranger = make_user(roles=["promoter"])
    with pytest.raises(services.LabError):
        services.record_attendance(session, team, [stranger], by=tutor)
    services.record_attendance(session, team, members, by=tutor)
    services.record_attendance(session, team, members[:1], by=tutor)
    att = Attendance.objects.get(session=session, proposal=team)
    assert att.present_count == 1
    assert AuditEntry.objects.filter(action="incubation.attendance").count() == 2


def test_proposals_outside_the_cohort_are_refused(lab, staff_user):
    submitted, _ = admitted_team(lab.call, status=ProposalStatus.SUBMITTED)
    with pytest.raises(services.LabError):
        services.save_progress(lab.workshops.first(), submitted, SCORES, by=staff_user)


def test_deliverable_versions_and_feedback(lab, tutor):
    team, members = admitted_team(lab.call)
    assign(lab, team, tutor)
    d = lab.workshops.get(number=1).deliverables.first()
    s1 = services.upload_submission(d, team, file=pdf_upload(), by=members[0])
    s2 = services.upload_submission(d, team, file=pdf_upload("canvas-v2.pdf"), note="Rivisto", by=members[1])
    assert (s1.version, s2.version) == (1, 2)
    assert Notification.objects.filter(recipient=tutor, event="lab_deliverable_uploaded").count() == 2
    with pytest.raises(services.LabError):
        services.review_submission(s2, review=Submission.Review.CHANGES, comments="  ", by=tutor)
    mail.outbox.clear()
    services.review_submission(s2, review=Submission.Review.CHANGES, comments="Manca il segmento clienti.",
                               by=tutor)
    s2.refresh_from_db()
    assert s2.review == "changes_requested" and s2.reviewed_by == tutor
    assert {n.recipient for n in Notification.objects.filter(event="lab_feedback")} == set(members)


def test_upload_refuses_a_fake_pdf_with_a_message(lab):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from incubation.forms import SubmissionForm

    form = SubmissionForm(data={"note": ""}, files={"file": SimpleUploadedFile("canvas.pdf", b"MZ\x90\x00 not a pdf")})
    assert not form.is_valid()
    assert "PDF" in form.errors["file"][0]


def test_only_team_members_upload(lab, tutor):
    team, _members = admitted_team(lab.call)
    assign(lab, team, tutor)
    with pytest.raises(services.LabError):
        services.upload_submission(lab.workshops.first().deliverables.first(), team, file=pdf_upload(), by=tutor)


# The revised proposal ------------------------------------------------------------------------

def _window(call, opens, closes):
    call.revised_opens_at, call.revised_closes_at = opens, closes
    call.save()


def test_revised_proposal_window_to_the_second_and_version_1_frozen():
    call = CallFactory()
    opens = datetime.datetime(2030, 6, 1, 9, 0, tzinfo=datetime.UTC)
    closes = datetime.datetime(2030, 6, 30, 10, 0, 0, tzinfo=datetime.UTC)  # 12:00 in Rome (CEST)
    _window(call, opens, closes)
    make_lab(call)
    team, members = admitted_team(call, title="Hub di quartiere a Barriera")
    v1 = team.versions.get(number=1)
    v1_before = (v1.title, v1.solution, v1.frozen_at, list(v1.budget_lines.values_list("description", "amount")))
    with freeze_time(opens - datetime.timedelta(seconds=1)):
        with pytest.raises(CallClosed):
            services.start_revision(team, by=members[0])
    with freeze_time(opens):
        v2 = services.start_revision(team, by=members[0])
        assert v2.number == 2 and not v2.frozen and v2.title == v1.title
        v2.solution = "Un community hub con sportello lavoro e baby parking serale."
        v2.title = "Hub di quartiere e lavoro a Barriera"
        v2.save()
        BudgetLine.objects.filter(version=v2).first().delete()
        BudgetLine.objects.create(version=v2, category="training", description="Corsi", amount="30000.00")
    with freeze_time(closes - datetime.timedelta(seconds=1)):
        mail.outbox.clear()
        services.submit_revised_proposal(team, by=members[1])
    team.refresh_from_db()
    assert team.status == ProposalStatus.REVISED_SUBMITTED
    v1.refresh_from_db()
    assert (v1.title, v1.solution, v1.frozen_at,
            list(v1.budget_lines.values_list("description", "amount"))) == v1_before
    v2.refresh_from_db()
    assert v2.frozen and v2.frozen_at == closes - datetime.timedelta(seconds=1)
    assert {n.recipient for n in Notification.objects.filter(event="lab_revised_submitted")} == set(members)
    assert AuditEntry.objects.filter(action="proposal.revised_submit").exists()
    # the diff shows the changed words
    diff = {f.name: f for f in version_diff(v1, v2)}
    solution = diff["solution"]
    assert solution.changed
    assert ("insert", "con sportello lavoro e baby parking serale") in solution.right
    assert all(op == "equal" for op, _t in solution.left)
    assert not diff["summary"].changed
    assert diff["budget_lines"].changed
    with freeze_time(closes - datetime.timedelta(seconds=1)), pytest.raises(TransitionNotAllowed):
        services.submit_revised_proposal(team, by=members[0])


def test_revised_submission_refused_at_the_deadline_second():
    call = CallFactory()
    closes = datetime.datetime(2030, 6, 30, 10, 0, 0, tzinfo=datetime.UTC)
    _window(call, closes - datetime.timedelta(days=30), closes)
    make_lab(call)
    team, members = admitted_team(call)
    with freeze_time(closes - datetime.timedelta(days=1)):
        services.start_revision(team, by=members[0])
    with freeze_time(closes):
        with pytest.raises(CallClosed) as exc:
            services.submit_revised_proposal(team, by=members[0])
        assert "12:00:00" in exc.value.messages[0]  # Rome time
        v2 = team.versions.get(number=2)
        with pytest.raises(CallClosed):
            services.ensure_revision_editable(v2, by=members[0])
    team.refresh_from_db()
    assert team.status == ProposalStatus.ADMITTED_TO_INCUBATION


def test_incomplete_revised_proposal_is_refused(make_user):
    call = CallFactory()
    now = datetime.datetime.now(datetime.UTC)
    _window(call, now - datetime.timedelta(days=1), now + datetime.timedelta(days=1))
    team, members = admitted_team(call)
    v2 = services.start_revision(team, by=members[0])
    v2.solution = ""
    v2.save()
    with pytest.raises(IncompleteProposal):
        services.submit_revised_proposal(team, by=members[0])
    outsider = make_user(roles=["promoter"])
    with pytest.raises(services.LabError):
        services.submit_revised_proposal(team, by=outsider)
    with pytest.raises(services.LabError):
        services.start_revision(team, by=outsider)


def test_word_diff_marks_inserted_and_removed_words():
    left, right = word_diff("Uno spazio aperto a tutti.", "Uno spazio aperto ai giovani e a tutti.")
    assert ("insert", "ai giovani e ") in right or any(op == "insert" and "giovani" in t for op, t in right)
    assert all(op == "equal" for op, _t in left)
    left, right = word_diff("A B C", "A C")
    assert any(op == "delete" and "B" in t for op, t in left)
