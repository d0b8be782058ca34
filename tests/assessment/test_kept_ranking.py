"""The kept ranking (RankingEntry, written by the services as assessments change) equals the
ranking computed from the assessments (`selectors.ranking`), row by row and in the same order,
after a realistic sequence: automatic and manual assignment, conflicts, submissions, a reopened
assessment corrected, an assignment removed, the criteria's weights, the way of combining and the
threshold edited. On SQLite and PostgreSQL alike (the order is the database's there)."""
from decimal import Decimal

from django.core.management import call_command
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.test.utils import CaptureQueriesContext

from assessment import selectors, services
from assessment.forms import CriterionFormSet, RoundForm
from assessment.models import AssessmentRound, Assignment, Criterion, RankingEntry
from projects.models import Proposal
from tests.assessment.factories import close, make_proposal
from tests.factories import SERVICE_ACT, office
from tsf.core.versioning import REVISION_FIELD


def _shown(row):
    return (row.rank, row.proposal.pk, row.proposal.protocol_number, row.title, row.proposal.organisation.legal_name,
            row.combined, row.top_criterion, row.spread, row.disputed, row.assigned, row.submitted,
            [(aid, u.full_name, u.email, t) for aid, u, t in row.totals], row.outcome, row.outcome_label,
            row.grant_amount)


def _kept(rnd, per_page):
    """Every page of the staff page's ranking (from the kept rows), and its disputed count."""
    rows, number = [], 1
    while True:
        page, disputed = selectors.ranking_page(rnd, number, per_page=per_page)
        rows += page.object_list
        if not page.has_next():
            return rows, disputed
        number += 1


def _fields(instance):
    return {name: value for name, value in vars(instance).items() if name != "_state"}


def assert_round_as_select_related_reads_it(pk):
    """`round_for_ranking` (made from a row made once per process) gives the round, its call and its
    decision (or none, known without a query) as the ORM's select_related gives them."""
    top = Criterion.objects.filter(round=OuterRef("pk")).order_by("-weight", "order", "pk")
    expected = (AssessmentRound.objects.select_related("call", "decision")
                .annotate(top_criterion_name=Subquery(top.values("name")[:1])).get(pk=pk))
    got = selectors.round_for_ranking(pk)
    assert _fields(got) == _fields(expected) and _fields(got.call) == _fields(expected.call)
    assert not got._state.adding and got._state.db == "default" and got.call_id == expected.call_id
    with CaptureQueriesContext(connection) as queries:
        decision = selectors.decision_of(got)
        assert got.title == expected.title and got.call.title == expected.call.title
    assert len(queries) == 0
    if decision is None:
        assert selectors.decision_of(expected) is None
    else:
        assert _fields(decision) == _fields(expected.decision) and decision.round is got
    return got


def assert_kept_equals_computed(rnd):
    rnd = assert_round_as_select_related_reads_it(rnd.pk)
    computed = selectors.ranking(rnd, instances=False)
    for per_page in (3, 50):
        kept, disputed = _kept(rnd, per_page)
        assert [_shown(r) for r in kept] == [_shown(r) for r in computed]
        assert disputed == sum(1 for r in computed if r.disputed)
    return computed


def _score(a, points, *, by):
    criteria = list(a.round.criteria.order_by("order", "pk"))
    services.save_draft(a, by=by, scores={c.pk: (Decimal(str(p)), "") for c, p in zip(criteria, points, strict=True)},
                        strengths="Radicata nel quartiere.", weaknesses="Budget fragile.")
    return services.submit_assessment(a, by=by)


def _declare(a, *, conflict=False):
    return services.declare_conflict(a, has_conflict=conflict, reason="Ho lavorato per l'ente." if conflict else "",
                                     by=a.assessor)


def _round_form(rnd, **changes):
    """The round's settings form as the staff page posts it, with `changes`."""
    form = RoundForm(instance=rnd, call=rnd.call)
    data = {name: form[name].value() for name in form.fields if name != REVISION_FIELD}
    data.update(changes)
    bound = RoundForm(data, instance=rnd, call=rnd.call)
    assert bound.is_valid(), bound.errors
    return bound


