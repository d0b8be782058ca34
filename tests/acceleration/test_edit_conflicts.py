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
