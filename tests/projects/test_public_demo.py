"""The late demo seeder: after the assessment demo, the 25 projects of 2018 that reached the lab
are published, the 12 funded ones with their grant; the blog's demo relates posts to them."""
from types import SimpleNamespace

import pytest

from assessment import demo as assessment_demo
from blog import demo as blog_demo
from calls import demo as calls_demo
from projects import demo as projects_demo
from projects import demo_public
from projects.models import ProposalStatus, PublicProject
from tsf.accounts import demo as accounts_demo


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_demo_publishes_the_25_incubated_projects_with_the_funded_grants(client):
    ctx = SimpleNamespace(users={}, accounts=[], data={}, stdout=None)
    for module in (accounts_demo, calls_demo, projects_demo, assessment_demo, demo_public, blog_demo):
        module.seed(ctx)
    public = PublicProject.objects.public().select_related("proposal")
    assert public.count() == 25
    funded = {item.proposal_id: item.grant_amount for item in ctx.data["funded_2018"]}
    assert len(funded) == 12
    for page in public:
        assert page.summary.strip()
        if page.proposal.status == ProposalStatus.FUNDED:
            assert page.public_grant_amount == funded[page.proposal_id]
        else:
            assert page.public_grant_amount is None
    assert PublicProject.objects.filter(featured=True).count() == 3
    assert any(page.proposal.blog_posts.exists() for page in public)
    # Idempotent.
    before = list(PublicProject.objects.order_by("pk").values_list("pk", "slug", "public_grant_amount"))
    demo_public.seed(ctx)
    assert list(PublicProject.objects.order_by("pk").values_list("pk", "slug", "public_grant_amount")) == before
    # The portfolio shows them; the map counts them all.
    response = client.get("/en/projects/portfolio/")
    assert response.context["page_obj"].paginator.count == 25
    assert sum(d.value for d in response.context["district_map"].districts) == 25


@pytest.mark.django_db
def test_demo_leaves_an_invitation_waiting_in_promoter2s_area(client):
    """promoter@ invited promoter2@ to the team: it waits in promoter2@'s "my area", once, however
    many times the demo is seeded."""
    ctx = SimpleNamespace(users={}, accounts=[], data={}, stdout=None)
    for module in (accounts_demo, calls_demo, projects_demo):
        module.seed(ctx)
    projects_demo.seed(ctx)
    org = ctx.data["organisations"][0]
    assert org.invitations.filter(email="promoter2@example.org", declined_at__isnull=True).count() == 1
    client.force_login(ctx.users["promoter2@example.org"])
    page = client.get("/en/my-area/").content.decode()
    assert "Invitations to join a team" in page and org.legal_name in page
