"""I miei dati (a copy of one's data, consents, closing the account) and the staff's pages (data
requests and their outcome, the register of processing activities). Thin: services do the work."""
from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tsf.accounts.permissions import staff_required
from tsf.core.exports import export_response
from tsf.core.versioning import EditConflict

from . import registry, services
from .forms import CloseAccountForm, ConsentsForm, DecisionForm, RecordRequestForm, RequestFilterForm
from .models import DataRequest, RetentionRun


def _my_data_context(request, **extra):
    user = request.user
    return {
        "copies": DataRequest.objects.filter(user=user, kind=DataRequest.Kind.ACCESS, channel=DataRequest.Channel.PORTAL,
                                             recorded_by__isnull=True)[:5],
        "consents_form": extra.pop("consents_form", None) or ConsentsForm(
            initial=services.consents_of(user), edit_object=user),
        "pending_erasure": services.pending_erasure(user),
        "refused_erasure": DataRequest.objects.filter(user=user, kind=DataRequest.Kind.ERASURE,
                                                      status=DataRequest.Status.REFUSED).first(),
        "export_days": services.export_days(),
        "now": timezone.now(),
        **extra,
    }


@login_required
def my_data(request):
    return render(request, "privacy/my_data.html", _my_data_context(request))


@login_required
@require_POST
def copy_request(request):
    services.request_copy(request.user)
    messages.success(request, _("We are preparing the copy of your data: you will be told, in the portal and by "
                                "e-mail, when it is ready to download."))
    return redirect("privacy:my_data")


def _zip_response(req, handle):
    name = f"torino-social-factory-dati-personali-{timezone.localdate(req.completed_at):%Y-%m-%d}.zip"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def copy_download(request, pk):
    req = get_object_or_404(DataRequest, pk=pk, user=request.user, kind=DataRequest.Kind.ACCESS,
                            recorded_by__isnull=True)
    if not req.file:
        raise Http404
    if not req.downloadable:
        messages.error(request, _("The link to this copy has expired: ask for a new copy."))
        return redirect("privacy:my_data")
    try:
        handle = services.open_copy(req, by=request.user)
    except FileNotFoundError as exc:
        raise Http404 from exc
    return _zip_response(req, handle)


@login_required
@require_POST
def consents(request):
    form = ConsentsForm(request.POST, edit_object=request.user)
    if form.is_valid():
        try:
            services.set_consents(request.user, form.cleaned_data, edit=form.edit())
        except EditConflict as exc:
            form.show_conflict(exc)
        else:
            messages.success(request, _("Your choices have been saved."))
            return redirect("privacy:my_data")
    return render(request, "privacy/my_data.html", _my_data_context(request, consents_form=form))


@login_required
@reauthentication_required(allow_get=True)
def close_account(request):
    user = request.user
    pending = services.pending_erasure(user)
    plan = services.erasure_plan(user)
    form = CloseAccountForm(request.POST or None)
    if request.method == "POST" and not pending and form.is_valid():
        try:
            req = services.request_erasure(user, form.cleaned_data["note"])
        except services.PrivacyError as exc:
            form.add_error(None, str(exc))
        else:
            if req.status == DataRequest.Status.COMPLETED:
                from django.contrib.auth import logout

                logout(request)
                messages.success(request, _("Your account has been closed. Thank you for taking part."))
                return redirect("home")
            messages.success(request, _("Your request has been sent: the staff will check it and you will be told "
                                        "by e-mail."))
            return redirect("privacy:my_data")
    return render(request, "privacy/close_account.html", {
        "form": form, "plan": plan, "pending": pending, "review": services.needs_review(plan),
        "labels": services.ACTION_LABELS})


@login_required
@require_POST
def close_withdraw(request):
    req = services.pending_erasure(request.user)
    if req is not None:
        try:
            services.withdraw_erasure(req, request.user)
        except services.PrivacyError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your request to close the account has been withdrawn."))
    return redirect("privacy:my_data")


