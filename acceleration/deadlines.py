"""The acceleration stage's deadlines, declared to the deadline engine.

- The day before a Social Innovation Camp: a reminder to every approved registrant and to the
  teams that pitch (key `acceleration:camp:<id>:d1`).
- Before a funding opportunity's deadline, at the engine's default offsets (14 and 3 days, and on
  the day), by its one rule (`deadlines.reminder_due`): a reminder to the teams it fits (key
  `acceleration:opp:<id>:team:<proposal id>:d<offset>`).
The engine sends each key once, however often or late it runs.
"""
from datetime import timedelta

from django.utils import timezone

from projects.services import proposal_people
from tsf.notifications import deadlines

from .models import Camp, FundingOpportunity, RegistrationStatus

OPPORTUNITY_OFFSETS = deadlines.offsets_for()
CAMP_OFFSETS = [1]  # an event, not a deadline: the day before it


@deadlines.register
def camp_reminders(now):
    today = timezone.localtime(now).date()
    for camp in Camp.objects.filter(date__gte=today - timedelta(days=1), date__lte=today + timedelta(days=2)):
        # "the day before": from the start of the previous day to the end of the camp day
        if deadlines.reminder_due(camp.date, now, CAMP_OFFSETS) is None:
            continue
        people = {}
        for reg in camp.registrations.filter(status=RegistrationStatus.APPROVED, user__isnull=False).select_related(
                "user"):
            people[reg.user.pk] = reg.user
        for pitch in camp.pitches.select_related("proposal"):
            for user in proposal_people(pitch.proposal):
                people[user.pk] = user
        if people:
            yield deadlines.Reminder(key=f"acceleration:camp:{camp.pk}:d1", users=list(people.values()),
                                     event="camp_reminder", context={"camp": camp}, url=camp.get_absolute_url())


@deadlines.register
def opportunity_reminders(now):
    from . import selectors

    today = timezone.localtime(now).date()
    horizon = today + timedelta(days=max(OPPORTUNITY_OFFSETS) + 1)
    opportunities = (FundingOpportunity.objects.filter(is_published=True, deadline__gte=today - timedelta(days=1),
                                                       deadline__lte=horizon)
                     .prefetch_related("themes", "districts"))
    for opp in opportunities:
        offset = deadlines.reminder_due(opp.deadline, now, OPPORTUNITY_OFFSETS)
        if offset is None:
            continue
        for proposal in selectors.matching_teams(opp):
            yield deadlines.Reminder(
                key=f"acceleration:opp:{opp.pk}:team:{proposal.pk}:d{offset}", users=proposal_people(proposal),
                event="opportunity_deadline", context={"opportunity": opp, "days": offset},
                url=opp.get_absolute_url())
