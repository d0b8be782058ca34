"""The grants' reminders sent by a real Celery worker (thread) through the deadline engine's task,
against the test Redis: queued twice, sent once."""
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from grants.models import Report
from tests.grants.factories import make_grant, past_call
from tests.tsf.test_outbox_worker import real_worker  # noqa: F401 - the fixture
from tsf.notifications import tasks
from tsf.notifications.models import DeadlineReminder, Notification

# A real worker: on the real clock (Celery and kombu time their polling with it); the report is due in two days
# of the local date, which holds at any hour.
pytestmark = [pytest.mark.real_clock, pytest.mark.django_db(transaction=True)]


def _wait_for(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_real_worker_sends_the_report_reminders_once(real_worker, make_user, staff_user):  # noqa: F811
    team = make_user("worker-team@example.org", roles=["promoter"])
    grant = make_grant(past_call(reminder_offsets=[14, 3, 0]), by=staff_user, member=team, signed=True,
                       amount=Decimal("70000.00"))
    report = grant.reports.order_by("number").first()
    Report.objects.filter(pk=report.pk).update(due_date=timezone.localdate() + timedelta(days=2))
    key_prefix = f"grants:report:{report.pk}:"

    tasks.run_deadline_engine.delay()
    assert _wait_for(lambda: DeadlineReminder.objects.filter(key__startswith=key_prefix).count() == 1)
    tasks.run_deadline_engine.delay()  # queued again: nothing new
    time.sleep(2)
    # Due in two days: the 3-day reminder, the nearest due (not the 14-day one as well).
    assert set(DeadlineReminder.objects.filter(key__startswith=key_prefix).values_list("key", flat=True)) == {
        key_prefix + "d3"}
    assert Notification.objects.filter(recipient=team, event="grant_report_due").count() == 1
