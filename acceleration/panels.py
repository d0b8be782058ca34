"""Panels of "my area": funded teams (camp, help desk, next support slot), teams not funded
(improvement plan, matching opportunities), mentors (registration, pitches to give feedback on),
staff (open help-desk requests, pending camp registrations)."""
import datetime

from django.db.models import Count, Min, Q, prefetch_related_objects
from django.utils import timezone

from projects.selectors import member_proposals, proposals_of_request
from tsf.accounts import my_area
from tsf.core.statements import Statement, columns, instances

from . import selectors
from .models import Camp, CampRegistration, HelpRequest, HelpStatus, Pitch, RegistrationStatus
from .rules import FUNDED, NOT_FUNDED

# The pitches of the person's funded teams with their camps, latest camp first; made once per process
# (tsf.core.statements): the panel keeps those of its teams.
_PITCH_COLUMNS = columns(Pitch)
_CAMP_COLUMNS = columns(Camp)
_TEAM_PITCHES = Statement(
    lambda user: Pitch.objects.filter(proposal__in=member_proposals(user).filter(status__in=FUNDED).values("pk"))
    .order_by("-camp__date").values_list(*_PITCH_COLUMNS, *(f"camp__{name}" for name in _CAMP_COLUMNS)),
    user=-7_000_000_017)

# Per proposal of the person's teams: the help requests still open and the next support meeting (COUNT
# DISTINCT: the two joins multiply each other's rows); made once per process (tsf.core.statements).
_TEAM_SUPPORT = Statement(
    lambda user, now: member_proposals(user).filter(status__in=selectors.TEAM_STATUSES)
    .values("pk").order_by()
    .annotate(open_requests=Count("help_requests", filter=~Q(help_requests__status=HelpStatus.RESOLVED),
                                  distinct=True),
              next_slot_at=Min("support_slots__starts_at", filter=Q(support_slots__starts_at__gt=now)))
    .values_list("pk", "open_requests", "next_slot_at"),
    user=-7_000_000_017, now=datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC))


@my_area.panel("promoter", order=25)
def team_acceleration(request):
    # selectors.team_proposals, from the proposals "my area" has already read (same order)
    teams = sorted((p for p in proposals_of_request(request) if p.status in selectors.TEAM_STATUSES),
                   key=lambda p: (-p.call.year, p.protocol_seq or 0, p.pk))
    funded = [p for p in teams if p.status in FUNDED]
    others = [p for p in teams if p.status in NOT_FUNDED]
    if not funded and not others:
        return None
    pitches, open_requests, next_slot_at = [], 0, None
    if funded:  # the camp, the help desk and the support meetings are shown to a funded team only
        funded_ids = {p.pk for p in funded}
        for row in _TEAM_PITCHES.rows(user=request.user.pk):
            pitch, camp = instances(row, (Pitch, _PITCH_COLUMNS), (Camp, _CAMP_COLUMNS))
            if pitch.proposal_id in funded_ids:
                pitch.camp = camp
                pitches.append(pitch)
        # the help requests still open and the next support meeting of the person's teams, in one query
        team_ids = {p.pk for p in teams}
        for pk, n_open, slot_at in _TEAM_SUPPORT.rows(user=request.user.pk, now=timezone.now()):
            if pk in team_ids:
                open_requests += n_open
                if slot_at is not None and (next_slot_at is None or slot_at < next_slot_at):
                    next_slot_at = slot_at
    # Opportunities match a team's themes: read for these teams only, in one query.
    prefetch_related_objects(others, "versions__themes")
    not_funded = [(p, list(selectors.opportunities_for(p)[:3])) for p in others]
    return {"template": "acceleration/panels/team.html", "funded": funded, "pitches": pitches,
            "open_requests": open_requests, "next_slot_at": next_slot_at, "not_funded": not_funded}


@my_area.panel("mentor", order=30)
def mentor_camp(request):
    regs = list(selectors.registrations_of(request.user).order_by("-camp__date"))
    if not regs:
        return None
    pitches = [p for p in selectors.pitches_to_review(request.user) if not p.given]
    return {"template": "acceleration/panels/mentor.html", "registrations": regs, "pitches": pitches}


@my_area.panel("staff", order=40)
def staff_acceleration(request):
    open_requests = HelpRequest.objects.filter(status=HelpStatus.OPEN).count()
    pending = list(CampRegistration.objects.filter(status=RegistrationStatus.PENDING).select_related("camp")
                   .order_by("created_at")[:5])
    n_pending = CampRegistration.objects.filter(status=RegistrationStatus.PENDING).count()
    if not open_requests and not n_pending:
        return None
    return {"template": "acceleration/panels/staff.html", "open_requests": open_requests, "pending": pending,
            "n_pending": n_pending}
