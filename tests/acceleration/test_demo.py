"""The acceleration demo on top of the whole 2018 pipeline: the camp with 12 pitches and expert
feedback, help-desk threads, 13 improvement plans, 15 opportunities; each of the 25 incubated
teams has a next step; running it twice changes nothing."""
import importlib
import io
from types import SimpleNamespace

import pytest

from acceleration import selectors
from acceleration.models import (
    Camp,
    CampRegistration,
    FundingOpportunity,
    HelpRequest,
    ImprovementAction,
    Pitch,
    PitchFeedback,
    SupportSlot,
)
from projects.models import Proposal, ProposalStatus

pytestmark = pytest.mark.django_db

PIPELINE = ["tsf.accounts.demo", "calls.demo", "projects.demo", "assessment.demo", "incubation.demo", "grants.demo",
            "acceleration.demo"]


def run_pipeline():
    ctx = SimpleNamespace(users={}, accounts=[], stdout=io.StringIO(), style=None, data={})
    for name in PIPELINE:
        importlib.import_module(name).seed(ctx)
    return ctx


def counts():
    return [m.objects.count() for m in (Camp, Pitch, CampRegistration, PitchFeedback, HelpRequest, SupportSlot,
                                        ImprovementAction, FundingOpportunity)]


def test_demo_gives_every_incubated_team_a_next_step():
    ctx = run_pipeline()
    camp = Camp.objects.get()
    assert camp.date.year == 2018 and camp.date.month in (9, 10, 11) and "Torino" in camp.address
    funded = Proposal.objects.filter(call=ctx.data["call_2018"], status=ProposalStatus.FUNDED)
    not_funded = Proposal.objects.filter(call=ctx.data["call_2018"], status=ProposalStatus.NOT_FUNDED)
    assert funded.count() == 12 and not_funded.count() == 13
    assert set(Pitch.objects.values_list("proposal_id", flat=True)) == set(funded.values_list("pk", flat=True))
    mentor = ctx.users["mentor@example.org"]
    assert PitchFeedback.objects.filter(author=mentor).count() == 12
    assert PitchFeedback.objects.values("author").distinct().count() >= 4
    assert all(f.registration.status == "approved" for f in PitchFeedback.objects.select_related("registration"))
    assert HelpRequest.objects.count() >= 5 and HelpRequest.objects.filter(status="open").exists()
    assert 14 <= FundingOpportunity.objects.filter(is_published=True).count() <= 16
    funders = " ".join(FundingOpportunity.objects.values_list("funder", flat=True))
    for name in ("Compagnia di San Paolo", "Fondazione CRT", "Regione Piemonte", "Commissione europea"):
        assert name in funders
    for p in not_funded:
        assert p.improvement_actions.count() >= 3, p
        assert selectors.improvement_data(p) is not None, p
        assert list(selectors.opportunities_for(p)), p
    before = counts()
    importlib.import_module("acceleration.demo").seed(ctx)
    assert counts() == before
