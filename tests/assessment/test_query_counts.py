"""List pages run the same number of queries with few and with many rows."""
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import selectors, services
from assessment.models import Assignment, Decision
from tests.assessment.factories import (
    RoundFactory,
    add_committee,
    assign_cleared,
    close,
    make_criteria,
    make_proposal,
)
from tests.assessment.factories import submit_scores as write_scores
from tests.factories import SERVICE_ACT, office


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _round_with(n, assessors, *, scored=False):
    rnd = RoundFactory(quota=max(1, n // 2))
    make_criteria(rnd)
    add_committee(rnd, assessors)
    for _ in range(n):
        p = make_proposal(rnd.call)
        for u in assessors[:2]:
            a = assign_cleared(rnd, p, u)
            if scored:
                write_scores(a, [5, 5, 5])
    return rnd


def test_assignments_page_flat(client, staff_user, assessors):
    client.force_login(staff_user)
    few, many = _round_with(2, assessors), _round_with(40, assessors)
    assert _count(client, reverse("assessment:assignments", kwargs={"pk": few.pk})) == _count(
        client, reverse("assessment:assignments", kwargs={"pk": many.pk}))


def test_my_assignments_page_flat(client, assessors, make_user):
    lonely = make_user(roles=["assessor"])
    busy = make_user(roles=["assessor"])
    small = _round_with(0, assessors)
    add_committee(small, [lonely, busy])
    for i in range(30):
        p = make_proposal(small.call)
        assign_cleared(small, p, busy) if i % 2 else services.assign(small, p, busy, by=office())
        if i < 2:
            assign_cleared(small, p, lonely)
    client.force_login(lonely)
    few = _count(client, reverse("assessment:mine"))
    client.force_login(busy)
    assert _count(client, reverse("assessment:mine")) == few
    assert Assignment.objects.filter(assessor=busy).count() == 30


def test_public_ranking_and_rounds_pages_flat(client, staff_user, assessors):
    counts = []
    for n in (2, 30):
        rnd = close(_round_with(n, assessors, scored=True))
        services.apply_decision(rnd, by=staff_user, outcomes=services.proposed_outcomes(rnd, selectors.ranking(rnd)), **SERVICE_ACT)
        services.publish_ranking(Decision.objects.get(round=rnd), by=staff_user)
        client.logout()
        public = _count(client, reverse("assessment:public_ranking", kwargs={"call_pk": rnd.call_id}))
        client.force_login(staff_user)
        rounds = _count(client, reverse("assessment:call_rounds", kwargs={"call_pk": rnd.call_id}))
        minutes = _count(client, reverse("assessment:minutes", kwargs={"pk": rnd.pk}))
        counts.append((public, rounds, minutes))
    assert counts[0] == counts[1]
    assert Decimal(Decision.objects.last().ranking[0]["combined"]) == Decimal("30.00")
