"""The texts of the calls and their reference data that have an English version (django-modeltranslation).

Each field below gets `<field>_it` (required where the field is) and `<field>_en` (optional); reading
`<field>` gives the active language's text, or the Italian one when no English was given. The untranslated
column keeps the Italian text too (see tsf.core.model_i18n), for the reads that go around modeltranslation."""
from modeltranslation.translator import TranslationOptions, register

from .models import FAQ, Call, CallDocument, District, ImpactTheme, Programme, TargetGroup


class ItalianFirst(TranslationOptions):
    required_languages = ("it",)


@register(Programme)
class ProgrammeTranslation(ItalianFirst):
    fields = ("promoter", "description", "funding")


@register(District)
class DistrictTranslation(ItalianFirst):
    fields = ("name",)


@register(ImpactTheme)
class ImpactThemeTranslation(ItalianFirst):
    fields = ("name", "description")


@register(TargetGroup)
class TargetGroupTranslation(ItalianFirst):
    fields = ("name",)


@register(Call)
class CallTranslation(ItalianFirst):
    fields = ("title", "summary", "description", "eligibility")


@register(CallDocument)
class CallDocumentTranslation(ItalianFirst):
    fields = ("title",)


@register(FAQ)
class FAQTranslation(ItalianFirst):
    fields = ("question", "answer")
