"""Every change of the assessment stage: atomic, audited, notifying.

Rounds and criteria (`create_round`, `save_criteria`, `set_committee`), assignments by hand
(`assign`, `unassign`) and automatic (`auto_assign`), conflict declarations
(`declare_conflict`), scoring (`save_draft`, `submit_assessment`, `reopen_assessment`) and the
committee's decision (`check_decision`, `apply_decision`, `publish_ranking`).

A decision moves the proposals through `projects.services.change_status` and nothing else:

    selection round: admissible -> admitted_to_incubation (top N) | not_selected
    final round:     revised_submitted -> funded (up to M, within budget) | not_funded
"""
from collections import Counter
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.models import Membership, Proposal
from projects.services import ProposalError, change_status, proposal_people
from tsf.accounts.models import User
from tsf.accounts.permissions import require_perm, require_role
from tsf.core import audit, versioning
from tsf.core.acts import act_problems
from tsf.core.money import euro
from tsf.notifications.services import notify

from . import selectors
from .models import (
    ZERO,
    AssessmentRound,
    Assignment,
    CommitteeMember,
    ConflictDeclaration,
    Criterion,
    Decision,
    DecisionItem,
    RankingEntry,
    Score,
)

ROUND_FIELDS = ("kind", "title_it", "title_en", "version_number", "opens_at", "closes_at", "combine", "others_scores",
                "show_identity", "disagreement_threshold", "quota", "assessors_per_proposal")


class AssessmentError(ProposalError):
    """A service refused an action; `messages` are for the person (already translated)."""


# Rounds, criteria, committee -----------------------------------------------------------------

@transaction.atomic
def save_round(form, *, by) -> AssessmentRound:
    require_perm(by, "assessment.manage")
    creating = form.instance.pk is None
    if not creating:  # EditConflict: saved meanwhile by someone else, nothing applied
        versioning.claim(form.instance, form.edit() if hasattr(form, "edit") else None, by=by)
    before = {} if creating else audit.snapshot(AssessmentRound.objects.get(pk=form.instance.pk), ROUND_FIELDS)
    rnd = form.save()
    changes = audit.diff(rnd, ROUND_FIELDS, before)
    if {"combine", "disagreement_threshold"} & set(changes):
        rebuild_ranking(rnd)
    audit.record(by, "assessment.round_create" if creating else "assessment.round_update", rnd, changes=changes)
    return rnd


@transaction.atomic
def create_round(call, *, by, criteria=(), assessors=(), **fields) -> AssessmentRound:
    """Create a round with its criteria [(name, max_points, weight[, description])] and committee."""
    require_perm(by, "assessment.manage")
    rnd = AssessmentRound.objects.create(call=call, **fields)
    for i, c in enumerate(criteria):
        name, max_points, weight, *rest = c
        Criterion.objects.create(round=rnd, name=name, max_points=max_points, weight=Decimal(weight),
                                 description=rest[0] if rest else "", order=i)
    if assessors:
        set_committee(rnd, assessors, by=by)
    audit.record(by, "assessment.round_create", rnd, changes={f: [None, getattr(rnd, f)] for f in ROUND_FIELDS})
    return rnd


def _ensure_not_decided(rnd):
    if Decision.objects.filter(round=rnd).exists():
        raise AssessmentError(_("The committee has already decided on this round: it can no longer be changed."))


@transaction.atomic
def save_criteria(rnd, formset, *, by):
    """Save the criteria formset; once scores exist only names and descriptions may change."""
    require_perm(by, "assessment.manage")
    _ensure_not_decided(rnd)
    if Score.objects.filter(criterion__round=rnd, value__isnull=False).exists():
        for form in formset.forms:
            if form.instance.pk and (set(form.changed_data) & {"max_points", "weight"} or form in formset.deleted_forms):
                raise AssessmentError(_("Scores have been given: the maximum points and weights can no longer "
                                        "change, and criteria can no longer be removed."))
        if formset.extra_forms and any(f.has_changed() for f in formset.extra_forms):
            raise AssessmentError(_("Scores have been given: criteria can no longer be added."))
    formset.save()
    rebuild_ranking(rnd)  # the weights and the highest-weighted criterion
    audit.record(by, "assessment.criteria", rnd,
                 changes={"criteria": [None, [f"{c.name} ({c.max_points} x {c.weight})" for c in rnd.criteria.all()]]})


