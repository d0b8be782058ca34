"""Reminders through the deadline engine: the day before a session, before a deliverable's due
date, and the tutors' list of missing deliverables after it. Each once, even if the job runs twice
or late."""
import datetime

import pytest
from freezegun import freeze_time

from incubation import services
from tests.incubation.factories import ROME, admitted_team, assign, make_lab, pdf_upload
from tsf.notifications import deadlines
from tsf.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(make_user):
    start = datetime.date(2030, 3, 5)
    with freeze_time("2030-02-01 10:00:00"):
        lab = make_lab(start=start, workshops=2)
        lab.call.reminder_offsets = [3, 1]
        lab.call.save()
        done, done_members = admitted_team(lab.call)
        late, late_members = admitted_team(lab.call)
        tutor = make_user(roles=["tutor"])
        assign(lab, done, tutor)
        assign(lab, late, tutor)
    return lab, (done, done_members), (late, late_members), tutor


def _events(event):
    return list(Notification.objects.filter(event=event).values_list("recipient_id", flat=True))


def test_session_reminder_the_day_before_once(setup):
    lab, (done, dm), (late, lm), tutor = setup
    session = lab.workshops.get(number=1).sessions.get()
    # 9:30 Rome on 5 March 2030: the reminder is due from 9:30 on the 4th
    with freeze_time(datetime.datetime(2030, 3, 4, 9, 0, tzinfo=ROME)):
        deadlines.run()
    assert _events("lab_session_reminder") == []
    with freeze_time(datetime.datetime(2030, 3, 4, 18, 0, tzinfo=ROME)):
        deadlines.run()
        deadlines.run()
    assert sorted(_events("lab_session_reminder")) == sorted(u.pk for u in dm + lm)
    with freeze_time(datetime.datetime(2030, 3, 5, 9, 0, tzinfo=ROME)):
        deadlines.run()
    assert len(_events("lab_session_reminder")) == len(dm + lm)
    assert session.pk


def test_deliverable_reminders_once_per_offset_and_only_to_teams_missing_it(setup):
    lab, (done, dm), (late, lm), tutor = setup
    d = lab.workshops.get(number=1).deliverables.get()  # due 12 March 2030, 23:59 Rome
    with freeze_time(d.due_at - datetime.timedelta(days=3, hours=-1)):
        services.upload_submission(d, done, file=pdf_upload(), by=dm[0])
        deadlines.run()
        deadlines.run()
    assert sorted(_events("lab_deliverable_due")) == sorted(u.pk for u in lm)
    with freeze_time(d.due_at - datetime.timedelta(hours=20)):
        deadlines.run()
        deadlines.run()
    assert len(_events("lab_deliverable_due")) == 2 * len(lm)


def test_late_job_sends_only_the_latest_reminder(setup):
    lab, _done, (late, lm), tutor = setup
    d = lab.workshops.get(number=1).deliverables.get()
    with freeze_time(d.due_at - datetime.timedelta(hours=2)):  # missed the 3-day one: only the 1-day
        deadlines.run()
        deadlines.run()
    assert len(_events("lab_deliverable_due")) == 2 * len(lm)  # both teams, one reminder each member


def test_tutors_get_the_missing_list_once_after_the_due_date(setup):
    lab, (done, dm), (late, lm), tutor = setup
    d = lab.workshops.get(number=1).deliverables.get()
    with freeze_time(d.due_at - datetime.timedelta(days=1)):
        services.upload_submission(d, done, file=pdf_upload(), by=dm[0])
        deadlines.run()
    assert _events("lab_deliverables_missing") == []
    with freeze_time(d.due_at + datetime.timedelta(minutes=5)):
        deadlines.run()
        deadlines.run()
    with freeze_time(d.due_at + datetime.timedelta(days=2)):
        deadlines.run()
    notes = Notification.objects.filter(event="lab_deliverables_missing")
    assert [n.recipient_id for n in notes] == [tutor.pk]
    assert late.protocol_number in notes[0].body and done.protocol_number not in notes[0].body


def test_a_deliverable_gets_its_due_today_reminder_as_reports_do(setup):
    """The engine's one rule: the call's offsets ([14, 3, 0] by default), "due today" included."""
    lab, _done, (late, lm), tutor = setup
    lab.call.reminder_offsets = []
    lab.call.save()
    d = lab.workshops.get(number=1).deliverables.get()  # due 12 March 2030, 23:59 Rome
    with freeze_time(datetime.datetime(2030, 3, 12, 8, 0, tzinfo=ROME)):
        deadlines.run()
        deadlines.run()
    titles = set(Notification.objects.filter(event="lab_deliverable_due", recipient=lm[0]).values_list("title", flat=True))
    later = lab.workshops.get(number=2).deliverables.get()  # due a week later: its 14-day reminder
    assert titles == {f"Scadenza oggi: {d.title}", f"Scadenza il 19 marzo: {later.title}"}
