"""Redis stopped while a promoter submits: the proposal is saved with its protocol number, the page
answers normally and quickly, and the e-mail goes out exactly once after Redis returns.

The test runs its own Redis (another port), points the Celery app at it, stops it, submits through
the real view, starts it again on the same port with a real worker, and lets the periodic task
send what stayed in the outbox."""
import logging
import time

import pytest
from django.core import mail
from django.db import connections
from django.urls import reverse

from projects.models import Proposal
from tests.calls.factories import CallFactory
from tests.faults.conftest import _reset_pools, wait_for
from tests.projects.factories import MembershipFactory, OrganisationFactory, ProposalFactory, complete
from tsf.notifications import tasks
from tsf.notifications.models import OutboxEmail

pytestmark = pytest.mark.postgres_only  # PostgreSQL and Redis faults and timings, on purpose


@pytest.fixture
def thread_worker(broker_on_own_redis):
    """A real Celery worker in a thread of the test process, consuming the test's own Redis.
    Started by calling it (after Redis is back), stopped at the end."""
    from celery.contrib.testing.worker import start_worker

    started = []

    def start():
        _reset_pools(broker_on_own_redis)  # connections to the Redis that died are of no use
        cm = start_worker(broker_on_own_redis, queues=["default", "mail"], perform_ping_check=False,
                          shutdown_timeout=10, loglevel="WARNING")
        started.append(cm)
        return cm.__enter__()

    yield start
    for cm in reversed(started):
        cm.__exit__(None, None, None)
    connections.close_all()


def _worker_idle(own_redis):
    """Every message published so far was taken and acknowledged (tasks are acks_late)."""
    return own_redis.queue_length("mail") == 0 and own_redis.queue_length("default") == 0 and own_redis.unacked() == 0


@pytest.mark.django_db(transaction=True)
def test_redis_stopped_while_a_promoter_submits(
    client, promoter_user, own_redis, broker_on_own_redis, thread_worker, settings, caplog
):
    org = OrganisationFactory(legal_name="Cooperativa Sociale Il Riccio")
    MembershipFactory(user=promoter_user, organisation=org)
    proposal = complete(ProposalFactory(call=CallFactory(year=2031), organisation=org))
    client.force_login(promoter_user)

    # The portal published to Redis a moment ago (a live connection in the producer pool)...
    tasks.send_pending_emails.delay()
    assert own_redis.queue_length("mail") == 1
    # ...then Redis stops (and loses what it held: no persistence).
    own_redis.stop()
    caplog.set_level(logging.WARNING, logger="tsf.notifications.services")

    started = time.monotonic()
    response = client.post(reverse("projects:submit", args=[proposal.pk]))
    elapsed = time.monotonic() - started
    print(f"submission with Redis down answered in {elapsed:.2f}s")
    assert elapsed < 5, f"the submission hung for {elapsed:.1f}s with Redis down"
    assert "Broker unreachable" in caplog.text  # the task was really offered to the dead broker
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:receipt", args=[proposal.pk])
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.protocol_number == proposal.call.protocol_for(1)
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    assert proposal.protocol_number in receipt.content.decode()
    # The e-mail waits in the outbox; nobody has it yet.
    row = OutboxEmail.objects.get(to=promoter_user.email)
    assert row.event == "proposal_submitted" and row.status == OutboxEmail.Status.PENDING
    assert proposal.protocol_number in row.subject + row.body_text
    assert mail.outbox == []

    # Redis comes back on the same port; a real worker consumes it; the periodic task runs.
    own_redis.start()
    thread_worker()
    settings.TSF_OUTBOX_RESEND_AFTER = 0  # 120 s in production; the test does not wait for it
    tasks.send_pending_emails.delay()
    connections.close_all()
    wait_for(lambda: OutboxEmail.objects.get(pk=row.pk).status == OutboxEmail.Status.SENT, timeout=30,
             interval=0.1, message="the worker to send the pending e-mail")
    wait_for(lambda: _worker_idle(own_redis), timeout=15, message="the worker to finish")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [promoter_user.email]
    assert proposal.protocol_number in mail.outbox[0].subject + mail.outbox[0].body

    # The periodic task again, on the worker and here: nothing more is sent.
    tasks.send_pending_emails.delay()
    wait_for(lambda: _worker_idle(own_redis), timeout=15, message="the second periodic run to finish")
    assert tasks.send_pending_emails() == 0
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.SENT and row.attempts == 1
