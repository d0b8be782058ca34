"""Form fields shared by every stage's forms."""
from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


class HttpsURLField(forms.URLField):
    """A web address: typed without a scheme ("www.example.org"), it is read as https (Django 6's
    default, chosen now so that nothing changes on the upgrade)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class AmountInput(forms.TextInput):
    """A money field people type into: shows "80.000,00" in Italian (what they read everywhere
    else), opens the numeric keyboard on phones."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        from decimal import Decimal

        from .money import number

        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return number(value)
        return super().format_value(value)


class AmountField(forms.DecimalField):
    """An amount in euros typed the way the page's language writes it: "80.000,00", "80000,00" or
    "80000.50" in Italian; renders what it parses back (tsf.core.money)."""

    widget = AmountInput
    default_error_messages = {"invalid": _("Enter an amount in euros, e.g. %(example)s.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # No step/min/max: those belong to <input type=number>, not to a text field.
        return forms.Field.widget_attrs(self, widget)

    def to_python(self, value):
        from decimal import Decimal

        from .money import number, parse_amount

        if value in self.empty_values:
            return None
        try:
            amount = parse_amount(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid",
                                        params={"example": number(Decimal("85000"))}) from None
        return amount


class DateTimeField(forms.DateTimeField):
    """A date and time typed in the page (Europe/Rome), refused ("Enter a valid date/time.") when
    its year is not between 1900 and 2999: 01/01/0001 00:00 in Rome is in the year 0 in UTC, which
    SQLite cannot store nor compare (a server error), while PostgreSQL would keep a meaningless
    date."""

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None and not 1900 <= result.year <= 2999:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return result


def _typed_something(form) -> bool:
    """Whether a person typed or picked something in this row: a visible field whose value is not
    blank (spaces count as blank) and differs from what the row showed. Hidden fields (ids, order),
    the delete box and values left as shown do not count."""
    for name, field in form.fields.items():
        if name in ("DELETE", "ORDER") or isinstance(field.widget, forms.HiddenInput):
            continue
        value = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "", [], (), False):
            continue
        initial = form.get_initial_for_field(field, name)
        try:
            if field.has_changed(initial, value):
                return True
        except forms.ValidationError:
            return True
    return False


class TypedRowsMixin:
    """Blank extra rows of a formset are ignored unless something was typed in them (budget lines,
    expenses, tranches, documents, ...): the browser sends every row the page shows, and a row left
    empty must never block saving the rest. Rows that were saved before are always checked."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if i >= self.initial_form_count() and self.is_bound:
            form.empty_permitted = True
            form.use_required_attribute = False
            form.has_changed = _typed_something.__get__(form)
        return form


class TypedRowsFormSet(TypedRowsMixin, forms.BaseFormSet):
    pass


class AutosavedRowsMixin:
    """A model formset that autosave.js posts while the person types: a new row saved by an
    autosave gets its id back in the page (`autosave_rows`), and is sent again as the extra row it
    still is on the page, now carrying that id. Such a row is the saved object (changed in place,
    never created twice). A row deleted by an autosave (ticked, or emptied) gets its id emptied and
    is hidden by autosave.js: sent again, it is ignored."""

    def _construct_form(self, i, **kwargs):
        if self.is_bound and i >= self.initial_form_count():
            pk_name = self.model._meta.pk.name
            raw = self.data.get(f"{self.add_prefix(i)}-{pk_name}")
            if raw not in (None, ""):
                try:
                    pk = self._get_to_python(self.model._meta.pk)(raw)
                except forms.ValidationError:
                    pk = None
                instance = self._existing_object(pk) if pk is not None else None
                if instance is not None:
                    # The saved row, as an extra form of the page (BaseFormSet adds its id field).
                    form = forms.BaseFormSet._construct_form(self, i, instance=instance, **kwargs)
                    return form
        return super()._construct_form(i, **kwargs)

    def autosave_rows(self, saved) -> dict:
        """{input name: value} for the page after an autosave: the ids of the rows just created,
        emptied ids of the rows just deleted."""
        pk_name = self.model._meta.pk.name
        created = {id(obj) for obj in saved}
        deleted = {id(obj) for obj in getattr(self, "deleted_objects", [])}
        rows = {}
        for form in self.forms:
            name = f"{form.prefix}-{pk_name}"
            if id(form.instance) in deleted or (self.can_delete and self._should_delete_form(form)):
                rows[name] = ""
            elif id(form.instance) in created and form.instance.pk is not None:
                rows[name] = str(form.instance.pk)
        return rows


class TypedRowsModelFormSet(TypedRowsMixin, forms.BaseModelFormSet):
    pass


class TypedRowsInlineFormSet(TypedRowsMixin, forms.BaseInlineFormSet):
    pass


class QuickSelect(forms.Select):
    """Django's select, written in Python rather than with a template per option: the same HTML for
    a flat list of choices (the attributes Django adds for errors included), several times faster.
    For the filter forms of lists built on every request; grouped choices fall back to Django's."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(iter(self.choices))  # list(self.choices) would count a queryset's rows first
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{_escaped(option)}"{" selected" if str(option) in chosen else ""}>{_escaped(label)}</option>'
            for option, label in ((("" if v is None else v), lbl) for v, lbl in choices))
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")  # noqa: S308 - every value escaped


def _escaped(value) -> str:
    """conditional_escape(value) as a str: HTML kept, anything else through html.escape (what
    django.utils.html.escape does, without its check for lazy strings on each call)."""
    if isinstance(value, Promise):
        value = str(value)
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))
