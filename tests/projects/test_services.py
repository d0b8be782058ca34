"""Services of proposals: tax codes, budget and grant cap, the deadline to the second across a
daylight-saving change, protocol numbers under concurrency, the status table."""
import threading
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from freezegun import freeze_time

from projects import services
from projects.models import (
    Membership,
    Proposal,
    ProposalStatus,
    ProposalVersion,
    validate_codice_fiscale,
    validate_partita_iva,
)
from projects.services import ALLOWED_MOVES, change_status, grant_problems, submit_proposal
from tests.calls.factories import CallFactory
from tests.projects.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProposalFactory,
    complete,
    partita_iva,
)
from tsf.core.models import AuditEntry
from tsf.notifications.models import Notification, OutboxEmail

ROME = ZoneInfo("Europe/Rome")


# Codice fiscale and partita IVA -------------------------------------------------------------

@pytest.mark.parametrize("value", ["RCCMNL83S18D969H", "00514490010", "80087670016"])
def test_valid_codice_fiscale(value):
    validate_codice_fiscale(value)


@pytest.mark.parametrize("value", ["01234567890", "01234567897", "RCCMNL83S18D969X", "12345", "ABCDEFGHIJKLMNOP", ""])
def test_invalid_codice_fiscale(value):
    with pytest.raises(ValidationError):
        validate_codice_fiscale(value)


def test_partita_iva():
    validate_partita_iva("00514490010")  # City of Turin's VAT number
    validate_partita_iva(partita_iva(42))
    for bad in ("00514490011", "1234567890", "RCCMNL83S18D969H"):
        with pytest.raises(ValidationError):
            validate_partita_iva(bad)


