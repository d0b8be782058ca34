"""The workshop texts that have an English version (django-modeltranslation): see calls/translation.py."""
from modeltranslation.translator import register

from calls.translation import ItalianFirst

from .models import Workshop


@register(Workshop)
class WorkshopTranslation(ItalianFirst):
    fields = ("title", "topics", "description")
