"""Fifty promoters submitting in the last minute before the deadline (PostgreSQL, real clock):
every one on time is accepted, protocol numbers are unique and gapless, no server error; a
submission at the closing second is refused with the message, never an error."""
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from calls.reference import ensure_reference_data
from projects.models import Proposal
from tests.calls.factories import CallFactory
from tests.projects.factories import MembershipFactory, OrganisationFactory, ProposalFactory, complete
from tsf.notifications.models import Notification

pytestmark = pytest.mark.postgres_only  # PostgreSQL and Redis faults and timings, on purpose

PROMOTERS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_promoters_in_the_last_minute(postgres, make_user):
    ensure_reference_data()
    call = CallFactory(year=2032)
    teams = []
    for i in range(PROMOTERS + 1):  # the last one is late
        user = make_user(f"promotore{i:02d}@example.org", roles=["promoter"], full_name=f"Promotore {i:02d}")
        org = OrganisationFactory(legal_name=f"Cooperativa Sociale Numero {i:02d}")
        MembershipFactory(user=user, organisation=org)
        proposal = complete(ProposalFactory(call=call, organisation=org))
        client = Client(raise_request_exception=False)  # a server error is an answer to count, not a crash
        client.force_login(user)
        teams.append((client, proposal))
    on_time, (late_client, late_proposal) = teams[:PROMOTERS], teams[PROMOTERS]

    # The call closes one minute from now, on the second.
    closes_at = (timezone.now() + timedelta(seconds=60)).replace(microsecond=0)
    call.closes_at = closes_at
    call.save(update_fields=["closes_at"])
    connections.close_all()

    barrier = threading.Barrier(PROMOTERS)
    answers, failures = {}, []

    def promoter(client, proposal):
        try:
            barrier.wait(timeout=30)
            response = client.post(reverse("projects:submit", args=[proposal.pk]))
            answers[proposal.pk] = (response.status_code, response.get("Location", ""))
        except Exception as exc:  # noqa: BLE001 - reported below with the others
            failures.append(f"{proposal.pk}: {exc!r}")
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=promoter, args=team, daemon=True) for team in on_time]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    assert not any(t.is_alive() for t in threads), "some submissions never answered"
    assert not failures, failures
    finished = timezone.now()
    assert finished < closes_at, "the submissions took longer than the last minute: the test proves nothing"

    # Every one accepted: sent to its receipt, no server error.
    assert len(answers) == PROMOTERS
    wrong = {pk: a for pk, a in answers.items() if a != (302, reverse("projects:receipt", args=[pk]))}
    assert not wrong, f"not accepted: {wrong}"
    submitted = list(Proposal.objects.filter(call=call, status=Proposal.Status.SUBMITTED).order_by("protocol_seq"))
    assert len(submitted) == PROMOTERS
    # Protocol numbers unique and gapless, in the order the submissions were recorded.
    assert [p.protocol_seq for p in submitted] == list(range(1, PROMOTERS + 1))
    assert [p.protocol_number for p in submitted] == [call.protocol_for(n) for n in range(1, PROMOTERS + 1)]
    assert all(p.submitted_at < closes_at for p in submitted)
    assert [p.submitted_at for p in submitted] == sorted(p.submitted_at for p in submitted)
    # Every team told, once.
    assert Notification.objects.filter(event="proposal_submitted").count() == PROMOTERS
    assert len(mail.outbox) == PROMOTERS
    assert len({m.to[0] for m in mail.outbox}) == PROMOTERS

    # At the closing second the call is closed: refused with the message, the draft kept.
    with freeze_time(closes_at):
        response = late_client.post(reverse("projects:submit", args=[late_proposal.pk]), follow=True)
    assert response.status_code == 200
    late_proposal.refresh_from_db()
    assert late_proposal.status == Proposal.Status.DRAFT and not late_proposal.protocol_number
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and messages[0].startswith(("Il bando", "The call")), messages
    assert timezone.localtime(closes_at).strftime("%H:%M:%S") in messages[0]  # when it closed, Rome time
    assert Proposal.objects.filter(call=call, status=Proposal.Status.SUBMITTED).count() == PROMOTERS
    assert len(mail.outbox) == PROMOTERS
