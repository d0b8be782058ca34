"""Deadline reminders of this stage: the promoters of a draft are reminded before the call closes,
at the call's `reminder_offsets` (days before the closing day, e.g. [14, 3, 0]), by the engine's one
rule (`deadlines.reminder_due`), and never once the call has closed."""
from django.db.models import Prefetch

from calls.models import Call
from tsf.notifications import deadlines

from .models import Membership, Proposal, ProposalStatus


@deadlines.register
def call_closing_reminders(now):
    calls = Call.objects.published().open_at(now)
    for call in calls:
        offset = deadlines.reminder_due(call.closes_at, now, deadlines.offsets_for(call))
        if offset is None or now >= call.closes_at:
            continue
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


