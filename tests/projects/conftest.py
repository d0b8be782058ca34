import pytest

from calls.reference import ensure_reference_data
from projects.models import Membership
from projects.services import submit_proposal
from tests.calls.factories import CallFactory
from tests.projects.factories import MembershipFactory, OrganisationFactory, ProposalFactory, complete


@pytest.fixture
def reference(db):
    ensure_reference_data()


@pytest.fixture
def open_call(reference):
    return CallFactory(year=2030)


@pytest.fixture
def org(promoter_user):
    organisation = OrganisationFactory(legal_name="Cooperativa Sociale Il Riccio")
    MembershipFactory(user=promoter_user, organisation=organisation)
    return organisation


@pytest.fixture
def draft(open_call, org):
    return complete(ProposalFactory(call=open_call, organisation=org))


@pytest.fixture
def submitted(draft, promoter_user):
    submit_proposal(draft, promoter_user)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def other_promoter(make_user):
    user = make_user("other@example.org", roles=["promoter"], full_name="Olga Other")
    MembershipFactory(user=user, organisation=OrganisationFactory(legal_name="Altra APS"))
    return user


def add_member(user, organisation):
    return Membership.objects.get_or_create(user=user, organisation=organisation)[0]


@pytest.fixture(autouse=True)
def english():
    """Assertions read the English source strings: pages are requested under /en/ and services
    speak English (the Italian catalogue is the lead's)."""
    from django.utils import translation

    with translation.override("en"):
        yield
