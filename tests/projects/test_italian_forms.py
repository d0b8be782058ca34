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
