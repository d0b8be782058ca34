"""Reads for the assessment pages, the grants app and the reminder job.

For the grants app (stage 7), the single entry point is `funded_items(call)`:

    from assessment.selectors import funded_items

    for item in funded_items(call):
        item.proposal               # projects.Proposal (status "funded"), organisation joined
        item.proposal.organisation  # already loaded
        item.grant_amount           # Decimal, EUR: the grant the committee proposed (<= call.max_grant)
        item.rank                   # position in the final ranking
        item.combined_score         # Decimal or None
        item.decision.decided_at    # when the committee decided

Only the decision of the call's *final* round counts; the items come in ranking order.
"""
import datetime
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.encoding import force_str

from projects.models import Organisation, Proposal, ProposalVersion
from projects.selectors import member_proposals
from tsf.core.statements import Statement, columns, instances

from .models import (
    AssessmentRound,
    Assignment,
    CommitteeMember,
    ConflictDeclaration,
    Criterion,
    Decision,
    DecisionItem,
    Score,
)

TWO = Decimal("0.01")


def funded_items(call):
    """The funded DecisionItems of the call's final round, in ranking order, with their proposal
    and organisation joined and `grant_amount` (Decimal, EUR). Empty until the final decision."""
    return (
        DecisionItem.objects.filter(
            decision__round__call=call, decision__round__kind=AssessmentRound.Kind.FINAL,
            outcome=DecisionItem.Outcome.FUNDED,
        )
        .select_related("proposal", "proposal__organisation", "proposal__call", "decision", "decision__round")
        .order_by("rank")
    )


def rounds_of(call):
    return (
        AssessmentRound.objects.filter(call=call)
        .select_related("call", "decision")
        .annotate(
            criteria_count=Count("criteria", distinct=True),
            committee_count=Count("committee", distinct=True),
            assignments_count=Count("assignments", distinct=True),
            submitted_count=Count("assignments", filter=Q(assignments__status=Assignment.Status.SUBMITTED),
                                  distinct=True),
        )
        .order_by("opens_at", "pk")
    )


def round_detail(pk):
    return (
        AssessmentRound.objects.select_related("call", "decision", "decision__decided_by")
        .prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk")),
            Prefetch("committee", queryset=CommitteeMember.objects.select_related("assessor")),
        )
        .filter(pk=pk)
        .first()
    )


def _round_for_ranking(pk):
    top = Criterion.objects.filter(round=OuterRef("pk")).order_by("-weight", "order", "pk")
    return (
        AssessmentRound.objects.rewrite(False)
        .annotate(top_criterion_name=Subquery(top.values("name")[:1]))
        .filter(pk=pk)
        .values_list(*_ROUND_COLUMNS, *(f"call__{name}" for name in _CALL_COLUMNS),
                     *(f"decision__{name}" for name in _DECISION_COLUMNS), "top_criterion_name")
    )


# every column of the round, its call and its decision, as select_related reads them
_CALL_MODEL = AssessmentRound._meta.get_field("call").related_model
_ROUND_COLUMNS = columns(AssessmentRound)
_CALL_COLUMNS = columns(_CALL_MODEL)
_DECISION_COLUMNS = columns(Decision)
# the ranking page's round, its SQL made once per process, with a round id no request has
_ROUND_FOR_RANKING = Statement(_round_for_ranking, pk=-7_000_000_107)


def round_for_ranking(pk):
    """A round with what its ranking page reads beside the ranking, in one query: the call, the
    decision and, as `top_criterion_name`, the name of the criterion with the highest weight (the
    tie-break rule); not the committee (`round_detail`). The instances are made from the row as
    `select_related("call", "decision")` makes them (Model.from_db), the SQL made once per process."""
    if not -2**63 <= int(pk) < 2**63:
        return None
    found = _ROUND_FOR_RANKING.rows(pk=int(pk))
    if not found:
        return None
    values = found[0]
    rnd, rnd.call, decision = instances(values, (AssessmentRound, _ROUND_COLUMNS), (_CALL_MODEL, _CALL_COLUMNS),
                                        (Decision, _DECISION_COLUMNS))
    if decision.pk is None:  # no decision: known, as select_related knows it
        AssessmentRound.decision.related.set_cached_value(rnd, None)
    else:
        rnd.decision = decision
    rnd.top_criterion_name = values[-1]
    return rnd


