"""`{{ amount|euro }}`: money as the page's language writes it ("80.000,00 €", "€80,000.00");
`{{ amount|euro:0 }}` without cents. Loaded in every template (settings: builtins)."""
from django import template

from tsf.core import money

register = template.Library()


@register.filter
def euro(value, decimal_pos=2):
    try:
        return money.euro(value, int(decimal_pos))
    except (TypeError, ValueError, ArithmeticError):
        return value
