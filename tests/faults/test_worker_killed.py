"""The worker killed in the middle of sending an e-mail: the e-mail is retried and delivered once.

A real `celery -A tsf worker` runs as a subprocess against the test's own Redis and the test
database; its mail backend announces each attempt (a marker file named after the process), waits
3 s, then writes the message as a file, so deliveries are counted across processes. The row lock
in send_outbox_row keeps the sending transaction open: PostgreSQL rolls back a killed worker's
transaction, so the row is still pending, and whoever sends it next marks it sent."""
import os
import signal
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone
from freezegun import freeze_time

from tests.faults.conftest import wait_for
from tsf.notifications import tasks
from tsf.notifications.models import OutboxEmail
from tsf.notifications.services import notify

pytestmark = pytest.mark.postgres_only  # PostgreSQL and Redis faults and timings, on purpose

SUBJECT = "Proposta ricevuta: protocollo TSF-2030-0001"


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file())


def _delivered(mail_dir: Path) -> list[str]:
    """Subjects of every message written by the file backends (one file per connection)."""
    subjects = []
    for path in _files(mail_dir):
        subjects += [line.split(":", 1)[1].strip() for line in path.read_text().splitlines()
                     if line.startswith("Subject:")]
    return subjects


def _row(pk):
    row = OutboxEmail.objects.get(pk=pk)
    connections.close_all()  # never keep a connection open while a worker waits on it
    return row


def _queue_email(make_user):
    user = make_user(email="promotrice@example.org", language="it")
    notify(user, "message", {"subject": SUBJECT, "text": "Grazie, la proposta è arrivata."})  # autocommit: queued now
    return OutboxEmail.objects.get(to=user.email)


def _worker_log(worker):
    worker.log.flush()
    return worker.log_path.read_text()[-4000:]


@pytest.mark.django_db(transaction=True)
def test_pool_process_killed_mid_send_the_message_is_redelivered_and_sent_once(
    broker_on_own_redis, own_redis, worker_process, make_user
):
    row = _queue_email(make_user)
    assert own_redis.queue_length("mail") == 1  # the task waits in the broker
    worker = worker_process("first")
    markers = wait_for(lambda: _files(worker_process.marker_dir), timeout=60,
                       message="the worker to start sending")
    sending_pid = int(markers[0].name.split("-")[0])
    assert sending_pid != worker.pid  # the pool process, not the worker's main process
    os.kill(sending_pid, signal.SIGKILL)  # killed in the middle of sending

    # acks_late + reject_on_worker_lost: the main process puts the message back, a new pool
    # process takes it, waits on nothing (the killed transaction was rolled back) and sends it.
    wait_for(lambda: _row(row.pk).status == OutboxEmail.Status.SENT, timeout=40,
             message=lambda: f"the e-mail to be re-sent; worker log:\n{_worker_log(worker)}")
    assert "WorkerLostError" in worker.log_path.read_text()  # the worker saw its process die
    assert len(_files(worker_process.marker_dir)) >= 2  # a second attempt, by another process
    assert _delivered(worker_process.mail_dir) == [SUBJECT]
    row = _row(row.pk)
    assert row.attempts == 1  # the killed attempt left nothing on the row: it was rolled back
    assert row.sent_at is not None
    # The periodic safety net, even much later, finds nothing left to send.
    with freeze_time(timezone.now() + timezone.timedelta(hours=2)):
        assert tasks.send_pending_emails() == 0
    assert _delivered(worker_process.mail_dir) == [SUBJECT]


@pytest.mark.django_db(transaction=True)
def test_whole_worker_killed_mid_send_the_email_is_sent_once_by_the_periodic_task(
    broker_on_own_redis, own_redis, worker_process, make_user, settings, monkeypatch
):
    row = _queue_email(make_user)
    worker = worker_process("doomed")
    wait_for(lambda: _files(worker_process.marker_dir), timeout=60, message="the worker to start sending")
    os.killpg(worker.pid, signal.SIGKILL)  # the whole worker, main process and pool, at once
    worker.wait(10)

    # Nothing was sent, the row is still pending with nothing recorded, and the broker still holds
    # the unacknowledged message.
    assert _delivered(worker_process.mail_dir) == []
    row = _row(row.pk)
    assert row.status == OutboxEmail.Status.PENDING and row.attempts == 0
    assert own_redis.unacked() == 1

    # The periodic task (here in the test process, with the same slow file backend) sends it once
    # PostgreSQL has released the dead worker's lock.
    settings.EMAIL_BACKEND = "tests.faults.backends.SlowFileBackend"
    settings.EMAIL_FILE_PATH = str(worker_process.mail_dir)
    monkeypatch.setenv("TSF_FAULTS_SEND_SECONDS", "0")
    monkeypatch.delenv("TSF_FAULTS_MARKER_DIR", raising=False)
    later = timezone.now() + timezone.timedelta(seconds=settings.TSF_OUTBOX_RESEND_AFTER + 1)
    sent = []

    def periodic_sends():
        with freeze_time(later):
            sent.append(tasks.send_pending_emails())
        connections.close_all()
        return sent[-1]

    wait_for(periodic_sends, timeout=20, interval=0.2, message="the periodic task to send the pending row")
    assert sent[-1] == 1
    with freeze_time(later + timezone.timedelta(hours=3)):
        assert tasks.send_pending_emails() == 0  # run again, late: nothing more
    assert _delivered(worker_process.mail_dir) == [SUBJECT]

    # A new worker gets the dead worker's message back from the broker (short visibility timeout
    # here; one hour in production) and runs the task again: the row is already sent, so nothing
    # is delivered a second time.
    connections.close_all()
    second = worker_process("second", TSF_FAULTS_VISIBILITY_TIMEOUT="2")
    wait_for(lambda: "succeeded in" in second.log_path.read_text(), timeout=60, interval=0.2,
             message=lambda: f"the redelivered task to run in the new worker; log:\n{_worker_log(second)}")
    log = second.log_path.read_text()
    assert "send_outbox_email" in log and "succeeded in" in log and ": False" in log, log[-3000:]  # did not send
    assert own_redis.unacked() == 0 and own_redis.queue_length("mail") == 0  # acknowledged, gone
    assert _delivered(worker_process.mail_dir) == [SUBJECT]
    row = _row(row.pk)
    assert row.status == OutboxEmail.Status.SENT and row.attempts == 1