def version_prefetch(number):
    """The version a round assesses, with the columns its lists show (title, requested grant)."""
    return Prefetch("versions", queryset=ProposalVersion.objects.filter(number=number).only(
        "pk", "proposal_id", "number", "title", "requested_grant"), to_attr="round_versions")


def round_proposals(rnd):
    """The proposals a round assesses: those in its entry status, and every one already assigned
    (their status moves on after the decision)."""
    assigned = Assignment.objects.filter(round=rnd, proposal=OuterRef("pk"))
    return (
        Proposal.objects.filter(call_id=rnd.call_id)
        .filter(Q(status__in=rnd.entry_statuses()) | Exists(assigned))
        .select_related("organisation")
        .prefetch_related(version_prefetch(rnd.version_number))
        .order_by("protocol_seq", "pk")
    )


def version_title(proposal):
    versions = getattr(proposal, "round_versions", None)
    if versions:
        return versions[0].title
    return proposal.title


def weighted_total_expression():
    return ExpressionWrapper(F("value") * F("criterion__weight"),
                             output_field=DecimalField(max_digits=14, decimal_places=4))


def assignment_totals(rnd, *, submitted_only=True):
    """{assignment_id: Decimal} weighted total of each assessment (sum of points x weight),
    computed by the database in one query."""
    qs = Score.objects.filter(assignment__round=rnd, value__isnull=False)
    if submitted_only:
        qs = qs.filter(assignment__status=Assignment.Status.SUBMITTED)
    rows = qs.values("assignment_id").annotate(total=Sum(weighted_total_expression())).values_list(
        "assignment_id", "total")
    return {aid: (total or Decimal(0)).quantize(TWO, ROUND_HALF_UP) for aid, total in rows}


def mean_of(total, n):
    """total / n to the cent (half up), with Decimal: the same on SQLite and PostgreSQL."""
    return (Decimal(total) / n).quantize(TWO, ROUND_HALF_UP)


def median(values):
    values = sorted(values)
    n = len(values)
    if not n:
        return None
    mid = n // 2
    if n % 2:
        return values[mid]
    return (values[mid - 1] + values[mid]) / 2


@dataclass
class RankedProposal:
    """The columns of a proposal a ranking page shows, read with values() (no model instance).
    `protocol_number` and the organisation's name are read for the rows shown (`fill_columns`)."""
    pk: int
    protocol_seq: int | None
    protocol_number: str = ""
    organisation_name: str = ""

    @property
    def organisation(self):
        return SimpleNamespace(legal_name=self.organisation_name)


@dataclass
class Figures:
    """A proposal's figures in a round, from its assessments (`figures`)."""
    totals: list = field(default_factory=list)  # [(assignment_id, Assessor, Decimal)] of the submitted ones
    combined: Decimal | None = None
    top_criterion: Decimal | None = None
    spread: Decimal | None = None
    disputed: bool = False
    assigned: int = 0
    submitted: int = 0


@dataclass(kw_only=True)
class RankingRow(Figures):
    """A row of the ranking: the proposal, its title and the page's columns beside its figures."""
    proposal: "Proposal | RankedProposal"
    title: str
    rank: int = 0
    outcome: str = ""
    outcome_label: str = ""
    grant_amount: Decimal | None = None
    requested_grant: Decimal | None = None

    def as_json(self):
        return {
            "rank": self.rank, "proposal_id": self.proposal.pk, "protocol": self.proposal.protocol_number,
            "title": self.title, "organisation": self.proposal.organisation.legal_name,
            "combined": str(self.combined) if self.combined is not None else None,
            "totals": [str(t) for _a, _u, t in self.totals],
            "spread": str(self.spread) if self.spread is not None else None, "disputed": self.disputed,
            "top_criterion": str(self.top_criterion) if self.top_criterion is not None else None,
            "outcome": self.outcome,
            "grant_amount": str(self.grant_amount) if self.grant_amount is not None else None,
        }


