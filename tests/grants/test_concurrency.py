"""Two awards at the same time can never pass the call's remaining budget (a row lock on PostgreSQL,
one writing transaction at a time on SQLite)."""
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation

from grants import services
from grants.models import Grant
from tests.factories import AWARD_ACT
from tests.grants.factories import funded_item, next_cup, past_call

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_awards_cannot_exceed_the_budget(staff_user):
    call = past_call(total_budget=Decimal("200000.00"))
    items = [funded_item(call, amount=Decimal("120000.00")) for _ in range(4)]
    cups = [next_cup() for _ in items]
    barrier = threading.Barrier(len(items))
    results = []

    def award(item, cup):
        translation.activate("en")  # each thread has its own language; these tests read English
        try:
            barrier.wait(timeout=10)
            services.award_grant(item, by=staff_user, cup=cup, start_date=date(2019, 1, 1), **AWARD_ACT)
            results.append("ok")
        except services.GrantError as exc:
            results.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=award, args=(i, c)) for i, c in zip(items, cups, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results.count("ok") == 1, results
    assert all("remaining budget" in r for r in results if r != "ok")
    assert Grant.objects.filter(call=call).count() == 1
    assert sum(g.amount for g in Grant.objects.filter(call=call)) <= call.total_budget


def test_concurrent_awards_of_the_same_item_make_one_grant(staff_user):
    call = past_call()
    item = funded_item(call)
    barrier = threading.Barrier(3)
    results = []

    def award(cup):
        translation.activate("en")  # each thread has its own language; these tests read English
        try:
            barrier.wait(timeout=10)
            services.award_grant(item, by=staff_user, cup=cup, start_date=date(2019, 1, 1), **AWARD_ACT)
            results.append("ok")
        except services.GrantError as exc:
            results.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=award, args=(next_cup(),)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results.count("ok") == 1, results
    assert Grant.objects.filter(proposal=item.proposal).count() == 1
