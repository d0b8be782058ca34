"""Every change that matters to a grant. Atomic, audited, notifying.

Grant status moves (`ALLOWED_MOVES`):

    awarded -> signed        (sign_grant: agreement uploaded with its signature date; the tranche
                              due at signature becomes payable)
    signed  -> active        (mark_tranche_paid: the first payment starts the implementation)
    active  -> closed        (close_grant: final report approved, every tranche paid)
    awarded, signed, active -> revoked   (revoke_grant)

Reports: due -> submitted (team) -> approved | changes_requested (staff); changes_requested ->
submitted (team resubmits). Approving a report makes the tranches that wait for it payable.
Tranches: planned -> payable (their condition met) -> paid (staff, with the date).
"""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.models import DecisionItem
from calls.models import PROGRAMME_MAX_GRANT, Call
from projects.services import proposal_people
from tsf.accounts.models import User
from tsf.accounts.permissions import require_role
from tsf.core import audit, versioning
from tsf.core.acts import act_problems
from tsf.core.money import euro
from tsf.notifications.services import notify

from .models import (
    CENT,
    DEFAULT_DURATION_MONTHS,
    DEFAULT_TRANCHES,
    ZERO,
    Expense,
    Grant,
    GrantBudgetLine,
    GrantStatus,
    Report,
    ReportIndicator,
    ReportKind,
    ReportReach,
    ReportStatus,
    Tranche,
    TrancheCondition,
    TrancheStatus,
    add_months,
)

G = GrantStatus
ALLOWED_MOVES = {
    G.AWARDED: {G.SIGNED, G.REVOKED},
    G.SIGNED: {G.ACTIVE, G.REVOKED},
    G.ACTIVE: {G.CLOSED, G.REVOKED},
    G.CLOSED: set(),
    G.REVOKED: set(),
}


class GrantError(Exception):
    """A service refused an action. `messages` are for the person; `field` names the form field
    the message belongs next to (or None), `errors` maps fields to messages when there are several."""

    def __init__(self, *messages, field=None, errors=None):
        self.messages = [str(m) for m in messages]
        self.field = field
        self.errors = errors or {}
        super().__init__("; ".join(self.messages) or str(self.errors))


def team_of(grant) -> list:
    return proposal_people(grant.proposal)


def staff_people() -> list:
    return list(User.objects.with_role("staff").filter(is_active=True))


def _move(grant, new, *, by, note=""):
    if new not in ALLOWED_MOVES[grant.status]:
        raise GrantError(_("A grant cannot go from “%(old)s” to “%(new)s”.")
                         % {"old": G(grant.status).label, "new": G(new).label})
    old = grant.status
    grant.status = new
    grant.save(update_fields=["status", "updated_at"])
    audit.record(by, "grant.status", grant, changes={"status": [old, new]}, note=note)


# Award --------------------------------------------------------------------------------------

def committed_amount(call_id) -> Decimal:
    """What the call has committed: the grants not revoked."""
    return (Grant.objects.filter(call_id=call_id).exclude(status=G.REVOKED)
            .aggregate(total=Sum("amount"))["total"] or ZERO)


def _require_act(number, when, official, *, names=("act_number", "act_date", "act_official")):
    errors = act_problems(number, when, official, names=names)
    if errors:
        raise GrantError(*errors.values(), errors=errors, field=next(iter(errors)))


def requested_amount(proposal):
    """The grant the applicant asked for, in the latest version of the proposal (None if not given)."""
    version = proposal.versions.order_by("-number").first()
    return version.requested_grant if version is not None else None


