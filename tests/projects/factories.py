from decimal import Decimal

import factory
from stdnum import luhn

from calls.models import District, ImpactTheme, LegalForm, TargetGroup
from calls.reference import ensure_reference_data
from projects.models import BudgetLine, Membership, Organisation, Proposal, ProposalVersion
from tests.calls.factories import CallFactory


def partita_iva(n: int) -> str:
    """A valid 11-digit partita IVA (also an organisation's codice fiscale)."""
    base = f"{n % 10_000_000:07d}001"
    return base + luhn.calc_check_digit(base)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    legal_name = factory.Sequence(lambda n: f"Associazione Esempio {n} APS")
    legal_form = LegalForm.APS
    codice_fiscale = factory.Sequence(lambda n: partita_iva(9_000_000 + n))
    address = "Via Roma 1"
    postcode = "10121"
    legal_representative = "Maria Rossi"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.ADMIN


class ProposalFactory(factory.django.DjangoModelFactory):
    """A draft with an empty version 1."""

    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def version(self, create, extracted, **kwargs):
        ProposalVersion.objects.create(proposal=self, number=1, title=kwargs.get("title", ""))


def complete(proposal, *, grant=Decimal("50000.00"), lines=(Decimal("40000.00"), Decimal("30000.00")), title=None):
    """Fill version 1 with everything a submission needs."""
    ensure_reference_data()
    v = proposal.versions.get(number=1)
    v.title = title or f"Hub di comunità {proposal.pk}"
    v.summary = "Uno spazio di quartiere aperto a tutti."
    v.social_need = "Isolamento delle famiglie."
    v.district = District.objects.get(number=6)
    v.solution = "Un community hub."
    v.experimental_rationale = "Nuovo modello."
    v.community_rationale = "Welfare di comunità."
    v.expected_impacts = "Più relazioni."
    v.indicators = "Famiglie raggiunte, 0, 120"
    v.team_description = "Educatori e volontari."
    v.requested_grant = grant
    v.save()
    v.themes.set([ImpactTheme.objects.first()])
    v.target_groups.set([TargetGroup.objects.first()])
    for i, amount in enumerate(lines):
        BudgetLine.objects.create(version=v, category=BudgetLine.Category.PERSONNEL, description=f"Voce {i}",
                                  amount=amount, order=i)
    return proposal
