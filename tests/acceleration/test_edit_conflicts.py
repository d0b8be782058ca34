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