@transaction.atomic
def set_committee(rnd, assessors, *, by):
    """The committee is exactly `assessors` (users with the assessor role). A member with
    assignments cannot be removed."""
    require_perm(by, "assessment.manage")
    wanted = {u.pk: u for u in assessors}
    not_assessors = [u for u in wanted.values() if not u.has_role("assessor")]
    if not_assessors:
        raise AssessmentError(_("%(who)s does not have the assessor role.") % {"who": not_assessors[0]})
    current = set(CommitteeMember.objects.filter(round=rnd).values_list("assessor_id", flat=True))
    removed = current - set(wanted)
    busy = set(Assignment.objects.filter(round=rnd, assessor_id__in=removed).values_list("assessor_id", flat=True))
    if busy:
        raise AssessmentError(_("%(who)s has assignments in this round: remove them first.")
                              % {"who": User.objects.get(pk=min(busy))})
    CommitteeMember.objects.filter(round=rnd, assessor_id__in=removed).delete()
    CommitteeMember.objects.bulk_create([CommitteeMember(round=rnd, assessor_id=pk) for pk in set(wanted) - current])
    audit.record(by, "assessment.committee", rnd, changes={
        "committee": [sorted(current), sorted(wanted)]})


# The kept ranking ----------------------------------------------------------------------------

def refresh_ranking(rnd, proposal_ids=None):
    """Write again the `RankingEntry` rows of the round's proposals `proposal_ids` (every proposal
    of the round when None) from their assessments, with `selectors.figures`: called by every
    service that changes an input of the ranking, in its transaction. A proposal with no
    assignment left loses its row.

    The round's row is locked first (no-key update, which leaves inserts referring to the round
    free), so two refreshes of the same round follow each other and each computes after the other
    committed (PostgreSQL's read committed: every statement sees what has been committed before
    it); the round's way of combining, threshold and criteria are read again under the lock."""
    with transaction.atomic():
        rnd = AssessmentRound.objects.select_for_update(no_key=True).get(pk=rnd.pk)
        crit = Criterion.objects.filter(round=rnd).order_by("-weight", "order", "pk").first()
        if proposal_ids is not None:
            proposal_ids = sorted(set(proposal_ids))
            if not proposal_ids:
                return
        figures = selectors.figures(rnd, crit, proposal_ids=proposal_ids)
        entries = RankingEntry.objects.filter(round=rnd)
        if proposal_ids is not None:
            entries = entries.filter(proposal_id__in=proposal_ids)
        entries.delete()
        RankingEntry.objects.bulk_create([
            RankingEntry(round=rnd, proposal_id=pk, combined=f.combined, top_criterion=f.top_criterion,
                         spread=f.spread, disputed=f.disputed, assigned=f.assigned, submitted=f.submitted,
                         totals=[[aid, str(total)] for aid, _u, total in f.totals])
            for pk, f in sorted(figures.items()) if f.assigned
        ], batch_size=1000)


def rebuild_ranking(rnd):
    """Every proposal of the round again (its criteria, way of combining or threshold changed)."""
    refresh_ranking(rnd, None)


def rebuild_all_rankings() -> int:
    """Every round's kept ranking again (`manage.py rebuild_rankings`; after data written around
    the services). Returns the number of rounds."""
    n = 0
    for rnd in AssessmentRound.objects.order_by("pk"):
        rebuild_ranking(rnd)
        n += 1
    return n


# Assignments -------------------------------------------------------------------------------

