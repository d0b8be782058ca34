"""The grants' deadlines, declared to the deadline engine (tsf.notifications.deadlines).

- Reminders to the team before each report's due date, at the call's offsets (`reminder_offsets`,
  e.g. 14, 3 and 0 days), by the engine's one rule (`deadlines.reminder_due`; the due date is the
  whole day in Rome): key `grants:report:<id>:d<offset>`.
- Escalation to staff every 7 days while a report is overdue (its due day is over and it is
  neither submitted nor approved), by the engine's one rule (`deadlines.escalation_due`): key
  `grants:report:<id>:esc<n>`. A worker that was down for days sends the current escalation only
  (it says how many days late the report is), so a report overdue for years (an old grant brought
  into the portal, the demo) sends one message, not hundreds.

Each key names the report, the offset or escalation number: the engine sends each once, however
often or late it runs.
"""
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tsf.core.dates import start_of_day
from tsf.notifications import deadlines

from .models import GrantStatus, Report, ReportStatus

ESCALATE_EVERY_DAYS = 7
HORIZON_DAYS = 120  # longer than any reminder offset a call sets
LIVE = (GrantStatus.SIGNED, GrantStatus.ACTIVE)


@deadlines.register
def report_deadlines(now):
    from projects.services import proposal_people

    from .services import staff_people

    today = timezone.localtime(now).date()
    horizon = today + timedelta(days=HORIZON_DAYS)
    reports = (Report.objects.filter(status__in=[ReportStatus.DUE, ReportStatus.CHANGES_REQUESTED],
                                      grant__status__in=LIVE, due_date__lte=horizon)
               .select_related("grant", "grant__call", "grant__proposal"))
    staff = None
    for report in reports:
        grant = report.grant
        url = reverse("grants:report", kwargs={"pk": report.pk})
        offset = deadlines.reminder_due(report.due_date, now, deadlines.offsets_for(grant.call))
        if offset is not None:
            yield deadlines.Reminder(
                key=f"grants:report:{report.pk}:d{offset}", users=proposal_people(grant.proposal),
                event="grant_report_due",
                context={"report": report, "grant": grant, "days": offset, "due_date": report.due_date},
                url=url)
        overdue_since = start_of_day(report.due_date + timedelta(days=1))
        n = deadlines.escalation_due(overdue_since, now, ESCALATE_EVERY_DAYS)
        if n is not None:
            if staff is None:
                staff = staff_people()
            yield deadlines.Reminder(
                key=f"grants:report:{report.pk}:esc{n}", users=staff, event="grant_report_overdue",
                context={"report": report, "grant": grant, "number": n,
                         "days_late": (today - report.due_date).days, "due_date": report.due_date},
                url=url)
