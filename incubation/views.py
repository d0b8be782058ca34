"""Pages of the Incubation Lab: thin views over selectors and services; every object checked with
the rules of `incubation/rules.py` (404 when the person may not see it)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.models import Call
from projects import services as project_services
from projects.models import Proposal, ProposalStatus
from projects.selectors import proposal_detail
from projects.steps import STEPS, StepEngine
from tsf.accounts.models import User
from tsf.accounts.permissions import role_required, staff_required
from tsf.core import calendar
from tsf.core.exports import export_response
from tsf.core.files import private_file_url
from tsf.core.sharing import absolute
from tsf.core.versioning import EditConflict, PageVersionForm

from . import charts, selectors, services
from .diff import version_diff
from .forms import (
    CohortFilterForm,
    DeliverableForm,
    LabForm,
    MaterialForm,
    ProgressForm,
    ReviewForm,
    SessionForm,
    SubmissionForm,
    TutorsForm,
    WorkshopForm,
)
from .models import (
    COHORT_STATUSES,
    Deliverable,
    Lab,
    ProgressEntry,
    Session,
    Submission,
    TutorAssignment,
    Workshop,
)

tutor_or_staff = role_required("tutor", "staff")


def _team(request, pk, perm="incubation.view_team"):
    """A cohort proposal with its lab, or 404."""
    proposal = (Proposal.objects.select_related("call", "call__lab", "organisation").prefetch_related("versions")
                .filter(pk=pk, status__in=COHORT_STATUSES).first())
    if proposal is None or not hasattr(proposal.call, "lab") or not request.user.has_perm(perm, proposal):
        raise Http404
    return proposal, proposal.call.lab


def index(request):
    """The navigation's "Incubation": staff and tutors go to the cohort of the latest lab, a team
    in the cohort to its lab page, everyone else reads what the lab is."""
    user = request.user
    lab = selectors.current_lab()
    if user.is_authenticated and (user.has_role("staff") or user.has_role("tutor")):
        if lab is not None:
            return redirect("incubation:cohort", pk=lab.pk)
        if user.has_role("staff"):
            return redirect("incubation:lab_create")
    if user.is_authenticated:
        mine = list(selectors.proposals_of_user_in_cohort(user)[:2])
        if len(mine) == 1:
            return redirect("incubation:team", pk=mine[0].pk)
        if mine:
            return render(request, "incubation/index.html", {"lab": lab, "teams": mine})
    workshops = lab.workshops.all() if lab else []
    return render(request, "incubation/index.html", {"lab": lab, "workshops": workshops})


# Staff: the lab ----------------------------------------------------------------------------

@staff_required
def lab_create(request):
    calls = Call.objects.filter(lab__isnull=True).order_by("-opens_at")
    wanted = request.POST.get("call") or request.GET.get("call") or ""
    call = (calls.filter(pk=wanted).first() if wanted.isdigit() else None) or calls.first()
    if call is None:
        messages.info(request, _("Every call already has its lab."))
        lab = selectors.current_lab()
        return redirect("incubation:cohort", pk=lab.pk) if lab else redirect("calls:index")
    form = LabForm(request.POST or None, initial={
        "name": _("Incubation Lab %(year)s") % {"year": call.year},
        "starts_on": call.incubation_starts_on, "ends_on": call.incubation_ends_on,
    })
    if request.method == "POST" and form.is_valid():
        try:
            lab = services.create_lab(call, form, by=request.user)
        except services.LabError as exc:
            messages.error(request, exc.messages[0])
            return redirect("incubation:index")
        messages.success(request, _("The lab has been created. Now add its workshops."))
        return redirect("incubation:lab_edit", pk=lab.pk)
    return render(request, "incubation/lab_form.html", {"form": form, "call": call, "calls": calls})


@staff_required
def lab_edit(request, pk):
    lab = get_object_or_404(Lab.objects.select_related("call"), pk=pk)
    form = LabForm(request.POST or None, instance=lab, prefix="lab")
    wform = WorkshopForm(request.POST or None, prefix="ws", initial={"number": lab.workshops.count() + 1})
    if request.method == "POST":
        target = wform if "add_workshop" in request.POST else form
        if target.is_valid():
            if target is wform:
                try:
                    workshop = services.add_workshop(lab, wform, by=request.user)
                except services.LabError as exc:
                    wform.add_error("number", exc.messages[0])
                else:
                    messages.success(request, _("The workshop has been added."))
                    return redirect("incubation:workshop", pk=workshop.pk)
            else:
                try:
                    services.update_lab(form, by=request.user)
                except EditConflict as exc:
                    form.show_conflict(exc)
                else:
                    messages.success(request, _("The lab has been saved."))
                    return redirect("incubation:lab_edit", pk=lab.pk)
    return render(request, "incubation/lab_edit.html", {
        "lab": lab, "form": form, "wform": wform, "workshops": lab.workshops.all()})


# Workshops: sessions, materials, deliverables ------------------------------------------------

@tutor_or_staff
def workshop(request, pk):
    ws = get_object_or_404(Workshop.objects.select_related("lab", "lab__call"), pk=pk)
    is_staff = request.user.has_role("staff")
    forms = {
        "session": SessionForm(prefix="s") if is_staff else None,
        "deliverable": DeliverableForm(prefix="d") if is_staff else None,
        "material": MaterialForm(prefix="m"),
    }
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind not in forms or forms[kind] is None:
            raise PermissionDenied
        form_class = {"session": SessionForm, "deliverable": DeliverableForm, "material": MaterialForm}[kind]
        form = form_class(request.POST, request.FILES or None, prefix=kind[0],
                          **({"uploader": request.user} if kind == "material" else {}))
        forms[kind] = form
        if form.is_valid():
            services.save_workshop_item(ws, form, kind=kind, by=request.user)
            messages.success(request, _("Saved."))
            return redirect("incubation:workshop", pk=ws.pk)
        messages.error(request, _("Please correct the errors below: nothing has been lost."))
    return render(request, "incubation/workshop.html", {
        "workshop": ws, "lab": ws.lab, "forms": forms, "is_staff": is_staff,
        "sessions": ws.sessions.prefetch_related("tutors"),
        "deliverables": ws.deliverables.all(),
        "materials": [(m, private_file_url(m, "file") if m.file else m.url) for m in ws.materials.all()],
    })


def _edit_item(request, obj, form_class, kind):
    ws = obj.workshop
    form = form_class(request.POST or None, request.FILES or None, instance=obj)
    if request.method == "POST":
        if "delete" in request.POST:
            try:
                services.delete_workshop_item(obj, kind=kind, by=request.user)
                messages.success(request, _("Deleted."))
            except services.LabError as exc:
                messages.error(request, exc.messages[0])
            return redirect("incubation:workshop", pk=ws.pk)
        if form.is_valid():
            try:
                services.save_workshop_item(ws, form, kind=kind, by=request.user)
            except EditConflict as exc:  # saved meanwhile by someone else: nothing applied
                form.show_conflict(exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("incubation:workshop", pk=ws.pk)
        else:
            messages.error(request, _("Please correct the errors below: nothing has been lost."))
    return render(request, "incubation/item_form.html", {"form": form, "obj": obj, "workshop": ws, "lab": ws.lab,
                                                         "kind": kind})


@staff_required
def session_edit(request, pk):
    return _edit_item(request, get_object_or_404(Session.objects.select_related("workshop__lab"), pk=pk),
                      SessionForm, "session")


@staff_required
def deliverable_edit(request, pk):
    return _edit_item(request, get_object_or_404(Deliverable.objects.select_related("workshop__lab"), pk=pk),
                      DeliverableForm, "deliverable")


# The cohort at a glance ----------------------------------------------------------------------

@tutor_or_staff
def cohort(request, pk):
    lab = selectors.lab_with_workshops(pk)
    if lab is None:
        raise Http404
    filters = CohortFilterForm(request.GET or None)
    q, mine = "", False
    if filters.is_valid():
        q, mine = filters.cleaned_data["q"], filters.cleaned_data["mine"]
    teams = selectors.cohort(lab, q=q, tutor=request.user if mine else None)
    workshops = list(lab.workshops.all())
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return _export_cohort(fmt, lab, teams, workshops)
    page_obj = Paginator(teams, 30).get_page(request.GET.get("page"))
    rows = selectors.cohort_grid(lab, page_obj.object_list)
    return render(request, "incubation/cohort.html", {
        "lab": lab, "workshops": workshops, "rows": rows, "page_obj": page_obj, "filters": filters,
        "levels": selectors.LEVELS, "labs": Lab.objects.select_related("call").order_by("-starts_on"),
        "is_staff": request.user.has_role("staff"),
    })


def _export_cohort(fmt, lab, teams, workshops):
    headers = [_("Protocol"), _("Title"), _("Organisation"), _("Status"), _("Tutors")]
    for w in workshops:
        headers += [_("W%(n)s attendance") % {"n": w.number}, _("W%(n)s deliverables") % {"n": w.number},
                    _("W%(n)s readiness") % {"n": w.number}, _("W%(n)s assessment") % {"n": w.number}]

    def rows():
        for row in selectors.cohort_grid(lab, teams):
            p = row.proposal
            out = [p.protocol_number, p.title, p.organisation.legal_name, p.get_status_display(),
                   "; ".join(t.get_full_name() or t.email for t in row.tutors)]
            for c in row.cells:
                out += [f"{c.sessions_attended}/{c.sessions_total}",
                        f"{c.deliverables_submitted}/{c.deliverables_total}",
                        c.readiness if c.readiness is not None else "", str(c.level_label)]
            yield out

    return export_response(fmt, f"cohort-{lab.call.slug}", [str(h) for h in headers], rows())


@staff_required
def tutors(request, pk):
    lab = get_object_or_404(Lab.objects.select_related("call"), pk=pk)
    teams = list(selectors.cohort(lab))
    all_tutors = list(User.objects.with_role("tutor").order_by("full_name"))
    assigned = {}
    for a in TutorAssignment.objects.filter(proposal__in=teams).select_related("tutor"):
        assigned.setdefault(a.proposal_id, []).append(a.tutor)
    version_form = PageVersionForm(request.POST or None, edit_object=lab, edit_scope="tutors")
    kept = None  # the team whose save met a newer one: its form keeps what this person ticked
    if request.method == "POST":
        proposal = next((p for p in teams if str(p.pk) == request.POST.get("team")), None)
        if proposal is None:
            raise Http404
        form = TutorsForm(request.POST, prefix=f"t{proposal.pk}", tutors=all_tutors)
        if form.is_valid():
            version_form.is_valid()
            chosen = form.chosen()
            values = {proposal.title: sorted(t.get_full_name() or t.email for t in chosen)}
            try:
                services.assign_tutors(lab, proposal, chosen, by=request.user, edit=version_form.edit(values))
                messages.success(request, _("Tutors of %(team)s saved.") % {"team": proposal.title})
            except EditConflict as exc:  # saved meanwhile (another tab, a colleague): nothing applied
                version_form.show_conflict(exc)
                kept = (proposal.pk, form)
            except services.LabError as exc:
                messages.error(request, exc.messages[0])
        if kept is None:
            return redirect("incubation:tutors", pk=lab.pk)
    rows = [(p, assigned.get(p.pk, []),
             kept[1] if kept and kept[0] == p.pk else
             TutorsForm(prefix=f"t{p.pk}", tutors=all_tutors,
                        initial={"tutors": [t.pk for t in assigned.get(p.pk, [])]}))
            for p in teams]
    revision = version_form["edit_revision"].value()
    return render(request, "incubation/tutors.html", {"lab": lab, "rows": rows, "version_form": version_form,
                                                      "revision": revision})


# Tutors' log ---------------------------------------------------------------------------------

@tutor_or_staff
def session_attendance(request, pk):
    session = get_object_or_404(Session.objects.select_related("workshop", "workshop__lab", "workshop__lab__call"),
                                pk=pk)
    lab = session.workshop.lab
    teams = [p for p in selectors.cohort(lab).prefetch_related("organisation__memberships__user")
             if request.user.has_perm("incubation.log_team", p)]
    existing = {a.proposal_id: {u.pk for u in a.attendees.all()}
                for a in session.attendances.prefetch_related("attendees")}
    version_form = PageVersionForm(request.POST or None, edit_object=session, edit_scope="attendance")
    if request.method == "POST":
        chosen = set(request.POST.getlist("present"))
        plan = []
        for p in teams:
            if f"team-{p.pk}" not in request.POST:
                continue  # the team was not on the form (paged or added since): leave it alone
            members = [m.user for m in p.organisation.memberships.all()]
            plan.append((p, [u for u in members if f"{p.pk}:{u.pk}" in chosen]))
        version_form.is_valid()
        values = {p.title: sorted(u.get_full_name() or u.email for u in present) for p, present in plan}
        try:
            services.record_session_attendance(session, plan, by=request.user, edit=version_form.edit(values))
        except EditConflict as exc:  # saved meanwhile: nothing applied, the page keeps this person's ticks
            version_form.show_conflict(exc)
            existing = {p.pk: {u.pk for u in present} for p, present in plan}
        else:
            messages.success(request, _("Attendance saved."))
            return redirect("incubation:session_attendance", pk=session.pk)
    rows = [(p, [(m, m.user.pk in existing.get(p.pk, set())) for m in p.organisation.memberships.all()],
             p.pk in existing) for p in teams]
    return render(request, "incubation/attendance.html", {"session": session, "lab": lab, "rows": rows,
                                                          "version_form": version_form})


@tutor_or_staff
def progress(request, workshop_pk, pk):
    ws = get_object_or_404(Workshop.objects.select_related("lab"), pk=workshop_pk)
    proposal, lab = _team(request, pk, "incubation.log_team")
    if lab.pk != ws.lab_id:
        raise Http404
    entry = ProgressEntry.objects.filter(workshop=ws, proposal=proposal).first()
    form = ProgressForm(request.POST or None, instance=entry)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_progress(ws, proposal, {f: form.cleaned_data[f] for f in form.fields
                                                      if f in services.PROGRESS_FIELDS},
                                       by=request.user, edit=form.edit())
            except EditConflict as exc:  # another tutor saved the entry meanwhile: nothing applied
                form.show_conflict(exc)
            else:
                messages.success(request, _("Progress entry saved."))
                return redirect("incubation:team", pk=proposal.pk)
        else:
            messages.error(request, _("Please correct the errors below: nothing has been lost."))
    return render(request, "incubation/progress_form.html", {"workshop": ws, "proposal": proposal, "lab": lab,
                                                             "form": form, "entry": entry})


@tutor_or_staff
def submission_review(request, pk):
    submission = get_object_or_404(Submission.objects.select_related("deliverable", "deliverable__workshop",
                                                                     "proposal", "uploaded_by"), pk=pk)
    proposal, lab = _team(request, submission.proposal_id, "incubation.log_team")
    form = ReviewForm(request.POST or None, initial={"review": submission.review if submission.review != "pending"
                                                     else None, "comments": submission.comments},
                      edit_object=submission)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_submission(submission, review=form.cleaned_data["review"],
                                       comments=form.cleaned_data["comments"], by=request.user, edit=form.edit())
        except EditConflict as exc:  # another tutor gave feedback meanwhile: nothing applied
            form.show_conflict(exc)
        except services.LabError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Feedback sent to the team."))
            return redirect("incubation:team", pk=proposal.pk)
    return render(request, "incubation/review_form.html", {
        "submission": submission, "proposal": proposal, "lab": lab, "form": form,
        "file_url": private_file_url(submission, "file")})


# A team's lab page -----------------------------------------------------------------------------

@login_required
def team(request, pk):
    proposal, lab = _team(request, pk)
    lab = selectors.lab_with_workshops(lab.pk)
    user = request.user
    can_log = user.has_perm("incubation.log_team", proposal)
    can_upload = user.has_perm("incubation.upload_deliverable", proposal)
    see_staff_notes = user.has_perm("incubation.view_staff_notes", proposal)
    workshops = list(lab.workshops.all())
    entries = selectors.team_entries(proposal, lab)
    submissions = selectors.team_submissions(proposal, lab)
    attendance = selectors.team_attendance(proposal, lab)
    now = timezone.now()
    sections = []
    by_ws = {e.workshop_id: e for e in entries}
    for w in workshops:
        sections.append({
            "workshop": w,
            "sessions": [(s, attendance.get(s.pk)) for s in w.sessions.all()],
            "materials": [(m, private_file_url(m, "file") if m.file else m.url) for m in w.materials.all()],
            "deliverables": [(d, [(s, private_file_url(s, "file")) for s in submissions.get(d.pk, [])],
                              d.due_at <= now) for d in w.deliverables.all()],
            "entry": by_ws.get(w.pk),
        })
    labels = [_("W%(n)s") % {"n": w.number} for w in workshops]
    table_rows, means = selectors.readiness_table(entries, workshops)
    due = [(d, w) for w in workshops for d in w.deliverables.all() if d.due_at > now and not submissions.get(d.pk)]
    next_sessions = [s for w in workshops for s in w.sessions.all() if s.ends_at > now][:3]
    revised = services.revised_version(proposal)
    return render(request, "incubation/team.html", {
        "proposal": proposal, "lab": lab, "sections": sections, "can_log": can_log, "can_upload": can_upload,
        "see_staff_notes": see_staff_notes, "tutors": services.tutors_of(proposal),
        "members": selectors.team_people(proposal), "chart": charts.readiness_chart(means, labels),
        "chart_labels": labels, "readiness_rows": table_rows, "readiness_means": means,
        "due": due, "next_sessions": next_sessions, "revised": revised, "call": proposal.call,
        "is_member": user.has_perm("incubation.upload_deliverable", proposal),
    })


@login_required
def team_calendar(request, pk):
    proposal, lab = _team(request, pk)
    events = []
    for s in Session.objects.filter(workshop__lab=lab).select_related("workshop").order_by("date", "start_time"):
        events.append(calendar.Event(
            uid=f"tsf-lab-session-{s.pk}", start=s.starts_at, end=s.ends_at,
            summary=f"{lab.name}: {s.workshop.number}. {s.workshop.title}",
            location=", ".join(x for x in (s.place, s.address) if x), description=s.workshop.topics,
            url=absolute(reverse("incubation:team", kwargs={"pk": proposal.pk}), request)))
    for d in Deliverable.objects.filter(workshop__lab=lab).select_related("workshop"):
        events.append(calendar.Event(
            uid=f"tsf-lab-deliverable-{d.pk}-team-{proposal.pk}", start=d.due_at,
            end=d.due_at + timezone.timedelta(minutes=15),
            summary=_("Due: %(title)s") % {"title": d.title}, description=d.description))
    return calendar.ics_response(events, name=f"{lab.name} · {proposal.title}", request=request,
                                 filename=f"{slugify(lab.name) or 'lab'}.ics")


@login_required
def deliverable_upload(request, pk, deliverable_pk):
    proposal, lab = _team(request, pk, "incubation.upload_deliverable")
    deliverable = get_object_or_404(Deliverable.objects.select_related("workshop"), pk=deliverable_pk,
                                    workshop__lab=lab)
    form = SubmissionForm(request.POST or None, request.FILES or None, uploader=request.user)
    if request.method == "POST":
        if form.is_valid():
            submission = services.upload_submission(deliverable, proposal, file=form.cleaned_data["file"],
                                                    note=form.cleaned_data["note"], by=request.user)
            messages.success(request, _("“%(title)s” uploaded (version %(v)s). Your tutor has been told.")
                             % {"title": deliverable.title, "v": submission.version})
            return redirect(reverse("incubation:team", kwargs={"pk": proposal.pk}) + f"#deliverable-{deliverable.pk}")
        messages.error(request, _("Please correct the errors below: nothing has been lost."))
    previous = Submission.objects.filter(deliverable=deliverable, proposal=proposal).order_by("-version")
    return render(request, "incubation/upload_form.html", {"proposal": proposal, "lab": lab, "form": form,
                                                           "deliverable": deliverable, "previous": previous})


# The revised proposal (version 2) ------------------------------------------------------------

class RevisionSteps(StepEngine):
    """Version 2, the revised proposal: the same steps as version 1 (projects' step engine), saved
    by the team's members while the call's revised window is open."""

    steps = STEPS
    url_name = "incubation:revised_step"
    nav_label = gettext_lazy("Parts of the revised proposal")
    save_label = gettext_lazy("Save")
    saved_message = gettext_lazy("Version 2 saved at %(time)s.")
    breadcrumbs_template = "incubation/includes/breadcrumbs.html"
    remove_confirm = gettext_lazy("Remove this attachment from version 2?")

    def save_step(self, step, form, formset):
        services.save_revision(self.version, form, formset, step=step, by=self.request.user)

    def add_attachment(self, data):
        services.add_revision_attachment(self.version, file=data["file"], kind=data["kind"], title=data["title"],
                                         by=self.request.user)

    def remove_attachment(self, attachment):
        services.remove_revision_attachment(attachment, by=self.request.user)

    def blocked_url(self):
        return reverse("incubation:revised", kwargs={"pk": self.proposal.pk})

    def page_context(self):
        return {
            "heading": _("Revised proposal (version 2)"), "page_title": _("Revised proposal"),
            "subheading": f"{self.proposal.title} · {self.proposal.organisation.legal_name}",
            "here": _("Revised proposal"), "lab": self.call.lab,
            "deadline_text": _("Version 2 can be submitted until %(when)s (Rome time).") % {
                "when": date_format(timezone.localtime(self.call.revised_closes_at), "j F Y, H:i")}
            if self.call.revised_closes_at else "",
            "deadline": self.call.revised_closes_at,
            "attachments_intro": _("Version 2 starts with the attachments of version 1: remove what is out of "
                                   "date and add the new documents. Version 1 keeps its own."),
            "back_link": {"url": self.blocked_url(), "label": _("Back to the revised proposal")},
            "submit_url": self.blocked_url(), "submit_label": _("Submit the revised proposal"),
            "submit_confirm": _("Submit the revised proposal? After submission it can no longer be changed."),
        }


REVISION_KEYS = [k for k, _l, _f in RevisionSteps.steps]


@login_required
def revised(request, pk):
    proposal, lab = _team(request, pk)
    call = proposal.call
    is_member = request.user.has_perm("incubation.upload_deliverable", proposal)
    version = services.revised_version(proposal)
    if request.method == "POST":
        if not is_member:
            raise PermissionDenied
        try:
            if "start" in request.POST:
                services.start_revision(proposal, by=request.user)
                messages.success(request, _("Version 2 has been created as a copy of version 1: edit it below."))
            elif "submit" in request.POST:
                services.submit_revised_proposal(proposal, by=request.user)
                messages.success(request, _("Your revised proposal has been submitted. A receipt has been sent "
                                            "to every member of the team."))
        except project_services.IncompleteProposal as exc:
            for message in exc.messages:
                messages.error(request, message)
        except project_services.ProposalError as exc:
            messages.error(request, exc.messages[0])
        return redirect("incubation:revised", pk=proposal.pk)
    problems = project_services.submission_problems(version) if version and not version.frozen else []
    window_open = call.revised_is_open()
    return render(request, "incubation/revised.html", {
        "proposal": proposal, "lab": lab, "call": call, "version": version, "is_member": is_member,
        "window_open": window_open, "window_message": "" if window_open else services._window_message(call),
        "can_edit": bool(is_member and version and not version.frozen and window_open
                         and proposal.status == ProposalStatus.ADMITTED_TO_INCUBATION),
        "can_start": bool(is_member and version is None and window_open
                          and proposal.status == ProposalStatus.ADMITTED_TO_INCUBATION),
        "steps": [(k, label) for k, label, _f in RevisionSteps.steps], "problems": problems,
        "submitted_at": version.frozen_at if version and version.frozen else None,
    })


@login_required
def revised_step(request, pk, step):
    if step not in REVISION_KEYS:
        raise Http404
    proposal, lab = _team(request, pk, "incubation.upload_deliverable")
    version = services.revised_version(proposal)
    try:
        if version is None:
            raise services.LabError(_("Start the revised proposal (version 2) first."))
        services.ensure_revision_editable(version, by=request.user)
    except project_services.ProposalError as exc:
        if version is not None and request.method == "POST":
            # saved from a page opened before submission or before the window closed
            return RevisionSteps(request, proposal, version).unsaved(step, exc.messages[0])
        messages.error(request, exc.messages[0])
        return redirect("incubation:revised", pk=proposal.pk)
    return RevisionSteps(request, proposal, version).dispatch(step)


@login_required
def version_compare(request, pk):
    """Version 1 and version 2 side by side, field by field (staff, tutors, assessors: whoever
    may read the proposal)."""
    proposal = proposal_detail(pk)
    if proposal is None or not request.user.has_perm("projects.view_proposal", proposal):
        raise Http404
    versions = sorted(proposal.versions.all(), key=lambda v: v.number)
    if len(versions) < 2:
        return render(request, "incubation/diff.html", {"proposal": proposal, "fields": None})
    old, new = versions[0], versions[-1]
    fields = version_diff(old, new)
    only_changed = request.GET.get("changed") == "1"
    return render(request, "incubation/diff.html", {
        "proposal": proposal, "old": old, "new": new, "only_changed": only_changed,
        "fields": [f for f in fields if f.changed] if only_changed else fields,
        "changed_count": sum(1 for f in fields if f.changed),
        "lab": getattr(proposal.call, "lab", None),
    })
