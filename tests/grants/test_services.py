"""The grant's services: award checks, schedule, tranches unlocked by their conditions, totals,
expenses checked against the budget lines."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grants import services
from grants.models import Grant, GrantStatus, Report, ReportStatus, Tranche, TrancheStatus
from tests.factories import AWARD_ACT, SERVICE_ACT
from tests.grants.factories import PDF, funded_item, make_grant, next_cup, past_call
from tsf.core.models import AuditEntry
from tsf.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(db):
    return past_call()


def test_award_copies_budget_builds_schedule_and_tranches(call, staff_user, promoter_user):
    item = funded_item(call, amount=Decimal("120000.00"), member=promoter_user)
    grant = services.award_grant(item, by=staff_user, cup="c11j18000120007", start_date=date(2019, 1, 1), **AWARD_ACT)
    assert grant.cup == "C11J18000120007"
    assert grant.end_date == date(2021, 1, 1)  # two years by default
    assert grant.status == GrantStatus.AWARDED
    lines = list(grant.budget_lines.all())
    assert [b.description for b in lines][0] == "Personale educativo"  # from version 2
    assert sum(b.amount for b in lines) == Decimal("132000.00")
    reports = list(grant.reports.order_by("number"))
    assert [(r.kind, r.due_date) for r in reports] == [
        ("interim", date(2019, 8, 1)), ("interim", date(2020, 2, 1)), ("interim", date(2020, 8, 1)),
        ("final", date(2021, 2, 1))]
    tranches = list(grant.tranches.order_by("order"))
    assert [t.amount for t in tranches] == [Decimal("48000.00"), Decimal("48000.00"), Decimal("24000.00")]
    assert tranches[0].condition == "signature" and tranches[1].report == reports[1] and tranches[2].report == reports[3]
    assert all(t.status == TrancheStatus.PLANNED for t in tranches)
    assert AuditEntry.objects.filter(action="grant.award").count() == 1
    assert Notification.objects.filter(recipient=promoter_user, event="grant_awarded").exists()


def test_tranche_split_is_exact_to_the_cent(call, staff_user):
    grant = make_grant(call, by=staff_user, amount=Decimal("99999.99"))
    amounts = [t.amount for t in grant.tranches.all()]
    assert sum(amounts) == Decimal("99999.99")


@pytest.mark.parametrize("cup", ["C11J1800012000", "111J18000120007", "CC1J18000120007", "C11J18000120007X"])
def test_cup_format_is_checked(call, staff_user, cup):
    item = funded_item(call)
    with pytest.raises(services.GrantError) as exc:
        services.award_grant(item, by=staff_user, cup=cup, start_date=date(2019, 1, 1), **AWARD_ACT)
    assert exc.value.field == "cup" and "a letter, two digits" in exc.value.messages[0]
    assert not Grant.objects.exists()


def test_award_refuses_more_than_the_maximum_and_the_budget(call, staff_user):
    call.total_budget = Decimal("200000.00")
    call.save()
    item = funded_item(call, amount=Decimal("150000.00"))
    with pytest.raises(services.GrantError, match="maximum grant"):
        services.award_grant(item, by=staff_user, cup=next_cup(), start_date=date(2019, 1, 1), **AWARD_ACT)
    services.award_grant(funded_item(call, amount=Decimal("140000.00")), by=staff_user, cup=next_cup(),
                         start_date=date(2019, 1, 1), **AWARD_ACT)
    with pytest.raises(services.GrantError, match="remaining budget of €60,000.00"):
        services.award_grant(funded_item(call, amount=Decimal("60000.01")), by=staff_user, cup=next_cup(),
                             start_date=date(2019, 1, 1), **AWARD_ACT)
    assert Grant.objects.count() == 1


def test_the_same_project_cannot_get_two_grants(call, staff_user):
    item = funded_item(call)
    services.award_grant(item, by=staff_user, cup=next_cup(), start_date=date(2019, 1, 1), **AWARD_ACT)
    with pytest.raises(services.GrantError, match="already has a grant"):
        services.award_grant(item, by=staff_user, cup=next_cup(), start_date=date(2019, 1, 1), **AWARD_ACT)


def test_tranche_unlocks_only_after_its_report_is_approved(call, staff_user, promoter_user):
    grant = make_grant(call, by=staff_user, member=promoter_user)
    first, interim_tranche, final_tranche = grant.tranches.order_by("order")
    with pytest.raises(services.GrantError, match="condition is not met"):
        services.mark_tranche_paid(first, paid_on=date(2025, 2, 1), by=staff_user, **SERVICE_ACT)
    services.sign_grant(grant, agreement=SimpleUploadedFile("c.pdf", PDF, "application/pdf"),
                        signed_on=date(2025, 1, 20), by=staff_user)
    first.refresh_from_db()
    assert first.status == TrancheStatus.PAYABLE
    services.mark_tranche_paid(first, paid_on=date(2025, 2, 1), by=staff_user, **SERVICE_ACT)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.ACTIVE

    report = interim_tranche.report
    line = grant.budget_lines.first()
    services.save_report(report, by=promoter_user, activities="Laboratori nel quartiere.", jobs_created=1,
                         volunteers_involved=4, reach={}, indicators=[], submit=True, expenses=[
                             {"id": None, "budget_line": line, "spent_on": report.period_start,
                              "amount": Decimal("1000.00"), "supplier": "Ferramenta Rossi",
                              "receipt": SimpleUploadedFile("r.pdf", PDF, "application/pdf")}])
    interim_tranche.refresh_from_db()
    assert interim_tranche.status == TrancheStatus.PLANNED  # submitted is not approved
    with pytest.raises(services.GrantError):
        services.mark_tranche_paid(interim_tranche, paid_on=date(2025, 9, 1), by=staff_user, **SERVICE_ACT)
    services.request_changes(report, by=staff_user, comment="Manca la fattura firmata.")
    interim_tranche.refresh_from_db()
    assert interim_tranche.status == TrancheStatus.PLANNED
    report.refresh_from_db()
    services.save_report(report, by=promoter_user, activities="Laboratori nel quartiere (rivisto).",
                         jobs_created=1, volunteers_involved=4, reach={}, indicators=[], expenses=[
                             {"id": e.pk, "budget_line": line, "spent_on": e.spent_on, "amount": e.amount,
                              "supplier": e.supplier} for e in report.expenses.all()], submit=True)
    services.approve_report(report, by=staff_user)
    interim_tranche.refresh_from_db()
    final_tranche.refresh_from_db()
    assert interim_tranche.status == TrancheStatus.PAYABLE
    assert final_tranche.status == TrancheStatus.PLANNED
    assert Notification.objects.filter(recipient=promoter_user, event="grant_report_changes").exists()
    assert Notification.objects.filter(recipient=promoter_user, event="grant_report_approved").exists()


def test_tranche_totals_never_exceed_the_grant(call, staff_user):
    grant = make_grant(call, by=staff_user, amount=Decimal("100000.00"))
    t1, t2, t3 = grant.tranches.order_by("order")
    with pytest.raises(services.GrantError, match="more than the grant"):
        services.set_tranche_amounts(grant, {t1.pk: Decimal("50000.00")}, by=staff_user)
    with pytest.raises(services.GrantError, match="more than the grant"):
        services.add_tranche(grant, amount=Decimal("0.01"), condition="signature", by=staff_user)
    services.set_tranche_amounts(grant, {t1.pk: Decimal("30000.00"), t2.pk: Decimal("40000.00")}, by=staff_user)
    services.add_tranche(grant, amount=Decimal("10000.00"), condition="signature", by=staff_user)
    total = sum(t.amount for t in Tranche.objects.filter(grant=grant))
    assert total == Decimal("100000.00")
    with pytest.raises(services.GrantError, match="more than the grant"):
        services.add_tranche(grant, amount=Decimal("0.01"), condition="signature", by=staff_user)


def test_expenses_cannot_overspend_a_budget_line_across_reports(call, staff_user, promoter_user):
    grant = make_grant(call, by=staff_user, member=promoter_user, signed=True,
                       lines=(Decimal("5000.00"), Decimal("100000.00")))
    line = grant.budget_lines.order_by("order").first()
    r1, r2 = list(grant.reports.order_by("number"))[:2]

    def expense(amount, report):
        return {"id": None, "budget_line": line, "spent_on": report.period_start, "amount": Decimal(amount),
                "supplier": "Coop Fornitore"}

    services.save_report(r1, by=promoter_user, activities="", jobs_created=0, volunteers_involved=0, reach={},
                         indicators=[], expenses=[expense("3000.00", r1)])
    with pytest.raises(services.GrantError) as exc:
        services.save_report(r2, by=promoter_user, activities="", jobs_created=0, volunteers_involved=0, reach={},
                             indicators=[], expenses=[expense("1500.00", r2), expense("600.00", r2)], submit=True)
    assert set(exc.value.errors["expenses"]) == {1}
    assert "over its €5,000.00" in exc.value.errors["expenses"][1]
    assert r2.expenses.count() == 0
    # A draft keeps the overspent line: the submission above is where the rule is checked.
    services.save_report(r2, by=promoter_user, activities="", jobs_created=0, volunteers_involved=0, reach={},
                         indicators=[], expenses=[expense("1500.00", r2), expense("600.00", r2)])
    assert r2.expenses.count() == 2


def test_submit_needs_activities_and_receipts(call, staff_user, promoter_user):
    grant = make_grant(call, by=staff_user, member=promoter_user, signed=True)
    report = grant.reports.first()
    with pytest.raises(services.GrantError) as exc:
        services.save_report(report, by=promoter_user, activities="", jobs_created=0, volunteers_involved=0,
                             reach={}, indicators=[], submit=True, expenses=[
                                 {"id": None, "budget_line": grant.budget_lines.first(),
                                  "spent_on": date(2025, 3, 1), "amount": Decimal("10.00"), "supplier": "X"}])
    assert "activities" in exc.value.errors and 0 in exc.value.errors["receipts"]
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE


def test_budget_lines_adjustable_only_before_signing(call, staff_user):
    grant = make_grant(call, by=staff_user, amount=Decimal("100000.00"))
    lines = [{"id": b.pk, "category": b.category, "description": b.description, "amount": b.amount}
             for b in grant.budget_lines.all()]
    lines[0]["amount"] = Decimal("10.00")
    with pytest.raises(services.GrantError, match="less than the grant"):
        services.save_budget_lines(grant, lines, by=staff_user)
    lines[0]["amount"] = Decimal("55000.00")
    services.save_budget_lines(grant, lines, by=staff_user)
    assert sum(b.amount for b in grant.budget_lines.all()) == Decimal("105000.00")
    services.sign_grant(grant, agreement=SimpleUploadedFile("c.pdf", PDF, "application/pdf"),
                        signed_on=date(2025, 1, 20), by=staff_user)
    with pytest.raises(services.GrantError, match="signed"):
        services.save_budget_lines(grant, lines, by=staff_user)


def test_report_status_model_helpers(call, staff_user):
    grant = make_grant(call, by=staff_user)
    r = grant.reports.first()
    assert r.is_overdue(today=r.due_date.replace(year=r.due_date.year + 1))
    assert not r.is_overdue(today=r.due_date)
    Report.objects.filter(pk=r.pk).update(status=ReportStatus.APPROVED)
    r.refresh_from_db()
    assert not r.is_overdue(today=r.due_date.replace(year=r.due_date.year + 1))
