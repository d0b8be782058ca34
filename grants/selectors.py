"""Reads for the grants' pages, panels, exports and jobs, in a fixed number of queries."""
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncQuarter
from django.utils import timezone
from django.utils.formats import date_format

from assessment.selectors import funded_items
from calls.models import Call
from projects.models import ProposalVersion
from tsf.core.model_i18n import translated
from tsf.core.statements import Statement

from .models import ZERO, Expense, Grant, GrantStatus, Report, ReportStatus, Tranche, TrancheStatus

OPEN_REPORT = Q(status__in=[ReportStatus.DUE, ReportStatus.CHANGES_REQUESTED])
MONEY = DecimalField(max_digits=14, decimal_places=2)


def latest_version_id():
    return Subquery(ProposalVersion.objects.filter(proposal=OuterRef("proposal")).order_by("-number")
                    .values("pk")[:1])


def _paid_subquery():
    return Coalesce(
        Subquery(Tranche.objects.filter(grant=OuterRef("pk"), status=TrancheStatus.PAID).values("grant")
                 .annotate(t=Sum("amount")).values("t")[:1], output_field=MONEY),
        Value(ZERO), output_field=MONEY)


def grants_queryset(today=None):
    today = today or timezone.localdate()
    open_reports = Report.objects.filter(OPEN_REPORT, grant=OuterRef("pk"))
    return (
        Grant.objects.select_related("proposal", "proposal__organisation", "call")
        .annotate(
            paid=_paid_subquery(),
            next_due=Subquery(open_reports.order_by("due_date").values("due_date")[:1]),
            overdue=Subquery(open_reports.filter(due_date__lt=today).values("grant").annotate(n=Count("pk"))
                             .values("n")[:1]),
            to_review=Count("reports", filter=Q(reports__status=ReportStatus.SUBMITTED), distinct=True),
        )
    )


def grants_for_staff(*, call=None, status="", q="", overdue=False, today=None):
    qs = grants_queryset(today)
    if call is not None:
        qs = qs.filter(call=call)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(cup__icontains=q) | Q(proposal__organisation__legal_name__icontains=q)
                       | Q(proposal__organisation__codice_fiscale__icontains=q)
                       | Q(proposal__protocol_number__icontains=q))
    if overdue:
        qs = qs.filter(overdue__gt=0)
    return qs.order_by("call__year", "cup")


def grants_for_team(user):
    return (grants_queryset().filter(proposal__organisation__memberships__user=user)
            .order_by("-awarded_at"))


STATUS_BADGES = {GrantStatus.AWARDED: "bg-secondary", GrantStatus.REVOKED: "bg-danger", GrantStatus.CLOSED: "bg-dark"}


def _team_grants(user, today):
    open_reports = Report.objects.filter(OPEN_REPORT, grant=OuterRef("pk"))
    return (
        Grant.objects.filter(proposal__organisation__memberships__user=user)
        .annotate(next_due=Subquery(open_reports.order_by("due_date").values("due_date")[:1]),
                  overdue=Exists(open_reports.filter(due_date__lt=today)))
        .order_by("-awarded_at").values_list("pk", "title", "amount", "status", "next_due", "overdue")[:TEAM_GRANTS_READ]
    )


# "My area" asks on every visit of a promoter: its SQL is made once per process (tsf.core.statements).
TEAM_GRANTS_READ = 5
_TEAM_GRANTS = Statement(_team_grants, user=-7_000_000_017, today=date(1901, 2, 3))


def team_grant_rows(user, limit=5, today=None):
    """A team's latest grants for the panel of "my area", as plain rows (no model instance, no
    grouping): pk, title, amount, status with its label and badge, next report due, reports overdue."""
    assert limit <= TEAM_GRANTS_READ, "the statement reads at most TEAM_GRANTS_READ grants"
    today = today or timezone.localdate()
    keys = ("pk", "title", "amount", "status", "next_due", "overdue")
    rows = [dict(zip(keys, row, strict=True)) for row in _TEAM_GRANTS.rows(user=user.pk, today=today)[:limit]]
    labels = dict(GrantStatus.choices)
    for r in rows:
        r["status_label"] = labels.get(r["status"], r["status"])
        r["badge"] = STATUS_BADGES.get(r["status"], "bg-success")
    return rows


