"""The acceleration texts that have an English version (django-modeltranslation): see calls/translation.py."""
from modeltranslation.translator import register

from calls.translation import ItalianFirst

from .models import FundingOpportunity


@register(FundingOpportunity)
class FundingOpportunityTranslation(ItalianFirst):
    fields = ("title", "description")
