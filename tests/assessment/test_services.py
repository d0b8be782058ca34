"""Services: assignment by hand and automatic, conflicts, scoring bounds and locking, reopening,
decisions (refused over M, over budget, above the maximum grant: nothing changes), reminders."""
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from assessment import selectors, services
from assessment.models import AssessmentRound, Assignment, ConflictDeclaration, Decision, DecisionItem, Score
from projects.models import Proposal
from tests.assessment.factories import (
    RoundFactory,
    add_committee,
    assign_cleared,
    close,
    make_criteria,
    make_proposal,
    submit_scores,
)
from tests.factories import SERVICE_ACT, office
from tsf.core.models import AuditEntry
from tsf.notifications import deadlines
from tsf.notifications.models import Notification

# Assignment ---------------------------------------------------------------------------------

def test_auto_assign_spreads_evenly_and_skips_conflicts(rnd, assessors, make_user):
    fourth = make_user("valutatore4@example.org", roles=["assessor"])
    add_committee(rnd, [*assessors, fourth])
    proposals = [make_proposal(rnd.call) for _ in range(10)]
    # assessors[0] declared a conflict with the first proposal (in this call) earlier.
    ConflictDeclaration.objects.create(round=rnd, proposal=proposals[0], assessor=assessors[0], has_conflict=True,
                                       reason="Lavoro per l'ente.")
    new = services.auto_assign(rnd, per_proposal=2, by=office())
    assert len(new) == 20
    load = Counter(a.assessor_id for a in new)
    assert max(load.values()) - min(load.values()) <= 1  # 20 over 4: five each
    assert not Assignment.objects.filter(proposal=proposals[0], assessor=assessors[0]).exists()
    pairs = list(Assignment.objects.filter(round=rnd).values_list("proposal_id", "assessor_id"))
    assert len(pairs) == len(set(pairs))  # never twice the same
    # Running it again changes nothing: every proposal has its two.
    assert services.auto_assign(rnd, per_proposal=2, by=office()) == []


def test_assign_by_hand_refuses_conflict_duplicate_and_outsider(rnd, assessors, make_user):
    p = make_proposal(rnd.call)
    services.assign(rnd, p, assessors[0], by=office())
    with pytest.raises(services.AssessmentError, match="already assigned"):
        services.assign(rnd, p, assessors[0], by=office())
    ConflictDeclaration.objects.create(round=rnd, proposal=p, assessor=assessors[1], has_conflict=True, reason="x")
    with pytest.raises(services.AssessmentError, match="conflict"):
        services.assign(rnd, p, assessors[1], by=office())
    outsider = make_user(roles=["assessor"])
    with pytest.raises(services.AssessmentError, match="not in the committee"):
        services.assign(rnd, p, outsider, by=office())


def test_declaring_a_conflict_removes_the_assignment_and_tells_staff(rnd, assessors, staff_user):
    p = make_proposal(rnd.call)
    a = services.assign(rnd, p, assessors[0], by=staff_user)
    with pytest.raises(services.AssessmentError):
        services.declare_conflict(a, has_conflict=True, reason="  ", by=assessors[0])
    services.declare_conflict(a, has_conflict=True, reason="Sono socia dell'ente.", by=assessors[0])
    assert not Assignment.objects.filter(pk=a.pk).exists()
    assert Notification.objects.filter(recipient=staff_user, event="assessment_conflict").count() == 1
    assert AuditEntry.objects.filter(action="assessment.conflict").exists()
    # Automatic assignment never gives it back to them.
    services.auto_assign(rnd, per_proposal=3, by=staff_user)
    assert set(Assignment.objects.filter(proposal=p).values_list("assessor_id", flat=True)) == {
        assessors[1].pk, assessors[2].pk}


# Scoring ------------------------------------------------------------------------------------

def _scores(rnd, values):
    return {c.pk: (None if v is None else Decimal(str(v)), "") for c, v in zip(rnd.criteria.all(), values,
                                                                                strict=True)}