def grant_detail(pk):
    return (
        Grant.objects.select_related("proposal", "proposal__organisation", "call", "decision_item")
        .prefetch_related(
            "budget_lines",
            Prefetch("tranches", queryset=Tranche.objects.select_related("report").order_by("order")),
            Prefetch("reports", queryset=Report.objects.order_by("due_date", "number")),
        )
        .filter(pk=pk).first()
    )


def report_detail(pk):
    return (
        Report.objects.select_related("grant", "grant__proposal", "grant__proposal__organisation", "grant__call",
                                      "submitted_by", "reviewed_by")
        .prefetch_related(
            Prefetch("expenses", queryset=Expense.objects.select_related("budget_line").order_by("spent_on", "pk")),
            "reach__target_group", "indicators", "tranches",
        )
        .filter(pk=pk).first()
    )


def budget_status(grant, *, exclude_report=None):
    """[(line, spent, left)] for each budget line of the grant."""
    from .services import spent_by_line

    spent = spent_by_line(grant, exclude_report=exclude_report)
    return [(b, spent.get(b.pk, ZERO), b.amount - spent.get(b.pk, ZERO)) for b in grant.budget_lines.all()]


def awardable_items(call):
    """The funded decision items of the call that have no grant yet."""
    return funded_items(call).filter(~Exists(Grant.objects.filter(proposal=OuterRef("proposal"))))


def what_is_missing(grant, today=None):
    """What the team still has to do, in words, for its grant page."""
    from django.utils.translation import gettext as _

    today = today or timezone.localdate()
    out = []
    if grant.status == GrantStatus.AWARDED:
        out.append(_("The grant agreement has to be signed (staff will upload it)."))
    for r in grant.reports.all():
        if r.status == ReportStatus.CHANGES_REQUESTED:
            out.append(_("%(r)s: staff asked for changes.") % {"r": r.label})
        elif r.status == ReportStatus.DUE and r.due_date < today:
            out.append(_("%(r)s is overdue (due %(d)s).") % {
                "r": r.label, "d": date_format(r.due_date)})
    return out


# The staff portfolio ------------------------------------------------------------------------

def report_lines(reports):
    """The columns a list of reports shows (`{% report_rows %}` in grants_tags: label, CUP,
    organisation, due date), read with values(): no model instance per report, grant or proposal."""
    return _report_lines(reports.values_list(*REPORT_LINE))


REPORT_LINE = ("pk", "kind", "number", "due_date", "grant__cup", "grant__proposal__organisation__legal_name")


def _report_lines(rows):
    labels = {}  # one label per kind and number, not one translation per row
    lines = []
    for pk, kind, number, due_date, cup, organisation in rows:
        label = labels.get((kind, number))
        if label is None:
            label = labels[kind, number] = Report.label_for(kind, number)
        lines.append(SimpleNamespace(pk=pk, label=label, due_date=due_date, grant=SimpleNamespace(
            cup=cup, proposal=SimpleNamespace(organisation=SimpleNamespace(legal_name=organisation)))))
    return lines


def _live(path, call_pk):
    """The grants the portfolio counts (all but the revoked, of one call or all), as a condition on
    the join each of its queries makes anyway (no IN subquery)."""
    q = Q(**{f"{path}__status__in": [s for s in GrantStatus.values if s != GrantStatus.REVOKED]})
    return q & Q(**{f"{path}__call": call_pk}) if call_pk is not None else q


def _overdue(call_pk, today):
    return (Report.objects.filter(_live("grant", call_pk), OPEN_REPORT, due_date__lt=today).order_by("due_date")
            .values_list(*REPORT_LINE)[:50])


