from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from calls.models import Call
from tsf.accounts.permissions import staff_required
from tsf.core.exports import export_response
from tsf.core.files import private_file_url
from tsf.core.models import AuditEntry
from tsf.core.pagecache import private_page_cache
from tsf.core.pdf import pdf_response
from tsf.core.versioning import EditConflict

from . import selectors, services
from .forms import (
    AdmissibilityForm,
    AdmissibilityListForm,
    InvitationForm,
    OrganisationCreateForm,
    OrganisationForm,
    StaffFilterForm,
    StartProposalForm,
    WithdrawForm,
)
from .hooks import proposal_page
from .models import (
    LAB_STATUSES,
    AdmissibilityCheck,
    AdmissibilityList,
    Attachment,
    Invitation,
    Membership,
    Organisation,
    Proposal,
    ProposalStatus,
)
from .rules import is_invitee, is_proposal_member
from .steps import STEP_KEYS, ProposalSteps


def _get_proposal(request, pk, perm="projects.view_proposal"):
    proposal = selectors.proposal_detail(pk)
    if proposal is None or not request.user.has_perm(perm, proposal):
        raise Http404
    return proposal


def _safe_next(request, default):
    nxt = request.POST.get("next") or request.GET.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return default


def index(request):
    """The navigation's "Projects": staff go to the proposals of the current call, promoters to
    their proposals, visitors to the calls."""
    if request.user.is_authenticated and request.user.has_role("staff"):
        call = Call.objects.order_by("-opens_at").first()
        if call:
            return redirect("projects:staff_proposals", slug=call.slug)
    if request.user.is_authenticated:
        return redirect("projects:mine")
    return redirect("calls:index")


@login_required
def mine(request):
    proposals = selectors.proposals_for(request.user)
    page_obj = Paginator(proposals, 20).get_page(request.GET.get("page"))
    rows = [(p, *selectors.next_step_for(p)) for p in page_obj]
    return render(request, "projects/mine.html", {
        "page_obj": page_obj, "rows": rows, "memberships": selectors.memberships_for(request.user),
        "open_calls": Call.objects.published().open_at(),
    })


# Organisations ------------------------------------------------------------------------------

