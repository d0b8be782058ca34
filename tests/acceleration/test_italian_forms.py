"""The acceleration's forms posted exactly as an Italian browser renders them (tests/forms_as_rendered.py)."""
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from acceleration.models import Camp, FundingOpportunity, SupportSlot
from tests.acceleration.factories import funded_team, make_camp, opportunity, pitch_for, url
from tests.forms_as_rendered import read_form
from tests.grants.factories import past_call

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _read_english():
    """Overrides the English of tests/acceleration: these pages are read in Italian, the default."""
    with translation.override("it"):
        yield


def test_funding_opportunity_in_italian_as_rendered(staff_client):
    opp = opportunity(deadline=date(2030, 6, 30))
    page = url("opportunity_edit", pk=opp.pk)
    assert not page.startswith("/en/")
    response = read_form(staff_client, page, button="Salva").submit(button="Salva")
    assert response.status_code == 302, response.content.decode()
    opp = FundingOpportunity.objects.get(pk=opp.pk)
    assert (opp.amount_min, opp.amount_max, opp.deadline) == (Decimal("5000.00"), Decimal("30000.00"), date(2030, 6, 30))

    form = read_form(staff_client, page, button="Salva")
    assert form["amount_max"] == "30.000,00"
    form["amount_min"] = "2.500"
    form["amount_max"] = "45.000,50"
    form["deadline"] = "15/09/2030"
    assert form.submit(button="Salva").status_code == 302
    opp = FundingOpportunity.objects.get(pk=opp.pk)
    assert (opp.amount_min, opp.amount_max, opp.deadline) == (Decimal("2500"), Decimal("45000.50"), date(2030, 9, 15))


def test_camp_and_agenda_in_italian_as_rendered(staff_client):
    camp = make_camp(date=date(2019, 3, 12), starts_at=time(9, 30), ends_at=time(18, 0))
    page = url("camp_edit", pk=camp.pk)
    button = "Salva il camp e l'agenda"
    form = read_form(staff_client, page, button=button)
    assert form["camp-date"] == "2019-03-12" and form["camp-starts_at"] == "09:30"
    form["camp-date"] = "13/03/2019"
    form["camp-capacity"] = "40"
    form["agenda-0-starts_at"] = "09:30"
    form["agenda-0-ends_at"] = "10:15"
    form["agenda-0-title"] = "Benvenuto"
    response = form.submit(button=button)
    assert response.status_code == 302, response.content.decode()
    camp = Camp.objects.get(pk=camp.pk)
    assert camp.date == date(2019, 3, 13) and camp.capacity == 40
    assert list(camp.agenda.values_list("starts_at", "ends_at", "title")) == [(time(9, 30), time(10, 15), "Benvenuto")]
    # Sent back untouched: nothing changes.
    assert read_form(staff_client, page, button=button).submit(button=button).status_code == 302
    camp = Camp.objects.get(pk=camp.pk)
    assert (camp.date, camp.starts_at, camp.ends_at, camp.capacity) == (date(2019, 3, 13), time(9, 30), time(18), 40)
    assert camp.agenda.count() == 1


def test_pitch_order_sent_back_as_rendered(staff_client):
    call = past_call()
    camp = make_camp(call, days_from_today=20)
    pitches = [pitch_for(camp, funded_team(call)) for _ in range(2)]
    page = url("camp_pitches_edit", pk=camp.pk)
    form = read_form(staff_client, page, button="Salva i pitch")
    first = [n for n in form.names() if n.endswith("-minutes")][0]
    form[first] = "12"
    response = form.submit(button="Salva i pitch")
    assert response.status_code == 302, response.content.decode()
    assert sorted(p.minutes for p in camp.pitches.all()) == [7, 12]
    assert sorted(camp.pitches.values_list("order", flat=True)) == sorted(p.order for p in pitches)


def test_reporting_support_slot_in_italian(staff_client):
    form = read_form(staff_client, url("slots"), button="Proponi")
    form["starts_at"] = "20/05/2030 15:30"  # picked in the date-and-time field
    form["minutes"] = "60"
    form["place"] = "Via Corte d'Appello 16, Torino"
    response = form.submit(button="Proponi")
    assert response.status_code == 302, response.content.decode()
    slot = SupportSlot.objects.get()
    assert slot.starts_at == datetime(2030, 5, 20, 15, 30, tzinfo=ZoneInfo("Europe/Rome"))