def conflicted_pairs(call, assessor_ids=None):
    """{(proposal_id, assessor_id)} that must never be assigned: conflicts declared in any round
    of the call, and assessors who are members of the proposal's organisation."""
    pairs = set(ConflictDeclaration.objects.filter(round__call=call, has_conflict=True)
                .values_list("proposal_id", "assessor_id"))
    members = Membership.objects.filter(organisation__proposals__call=call)
    if assessor_ids is not None:
        members = members.filter(user_id__in=assessor_ids)
    pairs |= set(members.values_list("organisation__proposals__pk", "user_id"))
    return pairs


@transaction.atomic
def assign(rnd, proposal, assessor, *, by) -> Assignment:
    require_perm(by, "assessment.manage")
    _ensure_not_decided(rnd)
    if proposal.call_id != rnd.call_id:
        raise AssessmentError(_("The proposal belongs to another call."))
    if not CommitteeMember.objects.filter(round=rnd, assessor=assessor).exists():
        raise AssessmentError(_("%(who)s is not in the committee of this round.") % {"who": assessor})
    if Membership.objects.filter(organisation_id=proposal.organisation_id, user=assessor).exists():
        raise AssessmentError(_("%(who)s is a member of the applicant organisation.") % {"who": assessor})
    if (proposal.pk, assessor.pk) in conflicted_pairs(rnd.call, [assessor.pk]):
        raise AssessmentError(_("%(who)s declared a conflict of interest with this proposal.") % {"who": assessor})
    if Assignment.objects.filter(round=rnd, proposal=proposal, assessor=assessor).exists():
        raise AssessmentError(_("%(who)s is already assigned to this proposal.") % {"who": assessor})
    try:
        with transaction.atomic():
            a = Assignment.objects.create(round=rnd, proposal=proposal, assessor=assessor, assigned_by=by)
    except IntegrityError as exc:
        raise AssessmentError(_("%(who)s is already assigned to this proposal.") % {"who": assessor}) from exc
    refresh_ranking(rnd, [proposal.pk])
    audit.record(by, "assessment.assign", a, changes={"assessor": [None, assessor.email]})
    _notify_assigned(rnd, {assessor.pk: 1}, [assessor])
    return a


def _notify_assigned(rnd, counts: dict, assessors):
    """Tell each assessor (in the portal and by e-mail) how many proposals were just assigned to them."""
    from django.urls import reverse

    for assessor in assessors:
        n = counts.get(assessor.pk, 0)
        if n:
            notify(assessor, "assessment_assigned", {"round": rnd, "count": n, "closes_at": rnd.closes_at},
                   url=reverse("assessment:mine"))


@transaction.atomic
def unassign(assignment, *, by):
    require_perm(by, "assessment.manage")
    if assignment.status == Assignment.Status.SUBMITTED:
        raise AssessmentError(_("A submitted assessment cannot be removed: reopen it first."))
    _ensure_not_decided(assignment.round)
    audit.record(by, "assessment.unassign", assignment.proposal,
                 changes={"assessor": [assignment.assessor.email, None]})
    assignment.delete()
    refresh_ranking(assignment.round, [assignment.proposal_id])