@staff_required
def requests(request):
    form = RequestFilterForm(request.GET or None)
    qs = DataRequest.objects.select_related("user", "decided_by", "recorded_by").order_by("-requested_at", "-pk")
    if form.is_bound and not form.is_valid():
        messages.warning(request, _("Some filters could not be read and were left out."))
    data = form.cleaned_data if form.is_bound else {}
    if q := (data.get("q") or "").strip():
        qs = qs.filter(Q(person__icontains=q) | Q(user__email__icontains=q) | Q(user__full_name__icontains=q))
    for name in ("kind", "status", "channel"):
        if data.get(name):
            qs = qs.filter(**{name: data[name]})
    if request.GET.get("format") in ("csv", "xlsx"):
        headers = [_("Requested at"), _("Person"), _("Request"), _("Received by"), _("Reference"), _("Recorded by"),
                   _("Status"), _("Decided by"), _("Completed at"), _("Outcome")]
        rows = ((r.requested_at, r.person, r.get_kind_display(), r.get_channel_display(), r.note,
                 str(r.recorded_by or ""), r.get_status_display(), str(r.decided_by or ""), r.completed_at, r.outcome)
                for r in qs)
        return export_response(request.GET["format"], "data-requests", headers, rows)
    page_obj = Paginator(qs, 50).get_page(request.GET.get("page"))
    pending = DataRequest.objects.filter(kind=DataRequest.Kind.ERASURE, status=DataRequest.Status.PENDING).count()
    return render(request, "privacy/requests.html", {"page_obj": page_obj, "form": form, "pending": pending})


@staff_required
def record_request(request):
    """A request that came by PEC, e-mail or letter: a copy prepared for staff to send, or a closing to confirm."""
    form = RecordRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req = services.record_request(form.person, data["kind"], by=request.user, channel=data["channel"],
                                          note=data["note"])
        except services.PrivacyError as exc:
            form.add_error(None, str(exc))
        else:
            if req.kind == DataRequest.Kind.ACCESS:
                messages.success(request, _("The request has been recorded: the copy is being prepared, and you will "
                                            "be told when you can download it here."))
            else:
                messages.success(request, _("The request has been recorded: read what closing the account does, then "
                                            "confirm or refuse it."))
            return redirect("privacy:request", pk=req.pk)
    return render(request, "privacy/record_request.html", {"form": form})


@staff_required
def request_detail(request, pk):
    req = get_object_or_404(DataRequest.objects.select_related("user", "decided_by", "recorded_by"), pk=pk)
    can_decide = request.user.has_perm("privacy.decide_erasure", req)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not can_decide and req.user_id == request.user.pk:
            raise PermissionDenied(_("Another staff member must confirm the closing of your own account."))
        if form.is_valid():
            try:
                if request.POST.get("decision") == "confirm":
                    services.confirm_erasure(req, by=request.user, note=form.cleaned_data["note"])
                    messages.success(request, _("The account has been closed."))
                elif request.POST.get("decision") == "refuse":
                    services.refuse_erasure(req, by=request.user, reason=form.cleaned_data["note"])
                    messages.success(request, _("The request has been refused; the person has been told why."))
                else:
                    raise services.PrivacyError(_("Choose whether to confirm or refuse."))
            except services.PrivacyError as exc:
                form.add_error("note", str(exc))
            else:
                return redirect("privacy:request", pk=req.pk)
    plan = services.erasure_plan(req.user) if (req.user and req.status == DataRequest.Status.PENDING
                                               and req.kind == DataRequest.Kind.ERASURE) else []
    return render(request, "privacy/request_detail.html", {
        "req": req, "form": form, "plan": plan, "labels": services.ACTION_LABELS, "can_decide": can_decide,
        "can_download": request.user.has_perm("privacy.download_copy", req)})


@staff_required
def staff_copy_download(request, pk):
    """The copy prepared for a request recorded by staff: only such copies, for staff, each download audited."""
    req = get_object_or_404(DataRequest.objects.select_related("user"), pk=pk, kind=DataRequest.Kind.ACCESS)
    if req.recorded_by_id is not None and req.file and not req.downloadable:
        messages.error(request, _("The link to this copy has expired: record the request again to prepare a new one."))
        return redirect("privacy:request", pk=req.pk)
    try:
        handle = services.open_copy(req, by=request.user)
    except FileNotFoundError as exc:
        raise Http404 from exc
    return _zip_response(req, handle)


@staff_required
def register(request):
    """The register of processing activities (GDPR art. 30), generated from the retention schedule."""
    return render(request, "privacy/register.html", {
        "kinds": registry.kinds(), "runs": RetentionRun.objects.all()[:10]})
