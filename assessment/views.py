import itertools
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from calls.models import Call
from projects.models import Attachment, Proposal, ProposalVersion
from projects.rules import is_proposal_member
from projects.selectors import proposal_detail
from tsf.accounts.permissions import role_required, staff_required
from tsf.core.exports import export_response
from tsf.core.files import private_file_url
from tsf.core.money import number
from tsf.core.pagecache import anonymous_page_cache, private_page_cache
from tsf.core.pdf import pdf_response
from tsf.core.versioning import EditConflict

from . import selectors, services
from .forms import (
    AssignForm,
    AutoAssignForm,
    CommitteeForm,
    CriterionFormSet,
    DecisionActForm,
    DeclarationForm,
    FinalDecisionForm,
    ReopenForm,
    RoundForm,
    ScoreForm,
    SelectionDecisionForm,
)
from .models import Assignment, Decision, DecisionItem, Score

assessor_required = role_required("assessor")

TIE_BREAK_RULE = gettext_lazy(
    "Order: higher combined score first; on a tie, the higher mean points on the criterion with the "
    "highest weight (“%(criterion)s”); then the earlier protocol number."
)


def index(request):
    """The navigation's "Assessment": staff go to the rounds of the latest call, assessors to
    their assignments, teams to their area, visitors to the calls."""
    user = request.user
    if user.is_authenticated and user.has_role("staff"):
        call = Call.objects.order_by("-opens_at").first()
        if call:
            return redirect("assessment:call_rounds", call_pk=call.pk)
    if user.is_authenticated and user.has_role("assessor"):
        return redirect("assessment:mine")
    if user.is_authenticated:
        return redirect("accounts:my_area")
    return redirect("calls:index")


def _round(pk):
    rnd = selectors.round_detail(pk)
    if rnd is None:
        raise Http404
    return rnd


def _tie_break(rnd):
    name = getattr(rnd, "top_criterion_name", None)  # (selectors.round_for_ranking)
    if name is None:
        crit = selectors.top_criterion(rnd)
        name = crit.name if crit else None
    return TIE_BREAK_RULE % {"criterion": name or "—"}


# Staff: rounds ------------------------------------------------------------------------------

@staff_required
def call_rounds(request, call_pk):
    call = get_object_or_404(Call, pk=call_pk)
    return render(request, "assessment/staff/call_rounds.html", {
        "call": call, "rounds": selectors.rounds_of(call), "calls": Call.objects.order_by("-opens_at"),
        "decisions": {d.round_id: d for d in Decision.objects.filter(round__call=call)},
    })


@staff_required
def round_create(request, call_pk):
    call = get_object_or_404(Call, pk=call_pk)
    form = RoundForm(request.POST or None, call=call)
    if request.method == "POST" and form.is_valid():
        rnd = services.save_round(form, by=request.user)
        messages.success(request, _("The round has been created: now give it its criteria and committee."))
        return redirect("assessment:round_setup", pk=rnd.pk)
    return render(request, "assessment/staff/round_form.html", {"call": call, "form": form})


@staff_required
def round_setup(request, pk):
    rnd = _round(pk)
    form = RoundForm(request.POST or None, instance=rnd, call=rnd.call, prefix="round")
    formset = CriterionFormSet(request.POST or None, instance=rnd, prefix="criteria")
    committee = CommitteeForm(request.POST or None, prefix="committee",
                              initial={"assessors": [m.assessor_id for m in rnd.committee.all()]})
    if request.method == "POST":
        if form.is_valid() and formset.is_valid() and committee.is_valid():
            try:
                with transaction.atomic():
                    services.save_round(form, by=request.user)
                    services.save_criteria(rnd, formset, by=request.user)
                    services.set_committee(rnd, committee.cleaned_data["assessors"], by=request.user)
            except EditConflict as exc:
                form.show_conflict(exc)
            except services.AssessmentError as exc:
                for m in exc.messages:
                    messages.error(request, m)
            else:
                messages.success(request, _("The round has been saved."))
                return redirect("assessment:round", pk=rnd.pk)
        else:
            messages.error(request, _("Please correct the errors below: nothing has been lost."))
    return render(request, "assessment/staff/round_setup.html", {
        "rnd": rnd, "call": rnd.call, "form": form, "formset": formset, "committee": committee})


PROGRESS_HEADERS = [gettext_lazy("Assessor"), gettext_lazy("E-mail"), gettext_lazy("Assigned"),
                    gettext_lazy("Submitted"), gettext_lazy("Left"), gettext_lazy("Conflicts declared")]
