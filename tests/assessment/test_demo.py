from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db.models import Count

from assessment import demo, selectors
from assessment.models import AssessmentRound, Assignment, ConflictDeclaration, Decision, DecisionItem
from calls import demo as calls_demo
from projects import demo as projects_demo
from tests.assessment.test_kept_ranking import assert_kept_equals_computed
from tsf.accounts import demo as accounts_demo


@pytest.mark.django_db
def test_demo_runs_both_rounds_and_is_idempotent():
    ctx = SimpleNamespace(users={}, accounts=[], data={}, stdout=None)
    accounts_demo.seed(ctx)
    calls_demo.seed(ctx)
    projects_demo.seed(ctx)
    demo.seed(ctx)
    call = ctx.data["selection_round_2018"].call
    sel, fin = ctx.data["selection_round_2018"], ctx.data["final_round_2018"]
    assert sel.kind == AssessmentRound.Kind.SELECTION and fin.kind == AssessmentRound.Kind.FINAL
    assert fin.version_number == 2
    assert DecisionItem.objects.filter(decision__round=sel, outcome="admitted").count() == 25
    funded = list(selectors.funded_items(call))
    assert len(funded) == 12
    assert all(Decimal("50000") <= i.grant_amount <= Decimal("140000") for i in funded)
    assert sum(i.grant_amount for i in funded) <= call.total_budget
    assert all(i.proposal.status == "funded" for i in funded)
    # Every proposal of both rounds scored by at least two assessors, all submitted.
    for rnd in (sel, fin):
        per = Assignment.objects.filter(round=rnd).values("proposal").annotate(n=Count("pk"))
        assert min(r["n"] for r in per) >= 2
        assert not Assignment.objects.filter(round=rnd).exclude(status="submitted").exists()
        assert Decision.objects.get(round=rnd).published_at is not None
    assert all(p.versions.filter(number=2, frozen=True).exists() for p in ctx.data["admitted_2018"])
    assert ConflictDeclaration.objects.filter(has_conflict=True).exists()
    assert any(r.disputed for r in selectors.ranking(sel))
    for rnd in (sel, fin):  # the staff page's kept ranking: the demo's writes went through the services
        assert_kept_equals_computed(rnd)
    emails = set(Assignment.objects.values_list("assessor__email", flat=True))
    assert {"assessor@example.org", "assessor2@example.org"} <= emails and len(emails) >= 4
    counts = (Assignment.objects.count(), DecisionItem.objects.count(), ConflictDeclaration.objects.count())
    demo.seed(ctx)
    assert (Assignment.objects.count(), DecisionItem.objects.count(), ConflictDeclaration.objects.count()) == counts
    assert len(ctx.data["funded_2018"]) == 12
