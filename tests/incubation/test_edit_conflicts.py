"""The revised proposal (version 2, the same step engine): a step saved over a newer version by a
team mate changes nothing, the text kept with what changed, by whom."""
import datetime

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import ProposalVersion
from tests.conflicts import assert_conflict_keeps_text
from tests.incubation.factories import admitted_team, make_lab

pytestmark = pytest.mark.django_db


def test_a_revised_step_saved_over_a_newer_version_changes_nothing(client):
    lab = make_lab()
    call = lab.call
    now = datetime.datetime.now(datetime.UTC)
    call.revised_opens_at, call.revised_closes_at = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    call.save()
    team, (first, second) = admitted_team(call)
    client.force_login(first)
    assert client.post(reverse("incubation:revised", kwargs={"pk": team.pk}), {"start": "1"}).status_code == 302
    other = Client()
    other.force_login(second)
    v2 = team.versions.get(number=2)

    def state():
        v = ProposalVersion.objects.values().get(pk=v2.pk)
        v.pop("updated_at")
        return v

    url = reverse("incubation:revised_step", kwargs={"pk": team.pk, "step": "solution"})
    assert_conflict_keeps_text(mine=client, theirs=other, url=url, field="solution", state=state,
                               who=second.full_name, which={"field": "solution"},
                               their_value="Un forno sociale.", my_value="Un forno sociale con corsi serali.")
    assert ProposalVersion.objects.get(pk=v2.pk).solution == "Un forno sociale con corsi serali."
    assert team.versions.get(number=1).solution == "Un community hub."


def test_the_lab_saved_over_a_newer_version_changes_nothing(client, staff_user):
    from incubation.models import Lab

    lab = make_lab()
    client.force_login(staff_user)
    other = Client()
    other.force_login(staff_user)

    def state():
        return Lab.objects.values().get(pk=lab.pk)

    assert_conflict_keeps_text(mine=client, theirs=other, url=reverse("incubation:lab_edit", kwargs={"pk": lab.pk}),
                               field="lab-description_it", state=state, who=staff_user.full_name,
                               their_value="Descrizione del collega.", my_value="La mia descrizione del lab.")
    assert Lab.objects.get(pk=lab.pk).description_it == "La mia descrizione del lab."