CONFLICT_HEADERS = [gettext_lazy("Assessor"), gettext_lazy("E-mail"), gettext_lazy("Protocol"),
                    gettext_lazy("Organisation"), gettext_lazy("Reason"), gettext_lazy("Declared at")]


@staff_required
def round_detail(request, pk):
    rnd = _round(pk)
    conflicts = rnd.declarations.filter(has_conflict=True).select_related(
        "assessor", "proposal", "proposal__organisation").order_by("proposal__protocol_seq", "pk")
    fmt, table = request.GET.get("format"), request.GET.get("table")
    if fmt in ("csv", "xlsx") and table == "progress":
        rows = ([p["assessor"].full_name, p["assessor"].email, p["assigned"], p["submitted"], p["left"],
                 p["conflicts"]] for p in selectors.progress(rnd))
        return export_response(fmt, f"progress-{rnd.call.slug}-{rnd.kind}", [str(h) for h in PROGRESS_HEADERS], rows)
    if fmt in ("csv", "xlsx") and table == "conflicts":
        rows = ([d.assessor.full_name, d.assessor.email, d.proposal.protocol_number,
                 d.proposal.organisation.legal_name, d.reason, d.declared_at] for d in conflicts)
        return export_response(fmt, f"conflicts-{rnd.call.slug}-{rnd.kind}", [str(h) for h in CONFLICT_HEADERS], rows)
    return render(request, "assessment/staff/round.html", {
        "rnd": rnd, "call": rnd.call, "progress": selectors.progress(rnd),
        "decision": Decision.objects.filter(round=rnd).first(), "conflicts": conflicts,
    })


ASSIGNMENT_HEADERS = [gettext_lazy("Protocol"), gettext_lazy("Title"), gettext_lazy("Organisation"),
                      gettext_lazy("Assessor"), gettext_lazy("Status"), gettext_lazy("Submitted at")]


@staff_required
def assignments(request, pk):
    rnd = _round(pk)
    proposals = list(selectors.round_proposals(rnd))
    titled = [(p, selectors.version_title(p)) for p in proposals]
    members = [m.assessor for m in rnd.committee.all()]
    form = AssignForm(request.POST or None, proposals=titled, assessors=members, prefix="hand")
    auto = AutoAssignForm(request.POST or None, prefix="auto", initial={"per_proposal": rnd.assessors_per_proposal})
    if request.method == "POST":
        if "auto" in request.POST:
            form = AssignForm(proposals=titled, assessors=members, prefix="hand")
            if auto.is_valid():
                try:
                    new = services.auto_assign(rnd, per_proposal=auto.cleaned_data["per_proposal"], by=request.user)
                except services.AssessmentError as exc:
                    auto.add_error(None, exc.messages[0])
                else:
                    messages.success(request, ngettext("%(n)s assignment made.", "%(n)s assignments made.", len(new))
                                     % {"n": len(new)})
                    return redirect("assessment:assignments", pk=rnd.pk)
        else:
            auto = AutoAssignForm(prefix="auto", initial={"per_proposal": rnd.assessors_per_proposal})
            if form.is_valid():
                proposal = next((p for p, _t in titled if p.pk == form.cleaned_data["proposal"]), None)
                assessor = next((u for u in members if u.pk == form.cleaned_data["assessor"]), None)
                try:
                    services.assign(rnd, proposal, assessor, by=request.user)
                except services.AssessmentError as exc:
                    form.add_error("assessor", exc.messages[0])
                else:
                    messages.success(request, _("The proposal has been assigned."))
                    return redirect("assessment:assignments", pk=rnd.pk)
    by_proposal = {}
    for a in Assignment.objects.filter(round=rnd).select_related("assessor").order_by("pk"):
        by_proposal.setdefault(a.proposal_id, []).append(a)
    q = (request.GET.get("q") or "").strip().lower()
    rows = [(p, t, by_proposal.get(p.pk, [])) for p, t in titled
            if not q or q in t.lower() or q in (p.protocol_number or "").lower()
            or q in p.organisation.legal_name.lower()]
    if request.GET.get("short"):
        rows = [r for r in rows if len(r[2]) < rnd.assessors_per_proposal]
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        # One line per assignment; a proposal nobody was assigned has a line with the assessor empty.
        lines = ([p.protocol_number, t, p.organisation.legal_name, a.assessor.full_name or a.assessor.email,
                  a.get_status_display(), a.submitted_at] for p, t, assigned in rows for a in assigned)
        empty = ([p.protocol_number, t, p.organisation.legal_name, "", "", None] for p, t, assigned in rows
                 if not assigned)
        return export_response(fmt, f"assignments-{rnd.call.slug}-{rnd.kind}",
                               [str(h) for h in ASSIGNMENT_HEADERS], itertools.chain(lines, empty))
    page_obj = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "assessment/staff/assignments.html", {
        "rnd": rnd, "call": rnd.call, "form": form, "auto": auto, "page_obj": page_obj, "q": q,
        "short": bool(request.GET.get("short")), "decided": Decision.objects.filter(round=rnd).exists(),
    })


