"""The round's rules, enforced by the services whatever a form sends: a round is closed by an
explicit action, the committee decides on a closed round only and only with the required number
of submitted assessments per proposal (or a reason that goes into the minutes); the decision
carries its act; assessors are told of their assignments; a blind round's declaration still
shows who applies."""
from datetime import date

import pytest
from django.urls import reverse

from assessment import selectors, services
from assessment.models import Decision
from projects.models import ProposalVersion
from tests.assessment.factories import (
    RoundFactory,
    add_committee,
    assign_cleared,
    make_criteria,
    make_proposal,
    submit_scores,
)
from tests.factories import NO_ACT, SERVICE_ACT, office
from tsf.core.models import AuditEntry
from tsf.notifications.models import Notification, OutboxEmail

pytestmark = pytest.mark.django_db


def _scored(rnd, assessors, n, per=2):
    proposals = []
    for i in range(n):
        p = make_proposal(rnd.call)
        for j, u in enumerate(assessors[:per]):
            submit_scores(assign_cleared(rnd, p, u), [9 - i, 5, j])
        proposals.append(p)
    return proposals


def test_no_decision_on_a_round_that_was_not_closed(rnd, assessors, staff_user):
    _scored(rnd, assessors, 2)
    rows = selectors.ranking(rnd)
    with pytest.raises(services.AssessmentError) as exc:
        services.apply_decision(rnd, by=staff_user, outcomes=services.proposed_outcomes(rnd, rows), **SERVICE_ACT)
    assert exc.value.messages == ["Close the round before the committee decides."]
    assert not Decision.objects.exists()


def test_closing_is_an_explicit_audited_action_that_stops_scoring(rnd, assessors, staff_user):
    p = make_proposal(rnd.call)
    draft = assign_cleared(rnd, p, assessors[0])
    with pytest.raises(Exception, match="reserved"):
        services.close_round(rnd, by=assessors[0])
    services.close_round(rnd, by=staff_user)
    rnd.refresh_from_db()
    assert rnd.closed_at is not None and rnd.closed_by == staff_user and rnd.state == "closed"
    assert AuditEntry.objects.filter(action="assessment.round_close", actor=staff_user).count() == 1
    with pytest.raises(services.AssessmentError, match="already closed"):
        services.close_round(rnd, by=staff_user)
    with pytest.raises(services.AssessmentError, match="closed"):
        services.save_draft(draft, by=assessors[0], scores={})


def test_too_few_submitted_assessments_need_a_reason_that_goes_into_the_minutes(rnd, assessors, staff_user):
    rnd.assessors_per_proposal = 2
    rnd.save()
    proposals = _scored(rnd, assessors, 2, per=1)  # one assessment each, two required
    services.close_round(rnd, by=staff_user)
    rows = selectors.ranking(rnd)
    outcomes = services.proposed_outcomes(rnd, rows)
    with pytest.raises(services.AssessmentError) as exc:
        services.apply_decision(rnd, by=staff_user, outcomes=outcomes, override_reason="   ", **SERVICE_ACT)
    assert any("2 proposals have fewer than 2 submitted assessments" in m and proposals[0].protocol_number in m
               for m in exc.value.messages), exc.value.messages
    assert not Decision.objects.exists()
    decision = services.apply_decision(
        rnd, by=staff_user, outcomes=outcomes, minutes="Seduta del 12 marzo.",
        override_reason="Un valutatore si è dimesso; la commissione decide con una valutazione.",
        act_number="2019 01234", act_date=date(2019, 3, 14), act_official="Dott.ssa Maria Bianchi")
    assert decision.override_reason.startswith("Un valutatore si è dimesso")
    assert decision.minutes.startswith("Seduta del 12 marzo.")
    assert "Reason: Un valutatore si è dimesso" in decision.minutes
    assert decision.act == "Executive decision no. 2019 01234 of 14 March 2019 (Dott.ssa Maria Bianchi)"


def test_with_every_assessment_submitted_no_reason_is_needed(rnd, assessors, staff_user):
    _scored(rnd, assessors, 2, per=2)
    services.close_round(rnd, by=staff_user)
    rows = selectors.ranking(rnd)
    decision = services.apply_decision(rnd, by=staff_user, outcomes=services.proposed_outcomes(rnd, rows), **SERVICE_ACT)
    assert decision.override_reason == ""


def test_assessors_are_told_of_their_assignments_in_the_portal_and_by_email(rnd, assessors, staff_user):
    p, q = make_proposal(rnd.call), make_proposal(rnd.call)
    services.assign(rnd, p, assessors[0], by=staff_user)
    n = Notification.objects.get(recipient=assessors[0], event="assessment_assigned")
    assert rnd.title in n.title and n.url.endswith("/mine/")
    assert OutboxEmail.objects.filter(to=assessors[0].email, event="assessment_assigned").count() == 1
    new = services.auto_assign(rnd, per_proposal=2, by=staff_user)
    told = {a.assessor_id for a in new}
    assert len(new) == 3 and len(told) == 3
    # the first message, then one message per assessor who got work (not one per proposal)
    assert Notification.objects.filter(event="assessment_assigned").count() == 1 + len(told)
    assert OutboxEmail.objects.filter(event="assessment_assigned").count() == 1 + len(told)
    assert p.assessment_assignments.count() == 2 and q.assessment_assignments.count() == 2


def test_a_blind_rounds_declaration_still_shows_who_applies(client, db, assessors):
    rnd = RoundFactory(show_identity=False)
    make_criteria(rnd)
    add_committee(rnd, assessors)
    p = make_proposal(rnd.call)
    ProposalVersion.objects.filter(proposal=p, number=1).update(partners="Cooperativa Aurora, Associazione Zefiro")
    org = p.organisation
    a = services.assign(rnd, p, assessors[0], by=office())
    client.force_login(assessors[0])
    page = client.get(reverse("assessment:declare", kwargs={"pk": a.pk})).content.decode()
    assert org.legal_name in page and org.legal_representative in page
    assert "Cooperativa Aurora, Associazione Zefiro" in page
    assert "The round is blind" in page
    assert "Un progetto di quartiere." not in page  # still nothing of the proposal's content


def test_the_audit_log_reads_an_automatic_assignment(rnd, assessors, staff_user):
    """auto_assign counts the new assignments under the round's reverse relation "assignments": the
    audit log's sentences (and its export) read it instead of failing on a field without a label."""
    from tsf.core.audit_text import change_sentences

    make_proposal(rnd.call)
    services.auto_assign(rnd, per_proposal=1, by=staff_user)
    entry = AuditEntry.objects.get(action="assessment.auto_assign")
    assert any("assignments" in sentence and "1" in sentence for sentence in change_sentences(entry))


@pytest.mark.parametrize(("act", "field", "message"), NO_ACT)
def test_no_decision_without_its_municipal_act(rnd, assessors, staff_user, act, field, message):
    proposals = _scored(rnd, assessors, 2, per=2)
    services.close_round(rnd, by=staff_user)
    outcomes = services.proposed_outcomes(rnd, selectors.ranking(rnd))
    with pytest.raises(services.AssessmentError) as exc:
        services.apply_decision(rnd, by=staff_user, outcomes=outcomes, minutes="Seduta del 12 marzo.", **act)
    assert message in exc.value.messages and exc.value.field == field
    assert not Decision.objects.exists()
    for p in proposals:
        p.refresh_from_db()
        assert p.status == "admissible"
    assert not AuditEntry.objects.filter(action="assessment.decision").exists()