def test_scoring_needs_the_declaration_bounds_and_locks_on_submit(rnd, assessors, staff_user):
    p = make_proposal(rnd.call)
    a = services.assign(rnd, p, assessors[0], by=staff_user)
    with pytest.raises(services.AssessmentError, match="conflict of interest"):
        services.save_draft(a, by=assessors[0], scores=_scores(rnd, [1, 2, 3]))
    services.declare_conflict(a, has_conflict=False, by=assessors[0])
    with pytest.raises(services.AssessmentError, match="between 0 and 10"):
        services.save_draft(a, by=assessors[0], scores=_scores(rnd, [11, 2, 3]))
    services.save_draft(a, by=assessors[0], scores=_scores(rnd, [8, None, 3]), strengths="Bene")
    with pytest.raises(services.AssessmentError) as exc:
        services.submit_assessment(a, by=assessors[0])
    assert any("Sostenibilità" in m for m in exc.value.messages)
    assert any("weaknesses" in m for m in exc.value.messages)
    with pytest.raises(services.AssessmentError, match="Only the assigned"):
        services.save_draft(a, by=assessors[1], scores=_scores(rnd, [8, 7, 3]))
    services.save_draft(a, by=assessors[0], scores=_scores(rnd, [8, "7.5", 3]), strengths="Bene", weaknesses="Costi")
    services.submit_assessment(a, by=assessors[0])
    a.refresh_from_db()
    assert a.status == Assignment.Status.SUBMITTED
    with pytest.raises(services.AssessmentError, match="locked"):
        services.save_draft(a, by=assessors[0], scores=_scores(rnd, [1, 1, 1]))
    assert Score.objects.get(assignment=a, criterion__name="Sostenibilità").value == Decimal("7.50")

    with pytest.raises(services.AssessmentError, match="reason"):
        services.reopen_assessment(a, by=staff_user, reason=" ")
    services.reopen_assessment(a, by=staff_user, reason="Punteggio del team da rivedere")
    a.refresh_from_db()
    assert a.status == Assignment.Status.REOPENED
    entry = AuditEntry.objects.get(action="assessment.reopen")
    assert entry.note == "Punteggio del team da rivedere" and entry.actor == staff_user
    assert Notification.objects.filter(recipient=assessors[0], event="assessment_reopened").exists()
    services.save_draft(a, by=assessors[0], scores=_scores(rnd, [9, "7.5", 3]), strengths="Bene", weaknesses="C")


# Decisions ----------------------------------------------------------------------------------

def _scored_round(rnd, assessors, n, *, kind="selection", status="admissible", members=None):
    rnd.kind = kind
    rnd.save()
    proposals = []
    for i in range(n):
        member = members[i] if members and i < len(members) else None
        p = make_proposal(rnd.call, status=status, member=member, v2=kind == "final")
        for j, u in enumerate(assessors[:2]):
            submit_scores(assign_cleared(rnd, p, u), [10 - i % 10, 5, j])
        proposals.append(p)
    close(rnd)
    return proposals


def _snapshot(proposals):
    return sorted(Proposal.objects.filter(pk__in=[p.pk for p in proposals]).values_list("pk", "status"))


def test_selection_admits_top_n_and_tells_every_team(rnd, assessors, staff_user, make_user):
    promoters = [make_user(roles=["promoter"]) for _ in range(4)]
    proposals = _scored_round(rnd, assessors, 4, members=promoters)
    rows = selectors.ranking(rnd)
    decision = services.apply_decision(rnd, by=staff_user, outcomes=services.proposed_outcomes(rnd, rows),
                                       minutes="Verbale.", **SERVICE_ACT)
    statuses = dict(_snapshot(proposals))
    assert [statuses[r.proposal.pk] for r in rows] == ["admitted_to_incubation"] * 3 + ["not_selected"]
    assert decision.decided_by == staff_user and len(decision.ranking) == 4
    assert decision.ranking[0]["combined"] == str(rows[0].combined)
    n = Notification.objects.filter(event="assessment_outcome", recipient=promoters[0]).get()
    assert "Buona idea." in n.body and "Budget fragile." in n.body
    assert str(rows[0].combined).replace(".", ",") in n.body or str(rows[0].combined) in n.body


def test_selection_over_quota_is_refused_and_nothing_changes(rnd, assessors, staff_user):
    proposals = _scored_round(rnd, assessors, 5)
    rows = selectors.ranking(rnd)
    before = _snapshot(proposals)
    with pytest.raises(services.AssessmentError, match="At most 3 proposals can be admitted"):
        services.apply_decision(rnd, by=staff_user, outcomes=services.proposed_outcomes(rnd, rows, count=4), **SERVICE_ACT)
    assert _snapshot(proposals) == before
    assert not Decision.objects.exists() and not DecisionItem.objects.exists()


@pytest.fixture
def final_round(db, assessors):
    r = RoundFactory(kind=AssessmentRound.Kind.FINAL, version_number=2, quota=2)
    r.call.total_budget = Decimal("200000.00")
    r.call.max_grant = Decimal("140000.00")
    r.call.save()
    make_criteria(r)
    add_committee(r, assessors)
    return r


