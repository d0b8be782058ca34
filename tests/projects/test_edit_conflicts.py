"""Forms of the projects app: a save over a newer version changes nothing."""
from django.urls import reverse

from projects.models import Organisation
from tests.conflicts import assert_conflict_keeps_text
from tests.projects.conftest import add_member


def test_organisation_saved_over_a_newer_version_changes_nothing(client, promoter_user, org, other_promoter,
                                                                   django_user_model):
    add_member(other_promoter, org)
    Membership = org.memberships.model
    Membership.objects.filter(organisation=org).update(role="admin")
    from django.test import Client

    other = Client()
    other.force_login(other_promoter)
    client.force_login(promoter_user)
    url = reverse("projects:organisation_edit", args=[org.pk])

    def state():
        return Organisation.objects.values().get(pk=org.pk)

    assert_conflict_keeps_text(
        mine=client, theirs=other, url=url, field="description", state=state, who="Olga Other",
        their_value="Descrizione di Olga", my_value="Descrizione scritta da me",
        after_merge=lambda: Organisation.objects.get(pk=org.pk).description == "Descrizione scritta da me")
    assert Organisation.objects.get(pk=org.pk).description == "Descrizione scritta da me"
