"""Scoring closes with the round: after its closing time an assessor can neither save nor submit
(the service refuses, the page says why and shows what was sent so it can be copied); an assessment
the staff reopen can still be corrected; the staff can extend the round."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from assessment import services
from assessment.models import Assignment, Score
from tests.assessment.factories import assign_cleared, make_proposal, submit_scores

pytestmark = pytest.mark.django_db


def points(rnd, values):
    return {c.pk: (Decimal(str(v)), "") for c, v in zip(rnd.criteria.order_by("order", "pk"), values, strict=True)}


@pytest.fixture
def assignment(rnd, assessors):
    return assign_cleared(rnd, make_proposal(rnd.call), assessors[0])


def after_close(rnd):
    return freeze_time(rnd.closes_at + timedelta(seconds=1))


def test_the_service_refuses_drafts_and_submissions_after_the_close(rnd, assessors, assignment):
    services.save_draft(assignment, by=assessors[0], scores=points(rnd, [7, 7, 7]), strengths="S", weaknesses="W")
    with after_close(rnd):
        with pytest.raises(services.AssessmentError, match="The round closed on"):
            services.save_draft(assignment, by=assessors[0], scores=points(rnd, [1, 1, 1]))
        with pytest.raises(services.AssessmentError, match="extend the round or to reopen"):
            services.submit_assessment(assignment, by=assessors[0])
    assignment.refresh_from_db()
    assert assignment.status != Assignment.Status.SUBMITTED
    assert set(Score.objects.filter(assignment=assignment).values_list("value", flat=True)) == {Decimal("7.00")}


def test_one_second_before_the_close_is_still_on_time(rnd, assessors, assignment):
    services.save_draft(assignment, by=assessors[0], scores=points(rnd, [7, 7, 7]), strengths="S", weaknesses="W")
    with freeze_time(rnd.closes_at - timedelta(seconds=1)):
        services.submit_assessment(assignment, by=assessors[0])
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED


def test_a_reopened_assessment_can_be_corrected_after_the_close(rnd, assessors, assignment, staff_user):
    submit_scores(assignment, [6, 6, 6])
    with after_close(rnd):
        services.reopen_assessment(assignment, by=staff_user, reason="Errore di battitura sul budget")
        services.save_draft(assignment, by=assessors[0], scores=points(rnd, [6, 8, 6]), strengths="S", weaknesses="W")
        services.submit_assessment(assignment, by=assessors[0])
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED
    assert sorted(Score.objects.filter(assignment=assignment).values_list("value", flat=True)) == [
        Decimal("6.00"), Decimal("6.00"), Decimal("8.00")]


def test_an_extended_round_is_open_again(rnd, assessors, assignment):
    rnd.closes_at = timezone.now() - timedelta(hours=1)
    rnd.save(update_fields=["closes_at"])
    with pytest.raises(services.AssessmentError, match="The round closed on"):
        services.save_draft(assignment, by=assessors[0], scores=points(rnd, [5, 5, 5]))
    rnd.closes_at = timezone.now() + timedelta(days=1)
    rnd.save(update_fields=["closes_at"])
    services.save_draft(assignment, by=assessors[0], scores=points(rnd, [5, 5, 5]))


def test_the_page_says_the_round_closed_and_keeps_what_was_sent(client, rnd, assessors, assignment):
    client.force_login(assessors[0])
    url = reverse("assessment:score", kwargs={"pk": assignment.pk})
    rnd.closes_at = timezone.now() - timedelta(minutes=1)  # (a frozen clock would end the session)
    rnd.save(update_fields=["closes_at"])
    page = client.get(url).content.decode()
    assert "Round closed: locked" in page and "The round has closed" in page
    assert "Submit the assessment" not in page and "Submitted: locked" not in page
    form = client.get(url).context["form"]
    data = dict.fromkeys(form.fields, "")
    data.update({f: "7" for f in form.fields if f.startswith("points_")} | {
        "strengths": "Rete solida nel quartiere", "weaknesses": "Costi alti", "submit": "1"})
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "what you sent has not been saved" in body
    assert "Rete solida nel quartiere" in body  # shown again, to be copied
    assignment.refresh_from_db()
    assert assignment.status != Assignment.Status.SUBMITTED and assignment.strengths == ""
    assert not Score.objects.filter(assignment=assignment, value__isnull=False).exists()