def award_problems(call, amount: Decimal, committed: Decimal, *, item=None, reason: str = "") -> dict:
    """{field: message} for an award that breaks a rule: a grant never exceeds the amount requested,
    the committee's proposed amount, the call's maximum, nor the programme's cap, nor the call's
    remaining budget; awarding less than the committee proposed needs a reason."""
    errors = {}
    proposed = item.grant_amount if item is not None else None
    requested = requested_amount(item.proposal) if item is not None else None
    if amount is None or amount <= ZERO:
        errors["amount"] = _("Give the grant's amount.")
    elif amount > call.max_grant:
        errors["amount"] = _("%(amount)s exceeds the call's maximum grant of %(max)s.") % {
            "amount": euro(amount), "max": euro(call.max_grant)}
    elif amount > PROGRAMME_MAX_GRANT:  # a call set above the cap before the cap was enforced
        errors["amount"] = _("%(amount)s exceeds the programme's cap of %(max)s per grant.") % {
            "amount": euro(amount), "max": euro(PROGRAMME_MAX_GRANT)}
    elif requested is not None and amount > requested:
        errors["amount"] = _("%(amount)s exceeds the %(requested)s the applicant requested.") % {
            "amount": euro(amount), "requested": euro(requested)}
    elif proposed is not None and amount > proposed:
        errors["amount"] = _("%(amount)s exceeds the %(proposed)s proposed by the committee.") % {
            "amount": euro(amount), "proposed": euro(proposed)}
    elif call.total_budget <= ZERO:
        errors["amount"] = _("The call has no total budget: set it before awarding grants.")
    elif committed + amount > call.total_budget:
        errors["amount"] = _("%(amount)s exceeds the call's remaining budget of %(left)s "
                             "(%(total)s, of which %(committed)s already awarded).") % {
            "amount": euro(amount), "left": euro(call.total_budget - committed), "total": euro(call.total_budget),
            "committed": euro(committed)}
    if ("amount" not in errors and proposed is not None and amount is not None and amount < proposed
            and not (reason or "").strip()):
        errors["award_reason"] = _("The committee proposed %(proposed)s: give the reason for awarding %(amount)s.") % {
            "proposed": euro(proposed), "amount": euro(amount)}
    return errors


def report_schedule(start: date, end: date, every_months: int) -> list[tuple[str, date, date, date]]:
    """[(kind, period_start, period_end, due_date)]: an interim report every `every_months`
    months before the end, then the final report; each due one month after its period."""
    out = []
    n = 1
    period_start = start
    while True:
        period_end = add_months(start, every_months * n)
        if period_end >= end:
            break
        out.append((ReportKind.INTERIM, period_start, period_end, add_months(period_end, 1)))
        period_start = period_end
        n += 1
    out.append((ReportKind.FINAL, period_start, end, add_months(end, 1)))
    return out


def split_amount(amount: Decimal, shares) -> list[Decimal]:
    """Amounts for the shares (fractions), rounded to the cent; the last takes the remainder so
    that the parts add up to `amount` exactly."""
    parts = [(amount * s).quantize(CENT, ROUND_HALF_UP) for s in shares[:-1]]
    parts.append(amount - sum(parts, ZERO))
    return parts


def _create_reports_and_tranches(grant):
    reports = []
    for i, (kind, p_start, p_end, due) in enumerate(
            report_schedule(grant.start_date, grant.end_date, grant.report_interval_months), start=1):
        reports.append(Report.objects.create(grant=grant, kind=kind, number=i, period_start=p_start,
                                             period_end=p_end, due_date=due))
    interims = [r for r in reports if r.kind == ReportKind.INTERIM]
    final = reports[-1]
    # The interim payment waits for the interim report at the middle of the period.
    midpoint = grant.start_date + (grant.end_date - grant.start_date) / 2
    interim = min(interims, key=lambda r: abs((r.period_end - midpoint).days)) if interims else None
    plan = []
    for share, condition, which in DEFAULT_TRANCHES:
        if condition == TrancheCondition.SIGNATURE:
            plan.append((share, condition, None))
        elif which == "interim" and interim is not None:
            plan.append((share, condition, interim))
        else:
            plan.append((share, TrancheCondition.REPORT, final))
    amounts = split_amount(grant.amount, [s for s, _c, _r in plan])
    # Two tranches waiting for the final report (no interim) are merged.
    merged = []
    for (_share, condition, report), amount in zip(plan, amounts, strict=True):
        if merged and merged[-1][0] == condition and merged[-1][1] == report:
            merged[-1][2] += amount
        else:
            merged.append([condition, report, amount])
    for order, (condition, report, amount) in enumerate(merged, start=1):
        Tranche.objects.create(grant=grant, order=order, condition=condition, report=report, amount=amount)


