"""Reads for the lab's pages and jobs, with the joins done up front so the query count stays flat
however many teams the cohort has."""
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Membership, Proposal, ProposalVersion

from .models import (
    COHORT_STATUSES,
    READINESS_DIMENSIONS,
    Attendance,
    Deliverable,
    Lab,
    Material,
    ProgressEntry,
    Session,
    Submission,
    TutorAssignment,
    Workshop,
)


def current_lab():
    return Lab.objects.select_related("call").order_by("-starts_on").first()


def lab_with_workshops(pk):
    return (
        Lab.objects.select_related("call")
        .prefetch_related(
            Prefetch("workshops", queryset=Workshop.objects.order_by("number").prefetch_related(
                Prefetch("sessions", queryset=Session.objects.order_by("date", "start_time").prefetch_related("tutors")),
                Prefetch("deliverables", queryset=Deliverable.objects.order_by("due_at", "id")),
                Prefetch("materials", queryset=Material.objects.order_by("created_at", "id")),
            ))
        )
        .filter(pk=pk)
        .first()
    )


def cohort(lab, *, q: str = "", tutor=None):
    qs = (
        Proposal.objects.filter(call_id=lab.call_id, status__in=COHORT_STATUSES)
        .select_related("organisation")
        .prefetch_related(Prefetch("versions", queryset=ProposalVersion.objects.only(
            "id", "proposal_id", "number", "title", "frozen")))
        .order_by("protocol_number", "pk")
    )
    if q:
        qs = qs.filter(Q(versions__title__icontains=q) | Q(organisation__legal_name__icontains=q)
                       | Q(protocol_number__icontains=q)).distinct()
    if tutor is not None:
        qs = qs.filter(tutor_assignments__tutor=tutor)
    return qs


# The cohort grid -----------------------------------------------------------------------------

LEVELS = {
    "good": _("On track"),
    "watch": _("Needs attention"),
    "risk": _("At risk"),
    "future": _("Not started"),
}


@dataclass
class Cell:
    workshop: Workshop
    sessions_total: int = 0
    sessions_attended: int = 0
    people_present: int = 0
    deliverables_total: int = 0
    deliverables_submitted: int = 0
    deliverables_accepted: int = 0
    deliverables_overdue: int = 0
    readiness: float | None = None
    entry: ProgressEntry | None = None
    level: str = "future"

    @property
    def level_label(self):
        return LEVELS[self.level]


@dataclass
class TeamRow:
    proposal: Proposal
    tutors: list = field(default_factory=list)
    cells: list = field(default_factory=list)

    @property
    def readiness_series(self):
        return [c.readiness for c in self.cells]


def _level(cell: Cell, started: bool) -> str:
    if not started:
        return "future"
    if (cell.sessions_total and cell.sessions_attended == 0) or cell.deliverables_overdue or (
            cell.readiness is not None and cell.readiness < 2):
        return "risk"
    if cell.sessions_attended < cell.sessions_total or cell.readiness is None or cell.readiness < 3 or (
            cell.deliverables_submitted < cell.deliverables_total):
        return "watch"
    return "good"


def cohort_grid(lab, proposals, now=None) -> list[TeamRow]:
    """One row per team of `proposals` (a page of the cohort), one cell per workshop.
    `lab` must come from `lab_with_workshops` (workshops, sessions and deliverables prefetched).
    A fixed number of queries whatever the number of teams."""
    now = now or timezone.now()
    proposals = list(proposals)
    ids = [p.pk for p in proposals]
    workshops = list(lab.workshops.all())
    attendance = defaultdict(int)  # (proposal, session) -> present
    for pid, sid, n in Attendance.objects.filter(proposal_id__in=ids, session__workshop__lab=lab).values_list(
            "proposal_id", "session_id", "present_count"):
        attendance[(pid, sid)] = n
    latest = {}  # (proposal, deliverable) -> review of the latest version
    for pid, did, review in Submission.objects.filter(proposal_id__in=ids, deliverable__workshop__lab=lab).order_by(
            "version").values_list("proposal_id", "deliverable_id", "review"):
        latest[(pid, did)] = review
    entries = {(e.proposal_id, e.workshop_id): e for e in ProgressEntry.objects.filter(
        proposal_id__in=ids, workshop__lab=lab)}
    tutors = defaultdict(list)
    for a in TutorAssignment.objects.filter(proposal_id__in=ids).select_related("tutor").order_by("tutor__full_name"):
        tutors[a.proposal_id].append(a.tutor)
    rows = []
    for p in proposals:
        row = TeamRow(proposal=p, tutors=tutors[p.pk])
        for w in workshops:
            sessions = list(w.sessions.all())
            deliverables = list(w.deliverables.all())
            started = any(s.starts_at <= now for s in sessions) or any(d.due_at <= now for d in deliverables)
            cell = Cell(workshop=w, sessions_total=sum(1 for s in sessions if s.starts_at <= now),
                        deliverables_total=len(deliverables))
            for s in sessions:
                n = attendance.get((p.pk, s.pk), 0)
                if n:
                    cell.sessions_attended += 1
                    cell.people_present += n
            for d in deliverables:
                review = latest.get((p.pk, d.pk))
                if review is not None:
                    cell.deliverables_submitted += 1
                    if review == Submission.Review.ACCEPTED:
                        cell.deliverables_accepted += 1
                elif d.due_at <= now:
                    cell.deliverables_overdue += 1
            cell.entry = entries.get((p.pk, w.pk))
            cell.readiness = cell.entry.readiness if cell.entry else None
            cell.level = _level(cell, started)
            row.cells.append(cell)
        rows.append(row)
    return rows


# A team's page -------------------------------------------------------------------------------

def team_entries(proposal, lab):
    return list(ProgressEntry.objects.filter(proposal=proposal, workshop__lab=lab)
                .select_related("workshop", "author").order_by("workshop__number"))


def team_submissions(proposal, lab):
    """{deliverable_id: [submissions, newest first]}"""
    out = defaultdict(list)
    for s in (Submission.objects.filter(proposal=proposal, deliverable__workshop__lab=lab)
              .select_related("uploaded_by", "reviewed_by").order_by("deliverable_id", "-version")):
        out[s.deliverable_id].append(s)
    return out


def team_attendance(proposal, lab):
    """{session_id: Attendance with attendees}"""
    return {a.session_id: a for a in Attendance.objects.filter(proposal=proposal, session__workshop__lab=lab)
            .prefetch_related("attendees")}


def team_people(proposal):
    return list(Membership.objects.filter(organisation_id=proposal.organisation_id).select_related("user")
                .order_by("user__full_name"))


def readiness_table(entries, workshops):
    """Rows (dimension label, [score per workshop or None]) plus the mean row."""
    by_workshop = {e.workshop_id: e for e in entries}
    rows = []
    for fname, label in READINESS_DIMENSIONS:
        rows.append((label, [getattr(by_workshop[w.pk], fname) if w.pk in by_workshop else None for w in workshops]))
    means = [by_workshop[w.pk].readiness if w.pk in by_workshop else None for w in workshops]
    return rows, means


def proposals_of_user_in_cohort(user):
    return (Proposal.objects.filter(organisation__memberships__user=user, status__in=COHORT_STATUSES,
                                    call__lab__isnull=False)
            .select_related("call", "call__lab", "organisation")
            .prefetch_related("versions").distinct())
