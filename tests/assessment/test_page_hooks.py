"""The published rankings reach the public call page; a team finds its outcome from its proposal."""
import pytest
from django.urls import reverse

from assessment import services
from assessment.models import Decision
from tests.assessment.test_views import decided  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_call_page_links_the_rankings_only_once_published(client, decided, staff_user):  # noqa: F811
    rnd, _ps, _promoter = decided
    call = rnd.call
    call.is_published = True
    call.save()
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Read the published rankings" not in page
    services.publish_ranking(Decision.objects.get(round=rnd), by=staff_user)
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Read the published rankings" in page
    assert reverse("assessment:public_ranking", kwargs={"call_pk": call.pk}) in page


def test_proposal_page_links_the_outcome_for_the_team_only(client, decided, make_user):  # noqa: F811
    _rnd, ps, promoter = decided
    client.force_login(promoter)
    page = client.get(ps[0].get_absolute_url()).content.decode()
    assert reverse("assessment:outcome", kwargs={"proposal_pk": ps[0].pk}) in page
    client.force_login(make_user(roles=["promoter"]))
    assert client.get(ps[0].get_absolute_url()).status_code in (403, 404)
