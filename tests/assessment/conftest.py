import pytest

from tests.assessment.factories import RoundFactory, add_committee, make_criteria


@pytest.fixture
def assessors(make_user):
    return [make_user(f"valutatore{i}@example.org", roles=["assessor"], full_name=f"Valutatore {i}")
            for i in range(1, 4)]


@pytest.fixture
def rnd(db, assessors):
    r = RoundFactory()
    make_criteria(r)
    add_committee(r, assessors)
    return r


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the source language): reverse() then gives the /en/ URLs,
    so pages answer in English too, whatever the Italian catalogue says."""
    from django.utils import translation

    with translation.override("en"):
        yield