@staff_required
@require_POST
def unassign(request, pk):
    a = get_object_or_404(Assignment.objects.select_related("round", "assessor", "proposal"), pk=pk)
    try:
        services.unassign(a, by=request.user)
        messages.success(request, _("The assignment has been removed."))
    except services.AssessmentError as exc:
        messages.error(request, exc.messages[0])
    return redirect("assessment:assignments", pk=a.round_id)


@staff_required
def reopen(request, pk):
    a = get_object_or_404(Assignment.objects.select_related("round", "assessor", "proposal"), pk=pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_assessment(a, by=request.user, reason=form.cleaned_data["reason"])
        except services.AssessmentError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("The assessment has been reopened and the assessor told."))
            return redirect("assessment:round", pk=a.round_id)
    return render(request, "assessment/staff/reopen.html", {"a": a, "rnd": a.round, "form": form,
                                                            "title": services.selectors_title(a)})


RANKING_HEADERS = [
    gettext_lazy("Rank"), gettext_lazy("Protocol"), gettext_lazy("Title"), gettext_lazy("Organisation"),
    gettext_lazy("Combined score"), gettext_lazy("Assessors' weighted totals"), gettext_lazy("Spread"),
    gettext_lazy("Disputed"), gettext_lazy("Points on the highest-weighted criterion"),
    gettext_lazy("Submitted / assigned"), gettext_lazy("Outcome"), gettext_lazy("Proposed grant (EUR)"),
]


def _ranking_row(r):
    return [r.rank, r.proposal.protocol_number, r.title, r.proposal.organisation.legal_name, r.combined,
            "; ".join(number(t) for _a, _u, t in r.totals), r.spread, _("yes") if r.disputed else "",
            r.top_criterion, f"{r.submitted}/{r.assigned}", r.outcome_label, r.grant_amount]


@staff_required
@private_page_cache
def ranking(request, pk):
    rnd = selectors.round_for_ranking(pk)
    if rnd is None:
        raise Http404
    fmt = request.GET.get("format")
    printable = bool(request.GET.get("print"))
    decision = selectors.decision_of(rnd)
    ctx = {"rnd": rnd, "call": rnd.call, "tie_break": _tie_break(rnd), "decision": decision}
    if fmt in ("csv", "xlsx") or printable:
        # Every row with its columns, computed from the assessments (the reference).
        rows = selectors.ranking(rnd, instances=False)
        if fmt in ("csv", "xlsx"):
            return export_response(fmt, f"ranking-{rnd.call.slug}-{rnd.kind}", [str(h) for h in RANKING_HEADERS],
                                   (_ranking_row(r) for r in rows))
        ctx.update(rows=rows, disputed=sum(1 for r in rows if r.disputed))
        return render(request, "assessment/staff/ranking_print.html", ctx)
    # The page of rows shown, from the kept ranking: the database orders and counts.
    ctx["page_obj"], ctx["disputed"] = selectors.ranking_page(rnd, request.GET.get("page"))
    return render(request, "assessment/staff/ranking.html", ctx)


def _outcomes_from_post(rnd, rows, post):
    """The decision carried by the confirmation page's hidden fields."""
    out = {}
    for r in rows:
        outcome = post.get(f"outcome_{r.proposal.pk}", "")
        amount = post.get(f"amount_{r.proposal.pk}") or None
        if amount is not None:
            try:
                amount = Decimal(amount)
            except InvalidOperation:
                amount = None
        out[r.proposal.pk] = (outcome, amount)
    return out


