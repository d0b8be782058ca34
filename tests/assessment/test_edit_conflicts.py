"""Scoring: a draft saved over a newer version (two tabs) changes nothing, the assessor's text kept."""
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessment.models import Assignment, Score
from tests.assessment.factories import assign_cleared, make_proposal
from tests.conflicts import assert_conflict_keeps_text


@pytest.fixture(autouse=True)
def _english():
    """These pages are read in Italian, the default."""
    with translation.override("it"):
        yield


def test_scores_saved_over_a_newer_version_change_nothing(client, rnd, assessors):
    a = assign_cleared(rnd, make_proposal(rnd.call), assessors[0])
    client.force_login(assessors[0])
    other = Client()
    other.force_login(assessors[0])
    url = reverse("assessment:score", kwargs={"pk": a.pk})

    def state():
        row = Assignment.objects.values("strengths", "weaknesses", "feedback", "status").get(pk=a.pk)
        return row, sorted(Score.objects.filter(assignment=a).values_list("criterion_id", "value", "comment"))

    assert_conflict_keeps_text(mine=client, theirs=other, url=url, field="strengths", state=state,
                               which={"button": "Salva la bozza"}, button="Salva la bozza", who="Valutatore 1",
                               their_value="Rete di quartiere solida.", my_value="Team con esperienza.")
    assert Assignment.objects.get(pk=a.pk).strengths == "Team con esperienza."


def test_round_setup_saved_over_a_newer_version_changes_nothing(client, rnd, staff_user):
    from assessment.models import AssessmentRound

    client.force_login(staff_user)
    other = Client()
    other.force_login(staff_user)

    def state():
        return (AssessmentRound.objects.values().get(pk=rnd.pk),
                sorted(rnd.criteria.values_list("name", "max_points", "weight")))

    assert_conflict_keeps_text(mine=client, theirs=other, url=reverse("assessment:round_setup", kwargs={"pk": rnd.pk}),
                               field="round-title_it", state=state, who=staff_user.full_name,
                               their_value="Selezione (titolo del collega)", my_value="Selezione per l'Incubation Lab")
    assert AssessmentRound.objects.get(pk=rnd.pk).title_it == "Selezione per l'Incubation Lab"
