"""The proposal's step engine, written once for every version of a proposal.

A proposal is written in steps (the project, the need, the solution, the impact, the team, the
budget, the attachments, the check before submitting). Version 1 (`projects:step`) and the revised
proposal, version 2 (`incubation:revised_step`), are the same steps over the same forms: both are a
`StepEngine`. A subclass says only what differs: where its pages are, who may save, which services
save, what its buttons and messages say. Every behaviour of the steps lives here, once:

- drafts save whatever was typed; the rules are checked at submission (the services'
  `submission_problems` stays the authority) and listed on each step and on the review, step by step;
- moving to another step (the stepper, "Indietro", "Salva e continua") saves the current step first;
- a save that can no longer be applied (submitted meanwhile, the deadline passed) shows why, with
  what the person typed, to copy.

    engine = ProposalSteps(request, proposal, version)
    return engine.dispatch(step)
"""
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tsf.core import versioning
from tsf.core.files import private_file_url
from tsf.core.params import object_or_404
from tsf.core.versioning import EditConflict, autosave_reply, autosave_requested

from . import services
from .forms import (
    AttachmentForm,
    BudgetFormSet,
    BudgetStepForm,
    ImpactStepForm,
    NeedStepForm,
    ProjectStepForm,
    SolutionStepForm,
    TeamStepForm,
)
from .models import Attachment, ProposalStatus

STEPS = [
    ("project", gettext_lazy("The project"), ProjectStepForm),
    ("need", gettext_lazy("Need and target groups"), NeedStepForm),
    ("solution", gettext_lazy("The solution"), SolutionStepForm),
    ("impact", gettext_lazy("Impact and indicators"), ImpactStepForm),
    ("team", gettext_lazy("Partners and team"), TeamStepForm),
    ("budget", gettext_lazy("Budget"), BudgetStepForm),
    ("attachments", gettext_lazy("Attachments"), None),
    ("review", gettext_lazy("Check and submit"), None),
]
STEP_KEYS = [key for key, _label, _form in STEPS]


def typed_values(form, formset=None) -> list[tuple[str, str]]:
    """What a person typed in a step's form (and its budget lines), as (label, text) pairs to show
    back when it could not be saved: choices by their labels, empty fields left out."""
    rows = []
    for bf in form:
        value = bf.value()
        choices = getattr(bf.field, "choices", None)
        if choices is not None:
            names = {str(k): str(v) for k, v in choices}
            values = value if isinstance(value, (list, tuple)) else [value]
            text = ", ".join(names.get(str(v), str(v)) for v in values if v not in (None, ""))
        else:
            text = "" if value is None else str(value)
        if text.strip():
            rows.append((str(bf.label), text))
    if formset is not None:
        for i, f in enumerate(formset.forms, start=1):
            parts = []
            for name in ("category", "description", "amount"):
                value = f[name].value()
                if name == "category" and value:
                    value = dict(f.fields["category"].choices).get(value, value)
                if value not in (None, ""):
                    parts.append(str(value))
            if parts:
                rows.append((_("Budget line %(n)s") % {"n": i}, " · ".join(parts)))
    return rows