def _due_soon(call_pk, today, until):
    return (Report.objects.filter(_live("grant", call_pk), OPEN_REPORT, due_date__gte=today, due_date__lte=until)
            .order_by("due_date").values_list(*REPORT_LINE)[:50])


def _to_review(call_pk):
    return (Report.objects.filter(_live("grant", call_pk), status=ReportStatus.SUBMITTED).order_by("submitted_at")
            .values_list(*REPORT_LINE)[:50])


def _by_theme(call_pk):
    return (Grant.objects.filter(_grants_q(call_pk)).order_by()
            .values_list(translated("themes__name")).annotate(total=Sum("amount")))


def _grants_q(call_pk):
    q = ~Q(status=GrantStatus.REVOKED)
    return q & Q(call=call_pk) if call_pk is not None else q


def _by_district(call_pk):
    return (Grant.objects.filter(_grants_q(call_pk)).order_by()
            .values_list("district__number", translated("district__name")).annotate(total=Sum("amount"), n=Count("pk")))


class QuarterOfDate(TruncQuarter):
    """The first day of a date's quarter. On PostgreSQL without a time zone: its date_trunc of a date
    casts it to `timestamp with time zone`, a conversion per row that is most of the truncation
    (the portfolio's timeline: about 0.8 of 3.5 ms for 3,000 tranches)."""

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"DATE_TRUNC('quarter', ({sql})::timestamp)::date", params


def _timeline(call_pk):
    # Paid by payment date; the others by when they are expected. One truncation to the quarter's
    # first day (the CASE written once), not a year and a quarter.
    when = Case(When(status=TrancheStatus.PAID, then=F("paid_on")),
                default=Coalesce("report__due_date", "grant__signed_on", "grant__start_date"), output_field=DateField())
    return (Tranche.objects.filter(_live("grant", call_pk)).order_by()
            .values_list("status", QuarterOfDate(when)).annotate(total=Sum("amount")))


def _calls():
    # Django's own values_list (rewrite(False): modeltranslation's would rearrange the columns and
    # build the query on each request); the title in the reader's language is translated()'s.
    return (Call.objects.rewrite(False).filter(Exists(Grant.objects.filter(call=OuterRef("pk"))))
            .values_list("pk", "slug", translated("title"), "total_budget"))


# The portfolio's queries, their SQL made once per process (tsf.core.statements), with stand-ins no
# request has: a call id, a day and the 45th day after it.
_CALL, _DAY, _UNTIL = -7_340_021, date(1111, 1, 1), date(1111, 2, 15)
_OVERDUE = Statement(_overdue, call_pk=_CALL, today=_DAY)
_DUE_SOON = Statement(_due_soon, call_pk=_CALL, today=_DAY, until=_UNTIL)
_TO_REVIEW = Statement(_to_review, call_pk=_CALL)
_BY_THEME = Statement(_by_theme, call_pk=_CALL)
_BY_DISTRICT = Statement(_by_district, call_pk=_CALL)
_TIMELINE = Statement(_timeline, call_pk=_CALL)
_CALLS = Statement(_calls)


