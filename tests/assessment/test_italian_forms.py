"""The committee's forms posted exactly as an Italian browser renders them (tests/forms_as_rendered.py):
every value the page carries comes back as the page wrote it."""
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from assessment.models import Decision, DecisionItem
from projects.models import Proposal
from tests.assessment.factories import (
    RoundFactory,
    add_committee,
    assign_cleared,
    make_criteria,
    make_proposal,
    submit_scores,
)
from tests.forms_as_rendered import form_from_response, read_form


@pytest.fixture(autouse=True)
def _english():
    """Overrides the English of tests/assessment: these pages are read in Italian, the default."""
    with translation.override("it"):
        yield


@pytest.fixture
def final_round(db, assessors):
    rnd = RoundFactory(kind="final", version_number=2, quota=2)
    make_criteria(rnd)
    add_committee(rnd, assessors)
    ps = [make_proposal(rnd.call, status="revised_submitted", v2=True) for _ in range(3)]
    for i, p in enumerate(ps):
        submit_scores(assign_cleared(rnd, p, assessors[0]), [9 - i, 5, 5])
    return rnd, ps


def test_funding_decision_confirmed_in_italian_as_rendered(client, final_round, staff_user):
    rnd, ps = final_round
    client.force_login(staff_user)
    url = reverse("assessment:decide", kwargs={"pk": rnd.pk})
    assert not url.startswith("/en/")
    form = read_form(client, url, button="Rivedi la decisione")
    form.tick(f"fund_{ps[0].pk}")
    form[f"grant_{ps[0].pk}"] = "140.000,00"  # as an Italian person types it
    form.tick(f"fund_{ps[1].pk}")
    form[f"grant_{ps[1].pk}"] = "85000,5"
    form.tick(f"fund_{ps[2].pk}", False)
    form[f"grant_{ps[2].pk}"] = ""
    form["minutes"] = "Seduta del 12 marzo 2027"
    response = form.submit(button="Rivedi la decisione")
    page = response.content.decode()
    assert "Conferma e applica la decisione" in page, page
    assert not Decision.objects.exists()

    confirm = form_from_response(client, response, button="Conferma e applica la decisione", url=url)
    response = confirm.submit(button="Conferma e applica la decisione", follow=True)
    assert response.status_code == 200
    assert "Indicare il contributo proposto" not in response.content.decode()
    decision = Decision.objects.get(round=rnd)
    items = {i.proposal_id: i for i in DecisionItem.objects.filter(decision=decision)}
    assert items[ps[0].pk].grant_amount == Decimal("140000.00")
    assert items[ps[1].pk].grant_amount == Decimal("85000.50")
    assert items[ps[2].pk].grant_amount is None and items[ps[2].pk].outcome == "not_funded"
    assert decision.minutes == "Seduta del 12 marzo 2027"
    assert Proposal.objects.filter(status="funded").count() == 2
