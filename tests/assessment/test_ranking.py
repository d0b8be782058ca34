"""Weighted totals and combined scores from the database, with Decimal; ties broken as stated."""
from decimal import Decimal

from assessment import selectors
from assessment.models import AssessmentRound, Assignment
from tests.assessment.factories import assign_cleared, make_proposal, submit_scores


def test_weighted_total_is_sum_of_points_times_weight(rnd, assessors):
    p = make_proposal(rnd.call)
    a = submit_scores(assign_cleared(rnd, p, assessors[0]), ["7.5", "6", "9"])
    totals = selectors.assignment_totals(rnd)
    # 7.5*3 + 6*2 + 9*1 = 22.5 + 12 + 9 = 43.5
    assert totals[a.pk] == Decimal("43.50")
    assert isinstance(totals[a.pk], Decimal)


def test_mean_and_median_combine_with_decimal(rnd, assessors):
    p = make_proposal(rnd.call)
    submit_scores(assign_cleared(rnd, p, assessors[0]), [10, 10, 10])  # 60
    submit_scores(assign_cleared(rnd, p, assessors[1]), [5, 5, 5])  # 30
    submit_scores(assign_cleared(rnd, p, assessors[2]), ["3.3", 0, 0])  # 9.9
    [row] = selectors.ranking(rnd)
    assert row.combined == Decimal("33.30")  # (60 + 30 + 9.9) / 3
    assert row.spread == Decimal("50.10")
    assert row.disputed  # threshold 20
    rnd.combine = AssessmentRound.Combine.MEDIAN
    rnd.save()
    [row] = selectors.ranking(rnd)
    assert row.combined == Decimal("30.00")


def test_means_of_whole_points_keep_their_cents(rnd, assessors):
    """Whole points and weights: 15 and 16 make 15.50, not 15 (SQLite divides integers as integers)."""
    p = make_proposal(rnd.call)
    submit_scores(assign_cleared(rnd, p, assessors[0]), [5, 0, 0])  # 15
    submit_scores(assign_cleared(rnd, p, assessors[1]), [5, 0, 1])  # 16
    submit_scores(assign_cleared(rnd, p, assessors[2]), [6, 0, 0])  # 18
    [row] = selectors.ranking(rnd)
    assert row.combined == Decimal("16.33")  # 49 / 3
    assert row.top_criterion == Decimal("5.33")  # (5 + 5 + 6) / 3
    submit_scores(Assignment.objects.get(proposal=p, assessor=assessors[2]), [5, 0, 3])  # 18, top 5
    [row] = selectors.ranking(rnd)
    assert row.combined == Decimal("16.33") and row.top_criterion == Decimal("5.00")
    q = make_proposal(rnd.call)
    submit_scores(assign_cleared(rnd, q, assessors[0]), [5, 0, 0])  # 15
    submit_scores(assign_cleared(rnd, q, assessors[1]), [6, 0, 0])  # 18
    row_q = next(r for r in selectors.ranking(rnd) if r.proposal == q)
    assert row_q.combined == Decimal("16.50") and row_q.top_criterion == Decimal("5.50")


def test_median_of_an_even_number_is_the_mean_of_the_middle_two(rnd, assessors):
    rnd.combine = AssessmentRound.Combine.MEDIAN
    rnd.save()
    p = make_proposal(rnd.call)
    submit_scores(assign_cleared(rnd, p, assessors[0]), [1, 0, 0])  # 3
    submit_scores(assign_cleared(rnd, p, assessors[1]), [0, 0, 1])  # 1
    [row] = selectors.ranking(rnd)
    assert row.combined == Decimal("2.00")
    assert not row.disputed


def test_drafts_do_not_count(rnd, assessors):
    p = make_proposal(rnd.call)
    submit_scores(assign_cleared(rnd, p, assessors[0]), [10, 10, 10])
    draft = assign_cleared(rnd, p, assessors[1])
    submit_scores(draft, [0, 0, 0])
    draft.status = "draft"
    draft.save()
    [row] = selectors.ranking(rnd)
    assert row.combined == Decimal("60.00")
    assert (row.submitted, row.assigned) == (1, 2)


def test_ties_broken_by_top_criterion_then_protocol(rnd, assessors):
    # All three total 30: a and b tie on everything but the top criterion; c and d tie on all.
    a = make_proposal(rnd.call, seq=101, title="A")  # top criterion 4 -> 4*3 + 9*2 + 0 = 30
    b = make_proposal(rnd.call, seq=102, title="B")  # top criterion 6 -> 18 + 6 + 6 = 30
    c = make_proposal(rnd.call, seq=104, title="C")
    d = make_proposal(rnd.call, seq=103, title="D")
    make_proposal(rnd.call, seq=105, title="E")  # never scored: last
    submit_scores(assign_cleared(rnd, a, assessors[0]), [4, 9, 0])
    submit_scores(assign_cleared(rnd, b, assessors[0]), [6, 3, 6])
    submit_scores(assign_cleared(rnd, c, assessors[0]), [2, 2, 20 - 10])  # 6 + 4 + 10 = 20
    submit_scores(assign_cleared(rnd, d, assessors[0]), [2, 2, 10])
    rows = selectors.ranking(rnd)
    assert [r.title for r in rows] == ["B", "A", "D", "C", "E"]
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5]
    assert rows[-1].combined is None
