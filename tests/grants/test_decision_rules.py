"""The call's rules on money and periods, enforced by the grants' services whatever a form sends:
a grant never exceeds the amount requested, the committee's proposal, the call's maximum nor the
programme's cap; less than proposed needs a recorded reason; an expense belongs to its report's
period; payments and revocations carry their acts; revoked grants stay in the transparency table."""
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from freezegun import freeze_time

from assessment.models import Decision
from grants import services
from grants.models import Grant, GrantStatus, TrancheStatus
from projects.models import ProposalVersion
from tests.factories import AWARD_ACT, NO_ACT, SERVICE_ACT
from tests.grants.factories import funded_item, make_grant, next_cup, past_call
from tsf.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(db):
    return past_call()


def _award(item, by, **kw):
    return services.award_grant(item, by=by, cup=next_cup(), start_date=date(2025, 1, 15), **{**AWARD_ACT, **kw})


def test_a_grant_never_exceeds_what_the_committee_proposed(call, staff_user):
    item = funded_item(call, amount=Decimal("100000.00"))
    ProposalVersion.objects.filter(proposal=item.proposal).update(requested_grant=Decimal("120000.00"))
    with pytest.raises(services.GrantError) as exc:
        _award(item, staff_user, amount=Decimal("100000.01"))
    assert exc.value.field == "amount"
    assert "exceeds the €100,000.00 proposed by the committee" in exc.value.messages[0]
    assert not Grant.objects.exists()


def test_a_grant_never_exceeds_what_the_applicant_requested(call, staff_user):
    item = funded_item(call, amount=Decimal("100000.00"))
    ProposalVersion.objects.filter(proposal=item.proposal).update(requested_grant=Decimal("90000.00"))
    with pytest.raises(services.GrantError) as exc:
        _award(item, staff_user, amount=Decimal("95000.00"), award_reason="Riduzione")
    assert "exceeds the €90,000.00 the applicant requested" in exc.value.messages[0]
    assert not Grant.objects.exists()


def test_a_grant_never_exceeds_the_calls_maximum(call, staff_user):
    call.max_grant = Decimal("80000.00")
    call.save()
    item = funded_item(call, amount=Decimal("100000.00"))
    with pytest.raises(services.GrantError, match="exceeds the call's maximum grant of €80,000.00"):
        _award(item, staff_user)
    assert not Grant.objects.exists()


def test_a_grant_never_exceeds_the_programme_cap_even_if_the_call_was_set_above_it(call, staff_user):
    # A call stored above the cap (the database constraint forbids it; the service does not rely on it).
    call.max_grant = Decimal("140000.00")
    item = funded_item(call, amount=Decimal("150000.00"), lines=(Decimal("90000.00"), Decimal("90000.00")))
    call.max_grant = Decimal("200000.00")  # in memory only, as a careless caller could pass it
    errors = services.award_problems(call, Decimal("150000.00"), Decimal("0"), item=item)
    assert errors["amount"] == "€150,000.00 exceeds the programme's cap of €140,000.00 per grant."


def test_awarding_less_than_proposed_needs_a_reason_kept_in_the_history(call, staff_user):
    item = funded_item(call, amount=Decimal("100000.00"))
    with pytest.raises(services.GrantError) as exc:
        _award(item, staff_user, amount=Decimal("90000.00"), award_reason="  ")
    assert exc.value.field == "award_reason"
    assert exc.value.messages == ["The committee proposed €100,000.00: give the reason for awarding €90,000.00."]
    assert not Grant.objects.exists()
    grant = _award(item, staff_user, amount=Decimal("90000.00"), award_reason="Spese di viaggio non ammissibili",
                   act_number="2025 00321", act_date=date(2025, 1, 10), official="Dott.ssa Maria Bianchi")
    assert grant.award_reason == "Spese di viaggio non ammissibili"
    assert grant.award_act == "Executive decision no. 2025 00321 of 10 January 2025 (Dott.ssa Maria Bianchi)"
    entry = AuditEntry.objects.get(action="grant.award")
    assert entry.note == "Spese di viaggio non ammissibili"
    assert entry.changes["amount"] == [None, "90000.00"] and entry.changes["proposed_amount"] == [None, "100000.00"]


