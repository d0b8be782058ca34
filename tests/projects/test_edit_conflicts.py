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


def _second(user):
    from django.test import Client

    other = Client()
    other.force_login(user)
    return other


def test_an_admissibility_check_recorded_over_a_newer_one_changes_nothing(client, staff_user, submitted, make_user):

    from projects.models import AdmissibilityCheck
    from projects.services import record_admissibility

    record_admissibility(submitted, by=staff_user, eligible_applicant=True, documents_complete=False,
                         budget_within_limits=True, submitted_on_time=True, outcome="not_admissible",
                         reason="Manca lo statuto.")
    colleague = make_user("collega@example.org", roles=["staff"], full_name="Carla Collega")
    client.force_login(staff_user)
    url = reverse("projects:staff_admissibility", args=[submitted.pk])
    assert_conflict_keeps_text(
        mine=client, theirs=_second(colleague), url=url, field="reason", who="Carla Collega",
        state=lambda: AdmissibilityCheck.objects.values().get(proposal=submitted),
        their_value="Manca lo statuto firmato dal legale rappresentante.", my_value="Statuto non firmato.")
    assert AdmissibilityCheck.objects.get(proposal=submitted).reason == "Statuto non firmato."


def test_a_public_page_saved_over_a_newer_version_changes_nothing(client, staff_user, make_user):
    from calls.reference import ensure_reference_data
    from projects.models import ProposalStatus, PublicProject
    from tests.calls.factories import CallFactory
    from tests.projects.test_public import lab_project

    ensure_reference_data()
    p = lab_project(CallFactory(year=2018), "Orti e lavoro", status=ProposalStatus.REVISED_SUBMITTED, page=False)
    colleague = make_user("collega@example.org", roles=["staff"], full_name="Carla Collega")
    client.force_login(staff_user)
    url = reverse("projects:staff_public_page", args=[p.pk])
    # Neither tab saw a page yet: the colleague's save creates it, this one must not overwrite it.
    assert_conflict_keeps_text(
        mine=client, theirs=_second(colleague), url=url, field="summary", who="Carla Collega",
        state=lambda: list(PublicProject.objects.filter(proposal=p).values()),
        their_value="Agricoltura sociale a Mirafiori Nord.", my_value="Orti condivisi e lavoro per giovani.")
    assert PublicProject.objects.get(proposal=p).summary == "Orti condivisi e lavoro per giovani."