class StepEngine:
    """The steps of one proposal version. Subclasses fill in the hooks below."""

    steps = STEPS
    url_name = "projects:step"
    template_dir = "projects/steps"
    breadcrumbs_template = "projects/includes/header.html"
    nav_label = gettext_lazy("Steps of the proposal")
    save_label = gettext_lazy("Save draft")
    saved_message = gettext_lazy("Draft saved at %(time)s.")
    remove_confirm = gettext_lazy("Remove this attachment?")

    def __init__(self, request, proposal, version):
        self.request = request
        self.proposal = proposal
        self.version = version
        self.call = proposal.call
        self.keys = [key for key, _label, _form in self.steps]

    # Hooks ------------------------------------------------------------------------------------

    def save_step(self, step, form, formset):
        """Save a step's form (and the budget lines' formset) through the services; raise
        ProposalError when the version can no longer be changed."""
        raise NotImplementedError

    def add_attachment(self, data):
        raise NotImplementedError

    def remove_attachment(self, attachment):
        raise NotImplementedError

    def touch(self, step):
        """Remember where the person stopped."""

    def blocked_url(self):
        """Where a refused action goes, and the page to read the proposal on."""
        return self.proposal.get_absolute_url()

    def page_context(self):
        """Headings and texts of the pages."""
        return {}

    # The engine -------------------------------------------------------------------------------

    def step_url(self, key):
        return reverse(self.url_name, kwargs={"pk": self.proposal.pk, "step": key})

    @cached_property
    def problems(self) -> list[tuple[str, str]]:
        """What is still missing before submission, [(step, message)]: the services' own check."""
        return services.submission_problems(self.version)

    def step_list(self, current):
        by_step = {}
        for key, message in self.problems:
            by_step.setdefault(key, []).append(message)
        has_attachments = self.version.attachments.exists()
        rows = []
        for i, (key, label, _f) in enumerate(self.steps):
            missing = by_step.get(key, [])
            if key == "review":
                missing = [m for _k, m in self.problems]
                status = "missing" if missing else "complete"
                status_text = (ngettext("%(n)s item to complete", "%(n)s items to complete", len(missing))
                               % {"n": len(missing)}) if missing else _("ready to submit")
            elif missing:
                status = "missing"
                status_text = ngettext("%(n)s item to complete", "%(n)s items to complete", len(missing)) % {
                    "n": len(missing)}
            elif key == "attachments" and not has_attachments:
                status, status_text = "empty", _("no attachments yet")
            else:
                status, status_text = "complete", _("complete")
            rows.append({"n": i + 1, "key": key, "label": label, "url": self.step_url(key), "status": status,
                         "status_text": status_text, "problems": missing, "current": key == current})
        return rows

    def context(self, step):
        index = self.keys.index(step)
        steps = self.step_list(step)
        return {
            "engine": self, "proposal": self.proposal, "version": self.version, "call": self.call,
            "step": step, "step_number": index + 1, "step_count": len(self.steps),
            "step_label": self.steps[index][1], "steps": steps,
            "step_problems": steps[index]["problems"] if step != "review" else [],
            "progress": int(100 * (index + 1) / len(self.steps)),
            "previous_step": self.keys[index - 1] if index else None,
            "previous_url": self.step_url(self.keys[index - 1]) if index else "",
            "next_step": self.keys[index + 1] if index + 1 < len(self.keys) else None,
            "breadcrumbs_template": self.breadcrumbs_template, "nav_label": self.nav_label,
            "save_label": self.save_label, "remove_confirm": self.remove_confirm,
            **self.page_context(),
        }

    def dispatch(self, step):
        ctx = self.context(step)
        if step == "attachments":
            return self.attachments(step, ctx)
        if step == "review":
            return self.review(step, ctx)
        return self.form_step(step, ctx)

    def target_of(self, step, ctx):
        """Where the person asked to go: a step of the stepper or "Indietro" (`goto`), the next step
        ("Salva e continua"), or the same step ("Salva")."""
        goto = self.request.POST.get("goto")
        if goto in self.keys:
            return goto
        if "next" in self.request.POST:
            return ctx["next_step"] or step
        return step

    def saved(self, step, ctx, message=True):
        target = self.target_of(step, ctx)
        self.touch(target)
        if message:
            messages.success(self.request, self.saved_message % {
                "time": date_format(timezone.localtime(), "H:i")})
        return redirect(self.step_url(target))

    def refused(self, exc):
        messages.error(self.request, exc.messages[0])
        return redirect(self.blocked_url())

    def bound_forms(self, step, data):
        form_class = self.steps[self.keys.index(step)][2]
        form = form_class(data, instance=self.version, call=self.call, edit_scope=step)
        formset = BudgetFormSet(data, instance=self.version, prefix="lines") if step == "budget" else None
        return form, formset

    def form_step(self, step, ctx):
        request = self.request
        data = request.POST if request.method == "POST" else None
        form, formset = self.bound_forms(step, data)
        # autosave.js posts the step while the person types (tsf.core.versioning): a JSON answer.
        autosave = autosave_requested(request)
        if data is not None:
            if form.is_valid() and (formset is None or formset.is_valid()):
                try:
                    self.save_step(step, form, formset)
                except EditConflict as exc:  # saved meanwhile by someone else: nothing applied
                    form.show_conflict(exc)
                    if autosave:
                        return autosave_reply(form=form, conflict=exc)
                except services.ProposalError as exc:
                    return self.unsaved(step, exc.messages[0], form=form, formset=formset)
                else:
                    if autosave:
                        rows = (formset.autosave_rows(getattr(formset, "saved_lines", []))
                                if formset is not None else None)
                        return autosave_reply(revision=versioning.current(self.version, step), rows=rows)
                    return self.saved(step, ctx)
            elif autosave:
                return autosave_reply(errors=True)
            else:
                messages.error(request, _("This step has not been saved: correct the fields marked below. "
                                          "Nothing you typed has been lost."))
        budget_total = formset.total() if formset is not None and formset.is_bound and formset.is_valid() else (
            self.version.budget_total())
        return render(request, f"{self.template_dir}/form.html", {
            **ctx, "form": form, "formset": formset, "budget_total": budget_total, "step_form": "step-form"})

    def unsaved(self, step, reason, form=None, formset=None):
        """A save that can no longer be applied (submitted meanwhile, the deadline passed): say why
        and show what was typed, to copy. Nothing is saved. Autosave is answered in JSON (it stops)."""
        if autosave_requested(self.request):
            return autosave_reply(refused=reason)
        if form is None and step in self.keys and self.steps[self.keys.index(step)][2] is not None:
            form, formset = self.bound_forms(step, self.request.POST)
        typed = typed_values(form, formset) if form is not None else []
        return render(self.request, f"{self.template_dir}/unsaved.html", {
            "engine": self, "proposal": self.proposal, "version": self.version, "call": self.call,
            "breadcrumbs_template": self.breadcrumbs_template, "reason": reason, "typed": typed,
            "step_label": self.steps[self.keys.index(step)][1] if step in self.keys else "",
            "read_url": self.blocked_url(), **self.page_context(),
        }, status=409)

    def attachments(self, step, ctx):
        request = self.request
        form = AttachmentForm(request.POST or None, request.FILES or None, uploader=request.user)
        if request.method == "POST":
            try:
                if "remove" in request.POST:
                    attachment = object_or_404(Attachment, request.POST.get("remove"), version=self.version)
                    self.remove_attachment(attachment)
                    messages.success(request, _("The attachment has been removed."))
                    return redirect(self.step_url(step))
                # The file chosen (or kept from an error) and its title are part of the step's form:
                # moving to another step (the stepper, "Indietro", "Continua") uploads them first.
                moving = "upload" not in request.POST
                if not moving or self.attachment_typed(form):
                    if form.is_valid():
                        self.add_attachment(form.cleaned_data)
                        messages.success(request, _("The attachment has been uploaded."))
                        if moving:
                            return self.saved(step, ctx, message=False)
                        self.touch(step)
                        return redirect(self.step_url(step))
                    messages.error(request, _("Please correct the errors below: nothing has been lost."))
                else:
                    return self.saved(step, ctx, message=False)
            except services.ProposalError as exc:
                return self.refused(exc)
        return render(request, f"{self.template_dir}/attachments.html", {
            **ctx, "form": form, "step_form": "step-form",
            "attachments": [(a, private_file_url(a, "file")) for a in self.version.attachments.all()],
        })

    def attachment_typed(self, form) -> bool:
        """Whether the person chose a file (now, or kept from an error) or typed a title."""
        return bool(form.files.get(form.add_prefix("file")) or form.kept_uploads
                    or (form.data.get(form.add_prefix("title")) or "").strip())

    def review(self, step, ctx):
        if self.request.method == "POST":
            return self.saved(step, ctx, message=False)  # the stepper's buttons: nothing to save here
        return render(self.request, f"{self.template_dir}/review.html", {
            **ctx, "problems": self.problems, "step_form": "step-form",
            "problem_groups": [s for s in ctx["steps"] if s["problems"] and s["key"] != "review"],
            "attachments": [(a, private_file_url(a, "file")) for a in self.version.attachments.all()],
        })