@staff_required
def decide(request, pk):
    """Step 1: choose (top N, or funded with grants); step 2: the confirmation page shows exactly
    what will happen; step 3: "confirm" applies it atomically."""
    rnd = _round(pk)
    if Decision.objects.filter(round=rnd).exists():
        messages.info(request, _("The committee has already decided on this round."))
        return redirect("assessment:minutes", pk=rnd.pk)
    rows = selectors.ranking(rnd)
    proposed = services.proposed_outcomes(rnd, rows)
    ctx = {"rnd": rnd, "call": rnd.call, "rows": rows, "tie_break": _tie_break(rnd)}
    if request.method == "POST" and request.POST.get("confirm"):
        outcomes = _outcomes_from_post(rnd, rows, request.POST)
        act_form = DecisionActForm(request.POST)
        if not act_form.is_valid():
            for errors in act_form.errors.values():
                for m in errors:
                    messages.error(request, m)
            return redirect("assessment:decide", pk=rnd.pk)
        try:
            services.apply_decision(rnd, by=request.user, outcomes=outcomes, minutes=request.POST.get("minutes", ""),
                                    **act_form.act())
        except services.AssessmentError as exc:
            for m in exc.messages:
                messages.error(request, m)
            return redirect("assessment:decide", pk=rnd.pk)
        messages.success(request, _("The decision has been applied, the minutes recorded and every team told."))
        return redirect("assessment:minutes", pk=rnd.pk)
    if rnd.is_selection:
        form = SelectionDecisionForm(request.POST or None, initial={"count": min(rnd.quota, len(rows))})
    else:
        form = FinalDecisionForm(request.POST or None, rows=rows, proposed=proposed)
    if request.method == "POST" and form.is_valid():
        if rnd.is_selection:
            # Asking for more than the quota is refused by check_decision, not trimmed.
            outcomes = services.proposed_outcomes(rnd, rows, count=form.cleaned_data["count"])
        else:
            outcomes = form.outcomes()
        problems = services.check_decision(rnd, rows, outcomes,
                                           override_reason=form.cleaned_data.get("override_reason", ""))
        if problems:
            for m in problems:
                form.add_error(None, m)
        else:
            for r in rows:
                r.outcome, r.grant_amount = outcomes[r.proposal.pk]
                r.outcome_label = dict(DecisionItem.Outcome.choices)[r.outcome]
            positive = rnd.outcome_choices()[0]
            return render(request, "assessment/staff/decide_confirm.html", {
                **ctx, "minutes_text": form.cleaned_data.get("minutes", ""), "act": form.act(),
                "positive_count": sum(1 for r in rows if r.outcome == positive),
                "grants_total": sum((r.grant_amount or 0 for r in rows), 0),
            })
    return render(request, "assessment/staff/decide.html", {
        **ctx, "form": form, "short": services.short_of_assessments(rnd, rows)})


@staff_required
@require_POST
def close_round(request, pk):
    """The explicit action that closes a round: scoring stops and the committee may decide."""
    rnd = _round(pk)
    try:
        services.close_round(rnd, by=request.user)
    except services.AssessmentError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The round is closed: the committee may now decide."))
    return redirect("assessment:decide" if request.POST.get("next") == "decide" else "assessment:round", pk=rnd.pk)


MINUTES_HEADERS = [
    gettext_lazy("Rank"), gettext_lazy("Protocol"), gettext_lazy("Title"), gettext_lazy("Organisation"),
    gettext_lazy("Combined score"), gettext_lazy("Assessors' weighted totals"), gettext_lazy("Spread"),
    gettext_lazy("Disputed"), gettext_lazy("Outcome"), gettext_lazy("Proposed grant (EUR)"),
]


def _number(value):
    """A number frozen in the decision's ranking (kept as text), back to a Decimal: the page shows it
    the reader's way, the XLSX export as a number."""
    return Decimal(value) if value not in (None, "") else None


