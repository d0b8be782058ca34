"""The committee's forms posted exactly as an Italian browser renders them (tests/forms_as_rendered.py):
every value the page carries comes back as the page wrote it."""
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assessment.models import Decision, DecisionItem
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
from tests.factories import SERVICE_ACT
from tests.forms_as_rendered import form_from_response, read_form


@pytest.fixture(autouse=True)
def _english():
    """Overrides the English of tests/assessment: these pages are read in Italian, the default."""
    with translation.override("it"):
        yield


@pytest.fixture
def final_round(db, assessors):
    rnd = RoundFactory(kind="final", version_number=2, quota=2, assessors_per_proposal=1)
    make_criteria(rnd)
    add_committee(rnd, assessors)
    ps = [make_proposal(rnd.call, status="revised_submitted", v2=True) for _ in range(3)]
    for i, p in enumerate(ps):
        submit_scores(assign_cleared(rnd, p, assessors[0]), [9 - i, 5, 5])
    close(rnd)
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
    form["act_number"] = "2027 01234"
    form["act_date"] = "14/11/2026"  # picked in the date field of an Italian browser
    form["act_official"] = "Dott.ssa Maria Bianchi"
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
    assert decision.act == "Determinazione dirigenziale n. 2027 01234 del 14 novembre 2026 (Dott.ssa Maria Bianchi)"
    assert Proposal.objects.filter(status="funded").count() == 2


def test_scoring_in_italian_as_rendered(client, rnd, assessors):
    from assessment.models import Assignment, Score

    p = make_proposal(rnd.call)
    a = assign_cleared(rnd, p, assessors[0])
    client.force_login(assessors[0])
    url = reverse("assessment:score", kwargs={"pk": a.pk})
    form = read_form(client, url, button="Salva la bozza")
    criteria = list(rnd.criteria.order_by("order", "pk"))
    form[f"points_{criteria[0].pk}"] = "7,5"  # the number field of an Italian browser sends 7.5
    form[f"points_{criteria[1].pk}"] = "6"
    form[f"comment_{criteria[0].pk}"] = "Impatto chiaro."
    form["strengths"] = "Radicamento nel quartiere."
    assert form.submit(button="Salva la bozza").status_code == 302
    points = dict(Score.objects.filter(assignment=a).values_list("criterion_id", "value"))
    assert points[criteria[0].pk] == Decimal("7.5") and points[criteria[1].pk] == Decimal("6")

    # The draft sent back untouched, then submitted: the same points.
    form = read_form(client, url, button="Salva la bozza")
    assert form[f"points_{criteria[0].pk}"] in ("7.5", "7.50")
    form[f"points_{criteria[2].pk}"] = "4"
    form["weaknesses"] = "Budget fragile."
    response = form.submit(button="Invia la valutazione", follow=True)
    a.refresh_from_db()
    assert a.status == Assignment.Status.SUBMITTED, response.content.decode()
    assert a.status == Assignment.Status.SUBMITTED
    points = dict(Score.objects.filter(assignment=a).values_list("criterion_id", "value"))
    assert points == {criteria[0].pk: Decimal("7.5"), criteria[1].pk: Decimal("6"), criteria[2].pk: Decimal("4")}


def test_round_setup_sent_back_untouched_keeps_everything(client, rnd, staff_user):
    from assessment.models import AssessmentRound

    rnd.opens_at, rnd.closes_at = (t.replace(second=0, microsecond=0) for t in (rnd.opens_at, rnd.closes_at))
    rnd.save()  # a date-and-time field holds minutes
    client.force_login(staff_user)
    url = reverse("assessment:round_setup", kwargs={"pk": rnd.pk})
    fields = ["title", "opens_at", "closes_at", "disagreement_threshold", "quota", "assessors_per_proposal"]

    def state():
        r = AssessmentRound.objects.get(pk=rnd.pk)
        return ({f: getattr(r, f) for f in fields},
                sorted((c.name, c.max_points, c.weight) for c in r.criteria.all()),
                sorted(r.committee.values_list("assessor_id", flat=True)))

    before = state()
    form = read_form(client, url, button="Salva")
    response = form.submit(button="Salva")
    assert response.status_code == 302, response.content.decode()
    assert state() == before
    form = read_form(client, url, button="Salva")
    form["round-disagreement_threshold"] = "17,5"
    form["round-closes_at"] = "20/12/2030 18:00"
    assert form.submit(button="Salva").status_code == 302
    r = AssessmentRound.objects.get(pk=rnd.pk)
    assert r.disagreement_threshold == Decimal("17.5")
    assert timezone.localtime(r.closes_at).strftime("%Y-%m-%d %H:%M") == "2030-12-20 18:00"


# What an Italian reader sees: money and numbers the Italian way ------------------------------


def test_decision_page_minutes_and_their_export_read_the_italian_way(client, final_round, staff_user):
    import io

    from openpyxl import load_workbook

    from assessment import selectors, services

    rnd, ps = final_round
    client.force_login(staff_user)
    page = client.get(reverse("assessment:decide", kwargs={"pk": rnd.pk})).content.decode()
    assert "ciascuna con un contributo proposto di al massimo 140.000,00 €" in page
    assert "1.680.000,00 €" in page
    # An amount over the maximum: the message in Italian, with Italian amounts.
    form = read_form(client, reverse("assessment:decide", kwargs={"pk": rnd.pk}), button="Rivedi la decisione")
    form.tick(f"fund_{ps[0].pk}")
    form[f"grant_{ps[0].pk}"] = "150.000"
    form["act_number"] = "2027 01234"
    form["act_date"] = "14/11/2026"
    form["act_official"] = "Dott.ssa Maria Bianchi"
    page = form.submit(button="Rivedi la decisione").content.decode()
    assert "supera il contributo massimo di 140.000,00 €" in page and "(150.000,00 €)" in page

    rows = selectors.ranking(rnd)
    outcomes = {r.proposal.pk: ("not_funded", None) for r in rows}
    outcomes[ps[0].pk] = ("funded", Decimal("140000.00"))
    outcomes[ps[1].pk] = ("funded", Decimal("85000.50"))
    services.apply_decision(rnd, by=staff_user, outcomes=outcomes, minutes="Seduta del 12 marzo 2027", **SERVICE_ACT)
    minutes = reverse("assessment:minutes", kwargs={"pk": rnd.pk})
    page = client.get(minutes).content.decode()
    assert "225.000,50 €" in page and "su una dotazione di 1.680.000,00 €" in page
    assert "140.000,00" in page and "85.000,50" in page and "140000.00" not in page
    response = client.get(minutes + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                     else response.content)).active
    header = [c.value for c in sheet[1]]
    grant_col = header.index("Contributo proposto (EUR)")
    amounts = {row[grant_col].value: row[grant_col].number_format for row in sheet.iter_rows(min_row=2)
               if row[grant_col].value is not None}
    assert amounts == {140000: "#,##0.00", 85000.5: "#,##0.00"}
