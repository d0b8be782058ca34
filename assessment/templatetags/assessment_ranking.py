"""`{% ranking_rows rows %}`: the rows of the ranking table (assessment/includes/ranking_table.html).

Written in Python rather than as a template loop: the same HTML, several times faster for the
staff page's 50 rows and the printable page's whole round (a template spends a few microseconds
on each of the twenty values of a row). Numbers are localised as a template localises them."""
from decimal import Decimal

from django import template
from django.conf import settings
from django.utils.formats import get_format, localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from tsf.core import money

register = template.Library()

DASH = "—"


def _localizer():
    """`localize` for the Decimals and integers of the table; without thousands separators (the
    project's setting), the same text with the separator looked up once rather than per value."""
    if settings.USE_THOUSAND_SEPARATOR:
        return localize
    sep = get_format("DECIMAL_SEPARATOR")

    def fast(value):
        if isinstance(value, Decimal):
            return f"{value:f}".replace(".", sep)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return localize(value)
    return fast


@register.simple_tag
def ranking_rows(rows):
    localize = _localizer()

    def number(value):
        return DASH if value is None else localize(value)

    disputed = format_html(' <span class="badge bg-warning">{}</span>', gettext("disputed"))
    out = []
    for r in rows:
        totals = format_html_join(" · ", '<span title="{}">{}</span>',
                                  ((u.full_name or u.email, localize(t)) for _a, u, t in r.totals)) or DASH
        outcome = conditional_escape(r.outcome_label or DASH)
        if r.grant_amount:
            outcome += format_html('<br><span class="small">{}</span>', money.euro(r.grant_amount, 2))
        out.append(format_html(
            '<tr{}><td class="text-end">{}</td><td>{}</td><td>{}</td><td>{}</td>\n'
            '    <td class="text-end small">{}</td>\n'
            '    <td class="text-end fw-bold">{}</td>\n'
            '    <td class="text-end">{}{}</td>\n'
            '    <td class="text-end">{}</td>\n'
            '    <td class="text-end">{}/{}</td>\n'
            '    <td>{}</td></tr>',
            mark_safe(' class="table-warning"') if r.disputed else "", localize(r.rank), r.proposal.protocol_number,
            r.title, r.proposal.organisation.legal_name, totals, number(r.combined), number(r.spread),
            disputed if r.disputed else "", number(r.top_criterion), localize(r.submitted), localize(r.assigned),
            outcome,
        ))
    return mark_safe("\n  ".join(out))  # noqa: S308 (every row made by format_html)
