"""The assessment texts that have an English version (django-modeltranslation): see calls/translation.py."""
from modeltranslation.translator import register

from calls.translation import ItalianFirst

from .models import AssessmentRound


@register(AssessmentRound)
class AssessmentRoundTranslation(ItalianFirst):
    fields = ("title",)
