import math

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_ratelimit.core import get_usage

from grants.models import Report
from projects.models import Proposal
from tsf.accounts.permissions import role_required, staff_required
from tsf.core import calendar
from tsf.core.exports import export_response
from tsf.core.files import private_file_url
from tsf.core.params import object_id, object_or_404
from tsf.core.sharing import site_url
from tsf.core.versioning import REVISION_FIELD, EditConflict, PageVersionForm

from . import selectors, services
from .forms import (
    HONEYPOT_FIELD,
    ActionForm,
    AgendaFormSet,
    BookingForm,
    CampForm,
    CampRegistrationForm,
    FeedbackForm,
    HelpFilterForm,
    HelpRequestForm,
    InvitationForm,
    MessageForm,
    OpportunityFilterForm,
    OpportunityForm,
    PitchFormSet,
    ProgrammeForm,
    SlotForm,
)
from .models import (
    AccelerationProgramme,
    AgendaItem,
    Camp,
    CampInvitation,
    CampRegistration,
    FundingOpportunity,
    ImprovementAction,
    Pitch,
    RegistrationStatus,
    SupportSlot,
)
from .rules import FUNDED, HELPDESK_STATUSES, NOT_FUNDED, approved_registration

PER_PAGE = 20


def _page(request, qs, per_page=PER_PAGE):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def _is_staff(user):
    return user.is_authenticated and user.has_role("staff")


def index(request):
    """The stage's landing page: the camp, the catalogue, and what the visitor can do here."""
    user = request.user
    ctx = {"camp": selectors.current_camp()}
    if user.is_authenticated:
        teams = list(selectors.team_proposals(user))
        ctx.update({
            "funded": [p for p in teams if p.status in FUNDED],
            "not_funded": [p for p in teams if p.status in NOT_FUNDED],
            "helpdesk_teams": [p for p in teams if p.status in HELPDESK_STATUSES],
            "is_staff": _is_staff(user),
            "is_tutor": user.has_role("tutor"),
            "registrations": list(selectors.registrations_of(user)),
        })
    return render(request, "acceleration/index.html", ctx)


# Camp -----------------------------------------------------------------------------------------------


def _camp(pk):
    camp = selectors.camp_detail(pk)
    if camp is None:
        raise Http404
    return camp


def camp(request, pk):
    camp = _camp(pk)
    user = request.user
    ctx = {"camp": camp, "places_left": max(camp.capacity - camp.n_approved, 0), "is_staff": _is_staff(user)}
    if user.is_authenticated:
        ctx["registration"] = selectors.registrations_of(user).filter(camp=camp).first()
        ctx["may_feedback"] = approved_registration(user, camp) is not None and camp.has_started()
        team_ids = {p.pk for p in selectors.team_proposals(user)}
        ctx["own_pitch_ids"] = {p.pk for p in camp.pitches.all() if p.proposal_id in team_ids}
    return render(request, "acceleration/camp.html", ctx)


def camp_ics(request, pk):
    camp = get_object_or_404(Camp, pk=pk)
    event = calendar.Event(
        uid=f"camp-{camp.pk}", start=camp.start(), end=camp.end(), summary=camp.title,
        description=camp.description, location=", ".join(x for x in (camp.place, camp.address) if x),
        url=site_url(request) + camp.get_absolute_url())
    return calendar.ics_response([event], name=camp.title, request=request,
                                 filename=f"social-innovation-camp-{camp.pk}.ics")


