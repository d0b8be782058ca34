"""Accessibility feedback in the deadline engine: the staff are reminded 7 and 2 days before an
answer is due, and, once it is overdue, an escalation goes to every staff member at once and then
every 7 days until it is answered (keys `accessibility:<id>:<due>:d<offset>` / `:esc<n>`; a reply
from the person sets a new due date, hence new keys)."""
from tsf.notifications import deadlines

from .models import Feedback
from .services import staff_recipients

OFFSETS = [7, 2]
ESCALATE_EVERY_DAYS = 7


@deadlines.register
def feedback_deadlines(now):
    items = list(Feedback.objects.filter(status=Feedback.Status.OPEN))
    if not items:
        return
    staff = staff_recipients()
    for item in items:
        stamp = item.due_at.strftime("%Y%m%d%H%M")
        offset = deadlines.reminder_due(item.due_at, now, OFFSETS)  # the engine's one rule
        if offset is not None:
            yield deadlines.Reminder(key=f"accessibility:{item.pk}:{stamp}:d{offset}", users=staff,
                                     event="accessibility_feedback_due", context={"feedback": item, "days": offset},
                                     url=item.get_staff_url())
        if (n := deadlines.escalation_due(item.due_at, now, ESCALATE_EVERY_DAYS)) is not None:
            yield deadlines.Reminder(key=f"accessibility:{item.pk}:{stamp}:esc{n}", users=staff,
                                     event="accessibility_feedback_overdue", context={"feedback": item},
                                     url=item.get_staff_url())