@transaction.atomic
def auto_assign(rnd, *, per_proposal=None, by) -> list[Assignment]:
    """Give each of the round's proposals `per_proposal` assessors (counting those it already
    has), choosing each time the committee member with the fewest assignments in the round
    (ties: e-mail order), never one with a declared conflict, a member of the applicant
    organisation, nor one already assigned.
    Returns the new assignments. A proposal for which not enough members are free is left short
    (the page says so)."""
    require_perm(by, "assessment.manage")
    _ensure_not_decided(rnd)
    per_proposal = per_proposal or rnd.assessors_per_proposal
    AssessmentRound.objects.select_for_update().get(pk=rnd.pk)  # one auto-assignment at a time
    members = list(User.objects.filter(assessment_committees__round=rnd).order_by("email"))
    if not members:
        raise AssessmentError(_("The round has no committee yet: add assessors first."))
    load = Counter({m.pk: 0 for m in members})
    load.update(Assignment.objects.filter(round=rnd).values_list("assessor_id", flat=True))
    existing = set(Assignment.objects.filter(round=rnd).values_list("proposal_id", "assessor_id"))
    conflicts = conflicted_pairs(rnd.call, [m.pk for m in members])
    order = {m.pk: i for i, m in enumerate(members)}
    new = []
    for proposal in selectors.round_proposals(rnd).filter(status__in=rnd.entry_statuses()):
        have = sum(1 for (p, _a) in existing if p == proposal.pk)
        for _i in range(per_proposal - have):
            free = [m for m in members if (proposal.pk, m.pk) not in existing and (proposal.pk, m.pk) not in conflicts]
            if not free:
                break
            chosen = min(free, key=lambda m: (load[m.pk], order[m.pk]))
            new.append(Assignment(round=rnd, proposal=proposal, assessor=chosen, assigned_by=by))
            existing.add((proposal.pk, chosen.pk))
            load[chosen.pk] += 1
    Assignment.objects.bulk_create(new)
    refresh_ranking(rnd, [a.proposal_id for a in new])
    _notify_assigned(rnd, Counter(a.assessor_id for a in new), members)
    audit.record(by, "assessment.auto_assign", rnd, changes={"assignments": [None, len(new)]},
                 note=ngettext("%(n)s assessor per proposal", "%(n)s assessors per proposal", per_proposal)
                 % {"n": per_proposal})
    return new


# Closing the round ---------------------------------------------------------------------------

@transaction.atomic
def close_round(rnd, *, by) -> AssessmentRound:
    """Close the round by an explicit action of the staff (audited): scoring stops (except for an
    assessment reopened afterwards) and the committee may decide."""
    require_role(by, "staff")
    rnd = AssessmentRound.objects.select_for_update().get(pk=rnd.pk)
    if rnd.closed_at is not None:
        raise AssessmentError(_("The round is already closed."))
    if not rnd.has_opened():
        raise AssessmentError(_("The round has not opened yet: it cannot be closed."))
    rnd.closed_at, rnd.closed_by = timezone.now(), by
    rnd.save(update_fields=["closed_at", "closed_by", "updated_at"])
    audit.record(by, "assessment.round_close", rnd, changes={"closed_at": [None, rnd.closed_at]})
    return rnd


def short_of_assessments(rnd, rows) -> list:
    """The ranked rows with fewer submitted assessments than the round requires."""
    return [r for r in rows if r.submitted < rnd.assessors_per_proposal]


# Conflicts ---------------------------------------------------------------------------------

def declaration_for(assignment):
    return ConflictDeclaration.objects.filter(round_id=assignment.round_id, proposal_id=assignment.proposal_id,
                                              assessor_id=assignment.assessor_id).first()


@transaction.atomic
def declare_conflict(assignment, *, has_conflict: bool, reason: str = "", by) -> ConflictDeclaration:
    """The assessor's declaration before reading the proposal. With a conflict the assignment
    leaves their list (deleted), staff are told and can reassign the proposal."""
    require_role(by, "assessor")
    if by.pk != assignment.assessor_id:
        raise AssessmentError(_("Only the assigned assessor can make this declaration."))
    if declaration_for(assignment) is not None:
        raise AssessmentError(_("You have already made your declaration on this proposal."))
    reason = (reason or "").strip()
    if has_conflict and not reason:
        raise AssessmentError(_("Explain the conflict of interest."))
    declaration = ConflictDeclaration.objects.create(
        round_id=assignment.round_id, proposal_id=assignment.proposal_id, assessor_id=assignment.assessor_id,
        has_conflict=has_conflict, reason=reason if has_conflict else "",
    )
    audit.record(by, "assessment.conflict" if has_conflict else "assessment.no_conflict", assignment.proposal,
                 changes={"conflict": [None, has_conflict]}, note=reason)
    if has_conflict:
        rnd, proposal = assignment.round, assignment.proposal
        assignment.delete()
        refresh_ranking(rnd, [proposal.pk])
        from django.urls import reverse

        notify(User.objects.with_role("staff").filter(is_active=True), "assessment_conflict",
               {"round": rnd, "proposal": proposal, "assessor": by, "reason": reason},
               url=reverse("assessment:assignments", kwargs={"pk": rnd.pk}))
    return declaration


