"""The call's configuration posted exactly as an Italian browser renders it (tests/forms_as_rendered.py)."""
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from calls.models import Call
from tests.calls.factories import CallFactory
from tests.forms_as_rendered import read_form

ROME = ZoneInfo("Europe/Rome")
FIELDS = ["title", "opens_at", "closes_at", "max_grant", "total_budget", "incubation_starts_on",
          "implementation_months", "incubation_quota", "funding_quota", "reminder_offsets"]


@pytest.fixture(autouse=True)
def english():
    """Overrides the English of tests/calls: these pages are read in Italian, the default."""
    with translation.override("it"):
        yield


def _values(call):
    call = Call.objects.get(pk=call.pk)
    return {f: getattr(call, f) for f in FIELDS}


def test_call_configuration_in_italian_as_rendered(staff_client, db):
    call = CallFactory(opens_at=datetime(2030, 3, 1, 9, 0, tzinfo=ROME), closes_at=datetime(2030, 4, 30, 12, 0, tzinfo=ROME),
                       max_grant=Decimal("140000.00"), total_budget=Decimal("1680000.00"))
    url = reverse("calls:staff_edit", args=[call.slug])
    assert not url.startswith("/en/")
    before = _values(call)
    response = read_form(staff_client, url, button="Salva").submit(button="Salva")
    assert response.status_code == 302, response.content.decode()
    assert _values(call) == before

    form = read_form(staff_client, url, button="Salva")
    assert form["max_grant"] == "140.000,00"
    form["max_grant"] = "120.000,00"
    form["total_budget"] = "1.440.000"
    form["closes_at"] = "15/05/2030 12:00"  # picked in the date-and-time field
    form["incubation_starts_on"] = "01/07/2030"
    response = form.submit(button="Salva")
    assert response.status_code == 302, response.content.decode()
    call.refresh_from_db()
    assert call.max_grant == Decimal("120000.00") and call.total_budget == Decimal("1440000.00")
    assert call.closes_at == datetime(2030, 5, 15, 12, 0, tzinfo=ROME)
    assert call.incubation_starts_on.isoformat() == "2030-07-01"
