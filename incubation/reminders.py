"""The lab's deadlines for the reminder engine (`tsf.notifications.deadlines`): each reminder has
a unique key, so a job that runs twice, late, or after downtime sends it once.

- the day before each session, to the members of every team of the cohort;
- before each deliverable's due date (at the call's reminder offsets, in days, "due today"
  included, by the engine's one rule `deadlines.reminder_due`), to the members of the teams that
  have not uploaded it yet;
- after a due date, to each tutor the list of their teams still missing the deliverable.
"""
from collections import defaultdict
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from projects.models import Membership
from tsf.notifications import deadlines

from .models import COHORT_STATUSES, Deliverable, Session, Submission, TutorAssignment
from .selectors import cohort

MISSING_WINDOW = timedelta(days=7)  # after this, an old due date no longer produces the tutors' list


@deadlines.register
def session_reminders(now):
    """The day before a session: the reminder is due from 24 hours before it starts until it starts."""
    today = timezone.localdate(now)
    for session in Session.objects.filter(date__gte=today, date__lte=today + timedelta(days=2)).select_related(
            "workshop", "workshop__lab", "workshop__lab__call"):
        if not (session.starts_at - timedelta(days=1) <= now < session.starts_at):
            continue
        lab = session.workshop.lab
        teams = cohort(lab)
        users = list(_users(teams))
        yield deadlines.Reminder(
            key=f"incubation:session:{session.pk}:d1", users=users, event="lab_session_reminder",
            context={"session": session, "workshop": session.workshop, "lab": lab,
                     "starts_at": timezone.localtime(session.starts_at)},
            url=reverse("incubation:index"),
        )


def _users(teams):
    from tsf.accounts.models import User

    return User.objects.filter(memberships__organisation__proposals__in=teams, is_active=True).distinct()


@deadlines.register
def deliverable_reminders(now):
    """Before a due date: one reminder per team that has not uploaded, at the offset due."""
    horizon = now + timedelta(days=31)
    for d in Deliverable.objects.filter(due_at__gt=now, due_at__lte=horizon).select_related(
            "workshop", "workshop__lab", "workshop__lab__call"):
        lab = d.workshop.lab
        offset = deadlines.reminder_due(d.due_at, now, deadlines.offsets_for(lab.call))
        if offset is None:
            continue
        done = set(Submission.objects.filter(deliverable=d).values_list("proposal_id", flat=True))
        for team in cohort(lab).exclude(pk__in=done):
            members = [m.user for m in Membership.objects.filter(organisation_id=team.organisation_id,
                                                                  user__is_active=True).select_related("user")]
            yield deadlines.Reminder(
                key=f"incubation:deliverable:{d.pk}:team:{team.pk}:d{offset}", users=members,
                event="lab_deliverable_due",
                context={"deliverable": d, "workshop": d.workshop, "lab": lab, "days": offset, "title": team.title,
                         "due_at": timezone.localtime(d.due_at)},
                url=reverse("incubation:team", kwargs={"pk": team.pk}),
            )


@deadlines.register
def missing_deliverables(now):
    """After a due date: each tutor gets, once per deliverable, the list of their teams that have
    not uploaded it."""
    for d in Deliverable.objects.filter(due_at__lte=now, due_at__gt=now - MISSING_WINDOW).select_related(
            "workshop", "workshop__lab", "workshop__lab__call"):
        lab = d.workshop.lab
        done = set(Submission.objects.filter(deliverable=d).values_list("proposal_id", flat=True))
        by_tutor = defaultdict(list)
        tutors = {}
        for a in TutorAssignment.objects.filter(
                lab=lab, proposal__status__in=COHORT_STATUSES, proposal__call_id=lab.call_id).exclude(
                proposal_id__in=done).select_related("tutor", "proposal", "proposal__organisation").order_by(
                "proposal__protocol_number"):
            by_tutor[a.tutor_id].append(a.proposal)
            tutors[a.tutor_id] = a.tutor
        for tutor_id, teams in by_tutor.items():
            yield deadlines.Reminder(
                key=f"incubation:missing:{d.pk}:tutor:{tutor_id}", users=[tutors[tutor_id]],
                event="lab_deliverables_missing",
                context={"deliverable": d, "workshop": d.workshop, "lab": lab, "due_at": timezone.localtime(d.due_at),
                         "teams": [{"protocol": p.protocol_number, "title": p.title,
                                    "organisation": p.organisation.legal_name} for p in teams]},
                url=reverse("incubation:cohort", kwargs={"pk": lab.pk}),
            )