# Scoring -----------------------------------------------------------------------------------

def closed_for(assignment, now=None) -> bool:
    """Scoring is closed at the round's closing time, except for an assessment the staff reopened."""
    return assignment.round.is_closed(now) and assignment.status != Assignment.Status.REOPENED


def _check_editable(assignment, by, now=None):
    if by.pk != assignment.assessor_id:
        raise AssessmentError(_("Only the assigned assessor can score this proposal."))
    if assignment.status == Assignment.Status.SUBMITTED:
        raise AssessmentError(_("This assessment has been submitted and is locked."))
    decl = declaration_for(assignment)
    if decl is None or decl.has_conflict:
        raise AssessmentError(_("Declare first that you have no conflict of interest with this proposal."))
    rnd = assignment.round
    if not rnd.has_opened():
        raise AssessmentError(_("The round has not opened yet."))
    if Decision.objects.filter(round=rnd).exists():
        raise AssessmentError(_("The committee has already decided on this round."))
    if closed_for(assignment, now):
        raise AssessmentError(
            _("The round closed on %(date)s: the assessments can no longer change. Ask the programme office "
              "to extend the round or to reopen this assessment.")
            % {"date": date_format(timezone.localtime(rnd.closes_at), "DATETIME_FORMAT")})


def score_problems(criteria, values: dict) -> dict:
    """{criterion_id: message} for missing or out-of-bounds points (submission needs every one)."""
    problems = {}
    for c in criteria:
        v = values.get(c.pk)
        if v is None:
            problems[c.pk] = _("Give the points for “%(c)s”.") % {"c": c.name}
        elif v < 0 or v > c.max_points:
            problems[c.pk] = _("The points for “%(c)s” must be between 0 and %(max)s.") % {"c": c.name,
                                                                                       "max": c.max_points}
    return problems


@transaction.atomic
def save_draft(assignment, *, by, scores: dict, strengths="", weaknesses="", feedback="", now=None,
               edit=None) -> Assignment:
    """Save the points {criterion_id: (Decimal|None, comment)} and the texts as a draft. Points out
    of bounds are refused (a draft may leave some empty); nothing changes once the round has closed
    (`now`: the time of the action, the clock by default). `edit` (the form's versioning.Edit):
    refused with versioning.EditConflict when the scores were saved after the form was loaded (two tabs)."""
    require_role(by, "assessor")
    assignment = Assignment.objects.select_for_update().select_related("round").get(pk=assignment.pk)
    _check_editable(assignment, by, now)
    versioning.claim(assignment, edit, by=by)
    criteria = list(Criterion.objects.filter(round_id=assignment.round_id))
    bad = {k: m for k, m in score_problems(criteria, {k: v for k, (v, _c) in scores.items()}).items()
           if scores.get(k, (None, ""))[0] is not None}
    if bad:
        raise AssessmentError(*bad.values())
    for c in criteria:
        value, comment = scores.get(c.pk, (None, ""))
        Score.objects.update_or_create(assignment=assignment, criterion=c,
                                       defaults={"value": value, "comment": comment or ""})
    assignment.strengths, assignment.weaknesses, assignment.feedback = strengths, weaknesses, feedback
    assignment.save(update_fields=["strengths", "weaknesses", "feedback", "updated_at"])
    return assignment


@transaction.atomic
def submit_assessment(assignment, *, by, now=None) -> Assignment:
    """Lock the assessment: every criterion must have points within its bounds, and the team
    needs strengths and weaknesses; before the round closes (`now`: the clock by default)."""
    require_role(by, "assessor")
    now = now or timezone.now()
    assignment = Assignment.objects.select_for_update().select_related("round", "proposal").get(pk=assignment.pk)
    _check_editable(assignment, by, now)
    criteria = list(Criterion.objects.filter(round_id=assignment.round_id))
    values = dict(Score.objects.filter(assignment=assignment).values_list("criterion_id", "value"))
    problems = list(score_problems(criteria, values).values())
    if not assignment.strengths.strip():
        problems.append(_("Write the strengths of the proposal for the team."))
    if not assignment.weaknesses.strip():
        problems.append(_("Write the weaknesses of the proposal for the team."))
    if problems:
        raise AssessmentError(*problems)
    old = assignment.status
    assignment.status = Assignment.Status.SUBMITTED
    assignment.submitted_at = now
    assignment.save(update_fields=["status", "submitted_at", "updated_at"])
    refresh_ranking(assignment.round, [assignment.proposal_id])
    audit.record(by, "assessment.submit", assignment, changes={"status": [old, assignment.status]})
    return assignment


