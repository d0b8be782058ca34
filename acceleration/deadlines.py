"""The acceleration stage's deadlines, declared to the deadline engine.

- The day before a Social Innovation Camp: a reminder to every approved registrant and to the
  teams that pitch (key `acceleration:camp:<id>:d1`).
- Before a funding opportunity's deadline, at 14 and 3 days: a reminder to the teams it fits
  (key `acceleration:opp:<id>:team:<proposal id>:d<offset>`).
The engine sends each key once, however often or late it runs.
"""
from datetime import datetime, time, timedelta

from django.utils import timezone

from projects.services import proposal_people
from tsf.notifications import deadlines

from .models import Camp, FundingOpportunity, RegistrationStatus

OPPORTUNITY_OFFSETS = [14, 3]
CAMP_OFFSETS = [1]


def start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


@deadlines.register
def camp_reminders(now):
    today = timezone.localtime(now).date()
    for camp in Camp.objects.filter(date__gte=today - timedelta(days=1), date__lte=today + timedelta(days=2)):
        # "the day before": from the start of the previous day (the engine's grace day ends it)
        if not deadlines.offsets_passed(start_of(camp.date), now, CAMP_OFFSETS):
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
        passed = deadlines.offsets_passed(start_of(opp.deadline), now, OPPORTUNITY_OFFSETS)
        if not passed:
            continue
        for proposal in selectors.matching_teams(opp):
            team = proposal_people(proposal)
            for offset in passed:
                yield deadlines.Reminder(
                    key=f"acceleration:opp:{opp.pk}:team:{proposal.pk}:d{offset}", users=team,
                    event="opportunity_deadline", context={"opportunity": opp, "days": offset},
                    url=opp.get_absolute_url())
