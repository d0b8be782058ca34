"""The proposal's forms posted exactly as an Italian browser renders them (tests/forms_as_rendered.py)."""
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from tests.forms_as_rendered import read_form


@pytest.fixture(autouse=True)
def english():
    """Overrides the English of tests/projects: these pages are read in Italian, the default."""
    with translation.override("it"):
        yield


def _lines(version):
    return sorted((b.category, b.description, b.amount) for b in version.budget_lines.all())


def test_budget_step_in_italian_as_rendered(promoter_client, draft):
    url = reverse("projects:step", args=[draft.pk, "budget"])
    assert not url.startswith("/en/")
    version = draft.versions.get()
    before = (version.requested_grant, version.co_financing, _lines(version))
    # Sent back untouched: nothing changes (the blank rows stay blank).
    response = read_form(promoter_client, url, button="Salva la bozza").submit(button="Salva la bozza")
    assert response.status_code == 302, response.content.decode()
    version.refresh_from_db()
    assert (version.requested_grant, version.co_financing, _lines(version)) == before

    form = read_form(promoter_client, url, button="Salva la bozza")
    assert "," in form["requested_grant"]  # shown the Italian way
    form["requested_grant"] = "60.000,00"
    form["co_financing"] = "2500,5"
    form["lines-2-category"] = "works"
    form["lines-2-description"] = "Tinteggiatura"
    form["lines-2-amount"] = "1.500,25"
    response = form.submit(button="Salva la bozza")
    assert response.status_code == 302, response.content.decode()
    version.refresh_from_db()
    assert version.requested_grant == Decimal("60000.00") and version.co_financing == Decimal("2500.50")
    assert ("works", "Tinteggiatura", Decimal("1500.25")) in _lines(version)


def test_public_project_page_in_italian_as_rendered(client, staff_user, reference):
    from projects.models import ProposalStatus, PublicProject
    from tests.calls.factories import CallFactory
    from tests.projects.test_public import lab_project

    p = lab_project(CallFactory(year=2018), "Emporio solidale", status=ProposalStatus.FUNDED, grant=Decimal("98500.00"))
    client.force_login(staff_user)
    url = reverse("projects:staff_public_page", kwargs={"pk": p.pk})
    form = read_form(client, url, button="Salva")
    assert form["public_grant_amount"] == "98.500,00"
    response = form.submit(button="Salva")
    assert response.status_code == 302, response.content.decode()
    assert PublicProject.objects.get(proposal=p).public_grant_amount == Decimal("98500.00")
    form = read_form(client, url, button="Salva")
    form["public_grant_amount"] = "120.000"
    assert form.submit(button="Salva").status_code == 302
    assert PublicProject.objects.get(proposal=p).public_grant_amount == Decimal("120000")
    page = client.get(p.public_page.get_absolute_url()).content.decode()
    assert "120.000 €" in page
