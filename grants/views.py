from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from assessment.models import DecisionItem
from calls.models import Call
from tsf.accounts.permissions import staff_required
from tsf.core.exports import csv_response, export_response
from tsf.core.files import private_file_url
from tsf.core.pagecache import private_page_cache
from tsf.core.pdf import pdf_response
from tsf.core.sharing import site_url
from tsf.core.versioning import EditConflict, autosave_reply, autosave_requested
from tsf.core.versioning import current as versioning_current

from . import giving, selectors, services
from .forms import (
    AddTrancheForm,
    AwardForm,
    BudgetLineFormSet,
    ExpenseFormSet,
    IndicatorFormSet,
    PayForm,
    ReportForm,
    ReviewForm,
    RevokeForm,
    SignForm,
    StaffFilterForm,
    TrancheAmountsForm,
)
from .models import GrantStatus, Report, ReportStatus, Tranche


def _grant_or_404(request, pk, perm="grants.view_grant"):
    grant = selectors.grant_detail(pk)
    if grant is None or not request.user.has_perm(perm, grant):
        raise Http404
    return grant


def _report_or_404(request, pk, perm="grants.view_report"):
    report = selectors.report_detail(pk)
    if report is None or not request.user.has_perm(perm, report):
        raise Http404
    return report


def _call_from(request):
    slug = request.GET.get("call")
    if slug:
        return Call.objects.filter(slug=slug).first()
    return None


def index(request):
    """The navigation's "Grants": staff get the portfolio, a team its grant, visitors the
    transparency table."""
    if request.user.is_authenticated and request.user.has_role("staff"):
        return redirect("grants:portfolio")
    if request.user.is_authenticated:
        grants = list(selectors.grants_for_team(request.user)[:2])
        if len(grants) == 1:
            return redirect(grants[0].get_absolute_url())
        if grants:
            return redirect("grants:mine")
    return redirect("grants:transparency")


@login_required
def mine(request):
    page_obj = Paginator(selectors.grants_for_team(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "grants/mine.html", {"page_obj": page_obj})


# Staff: portfolio, list, award -------------------------------------------------------------

@staff_required
@private_page_cache
def portfolio(request):
    call = _call_from(request)
    data = selectors.portfolio(call)
    return render(request, "grants/staff/portfolio.html", {"data": data, "call": call, "calls": data["calls"]})


@staff_required
def staff_list(request):
    form = StaffFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.grants_for_staff(call=filters.get("call"), status=filters.get("status", ""),
                                    q=filters.get("q", ""), overdue=filters.get("overdue", False))
    if request.GET.get("format") in ("csv", "xlsx"):
        headers = [_("CUP"), _("Title"), _("Organisation"), _("Tax code"), _("Call"), _("Grant (EUR)"),
                   _("Paid (EUR)"), _("Status"), pgettext("date", "Start"), pgettext("date", "End"), _("Next report due"), _("Overdue reports")]
        rows = ([g.cup, g.title, g.proposal.organisation.legal_name, g.proposal.organisation.codice_fiscale,
                 g.call.title, g.amount, g.paid, g.get_status_display(), g.start_date, g.end_date, g.next_due,
                 g.overdue or 0] for g in qs)
        table = request.GET.get("table")
        if table == "tranches":
            return _tranches_export(request.GET["format"], qs)
        if table == "reports":
            return _reports_export(request.GET["format"], qs)
        return export_response(request.GET.get("format"), "grants", headers, rows)
    page_obj = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "grants/staff/list.html", {"form": form, "page_obj": page_obj,
                                                       "today": timezone.localdate()})


def _tranches_export(fmt, grants):
    """Every payment tranche of the grants listed (the list's filters apply)."""
    headers = [_("CUP"), _("Organisation"), _("Tranche"), _("Condition"), _("Report"), _("Amount (EUR)"),
               _("Status"), _("Payable since"), _("Paid on"), _("Act number"), _("Act date"), _("Official"),
               _("Payment order number"), _("Payment order date")]
    tranches = (Tranche.objects.filter(grant__in=grants.values("pk"))
                .select_related("grant", "grant__proposal__organisation", "report")
                .order_by("grant__cup", "order"))
    rows = ([t.grant.cup, t.grant.proposal.organisation.legal_name, t.order, t.get_condition_display(),
             t.report.get_kind_display() + f" {t.report.number}" if t.report else "", t.amount,
             t.get_status_display(), t.payable_since, t.paid_on, t.act_number, t.act_date, t.act_official,
             t.payment_order_number, t.payment_order_date] for t in tranches)
    return export_response(fmt, "tranches", headers, rows)


