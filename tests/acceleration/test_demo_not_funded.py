"""The demo's account of a team that was not funded: nonfunded@example.org, printed with the other
demo accounts, finds its team's improvement page from "my area", in Italian and in English."""
import re

import pytest
from django.urls import reverse
from django.utils import translation

from projects.models import ProposalStatus
from tests.acceleration.test_demo import run_pipeline
from tsf.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_not_funded_team_sees_its_improvement_page(client):
    ctx = run_pipeline()
    printed = {email: roles for email, roles, _secret in ctx.accounts}
    assert "nonfunded@example.org" in printed
    user = ctx.users["nonfunded@example.org"]
    assert user.check_password(DEMO_PASSWORD) and not user.has_role("staff", "assessor")
    proposal = user.memberships.get().organisation.proposals.get(call=ctx.data["call_2018"])
    assert proposal.status == ProposalStatus.NOT_FUNDED
    assert proposal.organisation.legal_name in printed["nonfunded@example.org"]

    assert client.login(email="nonfunded@example.org", password=DEMO_PASSWORD)
    for language in ("it", "en"):
        with translation.override(language):
            my_area = client.get(reverse("accounts:my_area"))
            expected = reverse("acceleration:improvement", kwargs={"pk": proposal.pk})
        assert my_area.status_code == 200
        links = re.findall(r'href="([^"]*)"', my_area.content.decode())
        assert expected in links, language
        page = client.get(expected)
        assert page.status_code == 200
        body = page.content.decode()
        assert proposal.current_version.title in body
        assert 'data-testid="weakness"' in body  # what the assessment found weak
