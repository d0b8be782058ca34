"""Without Redis no Celery beat runs: `manage.py run_periodic` (started every minute by `make run`)
runs beat's jobs, so the demo sends its reminders; once or repeated, each message goes out once."""
import io
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from freezegun import freeze_time

from tests.grants.factories import make_grant, past_call
from tsf.notifications.models import Notification, OutboxEmail

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def run_periodic(*args):
    out = io.StringIO()
    call_command("run_periodic", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def report_due(staff_user, make_user):
    """A signed grant whose first report is due on 15 August 2025, reminded 14, 3 and 0 days before."""
    team = make_user("team@example.org", roles=["promoter"], full_name="Teresa Team", language="it")
    grant = make_grant(past_call(reminder_offsets=[14, 3, 0]), by=staff_user, amount=Decimal("80000.00"),
                       start=date(2025, 1, 15), member=team, signed=True)
    assert grant.reports.order_by("number").first().due_date == date(2025, 8, 15)
    return team


def test_the_command_sends_the_reminders_due_once(report_due, django_capture_on_commit_callbacks):
    team = report_due
    with freeze_time(datetime(2025, 7, 20, 9, tzinfo=ROME)), django_capture_on_commit_callbacks(execute=True):
        run_periodic()
    assert not Notification.objects.filter(recipient=team, event="grant_report_due").exists()

    with freeze_time(datetime(2025, 8, 1, 9, tzinfo=ROME)):  # 14 days before
        with django_capture_on_commit_callbacks(execute=True):
            output = run_periodic()
        with django_capture_on_commit_callbacks(execute=True):
            run_periodic()  # a minute later, or twice: nothing more
    assert "deadline-reminders: 1" in output
    assert Notification.objects.filter(recipient=team, event="grant_report_due").count() == 1
    email = OutboxEmail.objects.get(to="team@example.org", event="grant_report_due")
    assert email.status == OutboxEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [["team@example.org"]]

    with freeze_time(datetime(2025, 8, 15, 8, tzinfo=ROME)), django_capture_on_commit_callbacks(execute=True):
        run_periodic()  # on the due day: today's, once (not the 3-day reminder it missed as well)
    assert Notification.objects.filter(recipient=team, event="grant_report_due").count() == 2


def test_the_command_re_sends_a_pending_e_mail_once(settings):
    with freeze_time("2025-03-10 09:00:00"):
        row = OutboxEmail.objects.create(to="someone@example.org", subject="Esito", body_text="Testo", event="message")
    with freeze_time("2025-03-10 09:01:00"):  # younger than OUTBOX_RESEND_AFTER: left to the first attempt
        run_periodic()
    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.PENDING and not mail.outbox
    with freeze_time("2025-03-10 09:05:00"):
        assert "outbox-resend-pending: 1" in run_periodic()
        run_periodic()
    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_a_failing_job_does_not_stop_the_others(monkeypatch):
    from tsf.notifications import deadlines

    def broken(now=None):
        raise RuntimeError("provider down")

    monkeypatch.setattr(deadlines, "run", broken)
    with freeze_time("2025-03-10 09:00:00"):
        OutboxEmail.objects.create(to="someone@example.org", subject="Esito", body_text="Testo")
    with freeze_time("2025-03-10 09:05:00"):
        output = run_periodic()
    assert "deadline-reminders: failed" in output and "outbox-resend-pending: 1" in output


@pytest.mark.real_clock  # a subprocess reads the real clock: the row is an hour old on any clock
@pytest.mark.django_db(transaction=True)
def test_every_minute_beside_the_server_until_stopped(tmp_path):
    """The background process that `make run` starts, on the same database as the server: it runs
    the jobs at once (an e-mail left pending is sent), waits for the next minute, stops cleanly."""
    from django.utils import timezone

    row = OutboxEmail.objects.create(to="someone@example.org", subject="Esito", body_text="Testo", event="message")
    OutboxEmail.objects.filter(pk=row.pk).update(created_at=timezone.now() - timezone.timedelta(hours=1))
    root = Path(django_settings.BASE_DIR)
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "1", "PYTHONUNBUFFERED": "1",
           "DATABASE_URL": _database_url(django_settings.DATABASES["default"]),
           "EMAIL_URL": f"filemail://{tmp_path}"}
    proc = subprocess.Popen([sys.executable, "manage.py", "run_periodic", "--every", "60"], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first = proc.stdout.readline()
        noise = []
        while "every 60 s" not in first and len(noise) < 5:  # a library's warning at import (xmlschema)
            noise.append(first)
            first = proc.stdout.readline()
        second = proc.stdout.readline()
        assert "every 60 s" in first, "".join(noise) + first + second
        assert "outbox-resend-pending: 1" in second and "failed" not in second, first + second
        row.refresh_from_db()
        assert row.status == OutboxEmail.Status.SENT
        assert len(list(tmp_path.iterdir())) == 1  # the e-mail, written as a file
        time.sleep(2)
        assert proc.poll() is None  # waiting for the next minute
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def _database_url(db):
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def test_staff_read_who_sends_the_reminders_without_redis(staff_client, settings):
    settings.REDIS_URL = ""
    body = staff_client.get("/notifications/").content.decode()
    assert "i promemoria delle scadenze e i solleciti per i ritardi sono inviati ogni minuto" in body
    assert "<code>python manage.py run_periodic --every 60</code>" in body
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert "run_periodic" not in staff_client.get("/notifications/").content.decode()


def test_promoters_are_not_told_about_the_jobs(promoter_client, settings):
    settings.REDIS_URL = ""
    assert "run_periodic" not in promoter_client.get("/notifications/").content.decode()
