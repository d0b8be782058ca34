"""The database connection lost in the middle of a committee decision: nothing half-applied, and a
clear error page (the portal's 500 page, no traceback).

The fault is real: after the first proposal has moved, another connection terminates the web
request's PostgreSQL backend (pg_terminate_backend). monkeypatch only wraps change_status to pull
the plug at that moment; the database is never mocked."""
import time

import psycopg2
import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from assessment import services as assessment_services
from assessment.models import Decision, DecisionItem
from projects.models import Proposal
from tests.assessment.factories import (
    ACT,
    RoundFactory,
    add_committee,
    assign_cleared,
    close,
    make_criteria,
    make_proposal,
    submit_scores,
)
from tests.faults.conftest import wait_for
from tsf.core.models import AuditEntry
from tsf.notifications.models import Notification, OutboxEmail

pytestmark = pytest.mark.postgres_only  # PostgreSQL and Redis faults and timings, on purpose

ERROR_PAGE_TEXT = "Il servizio ha avuto un problema"


def _admin_connection():
    s = connection.settings_dict
    conn = psycopg2.connect(dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"] or None,
                            host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432)
    conn.autocommit = True
    return conn


@pytest.fixture
def round_to_decide(make_user):
    """A selection round (quota 3) with 4 admissible, scored proposals."""
    assessors = [make_user(f"valutatore{i}@example.org", roles=["assessor"]) for i in (1, 2)]
    rnd = RoundFactory(quota=3)
    make_criteria(rnd)
    add_committee(rnd, assessors)
    promoter = make_user("team@example.org", roles=["promoter"])
    proposals = [make_proposal(rnd.call, member=promoter) for _ in range(4)]
    for i, p in enumerate(proposals):
        submit_scores(assign_cleared(rnd, p, assessors[0]), [9 - i, 5, 5])
        submit_scores(assign_cleared(rnd, p, assessors[1]), [8 - i, 6, 4])
    return close(rnd), proposals


@pytest.mark.django_db(transaction=True)
def test_connection_lost_mid_decision_nothing_half_applied_and_a_clear_error_page(
    postgres, round_to_decide, staff_user, monkeypatch, caplog
):
    rnd, proposals = round_to_decide
    client = Client(raise_request_exception=False)  # as in production: the handler answers
    client.force_login(staff_user)
    url = reverse("assessment:decide", kwargs={"pk": rnd.pk})
    confirm_page = client.post(url, {"count": 3, "minutes": "Seduta del 26 febbraio", **ACT})
    assert confirm_page.status_code == 200
    data = {"confirm": "1", "minutes": "Seduta del 26 febbraio", **ACT}
    for r in confirm_page.context["rows"]:
        data[f"outcome_{r.proposal.pk}"] = r.outcome
    audit_before = AuditEntry.objects.count()

    real_change_status = assessment_services.change_status
    moved = []
    admin = _admin_connection()

    def change_status_then_lose_the_connection(proposal, new_status, **kwargs):
        result = real_change_status(proposal, new_status, **kwargs)
        moved.append(proposal.pk)
        if len(moved) == 1:  # the first proposal has moved (inside the decision's transaction)
            pid = connection.connection.get_backend_pid()
            with admin.cursor() as cur:
                cur.execute("SELECT pg_terminate_backend(%s)", [pid])
                assert cur.fetchone()[0] is True

                def backend_gone():
                    cur.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                    return cur.fetchone()[0] == 0

                wait_for(backend_gone, timeout=10, message="PostgreSQL to end the web request's backend")
        return result

    monkeypatch.setattr(assessment_services, "change_status", change_status_then_lose_the_connection)
    try:
        started = time.monotonic()
        response = client.post(url, data)
        elapsed = time.monotonic() - started
    finally:
        admin.close()
        monkeypatch.undo()

    # The fault happened where it was meant to: after one proposal had moved, before the second.
    assert len(moved) == 1
    # A clear error page, quickly, in the portal's words, with no traceback.
    assert response.status_code == 500
    page = response.content.decode()
    assert ERROR_PAGE_TEXT in page
    assert "Traceback" not in page and "OperationalError" not in page and "InterfaceError" not in page
    assert elapsed < 10
    # ...and the cause, in the server's log, is the lost connection.
    errors = [r.exc_info[1] for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert errors and isinstance(errors[-1], (OperationalError, InterfaceError)), errors
    # Nothing half-applied: no status changed (not even the first), no decision, no trace of it.
    assert sorted(Proposal.objects.filter(pk__in=[p.pk for p in proposals]).values_list("status", flat=True)) == [
        "admissible"] * 4
    assert not Decision.objects.exists()
    assert not DecisionItem.objects.exists()
    assert AuditEntry.objects.count() == audit_before
    assert not AuditEntry.objects.filter(action__in=["proposal.assessment", "assessment.decision"]).exists()
    assert not Notification.objects.filter(event="assessment_outcome").exists()
    assert not OutboxEmail.objects.filter(event="assessment_outcome").exists()

    # The database is back for the next request: the same confirmation applies the whole decision.
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:minutes", kwargs={"pk": rnd.pk})
    statuses = sorted(Proposal.objects.filter(pk__in=[p.pk for p in proposals]).values_list("status", flat=True))
    assert statuses == ["admitted_to_incubation"] * 3 + ["not_selected"]
    assert Decision.objects.count() == 1 and DecisionItem.objects.count() == 4