class ProposalSteps(StepEngine):
    """Version 1: a draft of the organisation's members, while the call is open."""

    def save_step(self, step, form, formset):
        with transaction.atomic():
            services.ensure_editable(self.version)
            services.save_step(self.version, form, formset, by=self.request.user, step=step)

    def add_attachment(self, data):
        services.add_attachment(self.version, file=data["file"], kind=data["kind"], title=data["title"],
                                by=self.request.user)

    def remove_attachment(self, attachment):
        services.remove_attachment(attachment, by=self.request.user)

    def touch(self, step):
        services.touch_draft(self.version, step, by=self.request.user)

    def locked_reason(self) -> str:
        """Why version 1 can no longer be changed."""
        if self.proposal.status != ProposalStatus.DRAFT:
            if self.proposal.submitted_at:
                return _("This proposal was submitted on %(when)s (Rome time): it can no longer be changed.") % {
                    "when": date_format(timezone.localtime(self.proposal.submitted_at), "j F Y, H:i:s")}
            return _("This proposal has been submitted and can no longer be changed.")
        if self.call.is_closed():
            return services.closed_message(self.call)
        return _("This proposal cannot be changed now.")

    def page_context(self):
        when = date_format(timezone.localtime(self.call.closes_at), "j F Y, H:i")
        return {
            "heading": self.version.title or _("New proposal"),
            "subheading": f"{self.call.title} · {self.proposal.organisation.legal_name}",
            "deadline_text": _("The call closes on %(when)s (Rome time).") % {"when": when},
            "deadline": self.call.closes_at,
            "submit_note": _("Submissions are accepted until %(when)s (Rome time), checked on the server's clock.")
            % {"when": when},
            "submit_url": reverse("projects:submit", kwargs={"pk": self.proposal.pk}),
            "submit_label": _("Submit the proposal"),
            "submit_confirm": _("Submit the proposal? After submission it can no longer be changed."),
            "attachments_empty": _("No attachments yet. The call asks for the statute, the detailed budget and the "
                                   "CVs of the team."),
        }