@transaction.atomic
def reopen_assessment(assignment, *, by, reason: str) -> Assignment:
    """Staff reopen a submitted assessment with a reason (audited); the assessor is told."""
    require_perm(by, "assessment.manage")
    reason = (reason or "").strip()
    if not reason:
        raise AssessmentError(_("Give the reason for reopening the assessment."))
    assignment = Assignment.objects.select_for_update().select_related("round", "proposal", "assessor").get(
        pk=assignment.pk)
    if assignment.status != Assignment.Status.SUBMITTED:
        raise AssessmentError(_("Only a submitted assessment can be reopened."))
    _ensure_not_decided(assignment.round)
    assignment.status = Assignment.Status.REOPENED
    assignment.reopened_at = timezone.now()
    assignment.reopen_reason = reason
    assignment.save(update_fields=["status", "reopened_at", "reopen_reason", "updated_at"])
    refresh_ranking(assignment.round, [assignment.proposal_id])
    audit.record(by, "assessment.reopen", assignment, changes={"status": ["submitted", "reopened"]}, note=reason)
    notify(assignment.assessor, "assessment_reopened",
           {"assignment": assignment, "round": assignment.round, "reason": reason,
            "title": selectors_title(assignment)},
           url=assignment.get_absolute_url())
    return assignment


def selectors_title(assignment):
    v = assignment.proposal.versions.filter(number=assignment.round.version_number).first()
    return v.title if v else assignment.proposal.title


# Decisions ---------------------------------------------------------------------------------

def proposed_outcomes(rnd, rows, *, count=None):
    """Default outcomes from the ranking: the top `count` (the quota) positive; in the final round
    each funded proposal gets min(requested grant, maximum grant), stopping at the budget."""
    count = rnd.quota if count is None else count
    positive, negative = rnd.outcome_choices()
    out = {}
    spent = ZERO
    call = rnd.call
    for row in rows:
        if rnd.is_selection:
            out[row.proposal.pk] = (positive if row.rank <= count and row.combined is not None else negative, None)
        else:
            amount = min(row.requested_grant or call.max_grant, call.max_grant)
            if (row.rank <= count and row.combined is not None and len([o for o in out.values() if o[0] == positive])
                    < count and spent + amount <= call.total_budget):
                out[row.proposal.pk] = (positive, amount)
                spent += amount
            else:
                out[row.proposal.pk] = (negative, None)
    return out