def top_criterion(rnd):
    """The criterion with the highest weight (ties: the first in order): the second key of the
    tie-break rule. From the round's prefetched criteria when there are (round_detail)."""
    prefetched = getattr(rnd, "_prefetched_objects_cache", {}).get("criteria")
    if prefetched is not None:
        return min(prefetched, key=lambda c: (-c.weight, c.order, c.pk), default=None)
    return Criterion.objects.filter(round=rnd).order_by("-weight", "order", "pk").first()


def decision_of(rnd):
    """The round's decision or None, from round_detail's select_related when it is there."""
    if AssessmentRound.decision.is_cached(rnd):
        try:
            return rnd.decision
        except Decision.DoesNotExist:
            return None
    return Decision.objects.filter(round=rnd).first()


Assessor = namedtuple("Assessor", "full_name email")


def figures(rnd, crit, *, proposal_ids=None):
    """{proposal_id: Figures} of the round's proposals that have an assessment (of `proposal_ids`
    only, when given), in two queries:

    - weighted total of each submitted assessment = sum(points x weight), by the database;
    - combined score = mean or median of the proposal's submitted totals (the round's `combine`);
    - top_criterion = mean points of its submitted assessments on `crit` (the highest-weighted
      criterion: the second key of the tie-break rule);
    - spread = highest total - lowest total; `disputed` when it exceeds the round's threshold.

    The database sums the points of each assessment (grouped by assessment, no correlated
    subquery); the means, medians and spreads are made here with Decimal (SQLite divides integers
    as integers, so a mean from the database would differ between SQLite and PostgreSQL). Used by
    `ranking` (the whole round) and by `services.refresh_ranking` (the proposals an action changed)."""
    # (A score is unique per assessment and criterion: `top` is None when the top one is not filled in.
    # The round's scores are those on its criteria: one join, the one the weights need.)
    scores = Score.objects.filter(criterion__round=rnd, value__isnull=False)
    assessments = Assignment.objects.filter(round=rnd)
    if proposal_ids is not None:
        scores = scores.filter(assignment__proposal_id__in=proposal_ids)
        assessments = assessments.filter(proposal_id__in=proposal_ids)
    scored = {
        aid: (total, top) for aid, total, top in
        scores.order_by().values_list("assignment_id")
        .annotate(total=Sum(weighted_total_expression()), top=Sum("value", filter=Q(criterion=crit)))
    }
    out = defaultdict(Figures)
    sums, top_sums, top_ns = defaultdict(Decimal), defaultdict(Decimal), defaultdict(int)
    names = {}  # one Assessor per committee member, not one per assessment
    submitted = str(Assignment.Status.SUBMITTED)
    # The assessments in order, with their assessor's name (the title of each total).
    for pk, proposal_id, status, full_name, email in assessments.order_by("pk").values_list(
            "pk", "proposal_id", "status", "assessor__full_name", "assessor__email"):
        row = out[proposal_id]
        row.assigned += 1
        if status != submitted:
            continue
        row.submitted += 1
        score = scored.get(pk)
        if score is not None:
            total, top = score
            sums[proposal_id] += total
            assessor = names.get((full_name, email))
            if assessor is None:
                assessor = names[full_name, email] = Assessor(full_name, email)
            row.totals.append((pk, assessor, total.quantize(TWO, ROUND_HALF_UP)))
            if top is not None:
                top_sums[proposal_id] += top
                top_ns[proposal_id] += 1
    median_of_round = rnd.combine == AssessmentRound.Combine.MEDIAN
    threshold = rnd.disagreement_threshold
    for pk, row in out.items():
        if row.totals:
            values = [t for _a, _u, t in row.totals]
            if median_of_round:
                row.combined = median(values).quantize(TWO, ROUND_HALF_UP)
            else:
                row.combined = mean_of(sums[pk], len(values))
            row.spread = max(values) - min(values)
            row.disputed = len(values) > 1 and row.spread > threshold
        n_top = top_ns.get(pk)
        if n_top:
            row.top_criterion = mean_of(top_sums[pk], n_top)
    return dict(out)


