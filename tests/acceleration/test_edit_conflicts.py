"""The improvement plan: an action saved over a newer version changes nothing, the text kept."""
import pytest
from django.test import Client

from tests.acceleration.factories import final_round_with_outcomes, url
from tests.conflicts import assert_conflict_keeps_text
from tests.grants.factories import past_call

pytestmark = pytest.mark.django_db


def test_improvement_action_saved_over_a_newer_version_changes_nothing(client, make_user):
    nf_user = make_user("nf@example.org", roles=["promoter"], full_name="Nadia Nonfinanziata")
    _rnd, _funded, (nf,) = final_round_with_outcomes(past_call(), funded=1, not_funded=1, member=nf_user)
    client.force_login(nf_user)
    client.post(url("improvement", pk=nf.pk), {"action": "Incontrare due fondazioni", "owner": "Giulia",
                                               "status": "todo", "due_on": "2030-01-31"})
    action = nf.improvement_actions.get()
    other = Client()
    other.force_login(nf_user)

    def state():
        return nf.improvement_actions.values("action", "owner", "status", "due_on").get()

    assert_conflict_keeps_text(mine=client, theirs=other, url=url("improvement_action", pk=nf.pk, action_pk=action.pk),
                               field="owner", state=state, who="Nadia Nonfinanziata",
                               their_value="Marco", my_value="Giulia e Paolo")
    assert nf.improvement_actions.get().owner == "Giulia e Paolo"


def test_programme_and_camp_saved_over_a_newer_version_change_nothing(client, staff_user):
    from acceleration.models import AccelerationProgramme, Camp
    from tests.acceleration.test_staff_camp import make_camp, make_programme
    from tests.acceleration.test_staff_camp import url as staff_url

    prog = make_programme()
    camp = make_camp(prog)
    client.force_login(staff_user)
    other = Client()
    other.force_login(staff_user)
    assert_conflict_keeps_text(mine=client, theirs=other, url=staff_url("programme_edit", pk=prog.pk),
                               field="title", state=lambda: AccelerationProgramme.objects.values().get(pk=prog.pk),
                               who=staff_user.full_name, their_value="Accelerazione (collega)",
                               my_value="Accelerazione TSF 2018")
    assert AccelerationProgramme.objects.get(pk=prog.pk).title == "Accelerazione TSF 2018"
    assert_conflict_keeps_text(mine=client, theirs=other, url=staff_url("camp_edit", pk=camp.pk),
                               field="camp-place", state=lambda: Camp.objects.values().get(pk=camp.pk),
                               who=staff_user.full_name, their_value="Cascina (collega)",
                               my_value="Cascina Roccafranca")
    assert Camp.objects.get(pk=camp.pk).place == "Cascina Roccafranca"


def test_a_funding_opportunity_saved_over_a_newer_version_changes_nothing(client, staff_user):
    from acceleration.models import FundingOpportunity
    from tests.acceleration.factories import opportunity

    opp = opportunity(title="Bando Vivomeglio")
    client.force_login(staff_user)
    other = Client()
    other.force_login(staff_user)
    assert_conflict_keeps_text(mine=client, theirs=other, url=url("opportunity_edit", pk=opp.pk), field="title_it",
                               state=lambda: FundingOpportunity.objects.values().get(pk=opp.pk),
                               who=staff_user.full_name, their_value="Bando Vivomeglio 2019",
                               my_value="Bando Vivomeglio (seconda edizione)")
    assert FundingOpportunity.objects.get(pk=opp.pk).title_it == "Bando Vivomeglio (seconda edizione)"


def test_the_pitches_saved_over_a_newer_version_change_nothing(make_user, staff_user):
    """A page whose fields are a formset carries its revision too (tsf.core.versioning.PageVersionForm)."""
    from datetime import time

    from django.test import Client

    from acceleration.models import Pitch
    from tests.acceleration.factories import funded_team, make_camp, pitch_for, url
    from tests.forms_as_rendered import form_from_response, read_form
    from tests.grants.factories import past_call

    call = past_call()
    camp = make_camp(call, days_from_today=10, starts_at=time(9, 0), ends_at=time(13, 0))
    first, _second = pitch_for(camp, funded_team(call)), pitch_for(camp, funded_team(call))
    colleague = make_user("collega@example.org", roles=["staff"], full_name="Carla Collega")
    mine, theirs = Client(), Client()
    mine.force_login(staff_user)
    theirs.force_login(colleague)
    page = url("camp_pitches_edit", pk=camp.pk)
    my_tab = read_form(mine, page, field="pitch-0-minutes")
    their_tab = read_form(theirs, page, field="pitch-0-minutes")
    their_tab["pitch-0-minutes"] = "12"
    assert their_tab.submit().status_code == 302

    def state():
        return list(Pitch.objects.filter(camp=camp).order_by("pk").values_list("order", "minutes", "title"))

    before = state()
    my_tab["pitch-0-title"] = "Il titolo breve che ho scritto"
    response = my_tab.submit()
    html = response.content.decode()
    assert response.status_code == 200 and state() == before
    assert "Carla Collega" in html and "12 minut" in html and "Il titolo breve che ho scritto" in html
    again = form_from_response(mine, response, field="pitch-0-minutes", url=page)
    again["pitch-0-minutes"] = "12"
    assert again.submit().status_code == 302
    assert Pitch.objects.get(pk=first.pk).title == "Il titolo breve che ho scritto"
    assert Pitch.objects.get(pk=first.pk).minutes == 12