def camp_register(request, pk):
    """The PUBLIC registration form for experts, mentors and social investors."""
    camp = _camp(pk)
    invitation = None
    token = request.GET.get("invito") or request.POST.get("invito")
    if token:
        invitation = CampInvitation.objects.filter(token=token, camp=camp).first()
    closed = not camp.registration_open or camp.has_started()
    initial = {}
    if invitation:
        initial = {"email": invitation.email, "full_name": invitation.full_name, "kind": invitation.kind}
    elif request.user.is_authenticated:
        initial = {"email": request.user.email, "full_name": request.user.full_name}
    form = CampRegistrationForm(request.POST or None, camp=camp, initial=initial)
    thanks = _("Thank you: your registration is waiting for approval. We will write to you by e-mail.")
    status = 200
    if request.method == "POST" and not closed and request.POST.get(HONEYPOT_FIELD):
        # Only a robot fills the hidden field: it is told what a person would be, and nothing is saved.
        # Its attempts do not count against the address (people behind the same one keep registering).
        messages.success(request, thanks)
        return redirect(camp.get_absolute_url())
    if request.method == "POST" and not closed and form.is_valid():
        wait = _registration_wait(request)
        if wait:
            form.add_error(None, ngettext(
                "Too many registrations from your connection in the last few minutes: "
                "please try again in %(minutes)s minute.",
                "Too many registrations from your connection in the last few minutes: "
                "please try again in %(minutes)s minutes.", wait) % {"minutes": wait})
            status = 429
        else:
            try:
                services.register_for_camp(camp, invitation=invitation, **form.cleaned_data)
            except services.AccelerationError as exc:
                form.add_error(None, str(exc))  # nothing was registered: the attempt does not count
            else:
                _registrations_from(request, count_one=True)
                messages.success(request, thanks)
                return redirect(camp.get_absolute_url())
    return render(request, "acceleration/camp_register.html",
                  {"camp": camp, "form": form, "closed": closed, "invitation": invitation,
                   "full": camp.n_approved >= camp.capacity, "honeypot": HONEYPOT_FIELD}, status=status)


# Public registrations per client address (django-ratelimit, in the portal's cache; the address read
# by allauth's adapter, as for the login and the sign-up, so TRUSTED_PROXY_COUNT applies alike).
REGISTRATION_RATE_MINUTES = 10
REGISTRATION_RATE = f"5/{REGISTRATION_RATE_MINUTES}m"


def _client_address(group, request):
    return get_adapter(request).get_client_ip(request)


def _registrations_from(request, *, count_one=False):
    """The registrations made from the client's address in the current window (counting one more
    when `count_one`), as django-ratelimit's usage."""
    return get_usage(request, group="acceleration.camp_register", key=_client_address,
                     rate=REGISTRATION_RATE, increment=count_one)


def _registration_wait(request):
    """0 when the client's address may register once more; otherwise the minutes until it may (the
    end of the current window of REGISTRATION_RATE). Only registrations that were saved count: a
    refused attempt (an address already registered, a missing consent) does not."""
    usage = _registrations_from(request)
    if usage is None or usage["count"] < usage["limit"]:
        return 0
    return max(1, math.ceil(usage["time_left"] / 60))


@staff_required
def camp_staff(request, pk):
    camp = _camp(pk)
    status = request.GET.get("status", "")
    regs = selectors.camp_registrations(camp)
    if status in RegistrationStatus.values:
        regs = regs.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        regs = regs.filter(Q(full_name__icontains=q) | Q(email__icontains=q) | Q(organisation__icontains=q))
    if request.GET.get("format"):
        rows = [(r.full_name, r.email, r.organisation, r.get_kind_display(), r.get_status_display(), r.created_at,
                 r.n_feedback) for r in regs]
        return export_response(request.GET["format"], f"camp-{camp.pk}-registrations",
                               [_("Name"), _("E-mail"), _("Organisation"), _("Kind"), _("Status"),
                                _("Registered at"), _("Feedback given")], rows)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_to_camp(camp, by=request.user, **form.cleaned_data)
        except services.AccelerationError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return redirect("acceleration:camp_staff", pk=camp.pk)
    pitches = list(camp.pitches.all())
    summary = selectors.feedback_summary(pitches)
    for p in pitches:
        p.summary = summary.get(p.pk)
    return render(request, "acceleration/staff/camp.html", {
        "camp": camp, "page_obj": _page(request, regs), "form": form, "status": status, "q": q,
        "statuses": RegistrationStatus.choices, "pitches": pitches,
        "invitations": camp.invitations.select_related("invited_by")[:50],
        "places_left": max(camp.capacity - camp.n_approved, 0)})


# Programme, camp and agenda (staff) -------------------------------------------------------------------