def award_grant(item: DecisionItem, *, by, cup: str, start_date: date, act_number: str, act_date: date | None,
                official: str, end_date: date | None = None, amount: Decimal | None = None, legal_basis: str = "",
                report_interval_months: int | None = None, award_reason: str = "") -> Grant:
    """Make the grant of a funded decision item.

    Locks the call's row, then sums the grants it has already made, in the same transaction:
    two awards at once are serialised, so together they never pass the maximum grant or the
    call's total budget. Copies the budget lines of the proposal's latest version, builds the
    report schedule and the payment tranches (40/40/20), audits and tells the team.

    Refused (see `award_problems`): more than requested, than the committee proposed, than the
    call's maximum or the programme's cap; less than proposed without `award_reason`; without the
    award's act (number, date, official: `tsf.core.acts.act_problems`). The act and the reason are
    stored on the grant and in the audit entry."""
    require_role(by, "staff")
    _require_act(act_number, act_date, official, names=("act_number", "act_date", "official"))
    cup = (cup or "").strip().upper()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=item.proposal.call_id)
        item = DecisionItem.objects.select_related("proposal", "proposal__organisation", "decision__round").get(
            pk=item.pk)
        if item.outcome != DecisionItem.Outcome.FUNDED or item.decision.round.kind != "final":
            raise GrantError(_("Only a funded item of the final decision can become a grant."))
        if Grant.objects.filter(proposal_id=item.proposal_id).exists():
            raise GrantError(_("This project already has a grant."))
        if Grant.objects.filter(cup=cup).exists():
            raise GrantError(_("Another grant already has this CUP code."), field="cup")
        amount = item.grant_amount if amount is None else amount
        award_reason = (award_reason or "").strip()
        errors = award_problems(call, amount, committed_amount(call.pk), item=item, reason=award_reason)
        if errors:
            raise GrantError(*errors.values(), errors=errors, field=next(iter(errors)))
        end_date = end_date or add_months(start_date, call.implementation_months or DEFAULT_DURATION_MONTHS)
        if end_date <= start_date:
            raise GrantError(_("The end date must come after the start date."), field="end_date")
        proposal = item.proposal
        version = proposal.versions.order_by("-number").first()
        # The grant funds this version: its title and budget lines, and where the portfolio counts it
        # (district and themes; a frozen version, and a funded proposal gets no newer one).
        grant = Grant(decision_item=item, proposal=proposal, call=call, title=version.title if version else "",
                      district_id=version.district_id if version else None,
                      amount=amount, cup=cup, start_date=start_date, end_date=end_date, awarded_by=by,
                      award_reason=award_reason if amount != item.grant_amount else "",
                      award_act_number=(act_number or "").strip(), award_act_date=act_date,
                      award_official=(official or "").strip())
        if legal_basis:
            grant.legal_basis = legal_basis
        if report_interval_months:
            grant.report_interval_months = report_interval_months
        try:
            grant.full_clean(exclude=["decision_item", "proposal", "call", "agreement", "district"])
        except ValidationError as exc:
            errors = {f: " ".join(m) for f, m in exc.message_dict.items()}
            raise GrantError(*errors.values(), errors=errors, field=next(iter(errors), None)) from exc
        try:
            with transaction.atomic():
                grant.save()
        except IntegrityError as exc:  # a CUP or a proposal taken at the same moment by another call's award
            raise GrantError(_("This project or this CUP code already has a grant.")) from exc
        if version is not None:
            grant.themes.set(version.themes.all())
            GrantBudgetLine.objects.bulk_create(
                GrantBudgetLine(grant=grant, category=b.category, description=b.description, amount=b.amount,
                                order=b.order)
                for b in version.budget_lines.all()
            )
        _create_reports_and_tranches(grant)
        audit.record(by, "grant.award", grant, changes={
            "amount": [None, str(amount)], "proposed_amount": [None, str(item.grant_amount)], "cup": [None, cup],
            "act": [None, grant.award_act]}, note=grant.award_reason)
        notify(team_of(grant), "grant_awarded", {"grant": grant}, url=grant.get_absolute_url())
    return grant


# Budget and tranches ----------------------------------------------------------------------

