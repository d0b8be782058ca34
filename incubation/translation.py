"""The lab and workshop texts that have an English version (django-modeltranslation): see calls/translation.py."""
from modeltranslation.translator import register

from calls.translation import ItalianFirst

from .models import Lab, Workshop


@register(Lab)
class LabTranslation(ItalianFirst):
    fields = ("description",)


@register(Workshop)
class WorkshopTranslation(ItalianFirst):
    fields = ("title", "topics", "description")