def _add_errors(form, errors):
    """Messages of the service next to the form's fields (or on top when the field is not there)."""
    for field, msgs in errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


@staff_required
def programmes_staff(request):
    q = request.GET.get("q", "").strip()
    return render(request, "acceleration/staff/programmes.html",
                  {"page_obj": _page(request, selectors.programmes(q)), "q": q})


@staff_required
def programme_edit(request, pk=None):
    prog = get_object_or_404(AccelerationProgramme.objects.select_related("call"), pk=pk) if pk else None
    form = ProgrammeForm(request.POST or None, instance=prog)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.PROGRAMME_FIELDS}
        try:
            if prog is None:
                saved = services.save_programme(by=request.user, call=form.cleaned_data["call"], **data)
            else:
                saved = services.save_programme(by=request.user, instance=prog, edit=form.edit(), **data)
        except EditConflict as exc:
            form.show_conflict(exc)
        except services.InvalidInput as exc:
            _add_errors(form, exc.errors)
        else:
            messages.success(request, _("The acceleration programme is saved."))
            if prog is None and not saved.camps.exists():
                return redirect("acceleration:camp_new", programme_pk=saved.pk)
            return redirect("acceleration:programmes_staff")
    camps = list(prog.camps.order_by("date")) if prog else []
    return render(request, "acceleration/staff/programme_form.html", {"form": form, "prog": prog, "camps": camps})


@staff_required
def camp_edit(request, pk=None, programme_pk=None):
    """The camp's date, hours, place and places, with its agenda (a formset), saved together."""
    if pk:
        camp = get_object_or_404(Camp.objects.select_related("programme", "programme__call"), pk=pk)
        prog = camp.programme
    else:
        camp, prog = None, get_object_or_404(AccelerationProgramme.objects.select_related("call"), pk=programme_pk)
    data = request.POST if request.method == "POST" else None
    form = CampForm(data, instance=camp, prefix="camp")
    formset = AgendaFormSet(data, queryset=camp.agenda.all() if camp else AgendaItem.objects.none(),
                            prefix="agenda")
    if request.method == "POST":
        forms_ok = form.is_valid()
        formset_ok = formset.is_valid()
        if forms_ok and formset_ok:
            rows = [f for f in formset.forms if f.instance.pk or f.has_changed()]
            agenda = [(f.instance if f.instance.pk else None, {n: f.cleaned_data[n] for n in services.AGENDA_FIELDS})
                      for f in rows]
            fields = {n: form.cleaned_data[n] for n in services.CAMP_FIELDS}
            try:
                saved = services.save_camp(prog, by=request.user, instance=camp, agenda=agenda,
                                           edit=form.edit() if camp else None, **fields)
            except EditConflict as exc:
                form.show_conflict(exc)
            except services.InvalidInput as exc:
                _add_errors(form, exc.errors)
                for index, errors in exc.item_errors.items():
                    _add_errors(rows[index], errors)
            else:
                messages.success(request, _("The camp and its agenda are saved."))
                return redirect("acceleration:camp_edit", pk=saved.pk)
    approved = camp.registrations.filter(status=RegistrationStatus.APPROVED).count() if camp else 0
    return render(request, "acceleration/staff/camp_form.html",
                  {"form": form, "formset": formset, "camp": camp, "prog": prog, "approved": approved})


@staff_required
def agenda_delete(request, pk):
    """Confirm, then remove an agenda item."""
    item = get_object_or_404(AgendaItem.objects.select_related("camp"), pk=pk)
    if request.method == "POST":
        services.delete_agenda_item(item, by=request.user)
        messages.success(request, _("“%(title)s” is removed from the agenda.") % {"title": item.title})
        return redirect("acceleration:camp_edit", pk=item.camp_id)
    return render(request, "acceleration/staff/agenda_delete.html", {"item": item, "camp": item.camp})


@staff_required
@require_POST
def camp_pitches(request, pk):
    camp = get_object_or_404(Camp, pk=pk)
    made = services.schedule_pitches(camp, by=request.user)
    messages.success(request, ngettext("%(n)s pitch added.", "%(n)s pitches added.", len(made)) % {"n": len(made)})
    return redirect("acceleration:camp_staff", pk=camp.pk)