def check_decision(rnd, rows, outcomes: dict, *, override_reason: str = "") -> list[str]:
    """Why this decision cannot be applied (empty when it can). `outcomes` maps proposal_id to
    (outcome, grant amount or None). The round must have been closed; every proposal needs the
    number of submitted assessments the round requires, unless `override_reason` says why the
    committee decides without them."""
    problems = []
    call = rnd.call
    positive, negative = rnd.outcome_choices()
    if Decision.objects.filter(round=rnd).exists():
        return [_("The committee has already decided on this round.")]
    if rnd.closed_at is None:
        return [_("Close the round before the committee decides.")]
    if not rows:
        return [_("There is nothing to decide: the round has no proposals.")]
    short = short_of_assessments(rnd, rows)
    if short and not (override_reason or "").strip():
        problems.append(ngettext(
            "%(n)s proposal has fewer than %(m)s submitted assessments (%(list)s): give the reason for deciding "
            "without them, it goes into the minutes.",
            "%(n)s proposals have fewer than %(m)s submitted assessments (%(list)s): give the reason for "
            "deciding without them, it goes into the minutes.", len(short))
            % {"n": len(short), "m": rnd.assessors_per_proposal,
               "list": ", ".join(r.proposal.protocol_number or str(r.proposal.pk) for r in short)})
    ranked = {r.proposal.pk for r in rows}
    if set(outcomes) != ranked:
        problems.append(_("Give an outcome for every proposal of the ranking."))
    pending = Assignment.objects.filter(round=rnd).exclude(status=Assignment.Status.SUBMITTED).count()
    if pending:
        problems.append(ngettext("%(n)s assessment has not been submitted yet.",
                                 "%(n)s assessments have not been submitted yet.", pending) % {"n": pending})
    unscored = [r for r in rows if r.combined is None]
    if unscored:
        problems.append(ngettext("%(n)s proposal has no submitted assessment.",
                                 "%(n)s proposals have no submitted assessment.", len(unscored))
                        % {"n": len(unscored)})
    chosen = [(pid, amount) for pid, (o, amount) in outcomes.items() if o == positive]
    if any(o not in (positive, negative) for o, _a in outcomes.values()):
        problems.append(_("Unknown outcome."))
    if len(chosen) > rnd.quota:
        if rnd.is_selection:
            problems.append(ngettext("At most %(m)s proposal can be admitted to the Incubation Lab: %(n)s were chosen.",
                                     "At most %(m)s proposals can be admitted to the Incubation Lab: %(n)s were chosen.",
                                     rnd.quota) % {"m": rnd.quota, "n": len(chosen)})
        else:
            problems.append(ngettext("At most %(m)s proposal can be funded: %(n)s were chosen.",
                                     "At most %(m)s proposals can be funded: %(n)s were chosen.",
                                     rnd.quota) % {"m": rnd.quota, "n": len(chosen)})
    if rnd.is_final:
        titles = {r.proposal.pk: r.title for r in rows}
        total = ZERO
        for pid, amount in chosen:
            if amount is None or amount <= ZERO:
                problems.append(_("Give the proposed grant for “%(t)s”.") % {"t": titles.get(pid, pid)})
                continue
            if amount > call.max_grant:
                problems.append(_("The grant proposed for “%(t)s” (%(a)s) exceeds the maximum grant of %(m)s.")
                                % {"t": titles.get(pid, pid), "a": euro(amount), "m": euro(call.max_grant)})
            total += amount
        if total > call.total_budget:
            problems.append(_("The grants proposed total %(t)s, beyond the call's budget of %(b)s.")
                            % {"t": euro(total), "b": euro(call.total_budget)})
        if any(amount is not None for _pid, (o, amount) in outcomes.items() if o == negative):
            problems.append(_("Only funded proposals have a grant."))
    return problems


