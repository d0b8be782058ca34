"""After the agreement is signed, staff change the amounts of the tranches not yet paid and add
tranches from the grant's page: every change within the grant, explained next to the field that is
wrong, audited; a paid tranche never changes; nobody but staff gets in."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from grants import services
from grants.models import Tranche, TrancheStatus
from tests.factories import SERVICE_ACT
from tests.grants.factories import make_grant, past_call
from tsf.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(staff_user, promoter_user):
    """A signed grant of 100,000 EUR: tranches 40,000 (paid at signature, payable), 40,000, 20,000."""
    return make_grant(past_call(), by=staff_user, member=promoter_user, signed=True)


def page(grant):
    return reverse("grants:tranches", kwargs={"pk": grant.pk})


def amounts(grant):
    return [(t.order, t.amount, t.status) for t in grant.tranches.order_by("order")]


def amounts_post(grant, **by_order):
    data = {"action": "amounts"}
    for t in grant.tranches.all():
        data[f"tr-t{t.pk}"] = str(by_order.get(f"t{t.order}", t.amount))
    return data


def test_the_grant_page_leads_staff_to_the_tranches(staff_client, signed):
    detail = staff_client.get(signed.get_absolute_url()).content.decode()
    assert page(signed) in detail and "Change or add tranches" in detail
    response = staff_client.get(page(signed))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Change the amounts" in body and "Add a tranche" in body
    assert "not yet in a tranche €0.00" in body


def test_staff_move_money_between_unpaid_tranches(staff_client, signed):
    orders = amounts(signed)
    assert [o[1] for o in orders] == [Decimal("40000.00"), Decimal("40000.00"), Decimal("20000.00")]
    response = staff_client.post(page(signed), amounts_post(signed, t2="30000.00", t3="30000.00"))
    assert response.status_code == 302 and response["Location"].endswith("#tranches")
    assert [o[1] for o in amounts(signed)] == [Decimal("40000.00"), Decimal("30000.00"), Decimal("30000.00")]
    entry = AuditEntry.objects.filter(action="grant.tranches").latest("pk")
    assert entry.changes == {"tranche_2": ["40000.00", "30000.00"], "tranche_3": ["20000.00", "30000.00"]}


def test_more_than_the_grant_is_refused_with_a_message_and_nothing_changes(staff_client, signed):
    before = amounts(signed)
    response = staff_client.post(page(signed), amounts_post(signed, t3="25000.00"))
    assert response.status_code == 200
    assert "more than the grant of €100,000.00" in response.content.decode()
    assert amounts(signed) == before
    response = staff_client.post(page(signed), amounts_post(signed, t2="-5"))
    assert response.status_code == 200 and response.context["amounts_form"].errors
    assert amounts(signed) == before


def test_a_paid_tranche_keeps_its_amount(staff_client, signed, staff_user):
    first = signed.tranches.get(order=1)
    services.mark_tranche_paid(first, paid_on=date(2025, 2, 1), by=staff_user, **SERVICE_ACT)
    form = staff_client.get(page(signed)).context["amounts_form"]
    assert form.fields[f"t{first.pk}"].disabled
    # A value sent for the paid tranche anyway is not used: the disabled field keeps its amount.
    response = staff_client.post(page(signed), amounts_post(signed, t1="1.00", t3="10000.00"))
    assert response.status_code == 302
    assert amounts(signed) == [(1, Decimal("40000.00"), TrancheStatus.PAID), (2, Decimal("40000.00"), "planned"),
                               (3, Decimal("10000.00"), "planned")]


def test_staff_add_a_tranche_that_waits_for_a_report(staff_client, signed):
    staff_client.post(page(signed), amounts_post(signed, t3="10000.00"))  # 10,000 EUR left
    report = signed.reports.order_by("due_date").last()
    response = staff_client.post(page(signed), {"action": "add", "new-amount": "10000.00", "new-condition": "report",
                                                "new-report": str(report.pk)})
    assert response.status_code == 302
    added = signed.tranches.get(order=4)
    assert (added.amount, added.condition, added.report_id, added.status) == (
        Decimal("10000.00"), "report", report.pk, TrancheStatus.PLANNED)
    assert AuditEntry.objects.filter(action="grant.tranche_add").exists()


def test_a_tranche_added_as_payable_at_once_can_be_paid(staff_client, signed):
    staff_client.post(page(signed), amounts_post(signed, t3="15000.00"))
    response = staff_client.post(page(signed), {"action": "add", "new-amount": "5000.00", "new-condition": "signature"})
    assert response.status_code == 302
    assert signed.tranches.get(order=4).status == TrancheStatus.PAYABLE


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"new-amount": "1.00", "new-condition": "signature"}, "amount", "more than the grant"),
    ({"new-amount": "1.00", "new-condition": "report"}, "report", "Choose the report the tranche waits for."),
    ({"new-amount": "0", "new-condition": "signature"}, "amount", ""),
    ({"new-amount": "abc", "new-condition": "signature"}, "amount", ""),
    ({"new-amount": "1.00", "new-condition": "yesterday"}, "condition", ""),
])
def test_a_wrong_new_tranche_is_answered_next_to_its_field(staff_client, signed, data, field, message):
    before = amounts(signed)
    response = staff_client.post(page(signed), {"action": "add", **data})
    assert response.status_code == 200
    errors = response.context["add_form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert amounts(signed) == before and not AuditEntry.objects.filter(action="grant.tranche_add").exists()


def test_before_the_signature_and_after_the_end_the_page_sends_back(staff_client, staff_user, promoter_user, signed):
    awarded = make_grant(past_call(), by=staff_user, member=promoter_user)
    response = staff_client.get(page(awarded), follow=True)
    assert "Before the signature, the tranches change with the budget." in response.content.decode()
    services.revoke_grant(signed, by=staff_user, reason="Attività mai avviate", **SERVICE_ACT)
    response = staff_client.post(page(signed), amounts_post(signed, t2="1.00"), follow=True)
    assert "can no longer change" in response.content.decode()
    assert Tranche.objects.get(grant=signed, order=2).amount == Decimal("40000.00")


def test_only_staff_reach_the_tranches(client, signed, promoter_user, make_user):
    client.force_login(promoter_user)  # a member of the funded team
    assert client.get(page(signed)).status_code == 403
    assert client.post(page(signed), amounts_post(signed, t2="1.00")).status_code == 403
    client.force_login(make_user("tutor@example.org", roles=["tutor"]))
    assert client.get(page(signed)).status_code == 403
    assert Tranche.objects.get(grant=signed, order=2).amount == Decimal("40000.00")
