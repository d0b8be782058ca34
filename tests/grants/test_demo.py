"""The grants' demo data: 12 grants of 2018 from the final decision, in the stories the demo
promises, and running it twice changes nothing."""
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest

from assessment.models import DecisionItem
from grants import demo, giving
from grants.models import Expense, Grant, GrantStatus, Report, ReportStatus, Tranche, TrancheStatus
from projects.models import Proposal, ProposalStatus
from tests.grants.factories import final_decision

pytestmark = pytest.mark.django_db

AMOUNTS = ["138500.00", "120000.00", "97500.00", "140000.00", "85000.00", "110000.00", "64800.00", "132000.00",
           "50000.00", "75250.00", "126400.00", "99000.00"]


@pytest.fixture
def ctx():
    from calls import demo as calls_demo
    from projects import demo as projects_demo
    from tsf.accounts import demo as accounts_demo

    c = SimpleNamespace(users={}, accounts=[], stdout=io.StringIO(), style=None, data={})
    accounts_demo.seed(c)
    calls_demo.seed(c)
    projects_demo.seed(c)
    return c


def fund_twelve(ctx):
    """What the assessment and incubation seeders will have done: 12 revised and funded proposals."""
    staff = ctx.users["staff@example.org"]
    call = ctx.data["call_2018"]
    decision = final_decision(call, decided_by=staff)
    for rank, (proposal, amount) in enumerate(zip(ctx.data["proposals_2018"][:12], AMOUNTS, strict=True), 1):
        v1 = proposal.versions.get(number=1)
        if not proposal.versions.filter(number=2).exists():
            v1.copy_as_next()
        Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.FUNDED)
        DecisionItem.objects.get_or_create(decision=decision, proposal=proposal, defaults={
            "outcome": "funded", "rank": rank, "grant_amount": Decimal(amount)})


def test_demo_makes_the_twelve_grants_once(ctx):
    demo.seed(ctx)  # nothing funded yet: nothing made, no error
    assert Grant.objects.count() == 0
    fund_twelve(ctx)
    demo.seed(ctx)
    counts = (Grant.objects.count(), Report.objects.count(), Tranche.objects.count(), Expense.objects.count())
    demo.seed(ctx)
    assert (Grant.objects.count(), Report.objects.count(), Tranche.objects.count(),
            Expense.objects.count()) == counts
    assert counts[0] == 12
    amounts = sorted(g.amount for g in Grant.objects.all())
    assert amounts[0] >= Decimal("50000") and amounts[-1] <= Decimal("140000")
    assert Grant.objects.filter(status=GrantStatus.CLOSED).count() == 8
    assert Report.objects.filter(status=ReportStatus.APPROVED).count() > 30
    assert Report.objects.filter(status=ReportStatus.CHANGES_REQUESTED).count() == 1
    assert Report.objects.filter(status=ReportStatus.SUBMITTED).count() == 1
    assert Report.objects.filter(status=ReportStatus.DUE).count() == 1  # the overdue one
    assert Tranche.objects.filter(status=TrancheStatus.PAYABLE).count() == 1
    for g in Grant.objects.all():
        assert sum(t.amount for t in g.tranches.all()) == g.amount
        assert g.agreement and g.signed_on
        version = g.proposal.versions.order_by("-number").first()  # the portfolio counts it where its version is
        assert (g.district_id, set(g.themes.all())) == (version.district_id, set(version.themes.all()))
    assert giving.errors_of(giving.package(Grant.objects.all())) == []
