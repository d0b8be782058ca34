"""A funding opportunity's title and description have an English version where staff give one: the
catalogue and the opportunity's page read it under /en/, the Italian on the Italian pages, and the
Italian under /en/ where no English was given. Staff write it beside the Italian."""
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from acceleration.models import FundingOpportunity
from tests.acceleration.factories import opportunity
from tests.forms_as_rendered import read_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _read_english():
    """Overrides the English of tests/acceleration: the data is made in Italian, the default."""
    with translation.override("it"):
        yield


def _get(client, name, language, query="", **kw):
    with translation.override(language):
        url = reverse(f"acceleration:{name}", kwargs=kw or None)
    response = client.get(url + query)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def opportunities():
    both = opportunity(title_it="Bando Periferie al centro", title_en="Outskirts at the centre call",
                       description_it="Rigenerazione di spazi abbandonati nelle periferie.",
                       description_en="Regeneration of abandoned spaces in the outskirts.")
    italian_only = opportunity(title_it="Bando Vivomeglio", funder="Fondazione CRT")
    return both, italian_only


def test_the_catalogue_and_the_page_read_the_english_under_en_and_the_italian_otherwise(client, opportunities):
    both, italian_only = opportunities
    english = _get(client, "opportunities", "en")
    assert "Outskirts at the centre call" in english and "Bando Periferie al centro" not in english
    assert "Bando Vivomeglio" in english  # no English given: the Italian
    italian = _get(client, "opportunities", "it")
    assert "Bando Periferie al centro" in italian and "Outskirts at the centre call" not in italian
    page = _get(client, "opportunity", "en", pk=both.pk)
    assert "<h1>Outskirts at the centre call</h1>" in page
    assert "Regeneration of abandoned spaces in the outskirts." in page
    page = _get(client, "opportunity", "it", pk=both.pk)
    assert "<h1>Bando Periferie al centro</h1>" in page and "Rigenerazione di spazi abbandonati" in page
    page = _get(client, "opportunity", "en", pk=italian_only.pk)
    assert "<h1>Bando Vivomeglio</h1>" in page and "Sostegno a progetti di welfare di comunità." in page


def test_the_search_finds_an_opportunity_by_the_words_of_either_language(client, opportunities):
    for language in ("en", "it"):
        for words in ("outskirts", "periferie"):
            body = _get(client, "opportunities", language, f"?q={words}")
            assert ("Outskirts at the centre call" if language == "en" else "Bando Periferie al centro") in body, (
                language, words)
            assert "Vivomeglio" not in body


def test_staff_write_the_english_beside_the_italian_on_the_italian_form(staff_client):
    page = reverse("acceleration:opportunity_new")
    body = staff_client.get(page).content.decode()
    assert "Titolo (inglese)" in body and "Descrizione (inglese)" in body
    form = read_form(staff_client, page, button="Salva")
    form["funder"] = "Compagnia di San Paolo"
    form["title_it"] = "Bando Housing sociale"
    form["title_en"] = "Social housing call"
    form["description_it"] = "Abitare collaborativo per famiglie in difficoltà."
    form["description_en"] = ""
    form["deadline"] = "30/06/2030"
    form["amount_max"] = "200.000,00"
    form["url"] = "https://www.compagniadisanpaolo.it/"
    response = form.submit(button="Salva")
    assert response.status_code == 302, response.content.decode()[:3000]
    opp = FundingOpportunity.objects.get(title_it="Bando Housing sociale")
    assert (opp.title_en, opp.description_en or "") == ("Social housing call", "")
    assert opp.deadline == date(2030, 6, 30)

    # Sent back as rendered, with the English description added: both versions kept.
    edit = reverse("acceleration:opportunity_edit", kwargs={"pk": opp.pk})
    form = read_form(staff_client, edit, button="Salva")
    assert form["title_it"] == "Bando Housing sociale" and form["title_en"] == "Social housing call"
    form["description_en"] = "Collaborative housing for families in difficulty."
    assert form.submit(button="Salva").status_code == 302
    opp.refresh_from_db()
    assert (opp.title_it, opp.description_it) == ("Bando Housing sociale",
                                                  "Abitare collaborativo per famiglie in difficoltà.")
    assert opp.description_en == "Collaborative housing for families in difficulty."
