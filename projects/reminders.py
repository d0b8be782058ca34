"""Deadline reminders of this stage: the promoters of a draft are reminded before the call closes,
at the call's `reminder_offsets` (days before the closing, e.g. [14, 3, 0])."""
from django.db.models import Prefetch
from django.utils import timezone

from calls.models import Call
from tsf.notifications import deadlines

from .models import Membership, Proposal, ProposalStatus


@deadlines.register
def call_closing_reminders(now):
    calls = Call.objects.published().open_at(now)
    for call in calls:
        # Offsets count whole days before the closing day: 0 is the morning of the closing day.
        closing_day = timezone.localtime(call.closes_at).replace(hour=0, minute=0, second=0, microsecond=0)
        passed = [d for d in deadlines.offsets_passed(closing_day, now, call.reminder_offsets or [])
                  if now < call.closes_at]
        if not passed:
            continue
        offset = min(passed)  # only the most recent: a draft started late gets one reminder, not three
        drafts = (
            Proposal.objects.filter(call=call, status=ProposalStatus.DRAFT)
            .select_related("organisation")
            .prefetch_related(Prefetch("organisation__memberships",
                                       queryset=Membership.objects.select_related("user")))
        )
        for proposal in drafts:
            users = [m.user for m in proposal.organisation.memberships.all() if m.user.is_active]
            if not users:
                continue
            yield deadlines.Reminder(
                key=f"projects:call-closing:{call.pk}:{proposal.pk}:d{offset}",
                users=users,
                event="call_closing",
                context={"call": call, "proposal": proposal, "title": proposal.title, "days": offset},
                url=proposal.get_absolute_url(),
            )