def ranking(rnd, *, instances=True, columns=True):
    """The round's ranking, computed from the assessments in a fixed number of queries: the
    reference for the figures and the order (the decision, exports and the printable page use it;
    the staff page reads the same from the kept `RankingEntry` rows, `ranking_page`).

    - the figures of each proposal come from `figures` (weighted totals, combined score, points on
      the highest-weighted criterion, spread, disputed);
    - order (the tie-break rule stated on the page): higher combined score, then higher mean
      points on the highest-weighted criterion, then the earlier protocol number; proposals with
      no submitted assessment come last.

    The round's proposals are those in its entry status and every one assigned (one query, with
    their protocol order); their figures take two more (`figures`).

    The shown columns (protocol number, organisation, the round's version title and requested
    grant) are read by `fill_columns` for the rows given: with `columns` (the default: exports, the
    printable page, the decision), for every row. With `instances` (the decision, which changes
    the proposals), each row's `proposal` is the model instance (one more query, with its
    organisation and version); without, a `RankedProposal`.
    """
    crit = top_criterion(rnd)
    assigned = Assignment.objects.filter(round=rnd, proposal=OuterRef("pk"))
    proposals = (Proposal.objects.filter(call_id=rnd.call_id)
                 .filter(Q(status__in=rnd.entry_statuses()) | Exists(assigned))
                 .values_list("pk", "protocol_seq"))
    rows = {pk: RankingRow(proposal=RankedProposal(pk=pk, protocol_seq=protocol_seq), title="")
            for pk, protocol_seq in proposals}
    for pk, f in figures(rnd, crit).items():
        row = rows.get(pk)
        if row is not None:
            row.totals, row.combined, row.top_criterion, row.spread, row.disputed = (
                f.totals, f.combined, f.top_criterion, f.spread, f.disputed)
            row.assigned, row.submitted = f.assigned, f.submitted
    decision = decision_of(rnd)
    if decision is not None:
        fill_outcomes(decision, rows)
    rows = list(rows.values())
    rows.sort(key=lambda r: (
        r.combined is None, -(r.combined or 0), -(r.top_criterion or 0), r.proposal.protocol_seq or 0, r.proposal.pk,
    ))
    for i, row in enumerate(rows, start=1):
        row.rank = i
    if columns or instances:
        fill_columns(rnd, rows)
    if instances:
        models = round_proposals(rnd).in_bulk([r.proposal.pk for r in rows])
        for row in rows:
            row.proposal = models[row.proposal.pk]
    return rows


def fill_outcomes(decision, rows, proposal_ids=None):
    """The decision's outcome and grant on the rows {proposal_id: RankingRow} (of `proposal_ids`
    only, when given), in one query."""
    labels = dict(DecisionItem.Outcome.choices)
    items = decision.items.all()
    if proposal_ids is not None:
        items = items.filter(proposal_id__in=proposal_ids)
    for proposal_id, outcome, amount in items.values_list("proposal_id", "outcome", "grant_amount"):
        row = rows.get(proposal_id)
        if row is not None:
            row.outcome, row.outcome_label, row.grant_amount = outcome, force_str(labels.get(outcome, outcome)), amount


def ranking_order():
    """The tie-break order of the ranking in SQL, on a Proposal queryset with the round's entry
    joined as `entry` (`ranking_page`): the same as `ranking`'s sort in Python, on SQLite and
    PostgreSQL (the figures are stored to the cent, as `ranking` makes them, so ties are equal)."""
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))
    return [F("entry__combined").desc(nulls_last=True), Coalesce("entry__top_criterion", zero).desc(),
            Coalesce("protocol_seq", 0).asc(), F("pk").asc()]


def _ranked_proposals(round_pk, call_pk, kind):
    """The proposals of a round's ranking with its kept entry joined as `entry` (`ranking_page`)."""
    entry = FilteredRelation("ranking_entries", condition=Q(ranking_entries__round=round_pk))
    return (Proposal.objects.filter(call_id=call_pk).annotate(entry=entry)
            .filter(Q(status__in=AssessmentRound(kind=kind).entry_statuses()) | Q(entry__isnull=False)))


