"""Report reminders and overdue escalations through the deadline engine, with a frozen clock:
each reminder goes out once, whether the job runs twice, late, or after days of downtime."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from grants import services
from grants.models import Report
from tests.grants.factories import make_grant, past_call
from tsf.notifications import deadlines
from tsf.notifications.models import Notification, OutboxEmail

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def at(y, m, d, h=9):
    return datetime(y, m, d, h, tzinfo=ROME)


@pytest.fixture
def setup(staff_user, make_user):
    team = make_user("team@example.org", roles=["promoter"], full_name="Teresa Team")
    call = past_call(reminder_offsets=[14, 3, 0])
    grant = make_grant(call, by=staff_user, amount=Decimal("80000.00"), start=date(2025, 1, 15), member=team,
                       signed=True)
    report = grant.reports.order_by("number").first()
    assert report.due_date == date(2025, 8, 15)
    return grant, report, team


def sent(event, user=None):
    qs = Notification.objects.filter(event=event)
    if user is not None:
        qs = qs.filter(recipient=user)
    return qs


def keys():
    from tsf.notifications.models import DeadlineReminder

    return set(DeadlineReminder.objects.filter(key__startswith="grants:").values_list("key", flat=True))


def test_reminders_are_sent_once_across_days(setup):
    grant, report, team = setup
    with freeze_time(at(2025, 7, 20)):
        deadlines.run()
    assert sent("grant_report_due").count() == 0
    with freeze_time(at(2025, 8, 1)):  # 14 days before
        deadlines.run()
        deadlines.run()  # twice the same day
    assert sent("grant_report_due", team).count() == 1
    assert keys() == {f"grants:report:{report.pk}:d14"}
    with freeze_time(at(2025, 8, 5)):
        deadlines.run()
    assert sent("grant_report_due", team).count() == 1
    with freeze_time(at(2025, 8, 12)):  # 3 days before
        deadlines.run()
    with freeze_time(at(2025, 8, 15, 7)):  # on the day
        deadlines.run()
        deadlines.run()
    assert sent("grant_report_due", team).count() == 3
    assert keys() == {f"grants:report:{report.pk}:d{d}" for d in (14, 3, 0)}
    assert OutboxEmail.objects.filter(to="team@example.org", event="grant_report_due").count() == 3
    subjects = sorted(sent("grant_report_due", team).values_list("title", flat=True))
    assert any("oggi" in s or "today" in s for s in subjects), subjects


def test_after_downtime_the_reminder_due_now_goes_out_once(setup):
    grant, report, team = setup
    with freeze_time(at(2025, 7, 1)):
        deadlines.run()
    # The worker was down from 1 July to the due day: it sends "due today", once, not the 14- and
    # 3-day reminders it missed as well (the engine's one rule)...
    with freeze_time(at(2025, 8, 15, 18)):
        deadlines.run()
        deadlines.run()
    assert keys() == {f"grants:report:{report.pk}:d0"}
    assert sent("grant_report_due", team).count() == 1
    # ...and a late run the day after sends no reminder (the escalations begin).
    with freeze_time(at(2025, 8, 16, 1)):
        deadlines.run()
    assert sent("grant_report_due", team).count() == 1


def test_no_reminder_for_a_report_already_submitted(setup):
    grant, report, team = setup
    with freeze_time(at(2025, 8, 1)):
        deadlines.run()
        services.save_report(report, by=team, activities="Fatto.", jobs_created=0, volunteers_involved=0,
                             reach={}, indicators=[], expenses=[], submit=True)
    with freeze_time(at(2025, 8, 15)):
        deadlines.run()
    with freeze_time(at(2025, 9, 15)):
        deadlines.run()
    assert sent("grant_report_due").count() == 1
    assert sent("grant_report_overdue").count() == 0


def test_overdue_report_is_escalated_to_staff_every_seven_days(setup, staff_user, make_user):
    grant, report, team = setup
    other_staff = make_user("capo@example.org", roles=["staff"])
    with freeze_time(at(2025, 8, 15, 23)):  # still the due day: no escalation
        deadlines.run()
    assert sent("grant_report_overdue").count() == 0
    with freeze_time(at(2025, 8, 16, 8)):  # overdue: escalation 1 to every staff member
        deadlines.run()
        deadlines.run()
    assert sent("grant_report_overdue", staff_user).count() == 1
    assert sent("grant_report_overdue", other_staff).count() == 1
    assert sent("grant_report_overdue", team).count() == 0
    with freeze_time(at(2025, 8, 22, 8)):  # day 6: nothing new
        deadlines.run()
    assert sent("grant_report_overdue", staff_user).count() == 1
    with freeze_time(at(2025, 8, 23, 8)):  # day 7: escalation 2
        deadlines.run()
    assert sent("grant_report_overdue", staff_user).count() == 2
    # The worker stops for nine days: the current escalation goes out when it comes back, once (not
    # the one it missed as well: staff get one message, with how late the report is).
    with freeze_time(at(2025, 9, 8, 8)):
        deadlines.run()
        deadlines.run()
    assert sent("grant_report_overdue", staff_user).count() == 3
    assert f"grants:report:{report.pk}:esc4" in keys() and f"grants:report:{report.pk}:esc3" not in keys()
    # It stops for five weeks: again the current one only.
    with freeze_time(at(2025, 10, 15, 8)):
        deadlines.run()
        deadlines.run()
    assert sent("grant_report_overdue", staff_user).count() == 4
    got = {k for k in keys() if ":esc" in k}
    assert got == {f"grants:report:{report.pk}:esc{n}" for n in (1, 2, 4, 9)}
    assert "overdue" in sent("grant_report_overdue", staff_user).first().title.lower() or \
        "ritardo" in sent("grant_report_overdue", staff_user).first().title.lower()
    # Once submitted, the escalations stop.
    Report.objects.filter(pk=report.pk).update(status="submitted")
    with freeze_time(at(2025, 11, 1, 8)):
        deadlines.run()
    assert sent("grant_report_overdue", staff_user).count() == 4


def test_a_report_overdue_for_years_sends_one_escalation_not_hundreds(setup, staff_user):
    grant, report, team = setup
    with freeze_time(at(2027, 8, 20, 8)):
        deadlines.run()
        deadlines.run()
    mine = {k for k in keys() if k.startswith(f"grants:report:{report.pk}:")}
    numbers = sorted(int(k.rsplit(":esc", 1)[1]) for k in mine)
    assert len(numbers) == 1 and numbers[0] > 100  # the current one only
    assert sent("grant_report_due").count() == 0  # the reminders before the due date are stale


def test_changes_requested_after_the_due_date_keeps_escalating(setup, staff_user):
    grant, report, team = setup
    with freeze_time(at(2025, 8, 10)):
        services.save_report(report, by=team, activities="Fatto.", jobs_created=0, volunteers_involved=0,
                             reach={}, indicators=[], expenses=[], submit=True)
        services.request_changes(report, by=staff_user, comment="Aggiungere gli indicatori.")
    with freeze_time(at(2025, 8, 20)):
        deadlines.run()
    assert sent("grant_report_overdue", staff_user).count() == 1
