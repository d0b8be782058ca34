"""The deadline engine: each reminder once, none twice, whether the job runs twice, late, or after
days of downtime."""
import datetime
import zoneinfo

import pytest
from django.core import mail
from freezegun import freeze_time

from tsf.notifications import deadlines, tasks
from tsf.notifications.models import DeadlineReminder, Notification, OutboxEmail

ROME = zoneinfo.ZoneInfo("Europe/Rome")
DUE = datetime.datetime(2026, 12, 10, 12, 0, tzinfo=ROME)
DAY = datetime.timedelta(days=1)

pytestmark = pytest.mark.django_db


def test_one_rule_for_the_reminders_before_a_deadline():
    """Offsets are days before the deadline's day in Rome (0: "due today"); each is due from the start
    of its day to the end of the deadline's day; of those due, the nearest only."""
    offsets = [14, 3, 0]
    midnight = datetime.datetime(2026, 12, 10, 0, 0, tzinfo=ROME)
    assert deadlines.reminder_due(DUE, DUE - 20 * DAY, offsets) is None
    assert deadlines.reminder_due(DUE, midnight - 14 * DAY - datetime.timedelta(seconds=1), offsets) is None
    assert deadlines.reminder_due(DUE, midnight - 14 * DAY, offsets) == 14  # the morning of the day
    assert deadlines.reminder_due(DUE, DUE - 4 * DAY, offsets) == 14
    # A job that was down for days, or a draft begun two days before: one reminder, the nearest.
    assert deadlines.reminder_due(DUE, DUE - 2 * DAY, offsets) == 3
    assert deadlines.reminder_due(DUE, midnight, offsets) == 0
    assert deadlines.reminder_due(DUE, DUE + datetime.timedelta(hours=11), offsets) == 0  # to the day's end
    assert deadlines.reminder_due(DUE, midnight + DAY, offsets) is None  # escalations now
    # A date is its whole day; offsets without 0 send nothing on the day itself.
    assert deadlines.reminder_due(DUE.date(), midnight + datetime.timedelta(hours=23), offsets) == 0
    assert deadlines.reminder_due(DUE.date(), midnight + datetime.timedelta(hours=23), [3, 1]) == 1


def test_a_calls_offsets_or_the_default():
    class Call:
        reminder_offsets = [1, 7, "3", 7]

    assert deadlines.offsets_for(Call()) == [7, 3, 1]
    Call.reminder_offsets = []
    assert deadlines.offsets_for(Call()) == [14, 3, 0]
    assert deadlines.offsets_for(None) == [14, 3, 0]


def test_escalation_due():
    assert deadlines.escalation_due(DUE, DUE - DAY) is None
    assert deadlines.escalation_due(DUE, DUE) is None
    assert deadlines.escalation_due(DUE, DUE + datetime.timedelta(minutes=1)) == 1
    assert deadlines.escalation_due(DUE, DUE + 6 * DAY) == 1
    assert deadlines.escalation_due(DUE, DUE + 7 * DAY) == 2
    assert deadlines.escalation_due(DUE, DUE + 15 * DAY) == 3
    assert deadlines.escalation_due(DUE, DUE + 3 * DAY, every_days=1) == 4


@pytest.fixture
def report_provider(make_user):
    """A stage's provider: a report due on DUE, reminded 14, 3 and 0 days before to the promoter,
    escalated to staff every 7 days while overdue."""
    promoter = make_user(language="en")
    staff = make_user(roles=["staff"], language="it")

    def provider(now):
        d = deadlines.reminder_due(DUE, now, [14, 3, 0])
        if d is not None:
            yield deadlines.Reminder(
                key=f"test-report:1:d{d}",
                users=[promoter],
                event="message",
                context={"subject": f"Your report is due in {d} days", "text": "Please upload it."},
                url="/projects/1/",
            )
        if (n := deadlines.escalation_due(DUE, now, 7)) is not None:
            yield deadlines.Reminder(
                key=f"test-report:1:esc{n}",
                users=[staff],
                event="message",
                context={"subject": f"Report overdue (escalation {n})", "text": "The team has not reported."},
            )

    deadlines.register(provider)
    deadlines.register(provider)  # registering twice changes nothing
    try:
        yield promoter, staff
    finally:
        deadlines.unregister(provider)
    assert provider not in deadlines._providers


def _titles(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_each_reminder_is_sent_once_twice_late_or_after_downtime(report_provider, django_capture_on_commit_callbacks):
    promoter, staff = report_provider
    with freeze_time(DUE - 20 * DAY):
        assert deadlines.run() == 0
    with freeze_time(DUE - 14 * DAY + datetime.timedelta(hours=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert deadlines.run() == 1
            assert deadlines.run() == 0  # twice: nothing more
    assert _titles(promoter) == ["Your report is due in 14 days"]
    assert [m.subject for m in mail.outbox] == ["Your report is due in 14 days"]
    # The worker was down from then until the day of the deadline: late, the engine sends what is
    # due now, once: d0 (not the d3 it missed, nor d14 again), and the first escalation.
    with freeze_time(DUE + datetime.timedelta(hours=2)):
        assert tasks.run_deadline_engine() == 2
        assert tasks.run_deadline_engine() == 0
    assert _titles(promoter) == ["Your report is due in 0 days", "Your report is due in 14 days"]
    assert _titles(staff) == ["Report overdue (escalation 1)"]


def test_after_a_long_downtime_only_the_current_escalation_is_sent_once(report_provider):
    promoter, staff = report_provider
    with freeze_time(DUE + 15 * DAY):  # the job never ran until two weeks after the deadline
        assert deadlines.run() == 1  # escalation 3 only; the reminders and escalations before it are stale
        assert deadlines.run() == 0
    with freeze_time(DUE + 16 * DAY):
        assert deadlines.run() == 0
    with freeze_time(DUE + 21 * DAY):
        assert deadlines.run() == 1  # the fourth escalation
        assert deadlines.run() == 0
    assert _titles(promoter) == []
    assert _titles(staff) == [f"Report overdue (escalation {n})" for n in (3, 4)]
    assert DeadlineReminder.objects.filter(key__startswith="test-report:1:").count() == 2
    assert OutboxEmail.objects.filter(to=staff.email).count() == 2


def test_a_failing_provider_or_reminder_does_not_stop_the_others(report_provider, make_user):
    promoter, _ = report_provider
    other = make_user()

    def broken_provider(now):
        raise RuntimeError("a stage's bug")

    def bad_template_provider(now):
        yield deadlines.Reminder(key="test-bad:1", users=[other], event="no_such_event")
        yield deadlines.Reminder(key="test-good:1", users=[other], event="message", context={"subject": "S", "text": "T"})

    deadlines.register(broken_provider)
    deadlines.register(bad_template_provider)
    try:
        with freeze_time(DUE - 14 * DAY):
            assert deadlines.run() == 2  # the report's d14 and test-good:1
    finally:
        deadlines.unregister(broken_provider)
        deadlines.unregister(bad_template_provider)
    assert _titles(promoter) == ["Your report is due in 14 days"]
    assert _titles(other) == ["S"]
    # The reminder that could not be sent is not recorded: the next run tries it again.
    assert not DeadlineReminder.objects.filter(key="test-bad:1").exists()
    assert DeadlineReminder.objects.filter(key="test-good:1").exists()