def _criteria_formset(rnd, weights):
    """The criteria formset as the staff page posts it, with new weights."""
    shown = CriterionFormSet(instance=rnd, prefix="criteria")
    data = {"criteria-TOTAL_FORMS": len(shown.initial_forms), "criteria-INITIAL_FORMS": len(shown.initial_forms)}
    for i, form in enumerate(shown.initial_forms):
        for name in form.fields:
            value = form[name].value()
            if value is not None:
                data[f"criteria-{i}-{name}"] = value
        data[f"criteria-{i}-weight"] = weights[i]
    bound = CriterionFormSet(data, instance=rnd, prefix="criteria")
    assert bound.is_valid(), bound.errors
    return bound


def test_kept_ranking_follows_every_change(rnd, assessors, make_user):
    staff = office()
    fourth = make_user("valutatore4@example.org", roles=["assessor"], full_name="Valutatore 4")
    services.set_committee(rnd, [*assessors, fourth], by=staff)
    ps = [make_proposal(rnd.call) for _ in range(9)]
    Proposal.objects.filter(pk=ps[8].pk).update(protocol_seq=None)  # (no protocol order: before the others)

    # Weights changed before scoring (the highest-weighted criterion is now "Team").
    services.save_criteria(rnd, _criteria_formset(rnd, ["2.00", "1.00", "3.00"]), by=staff)
    services.auto_assign(rnd, per_proposal=2, by=staff)
    assert RankingEntry.objects.filter(round=rnd).count() == 9
    waiting = make_proposal(rnd.call)  # admissible, not assigned: last, in protocol order
    make_proposal(rnd.call, status="submitted")  # not admissible, not assigned: not in the round
    assert_kept_equals_computed(rnd)

    mine = {p.pk: list(Assignment.objects.filter(round=rnd, proposal=p).order_by("pk")) for p in ps}
    # One assessor declares a conflict: the assignment goes; staff give the proposal to another.
    conflicted = mine[ps[0].pk][0]
    _declare(conflicted, conflict=True)
    taken = {a.assessor_id for a in Assignment.objects.filter(proposal=ps[0])}
    free = next(u for u in [*assessors, fourth] if u.pk not in taken and u.pk != conflicted.assessor_id)
    mine[ps[0].pk] = [*Assignment.objects.filter(proposal=ps[0]), services.assign(rnd, ps[0], free, by=staff)]
    assert_kept_equals_computed(rnd)

    # Scores with ties: ps[1..4] and ps[8] all total 30 (weights 2, 1, 3); they tie on "Team" two by two.
    points = {1: ([5, 5, 5], [5, 5, 5]), 2: ([5, 5, 5], [5, 5, 5]), 3: ([3, 0, 8], [9, 0, 4]), 4: ([6, 0, 6], [6, 0, 6]),
              5: ([10, 10, 10], [1, 1, 1]),  # disputed: 60 against 6
              6: ([7, 3, 2], [2, 7, 4]), 8: ([5, 5, 5], [5, 5, 5]), 0: ([8, 8, 8], [2, 9, 1])}
    for i, (first, second) in points.items():
        for a, p in zip(mine[ps[i].pk], (first, second), strict=True):
            _declare(a)
            _score(a, p, by=a.assessor)
    _declare(mine[ps[7].pk][0])
    _score(mine[ps[7].pk][0], [4, 4, 4], by=mine[ps[7].pk][0].assessor)  # one of two submitted
    computed = assert_kept_equals_computed(rnd)
    assert computed[-1].proposal.pk == waiting.pk and computed[-1].combined is None
    assert sum(1 for r in computed if r.disputed) == 2  # ps[5]; ps[0] too: 48 against 16

    # A submitted assessment reopened (it stops counting), then corrected and submitted again.
    reopened = mine[ps[6].pk][1]
    services.reopen_assessment(reopened, by=staff, reason="Punteggio del criterio 2 da rivedere.")
    assert_kept_equals_computed(rnd)
    _score(Assignment.objects.get(pk=reopened.pk), [2, 9, 6], by=reopened.assessor)
    assert_kept_equals_computed(rnd)

    # A draft assignment removed; a new one added by hand.
    services.unassign(mine[ps[7].pk][1], by=staff)
    assert_kept_equals_computed(rnd)
    services.assign(rnd, waiting, fourth, by=staff)
    assert_kept_equals_computed(rnd)

    # The way of combining and the threshold: the whole round again.
    services.save_round(_round_form(rnd, combine="median", disagreement_threshold="5.00"), by=staff)
    rnd.refresh_from_db()
    computed = assert_kept_equals_computed(rnd)
    assert sum(1 for r in computed if r.disputed) > 1
    services.save_round(_round_form(rnd, combine="mean", disagreement_threshold="20.00"), by=staff)
    rnd.refresh_from_db()
    assert_kept_equals_computed(rnd)

    # Rebuilt from nothing (the command), the same rows; decided, with the outcomes.
    RankingEntry.objects.filter(round=rnd).delete()
    call_command("rebuild_rankings", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert_kept_equals_computed(rnd)
    for a in Assignment.objects.filter(round=rnd).exclude(status=Assignment.Status.SUBMITTED):
        if services.declaration_for(a) is None:
            _declare(a)
        _score(a, [6, 6, 6], by=a.assessor)
    rnd = close(rnd)
    rows = selectors.ranking(rnd)
    services.apply_decision(rnd, by=staff, outcomes=services.proposed_outcomes(rnd, rows),
                            override_reason="Decisione con valutazioni mancanti.", **SERVICE_ACT)
    computed = assert_kept_equals_computed(rnd)
    assert {r.outcome for r in computed} == {"admitted", "not_selected"}


def test_page_numbers_as_the_paginator_reads_them(rnd, assessors):
    """A page number that is not one gives the first page; one out of range the last, as
    `Paginator.get_page` does; the ranks go on from page to page."""
    for i in range(5):
        p = make_proposal(rnd.call)
        services.assign(rnd, p, assessors[i % 3], by=office())
    rnd = selectors.round_for_ranking(rnd.pk)
    computed = [r.proposal.pk for r in selectors.ranking(rnd, instances=False)]
    for number, expected in (("abc", 1), (None, 1), ("2", 2), ("3", 3), ("4", 3), ("0", 3), ("-1", 3),
                             (str(10**20), 3)):
        page, disputed = selectors.ranking_page(rnd, number, per_page=2)
        assert page.number == expected and page.paginator.num_pages == 3 and disputed == 0
        assert [r.proposal.pk for r in page.object_list] == computed[(expected - 1) * 2:expected * 2]
        assert [r.rank for r in page.object_list] == list(range(expected * 2 - 1, expected * 2 + 1))[:len(page.object_list)]
    empty = selectors.round_for_ranking(type(rnd).objects.create(
        call=make_proposal(rnd.call).call, kind="final", title="Finale", opens_at=rnd.opens_at,
        closes_at=rnd.closes_at).pk)
    page, disputed = selectors.ranking_page(empty, "1")
    assert list(page.object_list) == [] and page.paginator.count == 0 and disputed == 0
    assert selectors.round_for_ranking(empty.pk + 1000) is None and selectors.round_for_ranking(10**30) is None


def test_the_admin_keeps_the_ranking_too(rnd, assessors, rf):
    """The Django admin goes around the services: deleting assignments or saving a round's criteria
    there refreshes the kept ranking as well."""
    from django.contrib import admin

    from assessment.admin import AssessmentRoundAdmin, AssignmentAdmin
    from assessment.models import AssessmentRound

    ps = [make_proposal(rnd.call) for _ in range(3)]
    for p in ps:
        for u in assessors[:2]:
            a = services.assign(rnd, p, u, by=office())
            _declare(a)
            _score(a, [4, 5, 6] if u == assessors[0] else [7, 2, 1], by=u)
    assignments = AssignmentAdmin(Assignment, admin.site)
    assignments.delete_queryset(rf.get("/"), Assignment.objects.filter(proposal=ps[0], assessor=assessors[0]))
    assignments.delete_model(rf.get("/"), Assignment.objects.get(proposal=ps[1], assessor=assessors[1]))
    assert_kept_equals_computed(rnd)
    rounds = AssessmentRoundAdmin(AssessmentRound, admin.site)
    rnd.criteria.filter(order=2).update(weight=Decimal("9.00"))  # what the criteria inline writes
    form = _round_form(rnd, combine="median")
    form.save(commit=False).save()  # what the admin's save_form and save_model do
    rounds.save_related(rf.get("/"), form, [], True)
    assert_kept_equals_computed(rnd)
