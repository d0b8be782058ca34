"""English versions of the texts kept in the database (django-modeltranslation, registered in each
app's translation.py): what the portal adds to the library.

- The untranslated column (`name`) always holds the Italian text, as before the English versions
  existed, so a read that goes around modeltranslation (a lookup from a model that has no
  translations, a raw export) still gets the Italian text, never a stale or an English one.
- `translated("district__name")` is the expression for such a lookup in the active language,
  falling back to the Italian text where no English was given.
"""
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _
from modeltranslation import settings as mt_settings
from modeltranslation.fields import TranslationField
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname, get_language

DEFAULT = mt_settings.DEFAULT_LANGUAGE


def translated(lookup: str):
    """`lookup` (a translated field, possibly across relations) in the active language, or in Italian
    where that version is empty."""
    default = F(build_localized_fieldname(lookup, DEFAULT))
    lang = get_language()
    if lang == DEFAULT:
        return default
    return Coalesce(NullIf(F(build_localized_fieldname(lookup, lang)), Value("")), default, output_field=TextField())


def _italian_in_original(sender, instance, **kwargs):
    for name in translator.get_options_for_model(sender).all_fields:
        italian = build_localized_fieldname(name, DEFAULT)
        if italian in instance.__dict__:  # loaded (not deferred)
            value = instance.__dict__[italian]
            instance.__dict__[name] = "" if value is None and not sender._meta.get_field(name).null else value


def connect_signals():
    for model in translator.get_registered_models(abstract=False):
        pre_save.connect(_italian_in_original, sender=model, dispatch_uid=f"tsf-i18n-{model._meta.label}")


ENGLISH_HELP = _("Optional: shown on the English pages; where it is empty, the Italian text shows there.")


class EnglishVersionsForm(forms.ModelForm):
    """A model form whose translated texts show as the Italian field and the English one beside it
    (list both `<field>_it` and `<field>_en` in Meta.fields); the English one says it is optional."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            try:
                model_field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(model_field, TranslationField) and model_field.language != DEFAULT and not field.help_text:
                field.help_text = ENGLISH_HELP