@transaction.atomic
def save_budget_lines(grant, lines: list[dict], *, by, edit=None) -> None:
    """Replace the grant's budget lines (staff, before signing). `lines`: dicts with id (or
    None), category, description, amount, delete. The total must cover the grant. `edit`: refused
    (versioning.EditConflict) when the budget was saved by someone else after the form was loaded."""
    require_role(by, "staff")
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if not grant.is_editable_budget:
        raise GrantError(_("The budget can no longer change: the agreement has been signed."))
    versioning.claim(grant, edit, by=by, scope="budget")
    keep = [line for line in lines if not line.get("delete")]
    total = sum((line["amount"] for line in keep), ZERO)
    if total < grant.amount:
        raise GrantError(_("The budget lines add up to %(total)s, less than the grant of %(amount)s.")
                         % {"total": euro(total), "amount": euro(grant.amount)})
    before = {b.pk: (b.description, str(b.amount)) for b in grant.budget_lines.all()}
    existing = {b.pk: b for b in grant.budget_lines.all()}
    for i, line in enumerate(lines):
        obj = existing.get(line.get("id"))
        if line.get("delete"):
            if obj is not None:
                if obj.expenses.exists():
                    raise GrantError(_("“%(line)s” has expenses and cannot be removed.") % {"line": obj.description})
                obj.delete()
            continue
        if obj is None:
            obj = GrantBudgetLine(grant=grant)
        obj.category, obj.description, obj.amount, obj.order = (line["category"], line["description"],
                                                                 line["amount"], i)
        obj.save()
    after = {b.pk: (b.description, str(b.amount)) for b in grant.budget_lines.all()}
    audit.record(by, "grant.budget", grant, changes={"budget_lines": [list(before.values()), list(after.values())]})


@transaction.atomic
def set_tranche_amounts(grant, amounts: dict, *, by, edit=None) -> None:
    """Change the amounts of the tranches not yet paid ({tranche_id: Decimal}). The tranches'
    total must never exceed the grant. `edit`: refused (versioning.EditConflict) when the amounts
    were saved by someone else after the form was loaded."""
    require_role(by, "staff")
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if edit is not None:
        versioning.claim(grant, edit, by=by, scope="budget")
    tranches = {t.pk: t for t in grant.tranches.all()}
    new = {pk: t.amount for pk, t in tranches.items()}
    for pk, amount in amounts.items():
        t = tranches.get(pk)
        if t is None:
            raise GrantError(_("Unknown tranche."))
        if amount != t.amount and t.status == TrancheStatus.PAID:
            raise GrantError(_("Tranche %(n)s has been paid: its amount cannot change.") % {"n": t.order})
        if amount is None or amount <= ZERO:
            raise GrantError(_("Every tranche needs a positive amount."))
        new[pk] = amount
    total = sum(new.values(), ZERO)
    if total > grant.amount:
        raise GrantError(_("The tranches add up to %(total)s, more than the grant of %(amount)s.")
                         % {"total": euro(total), "amount": euro(grant.amount)})
    changes = {}
    for pk, amount in new.items():
        if tranches[pk].amount != amount:
            changes[f"tranche_{tranches[pk].order}"] = [str(tranches[pk].amount), str(amount)]
            Tranche.objects.filter(pk=pk).update(amount=amount)
    if changes:
        audit.record(by, "grant.tranches", grant, changes=changes)