def _reports_export(fmt, grants):
    """Every report of the grants listed (the list's filters apply)."""
    headers = [_("CUP"), _("Organisation"), _("Report"), _("Number"), _("Period from"), _("Period to"),
               _("Due on"), _("Status"), _("Submitted at"), _("Reviewed at"), _("Jobs created"),
               _("Volunteers involved")]
    reports = (Report.objects.filter(grant__in=grants.values("pk"))
               .select_related("grant", "grant__proposal__organisation").order_by("grant__cup", "due_date", "number"))
    rows = ([r.grant.cup, r.grant.proposal.organisation.legal_name, r.get_kind_display(), r.number, r.period_start,
             r.period_end, r.due_date, r.get_status_display(), r.submitted_at, r.reviewed_at, r.jobs_created,
             r.volunteers_involved] for r in reports)
    return export_response(fmt, "reports", headers, rows)


def _add_service_errors(form, exc):
    """A service's refusal shown next to the fields it names (every one of them), else above the form."""
    errors = exc.errors or {exc.field: exc.messages[0]}
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


@staff_required
def award_list(request):
    calls = list(Call.objects.order_by("-year"))
    call = _call_from(request) or (calls[0] if calls else None)
    items = list(selectors.awardable_items(call)) if call else []
    committed = services.committed_amount(call.pk) if call else 0
    return render(request, "grants/staff/award_list.html", {
        "calls": calls, "call": call, "items": items, "committed": committed,
        "remaining": (call.total_budget - committed) if call else 0,
    })


@staff_required
def award(request, item_pk):
    item = get_object_or_404(DecisionItem.objects.select_related("proposal", "proposal__organisation",
                                                                 "proposal__call", "decision__round"),
                             pk=item_pk, outcome=DecisionItem.Outcome.FUNDED)
    if hasattr(item.proposal, "grant"):
        messages.info(request, _("This project already has a grant."))
        return redirect(item.proposal.grant.get_absolute_url())
    call = item.proposal.call
    form = AwardForm(request.POST or None, initial={"amount": item.grant_amount,
                                                     "start_date": timezone.localdate()})
    confirming = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data.get("confirm"):
            errors = services.award_problems(call, data["amount"], services.committed_amount(call.pk), item=item,
                                             reason=data.get("award_reason", ""))
            for field, msg in errors.items():
                form.add_error(field, msg)
            if not errors:
                confirming = True
        else:
            try:
                grant = services.award_grant(
                    item, by=request.user, cup=data["cup"], start_date=data["start_date"],
                    end_date=data.get("end_date"), amount=data["amount"], legal_basis=data.get("legal_basis", ""),
                    award_reason=data.get("award_reason", ""), act_number=data["act_number"],
                    act_date=data["act_date"], official=data["official"])
            except services.GrantError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("The grant %(cup)s has been awarded; the team has been told.")
                                 % {"cup": grant.cup})
                return redirect(grant.get_absolute_url())
    return render(request, "grants/staff/award.html", {
        "item": item, "call": call, "form": form, "confirming": confirming,
        "committed": services.committed_amount(call.pk), "requested": services.requested_amount(item.proposal),
    })


# A grant -------------------------------------------------------------------------------------

@login_required
def detail(request, pk):
    return _detail(request, _grant_or_404(request, pk))