@login_required
def organisation_create(request):
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = services.create_organisation(form, by=request.user)
        messages.success(request, _("The organisation has been created. You are its administrator."))
        return redirect(_safe_next(request, org.get_absolute_url()))
    return render(request, "projects/organisation_form.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def organisation_detail(request, pk):
    org = get_object_or_404(Organisation, pk=pk)
    if not request.user.has_perm("projects.view_organisation", org):
        raise Http404
    can_invite = request.user.has_perm("projects.invite_member", org)
    form = InvitationForm(request.POST or None) if can_invite else None
    if request.method == "POST":
        if not can_invite:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.invite_member(org, form.cleaned_data["email"], by=request.user,
                                       team_role=form.cleaned_data["team_role"], role=form.cleaned_data["role"])
            except services.ProposalError as exc:
                form.add_error("email", exc.messages[0])
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
                return redirect(org.get_absolute_url())
    members = list(org.memberships.select_related("user").order_by("joined_at"))
    return render(request, "projects/organisation_detail.html", {
        "org": org,
        "members": members, "verified_representative": org.verified_representative(members),
        "invitations": org.invitations.filter(accepted_at__isnull=True, declined_at__isnull=True,
                                              expires_at__gt=timezone.now()),
        "proposals": org.proposals.select_related("call").prefetch_related("versions"),
        "form": form, "can_edit": request.user.has_perm("projects.change_organisation", org),
    })


@login_required
def organisation_edit(request, pk):
    org = get_object_or_404(Organisation, pk=pk)
    if not request.user.has_perm("projects.change_organisation", org):
        raise Http404
    form = OrganisationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(form, by=request.user)
        except EditConflict as exc:
            form.show_conflict(exc)
        else:
            messages.success(request, _("The organisation has been saved."))
            return redirect(org.get_absolute_url())
    return render(request, "projects/organisation_form.html", {"form": form, "org": org})


@login_required
@require_POST
def member_remove(request, pk, member_pk):
    org = get_object_or_404(Organisation, pk=pk)
    if not request.user.has_perm("projects.change_organisation", org):
        raise Http404
    membership = get_object_or_404(Membership, pk=member_pk, organisation=org)
    try:
        services.remove_member(membership, by=request.user)
        messages.success(request, _("The member has been removed from the team."))
    except services.ProposalError as exc:
        messages.error(request, exc.messages[0])
    return redirect(org.get_absolute_url())


def invitation(request, token):
    """The link of the invitation e-mail. Anonymous visitors are offered to sign up with the invited
    address (pre-filled) or to log in, both coming back here; signed in, only the person the
    invitation was sent to (a verified address of their account) may accept or decline it
    (`?decline=1` asks for confirmation first). Pending invitations also wait in "my area"."""
    inv = Invitation.objects.select_related("organisation", "invited_by").filter(token=token).first()
    if inv is None:
        raise Http404
    if not request.user.is_authenticated:
        return render(request, "projects/invitation.html", {"inv": inv, "anonymous": True})
    # The rule itself, not has_perm(): Django grants every permission to a superuser, and an
    # invitation is personal whoever you are.
    if inv.is_usable and not is_invitee(request.user, inv):
        return render(request, "projects/invitation.html", {"inv": inv, "not_yours": True}, status=403)
    if request.method == "POST":
        declining = request.POST.get("action") == "decline"
        try:
            if declining:
                services.decline_invitation(inv, request.user)
            else:
                services.accept_invitation(inv, request.user)
        except services.ProposalError as exc:
            messages.error(request, exc.messages[0])
            return redirect("accounts:my_area")
        if declining:
            messages.success(request, _("You have declined the invitation of %(org)s.") % {"org": inv.organisation})
            return redirect("accounts:my_area")
        messages.success(request, _("You have joined %(org)s.") % {"org": inv.organisation})
        return redirect(inv.organisation.get_absolute_url())
    return render(request, "projects/invitation.html", {"inv": inv, "confirm_decline": "decline" in request.GET})


# Proposals ----------------------------------------------------------------------------------

@login_required
def start(request, slug):
    call = get_object_or_404(Call.objects.published(), slug=slug)
    if not call.is_open():
        messages.error(request, _("This call is not open: proposals cannot be started."))
        return redirect(call.get_absolute_url())
    organisations = Organisation.objects.filter(memberships__user=request.user).order_by("legal_name")
    if not organisations.exists():
        messages.info(request, _("First create your organisation: the proposal will belong to it."))
        return redirect(reverse("projects:organisation_create") + "?next=" + request.path)
    form = StartProposalForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.start_proposal(call, form.cleaned_data["organisation"], by=request.user)
        except services.ProposalError as exc:
            messages.error(request, exc.messages[0])
            return redirect(call.get_absolute_url())
        return redirect("projects:step", pk=proposal.pk, step="project")
    existing = selectors.proposals_for(request.user).filter(call=call)
    return render(request, "projects/start.html", {"call": call, "form": form, "existing": existing})


@login_required
def step(request, pk, step):
    if step not in STEP_KEYS:
        raise Http404
    proposal = _get_proposal(request, pk)
    engine = ProposalSteps(request, proposal, proposal.current_version)
    if not request.user.has_perm("projects.change_proposal", proposal):
        if request.method == "POST" and is_proposal_member(request.user, proposal):
            # A step saved from a page opened before submission or before the deadline: say why
            # nothing was saved and show what was typed.
            return engine.unsaved(step, engine.locked_reason())
        if is_proposal_member(request.user, proposal):
            messages.warning(request, engine.locked_reason())
        return redirect(proposal.get_absolute_url())
    return engine.dispatch(step)


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    proposal = _get_proposal(request, pk, "projects.change_proposal")
    attachment = get_object_or_404(Attachment, pk=attachment_pk, version__proposal=proposal)
    try:
        services.remove_attachment(attachment, by=request.user)
        messages.success(request, _("The attachment has been removed."))
    except services.ProposalError as exc:
        messages.error(request, exc.messages[0])
    return redirect("projects:step", pk=proposal.pk, step="attachments")


@login_required
@require_POST
def submit(request, pk):
    proposal = _get_proposal(request, pk)
    if not is_proposal_member(request.user, proposal):
        raise Http404
    try:
        services.submit_proposal(proposal, request.user)
    except services.IncompleteProposal as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("projects:step", pk=proposal.pk, step="review")
    except services.ProposalError as exc:
        messages.error(request, exc.messages[0])
        return redirect(proposal.get_absolute_url())
    messages.success(request, _("Your proposal has been submitted with protocol number %(n)s.")
                     % {"n": proposal.protocol_number})
    return redirect("projects:receipt", pk=proposal.pk)


@login_required
def detail(request, pk):
    proposal = _get_proposal(request, pk)
    version = proposal.current_version
    closed_message = ""
    if proposal.status == ProposalStatus.DRAFT and proposal.call.is_closed():
        closed_message = services.closed_message(proposal.call)
    return render(request, "projects/detail.html", {
        "proposal": proposal, "version": version, "call": proposal.call, "closed_message": closed_message,
        "can_edit": request.user.has_perm("projects.change_proposal", proposal),
        "can_withdraw": request.user.has_perm("projects.withdraw_proposal", proposal),
        "attachments": [(a, private_file_url(a, "file")) for a in version.attachments.all()],
        "is_staff_view": request.user.has_perm("projects.manage_proposals"),
        "sections": proposal_page.sections_for(request, proposal),
    })


@login_required
def withdraw(request, pk):
    proposal = _get_proposal(request, pk)
    if not request.user.has_perm("projects.withdraw_proposal", proposal):
        messages.error(request, _("This proposal cannot be withdrawn."))
        return redirect(proposal.get_absolute_url())
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_proposal(proposal, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("The proposal has been withdrawn."))
        except services.ProposalError as exc:
            messages.error(request, exc.messages[0])
        return redirect(proposal.get_absolute_url())
    return render(request, "projects/withdraw.html", {"proposal": proposal, "form": form})


@login_required
def receipt(request, pk):
    proposal = _get_proposal(request, pk)
    if not proposal.protocol_number:
        raise Http404
    version = proposal.versions.get(number=1)
    return render(request, "projects/receipt.html", {"proposal": proposal, "version": version, "call": proposal.call})


@login_required
def receipt_pdf(request, pk):
    """The receipt as a PDF file, from the same template as the page (tsf.core.pdf)."""
    proposal = _get_proposal(request, pk)
    if not proposal.protocol_number:
        raise Http404
    version = proposal.versions.get(number=1)
    return pdf_response(request, "projects/receipt_pdf.html", {
        "proposal": proposal, "version": version, "call": proposal.call, "printed_at": timezone.now(),
    }, filename=proposal.protocol_number)


# Staff --------------------------------------------------------------------------------------

EXPORT_HEADERS = [
    gettext_lazy("Protocol"), gettext_lazy("Title"), gettext_lazy("Organisation"), gettext_lazy("Codice fiscale"),
    gettext_lazy("Legal form"), gettext_lazy("District"), gettext_lazy("Themes"), gettext_lazy("Target groups"),
    gettext_lazy("Requested grant (EUR)"), gettext_lazy("Co-financing (EUR)"), gettext_lazy("Total budget (EUR)"),
    gettext_lazy("Status"), gettext_lazy("Submitted at"),
]


def _export_row(p):
    v = p.current_version
    return [
        p.protocol_number, v.title if v else "", p.organisation.legal_name, p.organisation.codice_fiscale,
        p.organisation.get_legal_form_display(), v.district.name if v and v.district else "",
        "; ".join(t.name for t in v.themes.all()) if v else "",
        "; ".join(g.name for g in v.target_groups.all()) if v else "",
        v.requested_grant if v else "", v.co_financing if v else "", p.cur_budget,
        p.get_status_display(), p.submitted_at,
    ]


@staff_required
@private_page_cache
def staff_proposals(request, slug):
    # every call (the links above the list), this one among them: one query for both
    calls = [{"pk": pk, "slug": call_slug, "title_shown": title} for pk, call_slug, title in selectors.staff_calls()]
    call = next((c for c in calls if c["slug"] == slug), None)
    if call is None:
        raise Http404
    call = {"pk": call["pk"], "slug": call["slug"], "title": call["title_shown"]}
    fmt = request.GET.get("format")
    exporting = fmt in ("csv", "xlsx")
    filters = StaffFilterForm(request.GET or None, choices=None if exporting else selectors.staff_filter_choices())
    params = filters.params() if request.GET else {}
    if exporting:
        qs = selectors.staff_proposals(call["pk"], params, target_groups=True)
        headers = [str(h) for h in EXPORT_HEADERS]
        return export_response(fmt, f"proposals-{call['slug']}", headers, (_export_row(p) for p in qs))
    # The list shows only columns: plain rows (no model instance), their themes in one query.
    page_obj = Paginator(selectors.StaffRows(call["pk"], params), selectors.STAFF_PAGE).get_page(request.GET.get("page"))
    page_obj.object_list = selectors.staff_list_rows(page_obj.object_list)
    current = request.GET.get("sort") or "protocol"
    sort_links = {}
    base = request.GET.copy()
    base.pop("page", None)
    base.pop("format", None)
    for key in ("protocol", "title", "organisation", "grant", "submitted", "status"):
        base["sort"] = f"-{key}" if current == key and f"-{key}" in selectors.SORTS else key
        direction = "ascending" if current == key else "descending" if current == f"-{key}" else ""
        sort_links[key] = {"url": "?" + base.urlencode(), "aria": direction}
    return render(request, "projects/staff/list.html", {"call": call, "filters": filters, "page_obj": page_obj,
                                                        "calls": calls, "sort_links": sort_links})


@staff_required
def staff_proposal(request, pk):
    proposal = _get_proposal(request, pk, "projects.manage_proposals")
    ct = ContentType.objects.get_for_model(Proposal)
    history = AuditEntry.objects.filter(content_type=ct, object_id=str(proposal.pk)).select_related("actor")
    versions = sorted(proposal.versions.all(), key=lambda v: v.number)
    return render(request, "projects/staff/detail.html", {
        "proposal": proposal, "versions": versions, "version": proposal.current_version, "call": proposal.call,
        "history": history,
        "attachments": [(a, private_file_url(a, "file")) for a in proposal.current_version.attachments.all()],
        "budget_total": proposal.current_version.budget_total(),
        "admissibility": getattr(proposal, "admissibility", None),
        "can_check": proposal.status in (ProposalStatus.SUBMITTED, ProposalStatus.ADMISSIBLE,
                                         ProposalStatus.NOT_ADMISSIBLE),
        "can_have_public_page": proposal.status in LAB_STATUSES,
        "public_page": selectors.public_page_of(proposal),
        "sections": proposal_page.sections_for(request, proposal),
    })


@staff_required
def staff_admissibility(request, pk):
    proposal = _get_proposal(request, pk, "projects.check_admissibility")
    if proposal.status not in (ProposalStatus.SUBMITTED, ProposalStatus.ADMISSIBLE, ProposalStatus.NOT_ADMISSIBLE):
        messages.error(request, _("Admissibility can be checked only for submitted proposals."))
        return redirect("projects:staff_proposal", pk=proposal.pk)
    existing = getattr(proposal, "admissibility", None)
    version = proposal.versions.get(number=1)
    form = AdmissibilityForm(request.POST or None, instance=existing, edit_object=proposal,
                             edit_scope="admissibility")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_admissibility(
                proposal, by=request.user, eligible_applicant=data["eligible_applicant"],
                documents_complete=data["documents_complete"], budget_within_limits=data["budget_within_limits"],
                submitted_on_time=data["submitted_on_time"], outcome=data["outcome"], reason=data["reason"],
                correction_reason=data.get("correction_reason", ""), edit=form.edit(),
            )
        except EditConflict as exc:  # another check recorded meanwhile: nothing applied
            form.show_conflict(exc)
        except services.ProposalError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.messages[0])
        else:
            messages.success(request, _("The admissibility outcome has been recorded and the promoter notified."))
            return redirect("projects:staff_proposal", pk=proposal.pk)
    return render(request, "projects/staff/admissibility.html", {
        "proposal": proposal, "version": version, "form": form, "call": proposal.call,
        "budget_total": version.budget_total(), "missing_documents": [Attachment.Kind(k).label for k in services.missing_attachments(version)],
    })