@pytest.mark.django_db
def test_organisation_form_reports_bad_codes_next_to_fields():
    from projects.forms import OrganisationForm

    form = OrganisationForm(data={"legal_name": "X", "legal_form": "aps", "codice_fiscale": "01234567890",
                                  "partita_iva": "123", "address": "Via Po 1", "postcode": "10124",
                                  "city": "Torino", "province": "TO", "legal_representative": "A B"})
    assert not form.is_valid()
    assert "codice fiscale" in form.errors["codice_fiscale"][0]
    assert "partita IVA" in form.errors["partita_iva"][0]
    form = OrganisationForm(data={"legal_name": "X", "legal_form": "aps", "codice_fiscale": " 0051 4490 010 ",
                                  "partita_iva": "IT00514490010", "address": "Via Po 1", "postcode": "10124",
                                  "city": "Torino", "province": "TO", "legal_representative": "A B"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["codice_fiscale"] == "00514490010"
    assert form.cleaned_data["partita_iva"] == "00514490010"


# Budget and grant cap ------------------------------------------------------------------------

def test_grant_problems_with_decimal():
    max_grant = Decimal("140000.00")
    assert grant_problems(Decimal("140000.00"), Decimal("140000.00"), max_grant) == []
    assert len(grant_problems(Decimal("140000.01"), Decimal("200000.00"), max_grant)) == 1
    assert len(grant_problems(Decimal("100000.01"), Decimal("100000.00"), max_grant)) == 1
    assert grant_problems(Decimal("0.00"), Decimal("10.00"), max_grant)  # nothing requested


@pytest.mark.django_db
def test_budget_total_is_exact_decimal():
    proposal = complete(ProposalFactory(), lines=(Decimal("0.10"), Decimal("0.20"), Decimal("33333.33")))
    version = proposal.versions.get()
    assert version.budget_total() == Decimal("33333.63")
    assert isinstance(version.budget_total(), Decimal)


@pytest.mark.django_db
def test_budget_formset_total_and_cap_checked_at_submission():
    from projects.forms import BudgetFormSet, BudgetStepForm
    from projects.services import save_step, submission_problems

    proposal = ProposalFactory()
    version = proposal.versions.get()
    data = {
        "requested_grant": "70000.01", "co_financing": "0",
        "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "60",
        "lines-0-category": "personnel", "lines-0-description": "Educatori", "lines-0-amount": "50000.005",
        "lines-1-category": "works", "lines-1-description": "Lavori", "lines-1-amount": "20000.00",
    }
    formset = BudgetFormSet(data, instance=version, prefix="lines")
    assert not formset.is_valid()  # three decimals are refused next to the amount
    data["lines-0-amount"] = "50000.00"
    formset = BudgetFormSet(data, instance=version, prefix="lines")
    form = BudgetStepForm(data, instance=version, call=proposal.call)
    # A draft takes a request above its lines; submission names the problem on the budget step.
    assert form.is_valid() and formset.is_valid()
    assert formset.total() == Decimal("70000.00")
    save_step(version, form, formset)
    problems = [m for step, m in submission_problems(version) if step == "budget"]
    assert any("exceeds the total" in m for m in problems)
    data["requested_grant"] = "140000.01"
    data["lines-1-amount"] = "200000.00"
    data.update({"lines-INITIAL_FORMS": "2", "lines-0-id": str(version.budget_lines.all()[0].pk),
                 "lines-1-id": str(version.budget_lines.all()[1].pk)})
    form = BudgetStepForm(data, instance=version, call=proposal.call)
    formset = BudgetFormSet(data, instance=version, prefix="lines")
    assert form.is_valid() and formset.is_valid()
    save_step(version, form, formset)
    problems = [m for step, m in submission_problems(version) if step == "budget"]
    assert any("maximum" in m for m in problems) and not any("exceeds the total" in m for m in problems)


@pytest.mark.django_db
def test_submission_refused_when_grant_over_cap(make_user):
    user = make_user(roles=["promoter"])
    proposal = complete(ProposalFactory(), grant=Decimal("140000.01"), lines=(Decimal("150000.00"),))
    Membership.objects.create(user=user, organisation=proposal.organisation)
    with pytest.raises(services.IncompleteProposal) as exc:
        submit_proposal(proposal, user)
    assert any("maximum" in m for m in exc.value.messages)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.DRAFT


# The deadline, to the second, across a daylight-saving change --------------------------------

def _dst_call():
    # Summer time starts in Italy on 25 March 2018 at 02:00 (CET +01:00 -> CEST +02:00).
    return CallFactory(opens_at=datetime(2018, 3, 20, 9, 0, tzinfo=ROME),
                       closes_at=datetime(2018, 3, 25, 12, 0, tzinfo=ROME), year=2018)


@pytest.mark.django_db
def test_deadline_one_second_before_accepted_across_dst(make_user):
    call = _dst_call()
    assert call.closes_at.utcoffset() == timedelta(hours=2)  # CEST: 10:00 UTC
    user = make_user(roles=["promoter"])
    proposal = complete(ProposalFactory(call=call))
    Membership.objects.create(user=user, organisation=proposal.organisation)
    with freeze_time("2018-03-25 09:59:59+00:00"):  # 11:59:59 in Rome
        submit_proposal(proposal, user)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.protocol_number == "TSF-2018-0001"


@pytest.mark.django_db
def test_deadline_one_second_after_refused_across_dst(make_user):
    call = _dst_call()
    user = make_user(roles=["promoter"])
    proposal = complete(ProposalFactory(call=call))
    Membership.objects.create(user=user, organisation=proposal.organisation)
    # 10:00:01 UTC is 12:00:01 in Rome (summer time): refused, although it would still be
    # 11:00:01 with the winter offset the call opened under.
    with freeze_time("2018-03-25 10:00:01+00:00"):
        with pytest.raises(services.CallClosed) as exc:
            submit_proposal(proposal, user)
    assert "25 march 2018, 12:00:00" in str(exc.value).lower() or "25 marzo 2018, 12:00:00" in str(exc.value).lower()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT
    version = proposal.versions.get()
    assert version.title.startswith("Hub di comunità") and version.budget_lines.count() == 2  # nothing lost
    assert not version.frozen


@pytest.mark.django_db
def test_deadline_exactly_at_closing_is_refused_on_autumn_change(make_user):
    # Back to winter time on 28 October 2018 at 03:00 CEST -> 02:00 CET.
    call = CallFactory(opens_at=datetime(2018, 10, 20, 9, 0, tzinfo=ROME),
                       closes_at=datetime(2018, 10, 28, 12, 0, tzinfo=ROME), year=2018)
    user = make_user(roles=["promoter"])
    p1 = complete(ProposalFactory(call=call))
    p2 = complete(ProposalFactory(call=call))
    for p in (p1, p2):
        Membership.objects.create(user=user, organisation=p.organisation)
    with freeze_time("2018-10-28 10:59:59+00:00"):  # 11:59:59 CET
        submit_proposal(p1, user)
    with freeze_time("2018-10-28 11:00:00+00:00"), pytest.raises(services.CallClosed):
        submit_proposal(p2, user)


# Submission effects ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_submission_freezes_version_numbers_notifies_and_audits(make_user, django_capture_on_commit_callbacks):
    user = make_user(roles=["promoter"], full_name="Piera Promotrice")
    colleague = make_user(roles=["promoter"])
    proposal = complete(ProposalFactory())
    Membership.objects.create(user=user, organisation=proposal.organisation)
    Membership.objects.create(user=colleague, organisation=proposal.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        submit_proposal(proposal, user)
    proposal.refresh_from_db()
    number = proposal.protocol_number
    assert number == f"TSF-{proposal.call.year}-0001"
    assert proposal.versions.get(number=1).frozen
    assert AuditEntry.objects.filter(action="proposal.submit", object_id=str(proposal.pk)).exists()
    assert Notification.objects.filter(recipient=user, event="proposal_submitted").exists()
    row = OutboxEmail.objects.get(to=user.email, event="proposal_submitted")
    assert number in row.subject and number in row.body_text
    assert OutboxEmail.objects.filter(to=colleague.email, event="proposal_submitted").exists()
    assert any(number in m.subject for m in mail.outbox)
    # once submitted, nothing can change it
    with pytest.raises(services.ProposalError):
        services.ensure_editable(proposal.versions.get(number=1))
    with pytest.raises(services.TransitionNotAllowed):
        submit_proposal(proposal, user)


@pytest.mark.django_db
def test_withdraw_only_before_deadline(make_user):
    user = make_user(roles=["promoter"])
    proposal = complete(ProposalFactory())
    Membership.objects.create(user=user, organisation=proposal.organisation)
    submit_proposal(proposal, user)
    services.withdraw_proposal(proposal, by=user, reason="Errore")
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.WITHDRAWN
    other = complete(ProposalFactory(call=proposal.call))
    Membership.objects.create(user=user, organisation=other.organisation)
    submit_proposal(other, user)
    call = proposal.call
    with freeze_time(call.closes_at + timedelta(seconds=1)), pytest.raises(services.CallClosed):
        services.withdraw_proposal(other, by=user)


@pytest.mark.django_db
def test_status_table_is_enforced_and_audited(staff_user):
    proposal = ProposalFactory()
    with pytest.raises(services.TransitionNotAllowed):
        change_status(proposal, ProposalStatus.FUNDED, by=staff_user)
    Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.SUBMITTED)
    proposal.refresh_from_db()
    change_status(proposal, ProposalStatus.ADMISSIBLE, by=staff_user, note="ok")
    change_status(proposal, ProposalStatus.ADMITTED_TO_INCUBATION, by=staff_user)
    change_status(proposal, ProposalStatus.REVISED_SUBMITTED, by=staff_user)
    change_status(proposal, ProposalStatus.FUNDED, by=staff_user)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.FUNDED
    entries = AuditEntry.objects.filter(object_id=str(proposal.pk), action="proposal.status").order_by("id")
    assert [e.changes["status"] for e in entries] == [
        ["submitted", "admissible"], ["admissible", "admitted_to_incubation"],
        ["admitted_to_incubation", "revised_submitted"], ["revised_submitted", "funded"],
    ]
    assert set(ALLOWED_MOVES) == set(ProposalStatus.values)
    with pytest.raises(services.TransitionNotAllowed):
        change_status(proposal, "bogus", by=staff_user)


@pytest.mark.django_db
def test_admissibility_moves_status_and_notifies(make_user, staff_user):
    user = make_user(roles=["promoter"])
    proposal = complete(ProposalFactory())
    Membership.objects.create(user=user, organisation=proposal.organisation)
    submit_proposal(proposal, user)
    with pytest.raises(services.ProposalError):
        services.record_admissibility(proposal, by=staff_user, eligible_applicant=True, documents_complete=False,
                                      budget_within_limits=True, submitted_on_time=True, outcome="admissible")
    with pytest.raises(services.ProposalError):
        services.record_admissibility(proposal, by=staff_user, eligible_applicant=True, documents_complete=False,
                                      budget_within_limits=True, submitted_on_time=True, outcome="not_admissible")
    services.record_admissibility(proposal, by=staff_user, eligible_applicant=True, documents_complete=False,
                                  budget_within_limits=True, submitted_on_time=True, outcome="not_admissible",
                                  reason="Manca lo statuto.")
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.NOT_ADMISSIBLE
    n = Notification.objects.get(recipient=user, event="proposal_admissibility")
    assert "not admissible" in n.title or "non" in n.title.lower()
    assert "Manca lo statuto." in n.body


@pytest.mark.django_db
def test_revised_version_copies_everything_and_keeps_v1_frozen(make_user):
    from django.core.files.base import ContentFile

    from projects.models import Attachment

    user = make_user(roles=["promoter"])
    proposal = complete(ProposalFactory())
    Membership.objects.create(user=user, organisation=proposal.organisation)
    v1 = proposal.versions.get()
    Attachment.objects.create(version=v1, kind="statute", file=ContentFile(b"%PDF-1.4 x", name="statuto.pdf"))
    submit_proposal(proposal, user)
    v2 = services.start_revised_version(proposal, by=user)
    assert v2.number == 2 and not v2.frozen
    assert v2.title == v1.title and v2.budget_total() == v1.budget_total()
    assert list(v2.themes.all()) == list(v1.themes.all())
    assert v2.attachments.get().file.name == v1.attachments.get().file.name
    v2.title = "Versione rivista"
    v2.save()
    assert ProposalVersion.objects.get(pk=v1.pk).title != "Versione rivista"
    assert ProposalVersion.objects.get(pk=v1.pk).frozen
    assert proposal.current_version.number == 2 or Proposal.objects.get(pk=proposal.pk).current_version.number == 2


# Protocol numbers under concurrency (PostgreSQL and SQLite) ---------------------------------

@pytest.mark.django_db(transaction=True)
def test_protocol_numbers_unique_and_gapless_under_concurrency(make_user):
    call = CallFactory(year=2018)
    user = make_user(roles=["promoter"])
    proposals = []
    for _i in range(12):
        p = complete(ProposalFactory(call=call))
        Membership.objects.create(user=user, organisation=p.organisation)
        proposals.append(p)
    barrier = threading.Barrier(len(proposals))
    errors = []

    def run(p):
        try:
            barrier.wait()
            submit_proposal(Proposal.objects.get(pk=p.pk), user)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(p,)) for p in proposals]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Proposal.objects.filter(call=call).values_list("protocol_number", flat=True))
    assert numbers == [f"TSF-2018-{i:04d}" for i in range(1, 13)]
    assert sorted(Proposal.objects.filter(call=call).values_list("protocol_seq", flat=True)) == list(range(1, 13))