def _detail(request, grant, *, pay_form=None, pay_tranche=None, revoke_form=None, sign_form=None):
    """The grant's page; a refused payment or revocation shows again with what was typed and the
    messages beside the fields."""
    is_staff = request.user.has_perm("grants.manage_grants")
    reports = list(grant.reports.all())
    today = timezone.localdate()
    next_report = next((r for r in reports if r.is_open), None)
    ctx = {
        "grant": grant, "org": grant.proposal.organisation, "is_staff": is_staff, "reports": reports,
        "tranches": list(grant.tranches.all()), "next_report": next_report, "today": today,
        "budget": selectors.budget_status(grant), "missing": selectors.what_is_missing(grant, today),
        "paid": sum((t.amount for t in grant.tranches.all() if t.status == "paid"), 0),
        "agreement_url": private_file_url(grant, "agreement") if grant.agreement else "",
    }
    if is_staff:
        ctx["sign_form"] = (sign_form or SignForm()) if grant.status == GrantStatus.AWARDED else None
        for t in ctx["tranches"]:
            if t.status == "payable":
                t.pay_form = (pay_form if pay_tranche is not None and t.pk == pay_tranche.pk
                              else PayForm(initial={"paid_on": today}, auto_id=f"id_pay{t.pk}_%s"))
        ctx["pay_tranche"] = pay_tranche
        ctx["revoke_form"] = revoke_form or (RevokeForm() if grant.status in (
            GrantStatus.AWARDED, GrantStatus.SIGNED, GrantStatus.ACTIVE) else None)
        ctx["revoke_open"] = revoke_form is not None
    return render(request, "grants/detail.html", ctx, )


@login_required
def agreement_pdf(request, pk):
    """The grant agreement to sign, as a PDF from the grant's data (staff and the team)."""
    grant = _grant_or_404(request, pk)
    return pdf_response(request, "grants/agreement_pdf.html", {
        "grant": grant, "org": grant.proposal.organisation, "budget_lines": list(grant.budget_lines.all()),
        "tranches": list(grant.tranches.select_related("report").order_by("order")),
        "reports": list(grant.reports.order_by("due_date", "number")), "printed_at": timezone.now(),
    }, filename=f"{_('agreement')}-{grant.cup}")


@staff_required
def budget_edit(request, pk):
    grant = _grant_or_404(request, pk, "grants.manage_grants")
    if not grant.is_editable_budget:
        messages.error(request, _("The budget can no longer change: the agreement has been signed."))
        return redirect(grant.get_absolute_url())
    initial = [{"id": b.pk, "category": b.category, "description": b.description, "amount": b.amount}
               for b in grant.budget_lines.all()]
    formset = BudgetLineFormSet(request.POST or None, initial=initial, prefix="lines")
    tranche_form = TrancheAmountsForm(request.POST or None, tranches=list(grant.tranches.all()), prefix="tr",
                                      edit_object=grant)
    if request.method == "POST" and formset.is_valid() and tranche_form.is_valid():
        lines = [{**f.cleaned_data, "delete": f.cleaned_data.get("DELETE", False)}
                 for f in formset.forms if f.has_changed() or f.cleaned_data.get("id")]
        lines = [line for line in lines if line.get("amount") is not None or line.get("delete")]
        try:
            with transaction.atomic():  # the lines and the tranches, or neither
                services.save_budget_lines(grant, lines, by=request.user, edit=tranche_form.edit())
                services.set_tranche_amounts(grant, tranche_form.amounts(), by=request.user)
        except EditConflict as exc:
            tranche_form.show_conflict(exc)
        except services.GrantError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The budget and the tranches have been saved."))
            return redirect(grant.get_absolute_url())
    return render(request, "grants/staff/budget.html", {"grant": grant, "formset": formset,
                                                         "tranche_form": tranche_form})


