"""Reminders to assessors before a round closes, through the deadline engine.

For each round that has opened and is not more than a day past its close, every assessor with
work left (assignments not submitted) gets a reminder at each offset (days before the close) taken
from the call's `reminder_offsets`, or [3, 1, 0] if the call has none. Keys are unique per round,
assessor and offset, so the engine sends each once however often it runs.
"""
from datetime import timedelta

from django.urls import reverse

from tsf.accounts.models import User
from tsf.notifications import deadlines

from .models import AssessmentRound
from .services import work_left

DEFAULT_OFFSETS = [3, 1, 0]


def offsets_for(call):
    offsets = getattr(call, "reminder_offsets", None)
    return [int(d) for d in offsets] if offsets else DEFAULT_OFFSETS


@deadlines.register
def assessment_reminders(now):
    rounds = AssessmentRound.objects.filter(opens_at__lte=now, closes_at__gte=now - timedelta(days=1),
                                            decision__isnull=True).select_related("call")
    for rnd in rounds:
        passed = deadlines.offsets_passed(rnd.closes_at, now, offsets_for(rnd.call))
        if not passed:
            continue
        left = work_left(rnd)
        if not left:
            continue
        users = User.objects.in_bulk(list(left))
        for assessor_id, n in left.items():
            user = users.get(assessor_id)
            if user is None or not user.is_active:
                continue
            for offset in passed:
                yield deadlines.Reminder(
                    key=f"assessment:{rnd.pk}:{assessor_id}:d{offset}", users=[user], event="assessment_deadline",
                    context={"round": rnd, "left": n, "days": offset, "closes_at": rnd.closes_at},
                    url=reverse("assessment:mine"),
                )
