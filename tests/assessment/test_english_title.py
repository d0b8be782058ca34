"""An assessment round's title has an English version where staff give one: the public ranking
and the assessors' pages read it under /en/, the Italian one on the Italian pages, and the Italian
under /en/ too where no English was given. Staff write it beside the Italian."""
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assessment.models import AssessmentRound, Decision, DecisionItem
from tests.assessment.factories import RoundFactory, make_proposal
from tests.forms_as_rendered import read_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Overrides the English of tests/assessment: the data is made in Italian, the default."""
    with translation.override("it"):
        yield


def _published(rnd):
    from tests.factories import UserFactory

    decision = Decision.objects.create(round=rnd, decided_by=UserFactory(roles=["staff"]), published_at=timezone.now())
    DecisionItem.objects.create(decision=decision, proposal=make_proposal(rnd.call), rank=1,
                                outcome=DecisionItem.Outcome.ADMITTED)
    return decision


def _ranking(client, rnd, language):
    with translation.override(language):
        url = reverse("assessment:public_ranking", kwargs={"call_pk": rnd.call_id})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_public_ranking_reads_the_title_in_the_page_language(client):
    rnd = RoundFactory(title_it="Selezione per l'Incubation Lab 2030", title_en="Selection for the Incubation Lab 2030")
    _published(rnd)
    english, italian = _ranking(client, rnd, "en"), _ranking(client, rnd, "it")
    assert "Selection for the Incubation Lab 2030" in english and "Selezione per l&#x27;Incubation" not in english
    assert "Selezione per l&#x27;Incubation Lab 2030" in italian and "Selection for the Incubation" not in italian


def test_without_an_english_title_the_english_page_shows_the_italian(client):
    rnd = RoundFactory(title_it="Valutazione finale 2030", kind=AssessmentRound.Kind.FINAL)
    _published(rnd)
    assert rnd.title_en in (None, "")
    assert "Valutazione finale 2030" in _ranking(client, rnd, "en")


def test_staff_write_the_english_title_beside_the_italian_on_the_italian_form(client, staff_user):
    """The round's form posted as the Italian page renders it saves both versions; editing the
    English one later keeps the Italian."""
    from tests.calls.factories import CallFactory

    call = CallFactory()
    client.force_login(staff_user)
    with translation.override("it"):
        url = reverse("assessment:round_create", kwargs={"call_pk": call.pk})
        body = client.get(url).content.decode()
    assert "Titolo (inglese)" in body and "Facoltativo: compare nelle pagine in inglese" in body
    form = read_form(client, url, button="Crea la sessione")
    form["kind"] = "selection"
    form["title_it"] = "Selezione per l'Incubation Lab 2030"
    form["title_en"] = "Selection for the Incubation Lab 2030"
    form["opens_at"] = "05/02/2030 09:00"
    form["closes_at"] = "23/02/2030 18:00"
    response = form.submit(button="Crea la sessione")
    assert response.status_code == 302, response.content.decode()[:3000]
    rnd = AssessmentRound.objects.get(call=call)
    assert (rnd.title_it, rnd.title_en) == ("Selezione per l'Incubation Lab 2030", "Selection for the Incubation Lab 2030")

    with translation.override("it"):
        setup = reverse("assessment:round_setup", kwargs={"pk": rnd.pk})
    form = read_form(client, setup, button="Salva")
    assert form["round-title_it"] == "Selezione per l'Incubation Lab 2030"
    form["round-title_en"] = "Selection for the Lab 2030"
    assert form.submit(button="Salva").status_code == 302
    rnd.refresh_from_db()
    assert (rnd.title_it, rnd.title_en) == ("Selezione per l'Incubation Lab 2030", "Selection for the Lab 2030")
    with translation.override("en"):
        english = client.get(reverse("assessment:round", kwargs={"pk": rnd.pk})).content.decode()
    with translation.override("it"):
        italian = client.get(reverse("assessment:round", kwargs={"pk": rnd.pk})).content.decode()
    assert "<h1>Selection for the Lab 2030</h1>" in english
    assert "<h1>Selezione per l&#x27;Incubation Lab 2030</h1>" in italian