@staff_required
def tranches_edit(request, pk):
    """After the signature: change the amounts of the tranches not yet paid, or add a tranche. Two
    forms on one page, each saved on its own (`action`); the services check the grant's total."""
    grant = _grant_or_404(request, pk, "grants.manage_grants")
    if not grant.tranches_can_change:
        messages.error(request, _("The tranches of this grant can no longer change.") if not grant.is_editable_budget
                       else _("Before the signature, the tranches change with the budget."))
        return redirect(grant.get_absolute_url() + "#tranches")
    tranches = list(grant.tranches.select_related("report").order_by("order"))
    action = request.POST.get("action") if request.method == "POST" else None
    amounts_form = TrancheAmountsForm(request.POST if action == "amounts" else None, tranches=tranches, prefix="tr",
                                      edit_object=grant)
    add_form = AddTrancheForm(request.POST if action == "add" else None, grant=grant, prefix="new")
    if action == "amounts" and amounts_form.is_valid():
        try:
            services.set_tranche_amounts(grant, amounts_form.amounts(), by=request.user, edit=amounts_form.edit())
        except EditConflict as exc:
            amounts_form.show_conflict(exc)
        except services.GrantError as exc:
            amounts_form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("The amounts of the tranches have been saved."))
            return redirect(grant.get_absolute_url() + "#tranches")
    elif action == "add" and add_form.is_valid():
        data = add_form.cleaned_data
        try:
            tranche = services.add_tranche(grant, amount=data["amount"], condition=data["condition"],
                                           report=data.get("report"), by=request.user)
        except services.GrantError as exc:
            add_form.add_error(exc.field if exc.field in add_form.fields else None, exc.messages[0])
        else:
            messages.success(request, _("Tranche %(n)s has been added.") % {"n": tranche.order})
            return redirect(grant.get_absolute_url() + "#tranches")
    committed = sum((t.amount for t in tranches), Decimal("0"))
    return render(request, "grants/staff/tranches.html", {
        "grant": grant, "tranches": tranches, "amounts_form": amounts_form, "add_form": add_form,
        "committed": committed, "left": grant.amount - committed})


@staff_required
@require_POST
def sign(request, pk):
    grant = _grant_or_404(request, pk, "grants.manage_grants")
    form = SignForm(request.POST, request.FILES, uploader=request.user)
    if form.is_valid():
        try:
            services.sign_grant(grant, agreement=form.cleaned_data["agreement"],
                                signed_on=form.cleaned_data["signed_on"], by=request.user)
        except services.GrantError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("The agreement has been recorded; the first tranche is payable."))
            return redirect(grant.get_absolute_url())
    # Refused: the page again, the reasons beside the fields and the chosen file kept.
    return _detail(request, grant, sign_form=form)


@staff_required
@require_POST
def pay(request, pk):
    tranche = get_object_or_404(Tranche.objects.select_related("grant"), pk=pk)
    form = PayForm(request.POST, auto_id=f"id_pay{tranche.pk}_%s")
    if form.is_valid():
        try:
            services.mark_tranche_paid(tranche, by=request.user, **form.cleaned_data)
        except services.GrantError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Tranche %(n)s has been marked as paid.") % {"n": tranche.order})
            return redirect(tranche.grant.get_absolute_url() + "#tranches")
    return _detail(request, tranche.grant, pay_form=form, pay_tranche=tranche)


@staff_required
@require_POST
def close(request, pk):
    grant = _grant_or_404(request, pk, "grants.manage_grants")
    try:
        services.close_grant(grant, by=request.user)
        messages.success(request, _("The grant has been closed."))
    except services.GrantError as exc:
        messages.error(request, exc.messages[0])
    return redirect(grant.get_absolute_url())


@staff_required
@require_POST
def revoke(request, pk):
    grant = _grant_or_404(request, pk, "grants.manage_grants")
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.revoke_grant(grant, by=request.user, **form.cleaned_data)
        except services.GrantError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("The grant has been revoked."))
            return redirect(grant.get_absolute_url())
    return _detail(request, grant, revoke_form=form)


# Reports ------------------------------------------------------------------------------------

@login_required
def report(request, pk):
    rep = _report_or_404(request, pk)
    review_form = None
    if request.user.has_perm("grants.review_report", rep) and rep.status == ReportStatus.SUBMITTED:
        review_form = ReviewForm(request.POST or None)
        if request.method == "POST" and review_form.is_valid():
            data = review_form.cleaned_data
            try:
                if data["decision"] == "approve":
                    services.approve_report(rep, by=request.user, comment=data["comment"])
                    messages.success(request, _("The report has been approved; the team has been told."))
                else:
                    services.request_changes(rep, by=request.user, comment=data["comment"])
                    messages.success(request, _("The team has been asked for changes."))
            except services.GrantError as exc:
                review_form.add_error(exc.field if exc.field in review_form.fields else None, exc.messages[0])
            else:
                return redirect(rep.get_absolute_url())
    elif request.method == "POST":
        raise PermissionDenied
    expenses = [(e, private_file_url(e, "receipt") if e.receipt else "") for e in rep.expenses.all()]
    return render(request, "grants/report.html", {
        "report": rep, "grant": rep.grant, "expenses": expenses, "review_form": review_form,
        "is_staff": request.user.has_perm("grants.manage_grants"),
        "can_edit": request.user.has_perm("grants.change_report", rep),
        "total": sum((e.amount for e, _u in expenses), 0),
    })