@staff_required
def camp_pitches_edit(request, pk):
    """The order, length and title of the camp's pitches (a formset), saved together."""
    camp = get_object_or_404(Camp.objects.select_related("programme"), pk=pk)
    queryset = (camp.pitches.select_related("proposal", "proposal__organisation")
                .prefetch_related(selectors.title_prefetch()).order_by("order", "pk"))
    formset = PitchFormSet(request.POST if request.method == "POST" else None, queryset=queryset, prefix="pitch")
    version_form = PageVersionForm(request.POST or None, edit_object=camp, edit_scope="pitches")
    if request.method == "POST" and formset.is_valid():
        rows = formset.forms  # each one a pitch of this camp (BasePitchFormSet.clean)
        shown = {f.instance.proposal.title: _pitch_text(f.cleaned_data) for f in rows}
        try:
            services.save_pitches(camp, by=request.user,
                                  rows=[(f.instance, {n: f.cleaned_data[n] for n in services.PITCH_FIELDS})
                                        for f in rows], edit=version_form.edit(shown))
        except EditConflict as exc:  # another staff member saved the pitches meanwhile: nothing applied
            version_form.show_conflict(exc)
        except services.InvalidInput as exc:
            for index, errors in exc.item_errors.items():
                _add_errors(rows[index], errors)
        except services.AccelerationError as exc:
            messages.error(request, str(exc))
            return redirect("acceleration:camp_pitches_edit", pk=camp.pk)
        else:
            messages.success(request, _("The order and length of the pitches are saved."))
            return redirect("acceleration:camp_staff", pk=camp.pk)
    total = sum(f.instance.minutes or 0 for f in formset.forms)
    return render(request, "acceleration/staff/pitches_form.html", {
        "camp": camp, "formset": formset, "total": total, "camp_minutes": services.camp_minutes(camp),
        "version_form": version_form,
        "has_errors": request.method == "POST" and formset.total_error_count() > 0})


def _pitch_text(data) -> str:
    text = _("place %(order)s, %(minutes)s minutes") % {"order": data.get("order"), "minutes": data.get("minutes")}
    return f"{text}, {data['title']}" if data.get("title") else text


@staff_required
@require_POST
def registration_decide(request, pk):
    reg = get_object_or_404(CampRegistration, pk=pk)
    try:
        if request.POST.get("decision") == "approve":
            services.approve_registration(reg, by=request.user)
            messages.success(request, _("%(name)s is approved.") % {"name": reg.full_name})
        elif request.POST.get("decision") == "reject":
            services.reject_registration(reg, by=request.user)
            messages.success(request, _("%(name)s is not approved.") % {"name": reg.full_name})
    except services.AccelerationError as exc:
        messages.error(request, str(exc))
    return redirect("acceleration:camp_staff", pk=reg.camp_id)


def _pitch(pk):
    pitch = (Pitch.objects.select_related("camp", "proposal", "proposal__organisation")
             .prefetch_related(selectors.title_prefetch()).filter(pk=pk).first())
    if pitch is None:
        raise Http404
    return pitch


@login_required
def pitch(request, pk):
    """The feedback on a pitch: the team reads its own, staff all."""
    pitch = _pitch(pk)
    if not request.user.has_perm("acceleration.view_pitch_feedback", pitch):
        raise Http404
    feedback = list(selectors.pitch_feedback(pitch))
    summary = selectors.feedback_summary([pitch]).get(pitch.pk)
    return render(request, "acceleration/pitch.html", {"pitch": pitch, "feedback": feedback, "summary": summary,
                                                       "is_staff": _is_staff(request.user)})