def portfolio(call=None, today=None):
    """Totals, reports due and overdue, and the charts' data, in a fixed number of queries.

    Every figure is summed by the database, grouped as the page shows it (no row per grant, tranche
    or version reaches Python): the tranches by status and quarter (the timeline, and the paid and
    payable totals from it); the grants' amounts by impact theme and by city district of the version
    they fund (kept on the grant: `Grant.district`, `Grant.themes`), the districts' rows adding up to
    the grants' count and total. The report lists read the first 50 rows each, on their indexes.
    Each query's SQL is made once per process (`tsf.core.statements`)."""
    today = today or timezone.localdate()
    call_pk = None if call is None else call.pk

    # The calls that have grants (the page's call filter), read once: an EXISTS, not a DISTINCT
    # over every column of the join with the grants; only what the page shows of them.
    all_calls = [SimpleNamespace(pk=pk, slug=slug, title=title, total_budget=total_budget)
                 for pk, slug, title, total_budget in _CALLS.rows()]
    budget = sum((c.total_budget for c in all_calls if call is None or c.pk == call_pk), ZERO)
    overdue = _report_lines(_OVERDUE.rows(call_pk=call_pk, today=today))
    due_soon = _report_lines(_DUE_SOON.rows(call_pk=call_pk, today=today, until=today + timedelta(days=45)))
    to_review = _report_lines(_TO_REVIEW.rows(call_pk=call_pk))

    # Budget by theme and by district: those of the proposal's version each grant funds, kept on the
    # grant when it is made. The grants' count and total are the sums of the districts' rows.
    by_theme = defaultdict(lambda: ZERO)
    for name, amount in _BY_THEME.rows(call_pk=call_pk):
        if name is not None:  # a version without a theme
            by_theme[name] += amount
    by_district = defaultdict(lambda: ZERO)
    count, committed = 0, ZERO
    for number, name, amount, n in _BY_DISTRICT.rows(call_pk=call_pk):
        by_district[name if number else "—"] += amount
        count, committed = count + n, committed + amount

    # Tranche timeline; the paid and payable totals are its sums.
    timeline = defaultdict(lambda: {"paid": ZERO, "payable": ZERO, "planned": ZERO})
    paid = payable = ZERO
    for status, start, amount in _TIMELINE.rows(call_pk=call_pk):
        if start is not None:  # a paid tranche without its date counts in the totals only
            timeline[f"{start.year}-T{(start.month + 2) // 3}"][status] += amount
        if status == TrancheStatus.PAID:
            paid += amount
        elif status == TrancheStatus.PAYABLE:
            payable += amount
    if timeline:  # every quarter between the first and the last, so that the columns keep time
        first, last = min(timeline), max(timeline)
        y, q = int(first[:4]), int(first[-1])
        while f"{y}-T{q}" < last:
            timeline[f"{y}-T{q}"]  # noqa: B018 - creates the empty quarter
            y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return {
        "count": count, "committed": committed, "paid": paid, "payable": payable,
        "remaining": committed - paid, "budget": budget, "uncommitted": budget - committed,
        "overdue": overdue, "due_soon": due_soon, "to_review": to_review,
        "by_theme": sorted(by_theme.items(), key=lambda kv: (-kv[1], kv[0])),
        "by_district": sorted(by_district.items()),
        "timeline": sorted(timeline.items()),
        "calls": all_calls,
    }


def calls_with_grants():
    return Call.objects.filter(Exists(Grant.objects.filter(call=OuterRef("pk"))))


def reports_for_staff_panel(today=None):
    today = today or timezone.localdate()
    base = Report.objects.filter(grant__status__in=[GrantStatus.SIGNED, GrantStatus.ACTIVE]).select_related(
        "grant", "grant__proposal__organisation")
    return {
        "to_review": list(base.filter(status=ReportStatus.SUBMITTED).order_by("submitted_at")[:10]),
        "overdue": list(base.filter(OPEN_REPORT, due_date__lt=today).order_by("due_date")[:10]),
    }


def transparency_rows(call=None, q="", *, include_revoked=False):
    """The grants published under D.Lgs. 33/2013, art. 26-27. The table keeps the revoked ones
    (`include_revoked`, marked there); the project pages and the 360Giving data leave them out."""
    qs = Grant.objects.all() if include_revoked else Grant.objects.exclude(status=GrantStatus.REVOKED)
    qs = (qs.select_related("proposal", "proposal__organisation", "proposal__public_page", "call",
                            "proposal__admissibility__admissibility_list", "decision_item__decision")
          .order_by("call__year", "cup"))
    if call is not None:
        qs = qs.filter(call=call)
    if q:
        qs = qs.filter(Q(proposal__organisation__legal_name__icontains=q) | Q(title__icontains=q)
                       | Q(cup__iexact=q) | Q(proposal__organisation__codice_fiscale=q))
    return qs


def total_of(rows) -> Decimal:
    """What the rows award, the revoked grants left out."""
    return rows.exclude(status=GrantStatus.REVOKED).aggregate(t=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY))["t"]