@staff_required
def minutes(request, pk):
    rnd = _round(pk)
    decision = Decision.objects.filter(round=rnd).select_related("decided_by", "published_by").first()
    if decision is None:
        messages.info(request, _("The committee has not decided on this round yet."))
        return redirect("assessment:ranking", pk=rnd.pk)
    labels = dict(DecisionItem.Outcome.choices)
    frozen = [{**r, "outcome_label": labels.get(r.get("outcome"), ""), "combined": _number(r.get("combined")),
               "totals": [_number(t) for t in r.get("totals") or []], "spread": _number(r.get("spread")),
               "grant_amount": _number(r.get("grant_amount"))} for r in decision.ranking]
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        rows = ([r["rank"], r["protocol"], r["title"], r["organisation"], r["combined"],
                 "; ".join(number(t) for t in r["totals"]),
                 r["spread"], _("yes") if r["disputed"] else "", r["outcome_label"], r["grant_amount"]]
                for r in frozen)
        return export_response(fmt, f"minutes-{rnd.call.slug}-{rnd.kind}", [str(h) for h in MINUTES_HEADERS], rows)
    ctx = {"rnd": rnd, "call": rnd.call, "decision": decision, "frozen": frozen,
           "grants_total": services.grants_total(decision), "tie_break": _tie_break(rnd)}
    if fmt == "decision-pdf":
        return pdf_response(request, "assessment/staff/decision_pdf.html", {**ctx, "printed_at": timezone.now()},
                            filename=f"{_('decision')}-{rnd.call.slug}-{rnd.kind}")
    if fmt == "pdf":
        ctx.update(selectors.minutes_record(rnd), printed_at=timezone.now())
        return pdf_response(request, "assessment/staff/minutes_pdf.html", ctx,
                            filename=f"{_('minutes')}-{rnd.call.slug}-{rnd.kind}")
    if request.GET.get("print"):
        ctx.update(selectors.minutes_record(rnd))
        return render(request, "assessment/staff/minutes_print.html", ctx)
    return render(request, "assessment/staff/minutes.html", ctx)


@staff_required
@require_POST
def publish(request, pk):
    rnd = _round(pk)
    decision = get_object_or_404(Decision, round=rnd)
    try:
        services.publish_ranking(decision, by=request.user)
        messages.success(request, _("The ranking is now public."))
    except services.AssessmentError as exc:
        messages.error(request, exc.messages[0])
    return redirect("assessment:minutes", pk=rnd.pk)


# Assessors ----------------------------------------------------------------------------------

@assessor_required
@private_page_cache
def mine(request):
    status = request.GET.get("status", "")
    page_obj = selectors.assignment_page(request.user, status, request.GET.get("page"))
    page_obj.object_list = selectors.assignment_rows(page_obj.object_list)
    return render(request, "assessment/mine.html", {
        "summary": selectors.assessor_summary(request.user), "page_obj": page_obj, "status": status,
    })


def _own_assignment(request, pk):
    a = get_object_or_404(Assignment.objects.select_related("round", "round__call", "proposal"), pk=pk)
    if not request.user.has_perm("assessment.score_assignment", a):
        raise Http404
    if not a.round.has_opened():
        raise Http404
    return a


@assessor_required
def declare(request, pk):
    """The conflict-of-interest declaration, before any content of the proposal is shown: its
    protocol number and who applies (organisation, legal representative, partners), even in a blind
    round, since a conflict cannot be declared without knowing them."""
    a = _own_assignment(request, pk)
    if services.declaration_for(a) is not None:
        return redirect("assessment:score", pk=a.pk)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        conflict = form.cleaned_data["answer"] == "yes"
        try:
            services.declare_conflict(a, has_conflict=conflict, reason=form.cleaned_data["reason"], by=request.user)
        except services.AssessmentError as exc:
            form.add_error(None, exc.messages[0])
        else:
            if conflict:
                messages.success(request, _("Your conflict of interest has been recorded: the proposal has left "
                                            "your list and the staff will reassign it."))
                return redirect("assessment:mine")
            return redirect("assessment:score", pk=a.pk)
    version = a.proposal.versions.filter(number=a.round.version_number).first()
    return render(request, "assessment/declare.html", {"a": a, "rnd": a.round, "form": form,
                                                       "partners": version.partners if version else ""})


IDENTIFYING_KINDS = Attachment.IDENTIFYING_KINDS


