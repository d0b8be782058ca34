"""A double (or eightfold) click on "Submit": one protocol number, no error page, no "database is
locked", on the default install's SQLite (a file shared by every request's connection) as on
PostgreSQL."""
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from projects.models import Membership, Proposal, ProposalStatus
from tests.calls.factories import CallFactory
from tests.projects.factories import ProposalFactory, complete
from tsf.core.models import AuditEntry
from tsf.notifications.models import OutboxEmail

pytestmark = pytest.mark.django_db(transaction=True)


def test_eight_clicks_on_submit_at_once_give_one_protocol_number(make_user):
    if connection.vendor == "sqlite":  # threads need a database file, not a private in-memory one
        assert settings.DATABASES["default"]["TEST"]["NAME"].endswith(".sqlite3")
    call = CallFactory(year=2018, protocol_prefix="TSF")
    user = make_user("promoter@example.org", roles=["promoter"])
    proposal = complete(ProposalFactory(call=call))
    Membership.objects.create(user=user, organisation=proposal.organisation)
    url = reverse("projects:submit", args=[proposal.pk])
    clients = []
    for _ in range(8):
        c = Client()
        c.force_login(user)
        clients.append(c)
    barrier = threading.Barrier(len(clients))
    answers, errors = [], []

    def click(c):
        try:
            barrier.wait(timeout=10)
            answers.append(c.post(url))
        except Exception as exc:  # noqa: BLE001 (a database error would surface here)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(a.status_code for a in answers) == [302] * 8
    receipts = [a for a in answers if a.url == reverse("projects:receipt", args=[proposal.pk])]
    assert len(receipts) == 1  # the other seven are told it was already submitted
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED and proposal.protocol_number == "TSF-2018-0001"
    assert Proposal.objects.filter(call=call).exclude(protocol_number="").count() == 1
    assert AuditEntry.objects.filter(action="proposal.submit").count() == 1
    assert OutboxEmail.objects.filter(to="promoter@example.org", event="proposal_submitted").count() == 1
    page = clients[0].get(reverse("projects:proposal", args=[proposal.pk]))
    assert "TSF-2018-0001" in page.content.decode()