@freeze_time("2025-03-10 10:00:00+01:00")
def test_a_payment_records_its_act_and_payment_order(call, staff_user):
    grant = make_grant(call, by=staff_user, signed=True)
    first = grant.tranches.get(order=1)
    assert first.status == TrancheStatus.PAYABLE
    with pytest.raises(services.GrantError) as exc:
        services.mark_tranche_paid(first, paid_on=date(2025, 3, 1), by=staff_user, act_number="2025 00400",
                                   act_date=date(2025, 2, 20), act_official="Dott. Luca Verdi",
                                   payment_order_number="1234", payment_order_date=date(2025, 2, 10))
    assert exc.value.field == "payment_order_date"
    services.mark_tranche_paid(first, paid_on=date(2025, 3, 1), by=staff_user, act_number="2025 00400",
                               act_date=date(2025, 2, 20), act_official="Dott. Luca Verdi",
                               payment_order_number="1234", payment_order_date=date(2025, 2, 25))
    first.refresh_from_db()
    assert (first.status, first.payment_order_number, first.payment_order_date) == ("paid", "1234", date(2025, 2, 25))
    assert first.act == "Executive decision no. 2025 00400 of 20 February 2025 (Dott. Luca Verdi)"


@freeze_time("2025-09-10 10:00:00+02:00")
def test_an_expense_outside_the_reports_period_is_refused(call, staff_user, promoter_user):
    grant = make_grant(call, by=staff_user, member=promoter_user, signed=True)
    report = grant.reports.order_by("number").first()
    line = grant.budget_lines.first()
    expense = {"id": None, "budget_line": line, "amount": Decimal("100.00"), "supplier": "Tipografia Rossi",
               "description": "", "receipt": None, "spent_on": report.period_end.replace(day=1)}
    late = {**expense, "spent_on": date(report.period_end.year + 1, 1, 5)}
    with pytest.raises(services.GrantError) as exc:
        services.save_report(report, by=promoter_user, activities="", jobs_created=0, volunteers_involved=0,
                             reach={}, indicators=[], expenses=[expense, late])
    assert list(exc.value.errors["dates"]) == [1]
    assert "outside the report's period" in exc.value.messages[0]
    assert not report.expenses.exists()
    services.save_report(report, by=promoter_user, activities="", jobs_created=0, volunteers_involved=0,
                         reach={}, indicators=[], expenses=[expense])
    assert report.expenses.count() == 1