ADMISSIBILITY_HEADERS = [
    gettext_lazy("Protocol"), gettext_lazy("Title"), gettext_lazy("Organisation"), gettext_lazy("Codice fiscale"),
    gettext_lazy("Outcome"), gettext_lazy("Reason"), gettext_lazy("Checked at"), gettext_lazy("Admissibility list"),
    gettext_lazy("Act number"), gettext_lazy("Act date"), gettext_lazy("Responsible official"),
]


def _admissibility_row(check):
    made = check.admissibility_list
    return [check.proposal.protocol_number, check.title, check.proposal.organisation.legal_name,
            check.proposal.organisation.codice_fiscale, check.get_outcome_display(), check.reason, check.checked_at,
            made.number if made else "", made.act_number if made else "", made.act_date if made else "",
            made.act_official if made else ""]


@staff_required
def staff_admissibility_list(request, slug):
    """The call's admissibility list: every checked outcome, the lists approved so far with their
    acts (each as a PDF), and the act that approves the outcomes still waiting for one."""
    call = get_object_or_404(Call, slug=slug)
    if not request.user.has_perm("projects.check_admissibility"):
        raise PermissionDenied
    checks = list(selectors.admissibility_checks(call))
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return export_response(fmt, f"admissibility-{call.slug}", [str(h) for h in ADMISSIBILITY_HEADERS],
                               (_admissibility_row(c) for c in checks))
    form = AdmissibilityListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.approve_admissibility_list(call, by=request.user, **form.cleaned_data)
        except services.ProposalError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.messages[0])
            for m in exc.messages[1:]:
                form.add_error(None, m)
        else:
            messages.success(request, _("The admissibility list no. %(n)s has been approved: %(act)s.")
                             % {"n": made.number, "act": made.act})
            return redirect("projects:staff_admissibility_list", slug=call.slug)
    lists = list(call.admissibility_lists.select_related("approved_by").annotate(
        admissible=Count("checks", filter=Q(checks__outcome=AdmissibilityCheck.Outcome.ADMISSIBLE)),
        not_admissible=Count("checks", filter=Q(checks__outcome=AdmissibilityCheck.Outcome.NOT_ADMISSIBLE))))
    return render(request, "projects/staff/admissibility_list.html", {
        "call": call, "checks": checks, "lists": lists, "form": form,
        "problems": services.admissibility_list_problems(call),
        "waiting": sum(1 for c in checks if c.admissibility_list_id is None),
    })


@staff_required
def staff_admissibility_list_pdf(request, slug, number):
    """One approved admissibility list as a document to file with its act."""
    call = get_object_or_404(Call, slug=slug)
    if not request.user.has_perm("projects.check_admissibility"):
        raise PermissionDenied
    made = get_object_or_404(AdmissibilityList.objects.select_related("approved_by"), call=call, number=number)
    checks = [c for c in selectors.admissibility_checks(call) if c.admissibility_list_id == made.pk]
    return pdf_response(request, "projects/staff/admissibility_list_pdf.html", {
        "call": call, "list": made, "checks": checks, "printed_at": timezone.now(),
        "admissible": [c for c in checks if c.outcome == AdmissibilityCheck.Outcome.ADMISSIBLE],
        "not_admissible": [c for c in checks if c.outcome == AdmissibilityCheck.Outcome.NOT_ADMISSIBLE],
    }, filename=f"elenco-ammissibilita-{call.slug}-{made.number}")