def _ranking_rows_of(proposals, version_number):
    version = ProposalVersion.objects.filter(proposal=OuterRef("pk"), number=version_number).order_by()
    latest = ProposalVersion.objects.filter(proposal=OuterRef("pk")).order_by("-number")
    return proposals.annotate(
        n=Window(Count("pk")),
        n_disputed=Window(Sum(Case(When(entry__disputed=True, then=Value(1)), default=Value(0)))),
        # (PostgreSQL computes these only for the rows of the page, after the sort and the limit)
        v_title=Subquery(version.values("title")[:1]), latest_title=Subquery(latest.values("title")[:1]),
        v_grant=Subquery(version.values("requested_grant")[:1]),
        organisation_name=Subquery(Organisation.objects.filter(pk=OuterRef("organisation_id")).order_by()
                                   .values("legal_name")),
    ).order_by(*ranking_order()).values_list(
        "pk", "protocol_seq", "protocol_number", "organisation_name", "v_title", "latest_title", "v_grant",
        "entry__combined", "entry__top_criterion", "entry__spread", "entry__disputed", "entry__assigned",
        "entry__submitted", "entry__totals", "n", "n_disputed")


# The ranking page's rows, its SQL made once per process for each kind of round (the statuses it
# ranks), with stand-ins no request has: a round, a call and a version number.
_RANKING_PAGE = {
    kind: Statement(lambda round_pk, call_pk, version, kind=kind: _ranking_rows_of(
        _ranked_proposals(round_pk, call_pk, kind), version),
        round_pk=-7_000_000_101, call_pk=-7_000_000_103, version=32_109)
    for kind in AssessmentRound.Kind.values
}


