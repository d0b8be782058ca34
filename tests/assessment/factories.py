"""Assessment test data: a call with admissible proposals, a round with weighted criteria and a
committee, and helpers to score."""
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from assessment import services
from assessment.models import AssessmentRound, Assignment, ConflictDeclaration, Criterion, Score
from projects.models import Membership, Proposal, ProposalVersion
from tests.calls.factories import CallFactory
from tests.factories import office
from tests.projects.factories import OrganisationFactory


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentRound

    call = factory.SubFactory(CallFactory)
    kind = AssessmentRound.Kind.SELECTION
    title = "Selezione per l'Incubation Lab"
    version_number = 1
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    quota = 3
    disagreement_threshold = Decimal("20.00")


def make_criteria(rnd, spec=(("Impatto sociale", 10, "3.00"), ("Sostenibilità", 10, "2.00"),
                             ("Team", 10, "1.00"))):
    return [Criterion.objects.create(round=rnd, name=n, max_points=m, weight=Decimal(w), order=i)
            for i, (n, m, w) in enumerate(spec)]


_seq = {"n": 0}


def make_proposal(call, *, status="admissible", title=None, member=None, v2=False, seq=None):
    _seq["n"] += 1
    n = seq or _seq["n"]
    org = OrganisationFactory()
    p = Proposal.objects.create(call=call, organisation=org, status=status, protocol_seq=n,
                                protocol_number=call.protocol_for(n), submitted_at=timezone.now())
    ProposalVersion.objects.create(proposal=p, number=1, frozen=True, title=title or f"Progetto {n}",
                                   summary="Un progetto di quartiere.", requested_grant=Decimal("80000.00"))
    if v2:
        ProposalVersion.objects.create(proposal=p, number=2, frozen=True, title=(title or f"Progetto {n}") + " (rev.)",
                                       summary="Versione rivista.", requested_grant=Decimal("90000.00"))
    if member is not None:
        Membership.objects.create(user=member, organisation=org, role=Membership.Role.ADMIN)
    return p


def close(rnd):
    """Staff have closed the round (test data: the explicit action is tested in test_round_rules)."""
    AssessmentRound.objects.filter(pk=rnd.pk).update(closed_at=timezone.now())
    rnd.refresh_from_db()
    return rnd


# The act that approves a decision, as the staff form asks for it.
ACT = {"act_number": "2019 01234", "act_date": "2019-02-27", "act_official": "Dott.ssa Maria Bianchi"}


def add_committee(rnd, assessors):
    services.set_committee(rnd, assessors, by=office())


def assign_cleared(rnd, proposal, assessor):
    """An assignment with a 'no conflict' declaration (written directly: the kept ranking is
    refreshed as the services would)."""
    a = Assignment.objects.create(round=rnd, proposal=proposal, assessor=assessor)
    ConflictDeclaration.objects.create(round=rnd, proposal=proposal, assessor=assessor, has_conflict=False)
    services.refresh_ranking(rnd, [proposal.pk])
    return a


def submit_scores(assignment, points, *, strengths="Buona idea.", weaknesses="Budget fragile."):
    """Write and submit the points [p1, p2, ...] in criterion order (directly, for test data; the
    kept ranking is refreshed as `services.submit_assessment` would)."""
    criteria = list(Criterion.objects.filter(round_id=assignment.round_id).order_by("order", "pk"))
    for c, v in zip(criteria, points, strict=True):
        Score.objects.update_or_create(assignment=assignment, criterion=c, defaults={"value": Decimal(str(v))})
    assignment.strengths, assignment.weaknesses = strengths, weaknesses
    assignment.status = Assignment.Status.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.save()
    services.refresh_ranking(assignment.round, [assignment.proposal_id])
    return assignment
