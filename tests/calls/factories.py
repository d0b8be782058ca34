from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from calls.models import Call, Programme


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    name = "Torino Social Factory"
    slug = "torino-social-factory"
    promoter = "Città di Torino"


class CallFactory(factory.django.DjangoModelFactory):
    """An open, published call (opened 10 days ago, closes in 10 days)."""

    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Bando Torino Social Factory {2030 + n}")
    slug = factory.Sequence(lambda n: f"tsf-{2030 + n}")
    year = factory.Sequence(lambda n: 2030 + n)
    summary = "Un bando per l'innovazione sociale nei quartieri di Torino."
    is_published = True
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    max_grant = Decimal("140000.00")
    total_budget = Decimal("1680000.00")
