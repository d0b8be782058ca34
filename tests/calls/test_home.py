"""The calls' part of the home page: the open call with its deadline and apply button, and the
timeline of the latest call's stages."""
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from calls.home import timeline
from tests.calls.factories import CallFactory

pytestmark = pytest.mark.django_db


def _call_2018(**kw):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    rome = ZoneInfo("Europe/Rome")
    defaults = {
        "title": "Torino Social Factory 2018", "slug": "tsf-2018", "year": 2018,
        "opens_at": datetime(2018, 1, 15, 9, 0, tzinfo=rome), "closes_at": datetime(2018, 2, 28, 12, 0, tzinfo=rome),
        "first_selection_results_on": date(2018, 3, 12), "incubation_starts_on": date(2018, 3, 20),
        "incubation_ends_on": date(2018, 5, 30), "revised_opens_at": datetime(2018, 6, 1, 9, 0, tzinfo=rome),
        "revised_closes_at": datetime(2018, 6, 29, 12, 0, tzinfo=rome), "final_assessment_on": date(2018, 7, 16),
        "results_published_on": date(2018, 7, 20), "acceleration_starts_on": date(2018, 9, 10),
    }
    defaults.update(kw)
    return CallFactory(**defaults)


def test_home_shows_the_open_call_with_deadline_and_apply_button(client):
    call = CallFactory(title="Bando aperto 2030", closes_at=timezone.now() + timedelta(days=5))
    body = client.get("/en/").content.decode()
    assert "The call is open" in body and "Bando aperto 2030" in body
    assert reverse("projects:start", kwargs={"slug": call.slug}) in body
    assert 'data-testid="home-time-left"' in body


def test_no_open_call_section_when_every_call_is_closed(client):
    _call_2018()
    CallFactory(title="Bando non pubblicato", is_published=False)
    body = client.get("/en/").content.decode()
    assert "The call is open" not in body and "Bando non pubblicato" not in body


def test_home_timeline_of_the_latest_call(client):
    _call_2018()
    with freeze_time("2018-04-10 10:00:00"):
        response = client.get("/en/")
    body = response.content.decode()
    assert "Where it stands now" in body
    for label in ("Call open for proposals", "Incubation Lab", "Revised proposals",
                  "Final assessment", "Grants and implementation", "Acceleration"):
        assert label in body
    assert '<time datetime="2018-03-20">' in body
    assert body.count('aria-current="step"') == 1


def test_timeline_states_follow_the_date():
    call = _call_2018()
    with freeze_time("2018-04-10 10:00:00"):
        states = {s.label: s.state for s in timeline(call)}
    assert states["Call open for proposals"] == "done"
    assert states["Results of the first selection"] == "done"
    assert states["Incubation Lab"] == "current"
    assert states["Final assessment"] == "upcoming" and states["Acceleration"] == "upcoming"
    with freeze_time("2019-01-10 10:00:00"):
        states = {s.label: s.state for s in timeline(call)}
    assert states["Acceleration"] == "current" and states["Incubation Lab"] == "done"
    with freeze_time("2018-02-28 10:59:00"):  # 11:59 in Rome: the call closes at 12:00
        states = {s.label: s.state for s in timeline(call)}
    assert states["Call open for proposals"] == "current"
    assert states["Results of the first selection"] == "upcoming"
    with freeze_time("2018-02-28 11:00:00"):  # 12:00 in Rome
        states = {s.label: s.state for s in timeline(call)}
    assert states["Call open for proposals"] == "done"
    assert not any(s == "current" for s in states.values())  # between the deadline and the results


def test_timeline_leaves_out_stages_without_a_date():
    call = CallFactory(first_selection_results_on=None, incubation_starts_on=None, acceleration_starts_on=None)
    labels = [s.label for s in timeline(call)]
    assert labels == ["Call open for proposals"]


def test_home_prefers_the_open_call_for_the_timeline(client):
    _call_2018()
    CallFactory(title="Bando 2030", closes_at=timezone.now() + timedelta(days=3))
    body = client.get("/en/").content.decode()
    assert "The stages of Bando 2030." in body
