"""Reminders to assessors before a round closes, through the deadline engine.

For each round that has opened and is not more than a day past its close, every assessor with
work left (assignments not submitted) gets a reminder at the call's `reminder_offsets` (days before
the closing day), by the engine's one rule (`deadlines.reminder_due`). Keys are unique per round,
assessor and offset, so the engine sends each once however often it runs.
"""
from datetime import timedelta

from django.urls import reverse

from tsf.accounts.models import User
from tsf.notifications import deadlines

from .models import AssessmentRound
from .services import work_left


@deadlines.register
def assessment_reminders(now):
    rounds = AssessmentRound.objects.filter(opens_at__lte=now, closes_at__gte=now - timedelta(days=1),
                                            decision__isnull=True).select_related("call")
    for rnd in rounds:
        offset = deadlines.reminder_due(rnd.closes_at, now, deadlines.offsets_for(rnd.call))
        if offset is None:
            continue
        left = work_left(rnd)
        if not left:
            continue
        users = User.objects.in_bulk(list(left))
        for assessor_id, n in left.items():
            user = users.get(assessor_id)
            if user is None or not user.is_active:
                continue
            yield deadlines.Reminder(
                key=f"assessment:{rnd.pk}:{assessor_id}:d{offset}", users=[user], event="assessment_deadline",
                context={"round": rnd, "left": n, "days": offset, "closes_at": rnd.closes_at},
                url=reverse("assessment:mine"),
            )