@pytest.mark.django_db
def test_protocol_numbers_are_per_call(make_user):
    user = make_user(roles=["promoter"])
    a, b = CallFactory(year=2018, protocol_prefix="TSF"), CallFactory(year=2019, protocol_prefix="TSF")
    for call in (a, b, a):
        p = complete(ProposalFactory(call=call))
        Membership.objects.create(user=user, organisation=p.organisation)
        submit_proposal(p, user)
    assert sorted(Proposal.objects.values_list("protocol_number", flat=True)) == [
        "TSF-2018-0001", "TSF-2018-0002", "TSF-2019-0001"]


@pytest.mark.django_db
def test_invitation_flow(make_user):
    admin = make_user(roles=["promoter"])
    org = OrganisationFactory()
    MembershipFactory(user=admin, organisation=org)
    inv = services.invite_member(org, "New.Person@example.org", by=admin, team_role="Educatrice")
    assert OutboxEmail.objects.filter(to="new.person@example.org", event="team_invitation").exists()
    body = OutboxEmail.objects.get(to="new.person@example.org").body_text
    assert inv.get_absolute_url() in body
    joiner = make_user(email="new.person@example.org")
    services.accept_invitation(inv, joiner)
    assert Membership.objects.filter(user=joiner, organisation=org, team_role="Educatrice").exists()
    joiner.clear_role_cache()
    assert joiner.has_role("promoter")
    with pytest.raises(services.ProposalError):
        services.accept_invitation(inv, joiner)
    with pytest.raises(services.ProposalError):
        services.invite_member(org, "new.person@example.org", by=admin)


@pytest.mark.django_db
def test_a_stale_page_cannot_change_a_submitted_version(make_user):
    user = make_user(roles=["promoter"])
    proposal = complete(ProposalFactory())
    Membership.objects.create(user=user, organisation=proposal.organisation)
    stale_version = proposal.versions.get()  # loaded by a step page before the submission
    submit_proposal(Proposal.objects.get(pk=proposal.pk), user)
    assert not stale_version.frozen
    with pytest.raises(services.ProposalError):
        services.ensure_editable(stale_version)
