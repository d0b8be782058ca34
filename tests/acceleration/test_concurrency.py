"""Capacity of the camp and booking of support slots hold when people act at the same time
(row locks on PostgreSQL, one writing transaction at a time on SQLite; threads with their own
connections)."""
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation

from acceleration import services
from acceleration.models import CampRegistration, RegistrationStatus, SupportSlot
from tests.acceleration.factories import funded_team, make_camp
from tests.grants.factories import past_call

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(funcs):
    barrier = threading.Barrier(len(funcs))
    results = []

    def wrap(f):
        translation.activate("en")  # each thread has its own language; these tests read English
        try:
            barrier.wait(timeout=10)
            f()
            results.append("ok")
        except services.AccelerationError as exc:
            results.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(f,)) for f in funcs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_concurrent_approvals_never_overbook_the_camp(staff_user):
    camp = make_camp(days_from_today=10, capacity=2)
    regs = [CampRegistration.objects.create(camp=camp, full_name=f"Esperto {i}", email=f"e{i}@example.org",
                                            kind="expert", consent=True) for i in range(5)]
    results = run_together([lambda r=r: services.approve_registration(r, by=staff_user) for r in regs])
    assert results.count("ok") == 2, results
    assert all("full" in r for r in results if r != "ok")
    assert CampRegistration.objects.filter(camp=camp, status=RegistrationStatus.APPROVED).count() == 2


def test_concurrent_bookings_give_the_slot_to_one_team(staff_user, make_user):
    call = past_call()
    teams = []
    for i in range(4):
        user = make_user(f"team{i}@example.org", roles=["promoter"])
        teams.append((funded_team(call, member=user), user))
    slot = services.offer_slot(by=staff_user, starts_at=timezone.now() + timedelta(days=2), minutes=45,
                               place="Via Corte d'Appello 16")
    results = run_together([lambda p=p, u=u: services.book_slot(slot, p, by=u) for p, u in teams])
    assert results.count("ok") == 1, results
    assert all("just been booked" in r for r in results if r != "ok")
    slot = SupportSlot.objects.get(pk=slot.pk)
    assert slot.proposal_id in {p.pk for p, _u in teams}
