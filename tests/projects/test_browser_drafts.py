"""Drafts in Chromium, in Italian: an incomplete, inconsistent budget saves; moving to another step
(the stepper, "Indietro") keeps what was typed; the stepper tells each step's state, on a phone too."""
import re

import pytest

from calls.models import District, ImpactTheme, TargetGroup
from calls.reference import ensure_reference_data
from tests.calls.factories import CallFactory
from tests.conftest import assert_accessible, browser_login
from tests.projects.factories import MembershipFactory, ProposalFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _proposal(make_user):
    ensure_reference_data()
    call = CallFactory(year=2030)
    call.themes.set(ImpactTheme.objects.all())
    call.target_groups.set(TargetGroup.objects.all())
    call.districts.set(District.objects.all())
    user = make_user("bozza@example.org", roles=["promoter"])
    proposal = ProposalFactory(call=call)
    MembershipFactory(user=user, organisation=proposal.organisation)
    return proposal


def _field(page, label):
    return page.get_by_label(re.compile(rf"^\s*{label}"))


def test_an_incomplete_draft_saves_and_moving_between_steps_keeps_the_text(page, make_user):
    proposal = _proposal(make_user)
    version = proposal.versions.get()
    browser_login(page, "bozza@example.org")

    # The budget, incomplete and inconsistent: a request above its only line.
    page.goto(f"/projects/proposals/{proposal.pk}/step/budget/")
    page.get_by_role("heading", name="Budget", exact=True).wait_for()
    _field(page, "Contributo richiesto").fill("90.000,00")
    page.get_by_label("Categoria 1").select_option("personnel")
    page.get_by_label("Descrizione 1").fill("Educatrici")
    page.get_by_label("Importo 1").fill("50.000,00")
    page.get_by_role("button", name="Salva la bozza").click()
    page.get_by_text(re.compile(r"Bozza salvata alle \d\d:\d\d")).wait_for()
    page.get_by_text("Ancora da completare in questo passo").wait_for()
    page.get_by_text("supera il totale delle voci di spesa").first.wait_for()
    assert _field(page, "Contributo richiesto").input_value() == "90.000,00"
    version.refresh_from_db()
    assert str(version.requested_grant) == "90000.00" and version.budget_lines.count() == 1

    # Type on a step, then click another step in the stepper: the text is saved on the way.
    stepper = page.get_by_role("navigation", name="Fasi della proposta")
    stepper.get_by_role("button", name=re.compile("Bisogno e gruppi destinatari")).click()
    page.get_by_role("heading", name="Bisogno e gruppi destinatari", exact=True).wait_for()
    _field(page, "Il bisogno sociale").fill("Anziani soli nelle case popolari di via Cigna.")
    stepper = page.get_by_role("navigation", name="Fasi della proposta")
    stepper.get_by_role("button", name=re.compile("La soluzione")).click()
    page.get_by_role("heading", name="La soluzione", exact=True).wait_for()
    _field(page, "La soluzione").fill("Una portineria di comunità.")
    page.get_by_role("button", name="Indietro").click()  # back to the need: the solution is kept too
    page.get_by_role("heading", name="Bisogno e gruppi destinatari", exact=True).wait_for()
    assert _field(page, "Il bisogno sociale").input_value() == "Anziani soli nelle case popolari di via Cigna."
    page.get_by_role("button", name="Salva e continua").click()
    page.get_by_role("heading", name="La soluzione", exact=True).wait_for()
    assert _field(page, "La soluzione").input_value() == "Una portineria di comunità."

    # The stepper tells the state of each step in words; the review links to what is missing.
    stepper = page.get_by_role("navigation", name="Fasi della proposta")
    budget = stepper.get_by_role("button", name=re.compile("Budget"))
    assert "da completare" in budget.inner_text()
    stepper.get_by_role("button", name=re.compile("Verifica e presenta")).click()
    page.get_by_role("heading", name="Verifica e presenta", exact=True).wait_for()
    assert_accessible(page, "review with missing items")
    page.get_by_role("link", name="Passo 6: Budget").click()
    page.get_by_role("heading", name="Budget", exact=True).wait_for()
    assert_accessible(page, "budget step with its missing items")

    # On a phone (390 px) every step stays reachable and readable, side by side in two columns.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.get_by_role("heading", name="Budget", exact=True).wait_for()
    stepper = page.get_by_role("navigation", name="Fasi della proposta")
    for label in ("Il progetto", "Allegati", "Verifica e presenta"):
        button = stepper.get_by_role("button", name=re.compile(label))
        box = button.bounding_box()
        assert button.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 390, (label, box)
    assert "da completare" in stepper.get_by_role("button", name=re.compile("Budget")).inner_text()