def ranking_page(rnd, number, per_page=50):
    """One page of the round's ranking, from the kept `RankingEntry` rows: (page, disputed count).

    One query gives the page's rows in the tie-break order (the rank is the position), with their
    shown columns and, over the whole round, the count of proposals and of disputed ones (window
    aggregates, so no second COUNT); one more names the assessors of the totals shown and, once
    decided, one reads the outcomes. A fixed number of queries, however many rows. A page number
    out of range gives the last page, as `Paginator.get_page` does (one COUNT more)."""
    paginator = Paginator([], per_page)  # its count is set below: the rows come from the statement
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1
    # (a page far beyond any round, ?page=10**20, goes straight to the count: no offset out of range)
    found = (_RANKING_PAGE[rnd.kind].rows(window=((wanted - 1) * per_page, per_page), round_pk=rnd.pk,
                                          call_pk=rnd.call_id, version=rnd.version_number)
             if 1 <= wanted <= 2**31 // per_page else [])
    if found:
        paginator.count, disputed = found[0][-2], found[0][-1]  # (no COUNT query)
        page = paginator.page(wanted)
    else:  # out of range, or nothing to rank: the querysets, built only here
        proposals = _ranked_proposals(rnd.pk, rnd.call_id, rnd.kind)
        counts = proposals.aggregate(n=Count("pk"), disputed=Count("pk", filter=Q(entry__disputed=True)))
        paginator = Paginator(_ranking_rows_of(proposals, rnd.version_number), per_page)
        paginator.count, disputed = counts["n"], counts["disputed"]
        page = paginator.get_page(number)
        found = list(page.object_list)
    rows, assessments = [], set()
    for i, (pk, seq, protocol_number, organisation_name, v_title, latest_title, v_grant, combined, top, spread,
            is_disputed, n_assigned, n_submitted, totals, _n, _d) in enumerate(found, start=page.start_index()):
        row = RankingRow(
            proposal=RankedProposal(pk=pk, protocol_seq=seq, protocol_number=protocol_number,
                                    organisation_name=organisation_name),
            title=v_title if v_title is not None else (latest_title or ""), requested_grant=v_grant, rank=i,
            combined=combined, top_criterion=top, spread=spread, disputed=bool(is_disputed),
            assigned=n_assigned or 0, submitted=n_submitted or 0, totals=totals or [])
        assessments.update(aid for aid, _t in row.totals)
        rows.append(row)
    if assessments:  # the name of each total's assessor (the title of the figure)
        names = {pk: Assessor(full_name, email) for pk, full_name, email in Assignment.objects.filter(
            pk__in=assessments).order_by().values_list("pk", "assessor__full_name", "assessor__email")}
        for row in rows:
            row.totals = [(aid, names[aid], Decimal(total)) for aid, total in row.totals]
    decision = decision_of(rnd)
    if decision is not None and rows:
        fill_outcomes(decision, {r.proposal.pk: r for r in rows}, proposal_ids=[r.proposal.pk for r in rows])
    page.object_list = rows
    return page, disputed


def fill_columns(rnd, rows):
    """The shown columns of the given ranking rows (protocol number, organisation, the title of the
    round's version, or the latest one's, and its requested grant), in one query."""
    rows = list(rows)
    if not rows:
        return rows
    version = ProposalVersion.objects.filter(proposal=OuterRef("pk"), number=rnd.version_number)
    latest = ProposalVersion.objects.filter(proposal=OuterRef("pk")).order_by("-number")
    columns = {
        pk: rest for pk, *rest in Proposal.objects.filter(pk__in=[r.proposal.pk for r in rows]).annotate(
            v_title=Subquery(version.values("title")[:1]), latest_title=Subquery(latest.values("title")[:1]),
            v_grant=Subquery(version.values("requested_grant")[:1]),
        ).values_list("pk", "protocol_number", "organisation__legal_name", "v_title", "latest_title", "v_grant")
    }
    for row in rows:
        protocol_number, organisation_name, v_title, latest_title, v_grant = columns[row.proposal.pk]
        row.proposal.protocol_number, row.proposal.organisation_name = protocol_number, organisation_name
        row.title = v_title if v_title is not None else (latest_title or "")
        row.requested_grant = v_grant
    return rows


def progress(rnd):
    """Per committee member: assigned, declared, submitted, left."""
    members = list(CommitteeMember.objects.filter(round=rnd).select_related("assessor"))
    counts = {
        row["assessor_id"]: row
        for row in Assignment.objects.filter(round=rnd).values("assessor_id").annotate(
            assigned=Count("pk"),
            submitted=Count("pk", filter=Q(status=Assignment.Status.SUBMITTED)),
        )
    }
    conflicts = dict(
        ConflictDeclaration.objects.filter(round=rnd, has_conflict=True).values("assessor_id")
        .annotate(n=Count("pk")).values_list("assessor_id", "n")
    )
    out = []
    for m in members:
        c = counts.get(m.assessor_id, {"assigned": 0, "submitted": 0})
        out.append({"assessor": m.assessor, "assigned": c["assigned"], "submitted": c["submitted"],
                    "left": c["assigned"] - c["submitted"], "conflicts": conflicts.get(m.assessor_id, 0)})
    return out


ASSIGNMENT_COLUMNS = ("pk", "status", "declared", "title", "round__title", "round__opens_at", "round__closes_at",
                      "proposal__protocol_number")


def _assignments_of(user, status=""):
    declared = ConflictDeclaration.objects.filter(round=OuterRef("round"), proposal=OuterRef("proposal"),
                                                  assessor=OuterRef("assessor"), has_conflict=False)
    # (one version per proposal and number: no order, so no join of the proposal for the versions' default one)
    title = ProposalVersion.objects.filter(proposal=OuterRef("proposal"), number=OuterRef("round__version_number"))
    qs = Assignment.objects.filter(assessor=user)
    if status == "todo":
        qs = qs.exclude(status=Assignment.Status.SUBMITTED)
    elif status == "done":
        qs = qs.filter(status=Assignment.Status.SUBMITTED)
    return (
        qs.annotate(declared=Exists(declared), title=Subquery(title.order_by().values("title")[:1]))
        .order_by("-round__opens_at", "round", "proposal__protocol_seq", "pk")
    )


def assignment_rows_for(user, status=""):
    """The assessor's list ("my assignments") as plain rows, one query, no model instance: what
    `assignments_for` gives the page, with the title of the version the round assesses; `status`
    "todo" or "done" keeps the assessments still to submit or the submitted ones. `assignment_rows`
    adds what depends on the clock and the labels, for the page's rows."""
    return _assignments_of(user, status).values(*ASSIGNMENT_COLUMNS)


# the page's rows with, in each, the count of all (a window aggregate, so no second COUNT); per status
_ASSIGNMENT_PAGE = {
    status: Statement(lambda user, status=status: _assignments_of(user, status).annotate(n=Window(Count("pk")))
                      .values_list(*ASSIGNMENT_COLUMNS, "n"), user=-7_000_000_017)
    for status in ("", "todo", "done")
}


def assignment_page(user, status, number, per_page=25):
    """One page of `assignment_rows_for(user, status)` (`assignment_rows` not applied), as
    `Paginator.get_page(number)` gives it, in one query made once per process when the page exists
    (one COUNT more and the page's query from the ORM otherwise)."""
    statement = _ASSIGNMENT_PAGE.get(status, _ASSIGNMENT_PAGE[""])
    paginator = Paginator(assignment_rows_for(user, status if status in _ASSIGNMENT_PAGE else ""), per_page)
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1
    found = (statement.rows(window=((wanted - 1) * per_page, per_page), user=user.pk)
             if 1 <= wanted <= 2**31 // per_page else [])
    if found:
        paginator.count = found[0][-1]  # (no COUNT query)
        page = paginator.page(wanted)
        page.object_list = [dict(zip(ASSIGNMENT_COLUMNS, row, strict=False)) for row in found]
    else:  # out of range, or no assignment
        page = paginator.get_page(number)
        page.object_list = list(page.object_list)
    return page


def assignment_rows(rows, now=None):
    """One page of `assignment_rows_for` with whether its round has opened and the status label."""
    now = now or timezone.now()
    labels = dict(Assignment.Status.choices)
    rows = list(rows)
    for r in rows:
        r["has_opened"] = now >= r["round__opens_at"]
        r["status_label"] = labels.get(r["status"], r["status"])
    return rows


def _summary_call_columns():
    from projects.selectors import CALL_TEXTS  # (the call's long texts, which the summary does not show)

    return [name for name in _CALL_COLUMNS if name not in CALL_TEXTS]


def _assessor_summary(user, now):
    return (
        AssessmentRound.objects.rewrite(False).filter(assignments__assessor=user, opens_at__lte=now)
        .annotate(n_assigned=Count("assignments"),
                  n_done=Count("assignments", filter=Q(assignments__status=Assignment.Status.SUBMITTED)))
        .order_by("-closes_at", "pk")
        .values_list(*_ROUND_COLUMNS, *(f"call__{name}" for name in _summary_call_columns()), "n_assigned", "n_done")
    )


# the assessor's rounds, their SQL made once per process, with a user and a time no request has
_ASSESSOR_SUMMARY = Statement(_assessor_summary, user=-7_000_000_017,
                              now=datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC))


def assessor_summary(user, now=None):
    """[{round, assigned, done, left}] for the rounds where the user has assignments and that
    have opened (the "my assignments" page and the my-area panel), latest deadline first: one query,
    made once per process, the counts made by the database on the user's assignments only (the
    filter's join); each round with its call (without its long texts), made with Model.from_db as
    `select_related("call").defer(...)` makes them."""
    now = now or timezone.now()
    call_columns = _summary_call_columns()
    out = []
    for row in _ASSESSOR_SUMMARY.rows(user=user.pk, now=now):
        rnd, rnd.call = instances(row, (AssessmentRound, _ROUND_COLUMNS), (_CALL_MODEL, call_columns))
        assigned, done = row[-2:]
        out.append({"round": rnd, "assigned": assigned, "done": done, "left": assigned - done})
    return out


def outcomes_for_proposal(proposal):
    """The proposal's outcomes, per decided round: item, the submitted assessments' feedback."""
    items = list(
        DecisionItem.objects.filter(proposal=proposal).select_related("decision", "decision__round")
        .order_by("decision__decided_at")
    )
    out = []
    for item in items:
        feedback = list(
            Assignment.objects.filter(round=item.decision.round, proposal=proposal,
                                      status=Assignment.Status.SUBMITTED).order_by("pk")
            .values("strengths", "weaknesses", "feedback")
        )
        out.append({"item": item, "round": item.decision.round, "feedback": feedback,
                    "total_ranked": len(item.decision.ranking or [])})
    return out


def outcome_items_for(proposal_ids):
    """Decision items of the given proposals (a promoter's panel: their own proposals, which it has
    read already: it sets each item's `proposal`), with only the columns the panel shows (the round's
    title in each language)."""
    return (
        DecisionItem.objects.filter(proposal_id__in=proposal_ids)
        .select_related("decision", "decision__round")
        .only("pk", "proposal_id", "decision_id", "outcome", "rank", "combined_score", "grant_amount",
              "decision__decided_at", "decision__round_id", "decision__round__title",
              *(f"decision__round__title_{code}" for code, _name in settings.LANGUAGES))
        .order_by("-decision__decided_at", "rank")
    )


_OUTCOME_ITEM_COLUMNS = columns(DecisionItem, {"id", "proposal_id", "decision_id", "outcome", "rank",
                                                "combined_score", "grant_amount"})
_OUTCOME_DECISION_COLUMNS = columns(Decision, {"id", "round_id", "decided_at"})
_OUTCOME_ROUND_COLUMNS = columns(AssessmentRound, {"id", "title", *(f"title_{code}" for code, _name in settings.LANGUAGES)})
# outcome_items_for's columns, for the decision items of all the person's proposals: made once per process
# (tsf.core.statements); the panel of "my area" keeps those of the proposals it has read.
PERSON_OUTCOME_ITEMS = Statement(
    lambda user: DecisionItem.objects.filter(proposal__in=member_proposals(user).values("pk"))
    .order_by("-decision__decided_at", "rank")
    .values_list(*_OUTCOME_ITEM_COLUMNS, *(f"decision__{name}" for name in _OUTCOME_DECISION_COLUMNS),
                 *(f"decision__round__{name}" for name in _OUTCOME_ROUND_COLUMNS)),
    user=-7_000_000_017)


def outcome_item_of_row(row):
    """A decision item of PERSON_OUTCOME_ITEMS with its decision and round, as outcome_items_for reads it."""
    item, decision, rnd = instances(row, (DecisionItem, _OUTCOME_ITEM_COLUMNS), (Decision, _OUTCOME_DECISION_COLUMNS),
                                    (AssessmentRound, _OUTCOME_ROUND_COLUMNS))
    item.decision, decision.round = decision, rnd
    return item


def published_rankings(call):
    """The call's published decisions with their items (public page)."""
    return (
        Decision.objects.filter(round__call=call, published_at__isnull=False)
        .select_related("round")
        .prefetch_related(Prefetch("items", queryset=DecisionItem.objects.select_related(
            "proposal", "proposal__organisation").order_by("rank")))
        .order_by("round__opens_at")
    )


def minutes_record(rnd):
    """What the filed minutes show beside the frozen ranking, in a fixed number of queries: the
    committee, every conflict-of-interest declaration, and each assessor's points per criterion
    with the weighted total of each submitted assessment (in protocol order)."""
    criteria = list(rnd.criteria.all())
    committee = [m.assessor for m in CommitteeMember.objects.filter(round=rnd).select_related("assessor")]
    declarations = list(ConflictDeclaration.objects.filter(round=rnd).select_related("assessor", "proposal")
                        .order_by("proposal__protocol_seq", "assessor__full_name", "pk"))
    totals = assignment_totals(rnd)
    submitted = (Assignment.objects.filter(round=rnd, status=Assignment.Status.SUBMITTED)
                 .select_related("assessor", "proposal").prefetch_related("scores")
                 .order_by("proposal__protocol_seq", "assessor__full_name", "pk"))
    assessments = []
    for a in submitted:
        by_criterion = {s.criterion_id: s.value for s in a.scores.all()}
        assessments.append({"protocol": a.proposal.protocol_number, "assessor": a.assessor,
                            "points": [by_criterion.get(c.pk) for c in criteria], "total": totals.get(a.pk),
                            "submitted_at": a.submitted_at})
    return {"criteria": criteria, "committee": committee, "declarations": declarations,
            "conflicts": [d for d in declarations if d.has_conflict],
            "no_conflict_count": sum(1 for d in declarations if not d.has_conflict),
            "assessments": assessments}