def _expense_initial(rep):
    return [{"id": e.pk, "budget_line": e.budget_line_id, "spent_on": e.spent_on, "amount": e.amount,
             "supplier": e.supplier, "description": e.description} for e in rep.expenses.all()]


@login_required
def report_edit(request, pk):
    rep = _report_or_404(request, pk)
    if not request.user.has_perm("grants.change_report", rep):
        raise Http404 if not request.user.has_perm("grants.view_report", rep) else PermissionDenied
    grant = rep.grant
    target_groups = list(grant.call.target_groups.all())
    reach = {r.target_group_id: r.people for r in rep.reach.all()}
    post = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = ReportForm(post, target_groups=target_groups, reach=reach, edit_object=rep, initial={
        "activities": rep.activities, "jobs_created": rep.jobs_created,
        "volunteers_involved": rep.volunteers_involved})
    indicators = IndicatorFormSet(post, prefix="ind", initial=[{"name": i.name, "value": i.value}
                                                               for i in rep.indicators.all()])
    expenses = ExpenseFormSet(post, files, prefix="exp", grant=grant, initial=_expense_initial(rep),
                              form_kwargs={"uploader": request.user})
    receipts = {e.pk: private_file_url(e, "receipt") for e in rep.expenses.all() if e.receipt}
    if request.method == "POST" and form.is_valid() and indicators.is_valid() and expenses.is_valid():
        rows = []
        row_forms = []
        deleted_forms = []
        for f in expenses.forms:
            cd = f.cleaned_data
            if not cd or (not f.has_changed() and not cd.get("id")):
                continue
            if cd.get("DELETE"):
                rows.append({"id": cd.get("id"), "delete": True})
                deleted_forms.append(f)
                continue
            rows.append({"id": cd.get("id"), "budget_line": cd["budget_line"], "spent_on": cd["spent_on"],
                         "amount": cd["amount"], "supplier": cd["supplier"], "description": cd.get("description", ""),
                         "receipt": cd.get("receipt")})
            row_forms.append(f)
        # Autosave saves new expenses, deletions and receipts too: its answer gives the page the ids
        # of the rows it created (sent again, they change those rows, never add them twice) and
        # empties those of the rows it deleted (autosave.js hides them).
        autosave = autosave_requested(request)
        submit = "submit" in request.POST and not autosave
        try:
            saved = services.save_report(
                rep, by=request.user, activities=form.cleaned_data["activities"],
                jobs_created=form.cleaned_data["jobs_created"],
                volunteers_involved=form.cleaned_data["volunteers_involved"], reach=form.reach(),
                indicators=[(f.cleaned_data.get("name", ""), f.cleaned_data.get("value", ""))
                            for f in indicators.forms if f.cleaned_data], expenses=rows, submit=submit,
                edit=form.edit())
        except EditConflict as exc:
            form.show_conflict(exc)
            if autosave:
                return autosave_reply(form=form, conflict=exc)
        except services.GrantError as exc:
            if autosave:
                return autosave_reply(errors=exc.messages)
            _place_errors(exc, form, row_forms)
            messages.error(request, _("The report has not been saved: see the messages next to the fields."))
        else:
            if autosave:
                live = [r for r in rows if not r.get("delete")]  # row_forms[i] is live[i]
                ids = {f"{f.prefix}-id": str(r["saved_id"]) for r, f in zip(live, row_forms, strict=True)}
                ids.update({f"{f.prefix}-id": "" for f in deleted_forms})
                return autosave_reply(revision=versioning_current(saved), rows=ids)
            if submit:
                messages.success(request, _("The report has been submitted: staff will review it."))
                return redirect(rep.get_absolute_url())
            messages.success(request, _("The report has been saved as a draft."))
            return redirect(reverse("grants:report_edit", kwargs={"pk": rep.pk}))
    if autosave_requested(request):
        return autosave_reply(errors=True)
    budget = selectors.budget_status(grant, exclude_report=rep)
    _warn_overspent(grant, rep, expenses)
    return render(request, "grants/report_form.html", {
        "report": rep, "grant": grant, "form": form, "indicators": indicators, "expenses": expenses,
        "is_staff": request.user.has_perm("grants.manage_grants"),
        "budget": budget, "receipts": receipts,
    })