def test_a_revoked_grant_keeps_its_act_and_stays_in_the_transparency_table_marked(call, staff_user, client):
    grant = make_grant(call, by=staff_user)
    kept = make_grant(call, by=staff_user, amount=Decimal("50000.00"))
    Grant.objects.filter(pk__in=[grant.pk, kept.pk]).update(
        award_act_number="2019 04567", award_act_date=date(2019, 10, 28), award_official="Dott.ssa Maria Bianchi")
    with pytest.raises(services.GrantError, match="reason"):
        services.revoke_grant(grant, by=staff_user, reason=" ", **SERVICE_ACT)
    services.revoke_grant(grant, by=staff_user, reason="Attività non avviate", act_number="2020 00999",
                          act_date=date(2020, 6, 1), act_official="Dott.ssa Maria Bianchi")
    grant.refresh_from_db()
    assert grant.status == GrantStatus.REVOKED and grant.revocation_reason == "Attività non avviate"
    page = client.get(reverse("grants:transparency")).content.decode()
    assert grant.cup in page and kept.cup in page
    assert "Revoked" in page and "Executive decision no. 2020 00999 of 1 June 2020" in page
    assert "no. 2019 04567" in page and "Dott.ssa Maria Bianchi" in page
    assert escape(grant.legal_basis) in page  # the legal basis in full
    assert "€50,000.00 in total" in page  # the revoked grant is not counted
    response = client.get(reverse("grants:transparency") + "?format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    first = text.splitlines()[0]
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ","))
    header = rows[0]
    body = {r[header.index("CUP")]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert body[grant.cup]["Stato"] == "Revocato" and body[grant.cup]["Atto di revoca (numero)"] == "2020 00999"
    assert body[kept.cup]["Atto di attribuzione (numero)"] == "2019 04567"
    assert body[kept.cup]["Funzionario responsabile"] == "Dott.ssa Maria Bianchi"
    assert body[kept.cup]["Norma o titolo a base dell'attribuzione"] == kept.legal_basis


def _award_act(act):
    """The award service names the official `official` (the award form's field)."""
    act = dict(act)
    act["official"] = act.pop("act_official")
    return act


@pytest.mark.parametrize(("act", "field", "message"), NO_ACT)
def test_no_award_without_its_municipal_act(call, staff_user, act, field, message):
    item = funded_item(call, amount=Decimal("100000.00"))
    with pytest.raises(services.GrantError) as exc:
        services.award_grant(item, by=staff_user, cup=next_cup(), start_date=date(2025, 1, 15), **_award_act(act))
    assert message in exc.value.messages
    assert exc.value.field == ("official" if field == "act_official" else field)
    assert not Grant.objects.exists() and not AuditEntry.objects.filter(action="grant.award").exists()


@pytest.mark.parametrize(("act", "field", "message"), NO_ACT)
def test_no_payment_without_its_municipal_act(call, staff_user, act, field, message):
    grant = make_grant(call, by=staff_user, signed=True)
    first = grant.tranches.get(order=1)
    with pytest.raises(services.GrantError) as exc:
        services.mark_tranche_paid(first, paid_on=date(2025, 3, 1), by=staff_user, payment_order_number="1234",
                                   payment_order_date=date(2025, 2, 25), **act)
    assert message in exc.value.messages and exc.value.field == field
    first.refresh_from_db()
    grant.refresh_from_db()
    assert (first.status, first.paid_on, first.act_number) == (TrancheStatus.PAYABLE, None, "")
    assert grant.status == GrantStatus.SIGNED


@pytest.mark.parametrize(("act", "field", "message"), NO_ACT)
def test_no_revocation_without_its_municipal_act(call, staff_user, act, field, message):
    grant = make_grant(call, by=staff_user)
    with pytest.raises(services.GrantError) as exc:
        services.revoke_grant(grant, by=staff_user, reason="Attività non avviate", **act)
    assert message in exc.value.messages and exc.value.field == field and field in exc.value.errors
    grant.refresh_from_db()
    assert grant.status == GrantStatus.AWARDED and grant.revoked_at is None and grant.revocation_act_number == ""


def test_the_revocation_form_shows_every_missing_part_of_the_act_beside_its_field(call, staff_user, client):
    grant = make_grant(call, by=staff_user)
    client.force_login(staff_user)
    response = client.post(reverse("grants:revoke", kwargs={"pk": grant.pk}),
                           {"reason": "", "act_number": "", "act_date": "2030-01-01", "act_official": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The date of the municipal act cannot be in the future." in page
    grant.refresh_from_db()
    assert grant.status == GrantStatus.AWARDED


def test_every_grant_in_the_transparency_table_and_its_csv_names_its_acts_legal_basis_and_official(
        call, staff_user, client):
    from projects.models import AdmissibilityCheck, AdmissibilityList

    grants = [make_grant(call, by=staff_user, amount=Decimal(n)) for n in ("100000.00", "60000.00", "45000.50")]
    made = AdmissibilityList.objects.create(call=call, number=1, act_number="2019 00100", act_date=date(2019, 3, 1),
                                            act_official="Dott.ssa Maria Bianchi")
    for g in grants:
        AdmissibilityCheck.objects.create(proposal=g.proposal, outcome="admissible", admissibility_list=made)
    Decision.objects.filter(pk=grants[0].decision_item.decision_id).update(
        act_number="2019 03301", act_date=date(2019, 7, 31), act_official="Dott.ssa Maria Bianchi")
    page = client.get(reverse("grants:transparency")).content.decode()
    for g in grants:
        assert f"no. {AWARD_ACT['act_number']}" in page and escape(g.legal_basis) in page
    assert page.count("28 October 2019") == 3 and page.count(AWARD_ACT["official"]) >= 3
    assert page.count("Admissibility list: Executive decision no. 2019 00100 of 1 March 2019") == 3
    assert page.count("Funding ranking: Executive decision no. 2019 03301 of 31 July 2019") == 3
    with translation.override("it"):
        response = client.get(reverse("grants:transparency") + "?format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    first = text.splitlines()[0]
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ","))
    header = rows[0]
    body = {r[header.index("CUP")]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(body) == {g.cup for g in grants}
    for g in grants:
        row = body[g.cup]
        assert row["Atto di attribuzione (numero)"] == AWARD_ACT["act_number"]
        assert row["Data dell'atto"] in ("28/10/2019", "2019-10-28")
        assert row["Funzionario responsabile"] == AWARD_ACT["official"]
        assert row["Norma o titolo a base dell'attribuzione"] == g.legal_basis
        assert row["Elenco di ammissibilità (atto)"] == "2019 00100"
        assert row["Graduatoria di finanziamento (atto)"] == "2019 03301"
