"""Funded decision items and grants for the grants tests (the assessment stage's objects are made
directly: the tests start where the committee's final decision ends)."""
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from assessment.models import AssessmentRound, Decision, DecisionItem
from calls.models import District, ImpactTheme, TargetGroup
from calls.reference import ensure_reference_data
from projects.models import BudgetLine, Membership, Proposal, ProposalStatus
from tests.calls.factories import CallFactory
from tests.factories import AWARD_ACT, UserFactory
from tests.projects.factories import OrganisationFactory, ProposalFactory, complete
from tsf.core.pdf import demo_pdf

_cup_seq = [0]


def next_cup():
    _cup_seq[0] += 1
    return f"C11J18{_cup_seq[0]:09d}"


def past_call(**kw):
    ensure_reference_data()
    now = timezone.now()
    defaults = {"opens_at": now - timedelta(days=400), "closes_at": now - timedelta(days=300),
                "total_budget": Decimal("1680000.00"), "max_grant": Decimal("140000.00")}
    call = CallFactory(**{**defaults, **kw})
    call.target_groups.set(TargetGroup.objects.all()[:3])
    call.themes.set(ImpactTheme.objects.all())
    return call


def final_decision(call, decided_by=None):
    rnd, _ = AssessmentRound.objects.get_or_create(
        call=call, kind=AssessmentRound.Kind.FINAL,
        defaults={"title": "Valutazione finale", "version_number": 2,
                  "opens_at": call.closes_at + timedelta(days=10), "closes_at": call.closes_at + timedelta(days=20)})
    decision = Decision.objects.filter(round=rnd).first()
    if decision is None:
        decision = Decision.objects.create(round=rnd, decided_by=decided_by or UserFactory(roles=["staff"]))
    return decision


def funded_item(call, *, amount=Decimal("100000.00"), org=None, member=None, lines=None, district=6, theme=0):
    """A funded proposal (version 2 with budget lines) and its funded DecisionItem."""
    org = org or OrganisationFactory()
    if member is not None:
        Membership.objects.get_or_create(user=member, organisation=org)
    proposal = ProposalFactory(call=call, organisation=org)
    lines = lines or (amount * Decimal("0.6"), amount * Decimal("0.5"))
    complete(proposal, grant=amount, lines=lines)
    v1 = proposal.versions.get(number=1)
    v1.district = District.objects.get(number=district)
    v1.save()
    v1.themes.set([list(ImpactTheme.objects.all())[theme]])
    v2 = v1.copy_as_next()
    v2.title = v1.title + " (rivista)"
    v2.save()
    BudgetLine.objects.filter(version=v2, order=0).update(description="Personale educativo")
    Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.FUNDED, protocol_number=f"TSF-T-{proposal.pk}")
    proposal.refresh_from_db()
    decision = final_decision(call)
    rank = decision.items.count() + 1
    return DecisionItem.objects.create(decision=decision, proposal=proposal, outcome=DecisionItem.Outcome.FUNDED,
                                       rank=rank, grant_amount=amount)


def make_grant(call, *, by, amount=Decimal("100000.00"), start=None, member=None, signed=False, interval=None, **kw):
    from grants import services

    item = funded_item(call, amount=amount, member=member, **kw)
    grant = services.award_grant(item, by=by, cup=next_cup(), start_date=start or date(2025, 1, 15),
                                 report_interval_months=interval, **AWARD_ACT)
    if signed:
        from django.core.files.uploadedfile import SimpleUploadedFile

        services.sign_grant(grant, agreement=SimpleUploadedFile("convenzione.pdf", PDF, "application/pdf"),
                            signed_on=grant.start_date, by=by)
        grant.refresh_from_db()
    return grant


PDF = demo_pdf("Convenzione di sovvenzione")
