"""The outbox: an e-mail is never lost when the broker or the mail server is down, and never sent
twice. Two tests run a real Celery worker (in a thread) against the test Redis."""
import threading
import time
from contextlib import contextmanager

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from tsf import celery_app
from tsf.notifications import tasks
from tsf.notifications.models import Notification, OutboxEmail
from tsf.notifications.services import notify

# Celery and kombu time their connections, retries and polling with the clock: these tests run on the real
# clock (`real_clock`), and measure only moments relative to it (a row two minutes old, an hour later).
pytestmark = pytest.mark.real_clock

CLOSED_PORT_BROKER = "redis://127.0.0.1:6390/0"


def _reset_pools():
    # Drop the app's references only: kombu keeps one pool per broker URL, reused when it comes back.
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def celery_config(**values):
    """Change the Celery app's configuration for one test, with fresh broker connections, and put
    it back afterwards. (Celery reads Django's CELERY_* settings, but its broker connection pool is
    made once: the explicit update and the pool reset make the change certain.)"""
    changes = celery_app.conf.changes
    saved = {key: changes[key] for key in values if key in changes}
    celery_app.conf.update(**values)
    _reset_pools()
    try:
        yield celery_app
    finally:
        for key in values:
            changes.pop(key, None)
        changes.update(saved)
        _reset_pools()


@pytest.fixture
def broker_down():
    with celery_config(broker_url=CLOSED_PORT_BROKER, task_always_eager=False):
        yield


@pytest.mark.django_db
def test_broker_down_the_change_is_saved_and_the_periodic_task_sends_it_once(
    make_user, broker_down, settings, django_capture_on_commit_callbacks
):
    user = make_user(language="en")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(user, "message", {"subject": "Your proposal was received", "text": "Thank you."})
    elapsed = time.monotonic() - started
    assert len(callbacks) == 1  # the sending was attempted after commit...
    assert elapsed < 5, f"notify() hung for {elapsed:.1f}s with the broker down"
    # ...it failed quickly, the change is saved and the e-mail waits in the outbox.
    assert Notification.objects.filter(recipient=user, title="Your proposal was received").exists()
    row = OutboxEmail.objects.get(to=user.email)
    assert row.status == OutboxEmail.Status.PENDING
    assert mail.outbox == []

    # Too early for the periodic task: a worker may still be about to send it.
    assert tasks.send_pending_emails() == 0
    assert mail.outbox == []
    later = timezone.now() + timezone.timedelta(seconds=settings.TSF_OUTBOX_RESEND_AFTER + 1)
    with freeze_time(later):
        assert tasks.send_pending_emails() == 1
        assert tasks.send_pending_emails() == 0  # run twice: nothing more
    with freeze_time(later + timezone.timedelta(hours=3)):
        assert tasks.send_pending_emails() == 0  # late: still nothing more
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your proposal was received"
    assert mail.outbox[0].to == [user.email]
    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.SENT and row.attempts == 1


@pytest.mark.django_db
def test_broker_down_a_page_answers_quickly_and_keeps_the_email(client, make_user, broker_down, django_capture_on_commit_callbacks):
    user = make_user(email="forgetful@example.org")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 5, f"the page hung for {elapsed:.1f}s with the broker down"
    row = OutboxEmail.objects.get(to=user.email)
    assert row.status == OutboxEmail.Status.PENDING
    with freeze_time(timezone.now() + timezone.timedelta(minutes=10)):
        tasks.send_pending_emails()
        tasks.send_pending_emails()
    assert len(mail.outbox) == 1


class ThreadRecordingBackend(LocmemBackend):
    """Delivers, remembering which thread did it."""

    threads = []

    def send_messages(self, messages):
        ThreadRecordingBackend.threads.append(threading.current_thread())
        return super().send_messages(messages)


class FailingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