@login_required
def pitch_feedback(request, pk):
    pitch = _pitch(pk)
    if not request.user.has_perm("acceleration.give_feedback", pitch):
        raise PermissionDenied(_("Only experts approved for this camp can leave feedback, from the camp's start."))
    existing = pitch.feedback.filter(author=request.user).first()
    form = FeedbackForm(request.POST or None, instance=existing, edit_object=pitch,
                        edit_scope=services.feedback_scope(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.give_feedback(pitch, by=request.user, edit=form.edit(),
                                   **{name: form.cleaned_data[name] for name in FeedbackForm.Meta.fields})
        except EditConflict as exc:
            form.show_conflict(exc)
        except services.AccelerationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you: the team will read your feedback."))
            return redirect(pitch.camp.get_absolute_url() + "#pitches")
    return render(request, "acceleration/pitch_feedback.html", {"pitch": pitch, "form": form})


# Help desk --------------------------------------------------------------------------------------------


@login_required
def help_list(request):
    """A team's own requests (staff and tutors go to their list)."""
    if request.user.has_role("staff", "tutor") and not selectors.team_proposals(request.user).exists():
        return redirect("acceleration:help_staff")
    qs = selectors.help_requests_for_team(request.user)
    teams = list(selectors.team_proposals(request.user, HELPDESK_STATUSES))
    return render(request, "acceleration/help_list.html", {"page_obj": _page(request, qs), "teams": teams})


@role_required("staff", "tutor")
def help_staff(request):
    form = HelpFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    tutor = None if request.user.has_role("staff") else request.user
    qs = selectors.help_requests_for_staff(
        status=data.get("status", ""), topic=data.get("topic", ""), q=data.get("q", ""),
        mine_of=request.user if data.get("mine") else None, tutor=tutor)
    if request.GET.get("format"):
        rows = [(r.pk, r.proposal.protocol_number, r.proposal.organisation.legal_name, r.get_topic_display(),
                 r.subject, r.get_status_display(), r.assignee.get_full_name() if r.assignee else "", r.created_at,
                 r.first_answer_at, round(r.response_time.total_seconds() / 3600, 1) if r.response_time else "",
                 r.n_messages) for r in qs]
        return export_response(request.GET["format"], "help-desk", [
            "ID", _("Protocol"), _("Organisation"), _("Topic"), _("Subject"), _("Status"), _("Taken by"),
            _("Opened at"), _("First answer at"), _("Response time (hours)"), _("Messages")], rows)
    return render(request, "acceleration/staff/help_list.html", {
        "form": form, "page_obj": _page(request, qs), "stats": selectors.help_stats()})


@login_required
def help_new(request):
    user = request.user
    proposals = selectors.team_proposals(user, HELPDESK_STATUSES)
    report = None
    if request.GET.get("report") or request.POST.get("report"):
        report = object_or_404(Report.objects.select_related("grant", "grant__proposal"),
                               request.GET.get("report") or request.POST.get("report"))
        if not user.has_perm("grants.view_report", report):
            raise PermissionDenied
        proposals = proposals.filter(pk=report.grant.proposal_id)
    if not proposals.exists():
        raise PermissionDenied(_("The help desk is for the teams of the programme."))
    initial = {"proposal": proposals.first()}
    if report is not None:
        initial.update({"topic": "reporting", "subject": _("Help with the report: %(r)s") % {"r": report}})
    elif request.GET.get("topic"):
        initial["topic"] = request.GET["topic"]
    form = HelpRequestForm(request.POST or None, request.FILES or None, proposals=proposals, initial=initial,
                          uploader=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req = services.open_request(data["proposal"], by=user, topic=data["topic"], subject=data["subject"],
                                        text=data["text"], attachment=data.get("attachment"), report=report)
        except services.AccelerationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your request has been sent: we will answer soon."))
            return redirect(req)
    return render(request, "acceleration/help_new.html", {"form": form, "report": report})


@login_required
def help_detail(request, pk):
    req = selectors.help_thread(pk)
    if req is None or not request.user.has_perm("acceleration.view_helprequest", req):
        raise Http404
    form = MessageForm(request.POST or None, request.FILES or None, uploader=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_message(req, by=request.user, text=form.cleaned_data["text"],
                                  attachment=form.cleaned_data.get("attachment"))
        except services.AccelerationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Message sent."))
            return redirect(req)
    thread = list(req.messages.all())
    for m in thread:
        m.file_url = private_file_url(m, "attachment") if m.attachment else ""
    return render(request, "acceleration/help_detail.html", {
        "req": req, "thread": thread, "form": form,
        "may_answer": request.user.has_perm("acceleration.answer_helprequest", req)})


@login_required
@require_POST
def help_action(request, pk):
    req = selectors.help_thread(pk)
    if req is None or not request.user.has_perm("acceleration.view_helprequest", req):
        raise Http404
    try:
        if request.POST.get("action") == "take":
            services.take_request(req, by=request.user)
            messages.success(request, _("You have taken the request."))
        elif request.POST.get("action") == "resolve":
            services.resolve_request(req, by=request.user)
            messages.success(request, _("The request is resolved."))
    except services.AccelerationError as exc:
        messages.error(request, str(exc))
    return redirect(req)


# Reporting support slots -----------------------------------------------------------------------------


@login_required
def slots(request):
    user = request.user
    if _is_staff(user):
        form = SlotForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if form.cleaned_data["starts_at"] <= timezone.now():
                form.add_error("starts_at", _("Choose a time in the future."))
            else:
                services.offer_slot(by=user, **form.cleaned_data)
                messages.success(request, _("The slot is offered to the teams."))
                return redirect("acceleration:slots")
        return render(request, "acceleration/staff/slots.html",
                      {"form": form, "page_obj": _page(request, selectors.all_slots())})
    proposals = selectors.team_proposals(user, FUNDED)
    if not proposals.exists():
        raise PermissionDenied(_("Support slots are for the funded teams."))
    reports = Report.objects.filter(grant__proposal__in=proposals).select_related("grant").order_by("due_date")
    initial = {}
    report_id = object_id(request.GET.get("report"))
    if report_id is not None:
        initial["report"] = reports.filter(pk=report_id).first()
    form = BookingForm(proposals=proposals, reports=reports, initial=initial)
    return render(request, "acceleration/slots.html", {
        "form": form, "page_obj": _page(request, selectors.free_slots()),
        "bookings": selectors.team_bookings(user)})


@login_required
@require_POST
def slot_book(request, pk):
    slot = get_object_or_404(SupportSlot, pk=pk)
    proposals = selectors.team_proposals(request.user, FUNDED)
    reports = Report.objects.filter(grant__proposal__in=proposals).select_related("grant")
    form = BookingForm(request.POST, proposals=proposals, reports=reports)
    if not form.is_valid():
        messages.error(request, _("Choose your project to book the slot."))
        return redirect("acceleration:slots")
    try:
        services.book_slot(slot, form.cleaned_data["proposal"], by=request.user, report=form.cleaned_data["report"],
                           note=form.cleaned_data["note"])
    except services.AccelerationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Booked: see you on %(when)s.") % {
            "when": date_format(timezone.localtime(slot.starts_at), "DATETIME_FORMAT")})
    return redirect("acceleration:slots")


@login_required
@require_POST
def slot_cancel(request, pk):
    slot = get_object_or_404(SupportSlot, pk=pk)
    try:
        services.cancel_booking(slot, by=request.user)
    except services.AccelerationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The booking is cancelled."))
    return redirect("acceleration:slots")


# Improvement page -----------------------------------------------------------------------------------


def _team_proposal(request, pk, perm):
    proposal = (Proposal.objects.select_related("organisation", "call")
                .prefetch_related(selectors.versions_prefetch()).filter(pk=pk).first())
    if proposal is None or not request.user.has_perm(perm, proposal):
        raise Http404
    return proposal


@login_required
def improvement(request, pk):
    proposal = _team_proposal(request, pk, "acceleration.view_improvement")
    may_edit = request.user.has_perm("acceleration.change_improvement", proposal)
    form = ActionForm(request.POST or None) if may_edit else None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            services.save_action(proposal, by=request.user, **form.cleaned_data)
            messages.success(request, _("Action added to the plan."))
            return redirect("acceleration:improvement", pk=proposal.pk)
    return render(request, "acceleration/improvement.html", {
        "proposal": proposal, "data": selectors.improvement_data(proposal), "may_edit": may_edit, "form": form,
        "actions": list(proposal.improvement_actions.all()),
        "opportunities": list(selectors.opportunities_for(proposal)[:10])})


@login_required
def improvement_action(request, pk, action_pk):
    proposal = _team_proposal(request, pk, "acceleration.change_improvement")
    action = get_object_or_404(ImprovementAction, pk=action_pk, proposal=proposal)
    if request.method == "POST" and request.POST.get("delete"):
        services.delete_action(action, by=request.user)
        messages.success(request, _("Action removed."))
        return redirect("acceleration:improvement", pk=proposal.pk)
    form = ActionForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != REVISION_FIELD}
        try:
            services.save_action(proposal, by=request.user, instance=action, edit=form.edit(), **fields)
        except EditConflict as exc:
            form.show_conflict(exc)
        else:
            messages.success(request, _("Action saved."))
            return redirect("acceleration:improvement", pk=proposal.pk)
    return render(request, "acceleration/action_form.html", {"proposal": proposal, "form": form, "action": action})


# Funding opportunities --------------------------------------------------------------------------------


def opportunities(request):
    form = OpportunityFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.published_opportunities(include_closed=bool(data.get("closed")))
    qs = selectors.filter_opportunities(qs, q=data.get("q", ""), theme=data.get("theme"),
                                        district=data.get("district"), legal_form=data.get("legal_form", ""),
                                        kind=data.get("kind", ""))
    matches = []
    if request.user.is_authenticated:
        for proposal in selectors.team_proposals(request.user)[:3]:
            matches.append((proposal, list(selectors.opportunities_for(proposal)[:5])))
    return render(request, "acceleration/opportunities.html",
                  {"form": form, "page_obj": _page(request, qs), "matches": matches})


def opportunity(request, pk):
    opp = get_object_or_404(FundingOpportunity.objects.prefetch_related("themes", "districts"), pk=pk)
    if not opp.is_published and not _is_staff(request.user):
        raise Http404
    return render(request, "acceleration/opportunity.html", {"opp": opp, "is_staff": _is_staff(request.user)})


@staff_required
def opportunities_staff(request):
    qs = FundingOpportunity.objects.prefetch_related("themes", "districts").order_by("-created_at", "-pk")
    q = request.GET.get("q", "").strip()
    if q:
        qs = selectors.filter_opportunities(qs, q=q)
    state = request.GET.get("state", "")
    if state == "draft":
        qs = qs.filter(is_published=False)
    elif state == "published":
        qs = qs.filter(is_published=True)
    if request.GET.get("format"):
        rows = [(o.funder, o.title, o.get_kind_display(), o.deadline, o.amount_min, o.amount_max,
                 ", ".join(t.name for t in o.themes.all()), ", ".join(d.name for d in o.districts.all()),
                 ", ".join(o.legal_forms or []), o.url, o.is_published) for o in qs]
        return export_response(request.GET["format"], "funding-opportunities", [
            _("Funder"), _("Title"), _("Kind"), _("Deadline"), _("From (EUR)"), _("Up to (EUR)"), _("Themes"),
            _("Districts"), _("Legal forms"), _("Link"), _("Published")], rows)
    return render(request, "acceleration/staff/opportunities.html",
                  {"page_obj": _page(request, qs), "q": q, "state": state})


@staff_required
def opportunity_edit(request, pk=None):
    opp = get_object_or_404(FundingOpportunity, pk=pk) if pk else None
    form = OpportunityForm(request.POST or None, instance=opp)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_opportunity(form, by=request.user)
        except EditConflict as exc:
            form.show_conflict(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("acceleration:opportunities_staff")
    return render(request, "acceleration/staff/opportunity_form.html", {"form": form, "opp": opp})


@staff_required
@require_POST
def opportunity_publish(request, pk):
    opp = get_object_or_404(FundingOpportunity, pk=pk)
    if request.POST.get("action") == "unpublish":
        services.unpublish_opportunity(opp, by=request.user)
        messages.success(request, _("The opportunity is no longer public."))
    else:
        teams = services.publish_opportunity(opp, by=request.user)
        messages.success(request, ngettext("Published: %(n)s matching team has been told.",
                                           "Published: %(n)s matching teams have been told.", len(teams))
                         % {"n": len(teams)})
    return redirect("acceleration:opportunities_staff")