@transaction.atomic
def apply_decision(rnd, *, by, outcomes: dict, act_number: str, act_date, act_official: str, minutes: str = "",
                   override_reason: str = "") -> Decision:
    """Apply the committee's decision: all or nothing.

    Effects: checks `check_decision` (raises AssessmentError with every reason, nothing changed),
    freezes the ranking with the outcomes in the Decision (who, when, minutes), creates one
    DecisionItem per ranked proposal, moves each proposal with `projects.services.change_status`
    (admitted_to_incubation / not_selected, or funded / not_funded), and tells every team its
    outcome, score and the committee's feedback. Any failure rolls everything back.
    Refused without the act that approves it (number, date, official: `tsf.core.acts.act_problems`),
    which is stored with it; a reason for deciding
    with assessments missing is kept in the decision and added to the minutes.
    """
    require_perm(by, "assessment.manage")
    act_errors = act_problems(act_number, act_date, act_official)
    if act_errors:
        raise AssessmentError(*act_errors.values(), field=next(iter(act_errors)))
    rnd = AssessmentRound.objects.select_for_update().select_related("call").get(pk=rnd.pk)
    rows = selectors.ranking(rnd)
    override_reason = (override_reason or "").strip()
    problems = check_decision(rnd, rows, outcomes, override_reason=override_reason)
    if problems:
        raise AssessmentError(*problems)
    status_for = {
        DecisionItem.Outcome.ADMITTED: Proposal.Status.ADMITTED_TO_INCUBATION,
        DecisionItem.Outcome.NOT_SELECTED: Proposal.Status.NOT_SELECTED,
        DecisionItem.Outcome.FUNDED: Proposal.Status.FUNDED,
        DecisionItem.Outcome.NOT_FUNDED: Proposal.Status.NOT_FUNDED,
    }
    for row in rows:
        row.outcome, row.grant_amount = outcomes[row.proposal.pk]
    minutes = minutes.strip()
    short = short_of_assessments(rnd, rows)
    if short and override_reason:
        minutes = "\n\n".join(filter(None, [minutes, _(
            "Decided with fewer than %(m)s submitted assessments for %(list)s. Reason: %(reason)s") % {
            "m": rnd.assessors_per_proposal, "reason": override_reason,
            "list": ", ".join(r.proposal.protocol_number or str(r.proposal.pk) for r in short)}]))
    else:
        override_reason = ""
    decision = Decision.objects.create(round=rnd, decided_by=by, minutes=minutes,
                                       ranking=[r.as_json() for r in rows], override_reason=override_reason,
                                       act_number=(act_number or "").strip(), act_date=act_date,
                                       act_official=(act_official or "").strip())
    DecisionItem.objects.bulk_create([
        DecisionItem(decision=decision, proposal=r.proposal, outcome=r.outcome, rank=r.rank,
                     combined_score=r.combined, grant_amount=r.grant_amount)
        for r in rows
    ])
    note = _("Decision of the committee: %(r)s") % {"r": rnd.title}
    try:
        for row in rows:
            change_status(row.proposal, status_for[row.outcome], by=by, note=note, action="proposal.assessment")
    except ProposalError as exc:
        raise AssessmentError(*exc.messages) from exc
    audit.record(by, "assessment.decision", rnd, changes={
        "outcomes": [None, dict(Counter(r.outcome for r in rows))],
        "grants_total": [None, sum((r.grant_amount or ZERO for r in rows), ZERO)],
        "act": [None, decision.act],
    }, note=minutes)
    _notify_outcomes(rnd, decision, rows)
    return decision


def _notify_outcomes(rnd, decision, rows):
    from django.urls import reverse

    feedback = {}
    for a in Assignment.objects.filter(round=rnd, status=Assignment.Status.SUBMITTED).order_by("pk"):
        feedback.setdefault(a.proposal_id, []).append(a)
    for row in rows:
        notify(proposal_people(row.proposal), "assessment_outcome", {
            "round": rnd, "proposal": row.proposal, "title": row.title, "row": row,
            "outcome_label": dict(DecisionItem.Outcome.choices)[row.outcome], "outcome": row.outcome,
            "positive": row.outcome in (DecisionItem.Outcome.ADMITTED, DecisionItem.Outcome.FUNDED),
            "assessments": feedback.get(row.proposal.pk, []), "total": len(rows),
        }, url=reverse("assessment:outcome", kwargs={"proposal_pk": row.proposal.pk}))


@transaction.atomic
def publish_ranking(decision, *, by) -> Decision:
    require_perm(by, "assessment.manage")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.published_at:
        raise AssessmentError(_("The ranking is already published."))
    decision.published_at = timezone.now()
    decision.published_by = by
    decision.save(update_fields=["published_at", "published_by"])
    audit.record(by, "assessment.publish", decision.round, changes={"published_at": [None, decision.published_at]})
    return decision


def grants_total(decision) -> Decimal:
    return decision.items.filter(outcome=DecisionItem.Outcome.FUNDED).aggregate(t=Sum("grant_amount"))["t"] or ZERO


def work_left(rnd):
    """{assessor_id: n} assignments not yet submitted in the round (for reminders)."""
    return dict(Assignment.objects.filter(round=rnd).filter(~Q(status=Assignment.Status.SUBMITTED))
                .values("assessor_id").annotate(n=Count("pk")).values_list("assessor_id", "n"))