class FlakyBackend(LocmemBackend):
    """Refuses the first message, then delivers."""

    failures_left = 1

    def send_messages(self, messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise ConnectionRefusedError("mail server down")
        return super().send_messages(messages)


@pytest.mark.django_db
def test_mail_server_down_the_attempt_and_error_are_kept_and_the_row_is_sent_later(
    make_user, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.tsf.test_outbox_worker.FailingBackend"
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user, "message", {"subject": "Hello", "text": "Text"})
    row = OutboxEmail.objects.get(to=user.email)
    assert row.status == OutboxEmail.Status.PENDING
    assert row.attempts == 1
    assert "mail server down" in row.last_error
    later = timezone.now() + timezone.timedelta(minutes=10)
    with freeze_time(later):
        assert tasks.send_pending_emails() == 0
    row.refresh_from_db()
    assert row.attempts == 2 and row.status == OutboxEmail.Status.PENDING
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with freeze_time(later):
        assert tasks.send_pending_emails() == 1
        assert tasks.send_pending_emails() == 0
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.SENT and row.attempts == 3 and row.last_error == ""


@pytest.mark.django_db
def test_a_row_that_keeps_failing_is_marked_failed_and_left_alone(make_user, settings):
    settings.EMAIL_BACKEND = "tests.tsf.test_outbox_worker.FailingBackend"
    settings.TSF_OUTBOX_MAX_ATTEMPTS = 2
    row = OutboxEmail.objects.create(to="x@example.org", subject="S", body_text="B")
    with freeze_time(timezone.now() + timezone.timedelta(minutes=10)):
        tasks.send_pending_emails()
        tasks.send_pending_emails()
        row.refresh_from_db()
        assert row.status == OutboxEmail.Status.FAILED and row.attempts == 2
        tasks.send_pending_emails()
    row.refresh_from_db()
    assert row.attempts == 2


class SlowBackend(LocmemBackend):
    def send_messages(self, messages):
        time.sleep(0.5)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_the_row_once(settings):
    """The task and the periodic task (or two workers) reach the same row together: the row lock
    (PostgreSQL; on SQLite, one writing transaction at a time) lets one send it; the other skips it."""
    from django.db import connections

    from tsf.notifications import outbox

    settings.EMAIL_BACKEND = "tests.tsf.test_outbox_worker.SlowBackend"
    row = OutboxEmail.objects.create(to="race@example.org", subject="Only once", body_text="B")
    results, barrier = [], threading.Barrier(2)

    def sender():
        try:
            barrier.wait()
            results.append(outbox.send_outbox_row(row.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.SENT and row.attempts == 1


# A real worker -------------------------------------------------------------------------------


@pytest.fixture
def real_worker(redis_url):
    """A Celery worker in a thread, consuming the "default" and "mail" queues of the test Redis.
    The worker thread opens its own database connection: the test must use a transactional
    database so that it sees the committed rows."""
    from celery.contrib.testing.worker import start_worker
    from django.db import connections

    with celery_config(broker_url=redis_url, task_always_eager=False, worker_hijack_root_logger=False):
        with celery_app.connection_for_write() as conn:
            for queue in ("default", "mail"):  # nothing left over from an earlier run
                try:
                    conn.default_channel.queue_purge(queue)
                except Exception:
                    pass
        with start_worker(
            celery_app, queues=["default", "mail"], perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"
        ) as worker:
            yield worker
    connections.close_all()


def _wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_email_once(real_worker, make_user, settings):
    settings.EMAIL_BACKEND = "tests.tsf.test_outbox_worker.ThreadRecordingBackend"
    ThreadRecordingBackend.threads = []
    user = make_user(language="en")
    notify(user, "message", {"subject": "Delivered by the worker", "text": "Hello."})  # autocommit: queued now
    row = OutboxEmail.objects.get(to=user.email)
    assert _wait_for(lambda: OutboxEmail.objects.get(pk=row.pk).status == OutboxEmail.Status.SENT), (
        OutboxEmail.objects.values("status", "attempts", "last_error").get(pk=row.pk)
    )
    assert [m.subject for m in mail.outbox] == ["Delivered by the worker"]
    # Sent by the worker's thread, not eagerly by the test.
    assert len(ThreadRecordingBackend.threads) == 1
    assert ThreadRecordingBackend.threads[0] is not threading.current_thread()
    # The periodic task, even late, does not send it again.
    with freeze_time(timezone.now() + timezone.timedelta(hours=1)):
        assert tasks.send_pending_emails() == 0
    time.sleep(0.3)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_a_failed_send_then_delivers_once(real_worker, make_user, settings):
    settings.EMAIL_BACKEND = "tests.tsf.test_outbox_worker.FlakyBackend"
    settings.TSF_OUTBOX_RETRY_BACKOFF = 0  # retry at once (30 s in production)
    FlakyBackend.failures_left = 1
    user = make_user()
    notify(user, "message", {"subject": "Second time lucky", "text": "Hello."})
    row = OutboxEmail.objects.get(to=user.email)
    assert _wait_for(lambda: OutboxEmail.objects.get(pk=row.pk).status == OutboxEmail.Status.SENT), (
        OutboxEmail.objects.values("status", "attempts", "last_error").get(pk=row.pk)
    )
    row.refresh_from_db()
    assert row.attempts == 2
    assert FlakyBackend.failures_left == 0
    assert [m.subject for m in mail.outbox] == ["Second time lucky"]


@pytest.mark.django_db(transaction=True)
def test_healthz_says_a_worker_answers(real_worker, client, settings, redis_url):
    settings.REDIS_URL = redis_url
    assert client.get("/healthz").json()["worker"] == "ok"
