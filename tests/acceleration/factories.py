"""Test data of the acceleration stage: a programme and its camp, funded teams with a pitch,
teams not funded with a scored final assessment, funding opportunities."""
from datetime import date, time, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from acceleration.models import (
    AccelerationProgramme,
    Camp,
    CampRegistration,
    FundingOpportunity,
    Pitch,
    RegistrationStatus,
)
from assessment.models import AssessmentRound, Decision, DecisionItem
from calls.models import District, ImpactTheme
from projects.models import Membership, ProposalStatus
from tests.assessment.factories import (
    RoundFactory,
    assign_cleared,
    make_criteria,
    make_proposal,
    submit_scores,
)
from tests.factories import UserFactory
from tests.grants.factories import funded_item, past_call


def url(name, **kw):
    """The address of an acceleration page by its URL name."""
    return reverse(f"acceleration:{name}", kwargs=kw or None)


def programme(call=None):
    call = call or past_call()
    prog, _ = AccelerationProgramme.objects.get_or_create(
        call=call, defaults={"title": "Accelerazione 2018-2019", "starts_on": date(2018, 9, 1), "months": 12})
    return prog


def make_camp(call=None, *, days_from_today=0, capacity=10, **kw):
    prog = programme(call)
    defaults = {"title": "Social Innovation Camp", "date": timezone.localdate() + timedelta(days=days_from_today),
                "starts_at": time(0, 0) if days_from_today <= 0 else time(9, 30), "ends_at": time(23, 59),
                "place": "Toolbox Coworking", "address": "Via Agostino da Montefeltro 2, Torino",
                "capacity": capacity}
    return Camp.objects.create(programme=prog, **{**defaults, **kw})


def funded_team(call, member=None, *, district=6, theme=0, legal_form=None):
    """A funded proposal (member in its organisation)."""
    item = funded_item(call, member=member, district=district, theme=theme)
    if legal_form:
        org = item.proposal.organisation
        org.legal_form = legal_form
        org.save()
    return item.proposal


def pitch_for(camp, proposal, order=None):
    order = order or camp.pitches.count() + 1
    return Pitch.objects.create(camp=camp, proposal=proposal, order=order, minutes=7)


def approved_expert(camp, user=None, *, kind="expert"):
    user = user or UserFactory(roles=["mentor"])
    reg = CampRegistration.objects.create(camp=camp, full_name=user.full_name or "Esperta", email=user.email,
                                          organisation="Fondazione Esempio", kind=kind, consent=True,
                                          status=RegistrationStatus.APPROVED, user=user, decided_at=timezone.now())
    return user, reg


def set_profile(proposal, *, district=None, themes=(), legal_form=None):
    v = proposal.current_version
    v.district = District.objects.get(number=district) if district else None
    v.save()
    v.themes.set(ImpactTheme.objects.filter(code__in=themes) if themes and isinstance(themes[0], str) else themes)
    if legal_form:
        proposal.organisation.legal_form = legal_form
        proposal.organisation.save()


def final_round_with_outcomes(call, *, funded=2, not_funded=1, member=None, assessor=None):
    """A final round with three criteria, `funded` funded proposals and `not_funded` others,
    scored by one assessor. Returns (round, funded proposals, not-funded proposals)."""
    rnd = AssessmentRound.objects.filter(call=call, kind=AssessmentRound.Kind.FINAL).first()
    if rnd is None:
        rnd = RoundFactory(call=call, kind=AssessmentRound.Kind.FINAL, version_number=1,
                           opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(days=20))
    if not rnd.criteria.exists():
        make_criteria(rnd)
    assessor = assessor or UserFactory(roles=["assessor"])
    decision = Decision.objects.filter(round=rnd).first() or Decision.objects.create(
        round=rnd, decided_by=UserFactory(roles=["staff"]))
    funded_ps, other_ps = [], []
    rank = decision.items.count()
    for i in range(funded):
        p = make_proposal(call, status=ProposalStatus.FUNDED)
        submit_scores(assign_cleared(rnd, p, assessor), [9, 8, 8 + (i % 2)], strengths="Team solido.",
                      weaknesses="Nessuna.")
        rank += 1
        DecisionItem.objects.create(decision=decision, proposal=p, outcome=DecisionItem.Outcome.FUNDED, rank=rank,
                                    combined_score=Decimal("50.00"), grant_amount=Decimal("100000.00"))
        funded_ps.append(p)
    for i in range(not_funded):
        p = make_proposal(call, status=ProposalStatus.NOT_FUNDED, member=member if i == 0 else None)
        a = submit_scores(assign_cleared(rnd, p, assessor), [5, 4, 6], strengths="Bisogno chiaro.",
                          weaknesses="Piano economico debole, pochi partner.")
        a.scores.filter(criterion__name="Sostenibilità").update(comment="Ricavi non dimostrati.")
        rank += 1
        DecisionItem.objects.create(decision=decision, proposal=p, outcome=DecisionItem.Outcome.NOT_FUNDED, rank=rank,
                                    combined_score=Decimal("30.00"))
        other_ps.append(p)
    return rnd, funded_ps, other_ps


def opportunity(*, themes=(), districts=(), legal_forms=(), published=True, deadline=None, **kw):
    opp = FundingOpportunity.objects.create(
        funder=kw.pop("funder", "Fondazione CRT"), title=kw.pop("title", "Bando Vivomeglio"),
        description="Sostegno a progetti di welfare di comunità.", url="https://www.fondazionecrt.it/",
        deadline=deadline or timezone.localdate() + timedelta(days=40), legal_forms=list(legal_forms),
        amount_min=Decimal("5000.00"), amount_max=Decimal("30000.00"), is_published=published,
        published_at=timezone.now() if published else None, **kw)
    opp.themes.set(themes)
    opp.districts.set(District.objects.filter(number__in=districts))
    return opp


def member_of(proposal, user=None, **kw):
    user = user or UserFactory(roles=["promoter"], **kw)
    Membership.objects.get_or_create(user=user, organisation=proposal.organisation)
    return user



