"""`{% ranking_rows rows %}`: the rows of the ranking table (assessment/includes/ranking_table.html).

Written in Python rather than as a template loop: the same HTML, several times faster for the
staff page's 50 rows and the printable page's whole round (a template spends a few microseconds
on each of the twenty values of a row). Numbers are localised as a template localises them."""
from decimal import Decimal

from django import template
from django.conf import settings
from django.utils.formats import get_format, localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from tsf.core import money
from tsf.core.rows import esc

register = template.Library()

DASH = "—"
WARNING = ' class="table-warning"'


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
    # Plain `html.escape` of the str values (what Django's `escape` gives, without its lazy-string wrapper
    # on each of the ~20 values of a row): none of them is a SafeString (text from the database, labels
    # made str, numbers).
    localize = _localizer()

    def number(value):
        return DASH if value is None else esc(localize(value))

    disputed = f' <span class="badge bg-warning">{esc(gettext("disputed"))}</span>'
    out = []
    for r in rows:
        totals = " · ".join(f'<span title="{esc(u.full_name or u.email)}">{esc(localize(t))}</span>'
                            for _a, u, t in r.totals) or DASH
        outcome = esc(str(r.outcome_label or DASH))
        if r.grant_amount:
            outcome += f'<br><span class="small">{esc(money.euro(r.grant_amount, 2))}</span>'
        proposal = r.proposal
        out.append(
            f'<tr{WARNING if r.disputed else ""}><td class="text-end">{esc(localize(r.rank))}</td>'
            f'<td>{esc(proposal.protocol_number)}</td><td>{esc(r.title)}</td>'
            f'<td>{esc(proposal.organisation.legal_name)}</td>\n'
            f'    <td class="text-end small">{totals}</td>\n'
            f'    <td class="text-end fw-bold">{number(r.combined)}</td>\n'
            f'    <td class="text-end">{number(r.spread)}{disputed if r.disputed else ""}</td>\n'
            f'    <td class="text-end">{number(r.top_criterion)}</td>\n'
            f'    <td class="text-end">{esc(localize(r.submitted))}/{esc(localize(r.assigned))}</td>\n'
            f'    <td>{outcome}</td></tr>'
        )
    return mark_safe("\n  ".join(out))  # noqa: S308 (every value escaped)

