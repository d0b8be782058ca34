"""Panels of "my area": for tutors (their teams and what to log next) and for promoters whose
proposal is in a lab's cohort (next session, what is due, the revised proposal)."""
from django.utils import timezone

from projects.models import ProposalStatus
from projects.selectors import member_proposals, proposals_of_request
from tsf.accounts import my_area
from tsf.core.statements import Statement, columns, instances

from .models import COHORT_STATUSES, Deliverable, Lab, ProgressEntry, Session, Submission, TutorAssignment


@my_area.panel("tutor", order=15)
def tutor_teams(request):
    assignments = list(TutorAssignment.objects.filter(tutor=request.user)
                       .select_related("lab", "proposal", "proposal__organisation")
                       .prefetch_related("proposal__versions").order_by("lab", "proposal__protocol_number"))
    if not assignments:
        return {"template": "incubation/panels/tutor.html", "rows": []}
    now = timezone.now()
    ids = [a.proposal_id for a in assignments]
    logged = set(ProgressEntry.objects.filter(proposal_id__in=ids).values_list("proposal_id", "workshop_id"))
    pending = {}
    for pid in Submission.objects.filter(proposal_id__in=ids, review=Submission.Review.PENDING).values_list(
            "proposal_id", flat=True):
        pending[pid] = pending.get(pid, 0) + 1
    started = {}
    for s in Session.objects.filter(workshop__lab__in={a.lab_id for a in assignments}).select_related("workshop"):
        if s.starts_at <= now:
            started.setdefault(s.workshop.lab_id, {})[s.workshop_id] = s.workshop
    rows = []
    for a in assignments:
        workshops = sorted(started.get(a.lab_id, {}).values(), key=lambda w: w.number)
        to_log = [w for w in workshops if (a.proposal_id, w.pk) not in logged]
        rows.append({"proposal": a.proposal, "lab": a.lab, "to_log": to_log, "pending": pending.get(a.proposal_id, 0)})
    next_session = Session.objects.filter(tutors=request.user, date__gte=timezone.localdate()).select_related(
        "workshop").order_by("date", "start_time").first()
    return {"template": "incubation/panels/tutor.html", "rows": rows, "next_session": next_session}


# The labs of the calls of the person's proposals (every column: the panel shows lab instances), made once
# per process (tsf.core.statements); the panel keeps those of its proposals.
_LAB_COLUMNS = columns(Lab)
_LABS = Statement(
    lambda user: Lab.objects.rewrite(False).filter(
        call__in=member_proposals(user).values("call_id"))
    .order_by().values_list(*_LAB_COLUMNS),
    user=-7_000_000_017)


@my_area.panel("promoter", order=12)
def my_lab(request):
    proposals = [p for p in proposals_of_request(request) if p.status in COHORT_STATUSES]
    if not proposals:
        return None
    call_ids = {p.call_id for p in proposals}
    labs = {lab.call_id: lab for lab in (instances(row, (Lab, _LAB_COLUMNS))[0]
                                         for row in _LABS.rows(user=request.user.pk)) if lab.call_id in call_ids}
    proposals = [p for p in proposals if p.call_id in labs]
    if not proposals:
        return None
    now = timezone.now()
    # The same few queries whatever the number of the person's proposals in a lab.
    lab_ids = {lab.pk for lab in labs.values()}
    next_sessions = {}
    for s in (Session.objects.filter(workshop__lab_id__in=lab_ids, date__gte=timezone.localdate())
              .select_related("workshop").order_by("date", "start_time")):
        next_sessions.setdefault(s.workshop.lab_id, s)
    done = set(Submission.objects.filter(proposal__in=proposals).values_list("proposal_id", "deliverable_id"))
    upcoming = list(Deliverable.objects.filter(workshop__lab_id__in=lab_ids, due_at__gt=now)
                    .select_related("workshop").order_by("due_at"))
    rows = []
    for p in proposals:
        lab = labs[p.call_id]
        next_session = next_sessions.get(lab.pk)
        due = [d for d in upcoming if d.workshop.lab_id == lab.pk and (p.pk, d.pk) not in done][:3]
        versions = {v.number: v for v in p.versions.all()}
        v2 = versions.get(2)
        if p.status != ProposalStatus.ADMITTED_TO_INCUBATION:
            revised_status = "submitted" if v2 and v2.frozen else "closed"
        elif v2 is None:
            revised_status = "open" if p.call.revised_is_open() else "not_started"
        else:
            revised_status = "draft"
        rows.append({"proposal": p, "lab": lab, "next_session": next_session, "due": due, "v2": v2,
                     "revised_status": revised_status})
    return {"template": "incubation/panels/promoter.html", "rows": rows}