def add_tranche(grant, *, amount: Decimal, condition: str, report=None, by) -> Tranche:
    """An extra tranche (e.g. a split payment); the total must stay within the grant."""
    require_role(by, "staff")
    with transaction.atomic():
        grant = Grant.objects.select_for_update().get(pk=grant.pk)
        total = grant.tranches.aggregate(t=Sum("amount"))["t"] or ZERO
        if amount <= ZERO or total + amount > grant.amount:
            raise GrantError(_("The tranches would add up to %(total)s, more than the grant of %(amount)s.")
                             % {"total": euro(total + amount), "amount": euro(grant.amount)}, field="amount")
        if condition == TrancheCondition.REPORT and (report is None or report.grant_id != grant.pk):
            raise GrantError(_("Choose the report the tranche waits for."), field="report")
        order = (grant.tranches.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        t = Tranche.objects.create(grant=grant, order=order, amount=amount, condition=condition,
                                   report=report if condition == TrancheCondition.REPORT else None)
        if condition == TrancheCondition.SIGNATURE and grant.status != G.AWARDED:
            _make_payable(t)
        if report is not None and report.status == ReportStatus.APPROVED:
            _make_payable(t)
        audit.record(by, "grant.tranche_add", grant, changes={f"tranche_{order}": [None, str(amount)]})
    return t


def _make_payable(tranche):
    if tranche.status == TrancheStatus.PLANNED:
        tranche.status = TrancheStatus.PAYABLE
        tranche.payable_since = timezone.now()
        tranche.save(update_fields=["status", "payable_since"])
        return True
    return False


@transaction.atomic
def sign_grant(grant, *, agreement, signed_on: date, by) -> Grant:
    """Record the signed agreement: the grant is signed, the tranche due at signature payable."""
    require_role(by, "staff")
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if signed_on > timezone.localdate():
        raise GrantError(_("The signature date cannot be in the future."), field="signed_on")
    grant.agreement = agreement
    grant.signed_on = signed_on
    grant.save(update_fields=["agreement", "signed_on", "updated_at"])
    _move(grant, G.SIGNED, by=by, note=_("Agreement signed on %(d)s") % {"d": date_format(signed_on)})
    payable = [t for t in grant.tranches.filter(condition=TrancheCondition.SIGNATURE) if _make_payable(t)]
    notify(team_of(grant), "grant_signed", {"grant": grant, "tranches": payable}, url=grant.get_absolute_url())
    return grant


@transaction.atomic
def mark_tranche_paid(tranche, *, paid_on: date, by, act_number: str, act_date: date | None, act_official: str,
                      payment_order_number: str = "", payment_order_date: date | None = None) -> Tranche:
    """Record the payment of a payable tranche, with the act that authorises it (determinazione di
    liquidazione: number, date, official; refused without it) and the payment order (mandato:
    number, date)."""
    require_role(by, "staff")
    _require_act(act_number, act_date, act_official)
    tranche = Tranche.objects.select_for_update().select_related("grant").get(pk=tranche.pk)
    if tranche.status != TrancheStatus.PAYABLE:
        raise GrantError(_("Only a payable tranche can be paid: its condition is not met yet.")
                         if tranche.status == TrancheStatus.PLANNED else _("This tranche has already been paid."))
    if paid_on > timezone.localdate():
        raise GrantError(_("The payment date cannot be in the future."), field="paid_on")
    if payment_order_date and payment_order_date > timezone.localdate():
        raise GrantError(_("The payment order's date cannot be in the future."), field="payment_order_date")
    if act_date and payment_order_date and payment_order_date < act_date:
        raise GrantError(_("The payment order cannot come before the act that authorises the payment."),
                         field="payment_order_date")
    tranche.status, tranche.paid_on, tranche.paid_by = TrancheStatus.PAID, paid_on, by
    tranche.act_number, tranche.act_date = (act_number or "").strip(), act_date
    tranche.act_official = (act_official or "").strip()
    tranche.payment_order_number, tranche.payment_order_date = (payment_order_number or "").strip(), payment_order_date
    tranche.save(update_fields=["status", "paid_on", "paid_by", "act_number", "act_date", "act_official",
                                "payment_order_number", "payment_order_date"])
    grant = tranche.grant
    audit.record(by, "grant.tranche_paid", grant, changes={
        f"tranche_{tranche.order}": ["payable", "paid"], "act": [None, tranche.act],
        "payment_order": [None, " ".join(filter(None, [tranche.payment_order_number,
                                                        str(payment_order_date or "")]))]},
        note=str(tranche.amount))
    if grant.status == G.SIGNED:
        _move(grant, G.ACTIVE, by=by, note=_("First payment"))
    notify(team_of(grant), "tranche_paid", {"grant": grant, "tranche": tranche}, url=grant.get_absolute_url())
    return tranche


@transaction.atomic
def close_grant(grant, *, by) -> Grant:
    require_role(by, "staff")
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if grant.reports.exclude(status=ReportStatus.APPROVED).exists():
        raise GrantError(_("Every report must be approved before the grant is closed."))
    if grant.tranches.exclude(status=TrancheStatus.PAID).exists():
        raise GrantError(_("Every tranche must be paid before the grant is closed."))
    _move(grant, G.CLOSED, by=by)
    return grant


@transaction.atomic
def revoke_grant(grant, *, by, reason: str, act_number: str, act_date: date | None, act_official: str) -> Grant:
    """Revoke a grant with the reason and the act of revocation (both required); the grant stays in
    the transparency table, marked as revoked."""
    require_role(by, "staff")
    reason = (reason or "").strip()
    errors = act_problems(act_number, act_date, act_official)
    if not reason:
        errors = {"reason": _("Give the reason for the revocation."), **errors}
    if errors:
        raise GrantError(*errors.values(), errors=errors, field=next(iter(errors)))
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    grant.revocation_reason, grant.revoked_at = reason, timezone.now()
    grant.revocation_act_number, grant.revocation_act_date = (act_number or "").strip(), act_date
    grant.revocation_official = (act_official or "").strip()
    _move(grant, G.REVOKED, by=by, note=reason)
    Grant.objects.filter(pk=grant.pk).update(
        revocation_reason=grant.revocation_reason, revoked_at=grant.revoked_at,
        revocation_act_number=grant.revocation_act_number, revocation_act_date=act_date,
        revocation_official=grant.revocation_official)
    notify(team_of(grant), "message", {"subject": gettext_lazy("Your grant has been revoked"), "text": reason},
           url=grant.get_absolute_url())
    return grant


# Reports ----------------------------------------------------------------------------------

def spent_by_line(grant, *, exclude_report=None) -> dict:
    """{budget_line_id: Decimal} spent so far on each line (optionally leaving one report out)."""
    qs = Expense.objects.filter(report__grant=grant)
    if exclude_report is not None:
        qs = qs.exclude(report=exclude_report)
    return {row["budget_line"]: row["total"] for row in qs.values("budget_line").annotate(total=Sum("amount"))}


def period_errors(report, expenses: list[dict]) -> dict:
    """{index of the expense: message} for the expenses dated outside the report's period."""
    errors = {}
    for i, e in enumerate(expenses):
        spent_on = e.get("spent_on")
        if spent_on and not (report.period_start <= spent_on <= report.period_end):
            errors[i] = _("The expense is dated %(date)s, outside the report's period (%(start)s – %(end)s).") % {
                "date": date_format(spent_on), "start": date_format(report.period_start),
                "end": date_format(report.period_end)}
    return errors


def overspend_errors(grant, report, expenses: list[dict]) -> dict:
    """{index of the expense: message} for the expenses that would take a budget line past its
    amount (counting what other reports already spent on it)."""
    lines = {b.pk: b for b in grant.budget_lines.all()}
    spent = spent_by_line(grant, exclude_report=report)
    errors = {}
    for i, e in enumerate(expenses):
        line = e["budget_line"]
        if line.pk not in lines:
            errors[i] = _("Choose one of the grant's budget lines.")
            continue
        spent[line.pk] = spent.get(line.pk, ZERO) + e["amount"]
        if spent[line.pk] > line.amount:
            errors[i] = _("This expense takes “%(line)s” to %(spent)s, over its %(amount)s "
                          "(%(left)s left before it).") % {
                "line": line.description, "spent": euro(spent[line.pk]), "amount": euro(line.amount),
                "left": euro(max(line.amount - (spent[line.pk] - e["amount"]), ZERO))}
    return errors


@transaction.atomic
def save_report(report, *, by, activities: str, jobs_created: int, volunteers_involved: int, reach: dict,
                indicators: list[tuple[str, str]], expenses: list[dict], submit: bool = False,
                edit=None) -> Report:
    """Save the team's report (content, people reached per target group, free indicators,
    expenses) and, with `submit`, send it to staff.

    `expenses`: dicts with id (None for a new one), budget_line, spent_on, amount, supplier,
    description, receipt (a file or None to keep the current one), delete. The grant's row is
    locked while the expenses are checked against the budget lines, so two saves at once cannot
    overspend a line together: a draft may go over a line (`overspend_errors` tells the page), the
    submission is refused. `edit` (the form's versioning.Edit): refused with
    versioning.EditConflict, nothing saved, when someone saved the report after the form was loaded."""
    grant = Grant.objects.select_for_update().get(pk=report.grant_id)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise GrantError(_("This report has been submitted and can no longer be changed."))
    versioning.claim(report, edit, by=by)
    if grant.status not in (G.SIGNED, G.ACTIVE):
        raise GrantError(_("Reports can be written once the agreement is signed."))
    keep = [e for e in expenses if not e.get("delete")]
    outside = period_errors(report, keep)
    if outside:
        raise GrantError(*outside.values(), errors={"dates": outside})
    # A draft keeps an expense over its budget line (the page warns beside it); submission refuses
    # it, under the grant's lock. A line of another grant is never stored.
    errors = overspend_errors(grant, report, keep)
    if not submit:
        own = set(grant.budget_lines.values_list("pk", flat=True))
        errors = {i: m for i, m in errors.items() if keep[i]["budget_line"].pk not in own}
    if errors:
        raise GrantError(*errors.values(), errors={"expenses": errors})
    if submit:
        missing = {}
        if not activities.strip():
            missing["activities"] = _("Describe what was done in the period.")
        for i, e in enumerate(keep):
            has_file = e.get("receipt") or (e.get("id") and Expense.objects.filter(pk=e["id"]).exclude(
                receipt="").exists())
            if not has_file:
                missing.setdefault("receipts", {})[i] = _("Attach the receipt of this expense.")
        if missing:
            raise GrantError(*[m for m in missing.values() if isinstance(m, str)],
                             *missing.get("receipts", {}).values(), errors=missing)
    report.activities = activities
    report.jobs_created = jobs_created
    report.volunteers_involved = volunteers_involved
    for tg_id, people in reach.items():
        ReportReach.objects.update_or_create(report=report, target_group_id=tg_id, defaults={"people": people or 0})
    report.indicators.all().delete()
    ReportIndicator.objects.bulk_create(ReportIndicator(report=report, name=n, value=v) for n, v in indicators if n)
    existing = {e.pk: e for e in report.expenses.all()}
    for e in expenses:
        obj = existing.get(e.get("id"))
        if e.get("delete"):
            if obj is not None:
                obj.delete()
            continue
        if obj is None:
            obj = Expense(report=report)
        obj.budget_line = e["budget_line"]
        obj.spent_on, obj.amount, obj.supplier = e["spent_on"], e["amount"], e["supplier"]
        obj.description = e.get("description", "")
        if e.get("receipt"):
            obj.receipt = e["receipt"]
        obj.save()
        e["saved_id"] = obj.pk  # the page learns the id of a new row (autosave)
    fields = ["activities", "jobs_created", "volunteers_involved"]
    if submit:
        old = report.status
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = by
        fields += ["status", "submitted_at", "submitted_by"]
        report.save(update_fields=fields)
        audit.record(by, "grant.report_submit", report, changes={"status": [old, report.status]})
        notify(staff_people(), "grant_report_submitted", {"report": report, "grant": grant},
               url=report.get_absolute_url())
    else:
        report.save(update_fields=fields)
    return report


def _review(report, *, by, approve: bool, comment: str) -> Report:
    require_role(by, "staff")
    report = Report.objects.select_for_update().select_related("grant").get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise GrantError(_("Only a submitted report can be reviewed."))
    if not approve and not comment.strip():
        raise GrantError(_("Tell the team what to change."), field="comment")
    old = report.status
    report.status = ReportStatus.APPROVED if approve else ReportStatus.CHANGES_REQUESTED
    report.review_comment = comment
    report.reviewed_at = timezone.now()
    report.reviewed_by = by
    report.save(update_fields=["status", "review_comment", "reviewed_at", "reviewed_by"])
    audit.record(by, "grant.report_approve" if approve else "grant.report_changes", report,
                 changes={"status": [old, report.status]}, note=comment)
    payable = []
    if approve:
        payable = [t for t in report.tranches.all() if _make_payable(t)]
        if payable:
            notify(staff_people(), "grant_tranche_payable", {"grant": report.grant, "tranches": payable},
                   url=report.grant.get_absolute_url())
    notify(team_of(report.grant), "grant_report_approved" if approve else "grant_report_changes",
           {"report": report, "grant": report.grant, "comment": comment, "tranches": payable},
           url=report.get_absolute_url())
    return report


@transaction.atomic
def approve_report(report, *, by, comment: str = "") -> Report:
    return _review(report, by=by, approve=True, comment=comment)


@transaction.atomic
def request_changes(report, *, by, comment: str) -> Report:
    return _review(report, by=by, approve=False, comment=comment)