def _warn_overspent(grant, rep, expenses):
    """A saved draft expense over its budget line gets a warning beside it (`f.overspent`): the
    draft keeps it, the submission refuses it."""
    if not rep.is_editable:
        return
    saved = [{"id": e.pk, "budget_line": e.budget_line, "amount": e.amount}
             for e in rep.expenses.select_related("budget_line")]
    over = {saved[i]["id"]: msg for i, msg in services.overspend_errors(grant, rep, saved).items()}
    for f in expenses.forms:
        if f.initial.get("id") in over and not f.errors.get("amount"):
            f.overspent = over[f.initial["id"]]


def _place_errors(exc, form, row_forms):
    """Put a service's refusal next to the field it is about."""
    placed = False
    for i, msg in exc.errors.get("expenses", {}).items():
        if i < len(row_forms):
            row_forms[i].add_error("amount", msg)
            placed = True
    for i, msg in exc.errors.get("dates", {}).items():
        if i < len(row_forms):
            row_forms[i].add_error("spent_on", msg)
            placed = True
    for i, msg in exc.errors.get("receipts", {}).items():
        if i < len(row_forms):
            row_forms[i].add_error("receipt", msg)
            placed = True
    if "activities" in exc.errors:
        form.add_error("activities", exc.errors["activities"])
        placed = True
    if not placed:
        form.add_error(None, exc.messages[0])


# Transparency ------------------------------------------------------------------------------

def _procedure_columns(grant):
    """The number and date of the acts approving the admissibility list and the funding ranking."""
    check = getattr(grant.proposal, "admissibility", None)
    made = check.admissibility_list if check is not None else None
    decision = grant.decision_item.decision
    return [made.act_number if made else "", made.act_date if made else "", decision.act_number, decision.act_date]


def transparency(request):
    call = _call_from(request)
    q = (request.GET.get("q") or "").strip()[:100]
    rows = selectors.transparency_rows(call, q, include_revoked=True)
    if request.GET.get("format") == "csv":
        headers = ["Beneficiario", "Codice fiscale", "Importo (EUR)", "Norma o titolo a base dell'attribuzione",
                   "Atto di attribuzione (numero)", "Data dell'atto", "Ufficio responsabile",
                   "Funzionario responsabile", "Modalità di individuazione del beneficiario",
                   "Progetto", "CUP", "Data di attribuzione", "Bando", "Stato", "Atto di revoca (numero)",
                   "Data della revoca", "Motivo della revoca", "Elenco di ammissibilità (atto)",
                   "Data dell'atto dell'elenco di ammissibilità", "Graduatoria di finanziamento (atto)",
                   "Data dell'atto della graduatoria"]
        base = site_url(request)
        data = ([g.proposal.organisation.legal_name, g.proposal.organisation.codice_fiscale, g.amount,
                 g.legal_basis, g.award_act_number, g.award_act_date, g.responsible_office, g.award_official,
                 g.selection_method, base + g.project_url, g.cup, timezone.localtime(g.awarded_at).date(),
                 g.call.title, "Revocato" if g.status == GrantStatus.REVOKED else "Attribuito",
                 g.revocation_act_number, g.revocation_act_date, g.revocation_reason, *_procedure_columns(g)]
                for g in rows)
        return csv_response("amministrazione-trasparente-sovvenzioni", headers, data)
    page_obj = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "grants/transparency.html", {
        "page_obj": page_obj, "call": call, "calls": selectors.calls_with_grants(),
        "total": selectors.total_of(rows), "q": q,
    })


def project(request, cup):
    """The public page of a funded project (the transparency table links here)."""
    grant = get_object_or_404(selectors.transparency_rows().select_related("proposal__organisation"), cup=cup)
    version = grant.proposal.current_version
    return render(request, "grants/project.html", {"grant": grant, "version": version,
                                                    "org": grant.proposal.organisation})


def giving360(request):
    grants = (selectors.transparency_rows(_call_from(request))
              .prefetch_related("tranches"))
    data = giving.package(grants, base_url=site_url(request))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    return response

