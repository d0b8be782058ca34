"""The lab's reminders through the real Celery worker on Redis: the periodic deadline job, run
twice, sends the session reminder once."""
import datetime

import pytest
from django.utils import timezone

from incubation.models import Session
from tests.incubation.factories import admitted_team, make_lab
from tests.tsf.test_outbox_worker import _wait_for, real_worker  # noqa: F401 - the fixture
from tsf.notifications import tasks
from tsf.notifications.models import Notification

# A real worker: on the real clock; the session starts 12 hours from now, inside the reminder's 24 hours at any hour.
pytestmark = [pytest.mark.services, pytest.mark.real_clock, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_sends_the_session_reminder_once(real_worker):  # noqa: F811
    lab = make_lab(workshops=1)
    start = timezone.localtime(timezone.now() + datetime.timedelta(hours=12))
    end = min(start + datetime.timedelta(hours=1), start.replace(hour=23, minute=59, second=59))
    Session.objects.create(workshop=lab.workshops.get(), date=start.date(), start_time=start.time(),
                           end_time=end.time(), place="Open Incet")
    _team, members = admitted_team(lab.call, members=2)

    def reminders():
        return Notification.objects.filter(event="lab_session_reminder").count()

    tasks.run_deadline_engine.delay()
    assert _wait_for(lambda: reminders() == len(members))
    tasks.run_deadline_engine.delay().get(timeout=20)
    assert reminders() == len(members)