@assessor_required
def score(request, pk):
    a = _own_assignment(request, pk)
    decl = services.declaration_for(a)
    if decl is None:
        return redirect("assessment:declare", pk=a.pk)
    rnd = a.round
    proposal = proposal_detail(a.proposal_id)
    if proposal is None or not request.user.has_perm("assessment.read_assigned_proposal", proposal):
        raise Http404
    version = next((v for v in proposal.versions.all() if v.number == rnd.version_number), None)
    if version is None:
        raise Http404
    criteria = list(rnd.criteria.all())
    scores = {s.criterion_id: s for s in Score.objects.filter(assignment=a)}
    decided = Decision.objects.filter(round=rnd).exists()
    closed = services.closed_for(a)
    locked = a.is_locked or decided or closed
    lock_reason = "submitted" if a.is_locked else "decided" if decided else "closed" if closed else ""
    # Sent after the round closed (typed before the deadline, sent after it): the page shows what was
    # typed, so it can be copied, and says why it was not saved.
    late = request.method == "POST" and lock_reason == "closed"
    form = ScoreForm(request.POST or None, criteria=criteria, scores=scores, disabled=locked and not late, edit_object=a,
                     initial={"strengths": a.strengths, "weaknesses": a.weaknesses, "feedback": a.feedback})
    if late:
        messages.error(request, _("The round closed on %(date)s: what you sent has not been saved.")
                       % {"date": date_format(timezone.localtime(rnd.closes_at), "DATETIME_FORMAT")})
    if request.method == "POST" and not locked:
        if form.is_valid():
            try:
                services.save_draft(a, by=request.user, scores=form.scores(),
                                    strengths=form.cleaned_data["strengths"],
                                    weaknesses=form.cleaned_data["weaknesses"], feedback=form.cleaned_data["feedback"],
                                    edit=form.edit())
                if "submit" in request.POST:
                    services.submit_assessment(a, by=request.user)
                    messages.success(request, _("Your assessment has been submitted: it is now locked."))
                    return redirect("assessment:mine")
            except EditConflict as exc:
                form.show_conflict(exc)
            except services.AssessmentError as exc:
                if "submit" in request.POST:
                    messages.warning(request, _("Your draft has been saved, but it cannot be submitted yet."))
                for m in exc.messages:
                    form.add_error(None, m)
            else:
                messages.success(request, _("Draft saved."))
                return redirect("assessment:score", pk=a.pk)
        else:
            messages.error(request, _("Please correct the errors below: nothing has been lost."))
    others = []
    if rnd.others_scores == rnd.OthersScores.AFTER_OWN and a.status == Assignment.Status.SUBMITTED:
        totals = selectors.assignment_totals(rnd)
        other_qs = (Assignment.objects.filter(round=rnd, proposal=a.proposal, status=Assignment.Status.SUBMITTED)
                    .exclude(pk=a.pk).prefetch_related("scores").order_by("pk"))
        for i, o in enumerate(other_qs, start=1):
            by_crit = {s.criterion_id: s for s in o.scores.all()}
            others.append({"label": _("Assessor %(n)s") % {"n": i + 1}, "total": totals.get(o.pk),
                           "scores": [(c, by_crit.get(c.pk)) for c in criteria], "strengths": o.strengths,
                           "weaknesses": o.weaknesses})
    show_identity = rnd.show_identity
    attachments = [(att, private_file_url(att, "file")) for att in version.attachments.all()
                   if show_identity or att.kind not in IDENTIFYING_KINDS]
    return render(request, "assessment/score.html", {
        "a": a, "rnd": rnd, "proposal": proposal, "version": version, "form": form, "locked": locked,
        "lock_reason": lock_reason,
        "show_identity": show_identity, "attachments": attachments, "others": others,
        "others_policy": rnd.get_others_scores_display(),
        "max_total": sum((c.max_weighted for c in criteria), 0),
    })


# Teams --------------------------------------------------------------------------------------

@login_required
def outcome(request, proposal_pk):
    proposal = get_object_or_404(Proposal.objects.select_related("call", "organisation"), pk=proposal_pk)
    # The team (and staff) only: assessors may view proposals, not the team's outcome page.
    if not request.user.has_perm("projects.view_proposal", proposal) or not (
            is_proposal_member(request.user, proposal) or request.user.has_role("staff")):
        raise Http404
    titles = {v.number: v.title for v in ProposalVersion.objects.filter(proposal=proposal)}
    return render(request, "assessment/outcome.html", {
        "proposal": proposal, "title": titles.get(max(titles)) if titles else "",
        "outcomes": selectors.outcomes_for_proposal(proposal),
    })


# Public -------------------------------------------------------------------------------------

@anonymous_page_cache
def public_ranking(request, call_pk):
    call = get_object_or_404(Call.objects.published(), pk=call_pk)
    decisions = list(selectors.published_rankings(call))
    titles = {}
    if decisions:
        for v in ProposalVersion.objects.filter(
                proposal__decision_items__decision__in=decisions).values("proposal_id", "number", "title"):
            titles[(v["proposal_id"], v["number"])] = v["title"]
    sections = []
    for d in decisions:
        sections.append({"decision": d, "round": d.round, "items": [
            (i, titles.get((i.proposal_id, d.round.version_number)) or titles.get((i.proposal_id, 1), ""))
            for i in d.items.all()]})
    return render(request, "assessment/public_ranking.html", {"call": call, "sections": sections})