@pytest.mark.parametrize("change, message", [
    (lambda o, ids: o.update({ids[2]: ("funded", Decimal("10000.00"))}), "At most 2 proposals can be funded"),
    (lambda o, ids: o.update({ids[0]: ("funded", Decimal("120000.00")), ids[1]: ("funded", Decimal("90000.00"))}),
     "beyond the call's budget of €200,000.00"),
    (lambda o, ids: o.update({ids[0]: ("funded", Decimal("140000.01"))}), "exceeds the maximum grant of €140,000.00"),
])
def test_final_refusals_change_nothing(final_round, assessors, staff_user, change, message):
    proposals = _scored_round(final_round, assessors, 3, kind="final", status="revised_submitted")
    rows = selectors.ranking(final_round)
    ids = [r.proposal.pk for r in rows]
    outcomes = {ids[0]: ("funded", Decimal("100000.00")), ids[1]: ("funded", Decimal("90000.00")),
                ids[2]: ("not_funded", None)}
    assert services.check_decision(final_round, rows, outcomes) == []
    change(outcomes, ids)
    before = _snapshot(proposals)
    with pytest.raises(services.AssessmentError) as exc:
        services.apply_decision(final_round, by=staff_user, outcomes=outcomes, **SERVICE_ACT)
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert _snapshot(proposals) == before
    assert not Decision.objects.exists()
    assert not Notification.objects.filter(event="assessment_outcome").exists()


def test_final_funds_with_grants_for_the_grants_app(final_round, assessors, staff_user):
    _scored_round(final_round, assessors, 3, kind="final", status="revised_submitted")
    rows = selectors.ranking(final_round)
    ids = [r.proposal.pk for r in rows]
    services.apply_decision(final_round, by=staff_user, outcomes={
        ids[0]: ("funded", Decimal("110000.00")), ids[1]: ("funded", Decimal("90000.00")),
        ids[2]: ("not_funded", None)}, **SERVICE_ACT)
    items = list(selectors.funded_items(final_round.call))
    assert [(i.proposal.pk, i.grant_amount) for i in items] == [(ids[0], Decimal("110000.00")),
                                                                (ids[1], Decimal("90000.00"))]
    assert items[0].proposal.status == "funded"
    assert Proposal.objects.get(pk=ids[2]).status == "not_funded"


def test_decision_refused_while_assessments_are_pending(rnd, assessors, staff_user):
    proposals = _scored_round(rnd, assessors, 2)
    Assignment.objects.create(round=rnd, proposal=proposals[0], assessor=assessors[2])
    rows = selectors.ranking(rnd)
    with pytest.raises(services.AssessmentError, match="1 assessment has not been submitted"):
        services.apply_decision(rnd, by=staff_user, outcomes=services.proposed_outcomes(rnd, rows), **SERVICE_ACT)


def test_a_failing_status_move_rolls_everything_back(rnd, assessors, staff_user):
    proposals = _scored_round(rnd, assessors, 3)
    rows = selectors.ranking(rnd)
    # The last proposal was withdrawn meanwhile: it cannot be "not selected".
    Proposal.objects.filter(pk=rows[-1].proposal.pk).update(status="withdrawn")
    rows = selectors.ranking(rnd)
    before = _snapshot(proposals)
    with pytest.raises(services.AssessmentError, match="cannot go from"):
        services.apply_decision(rnd, by=staff_user, outcomes=services.proposed_outcomes(rnd, rows, count=2), **SERVICE_ACT)
    assert _snapshot(proposals) == before
    assert not Decision.objects.exists()


# Reminders ----------------------------------------------------------------------------------

def test_reminders_go_once_to_assessors_with_work_left(db, assessors, make_user):
    close = timezone.now() + timedelta(days=10)
    rnd = RoundFactory(closes_at=close)
    rnd.call.reminder_offsets = [3, 0]
    rnd.call.save()
    make_criteria(rnd)
    add_committee(rnd, assessors)
    p = make_proposal(rnd.call)
    assign_cleared(rnd, p, assessors[0])  # work left
    submit_scores(assign_cleared(rnd, p, assessors[1]), [1, 1, 1])  # done
    with freeze_time(close - timedelta(days=2)):
        assert deadlines.run() == 1
        assert deadlines.run() == 0
    with freeze_time(close + timedelta(hours=2)):
        assert deadlines.run() == 1  # the "today" reminder
        assert deadlines.run() == 0
    notes = Notification.objects.filter(event="assessment_deadline")
    assert set(notes.values_list("recipient_id", flat=True)) == {assessors[0].pk}
    assert notes.count() == 2


def test_members_of_the_applicant_are_never_assigned(rnd, assessors):
    member = assessors[0]
    p = make_proposal(rnd.call, member=member)
    with pytest.raises(services.AssessmentError, match="member of the applicant organisation"):
        services.assign(rnd, p, member, by=office())
    services.auto_assign(rnd, per_proposal=3, by=office())
    assert member.pk not in set(Assignment.objects.filter(proposal=p).values_list("assessor_id", flat=True))
