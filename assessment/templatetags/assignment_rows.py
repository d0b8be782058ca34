"""`{% assignment_rows rows %}`: the rows of the assessor's list (assessment/mine.html), from
`selectors.assignment_page` and `assignment_rows`.

Written in Python rather than as a template loop, as the staff ranking's rows are
(assessment_ranking.py): the same HTML, a few times faster for the page's rows built on every
request. Values are shown as the template showed them: escaped, the deadline in the local zone with
the date filter's "j F Y, H:i"."""
from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from tsf.core.rows import addresses, esc

register = template.Library()

@register.simple_tag
def assignment_rows(rows):
    score, declare = addresses("assessment:score"), addresses("assessment:declare")
    not_open = esc(gettext("the round has not opened yet"))
    declare_first = esc(gettext("declare first: conflict of interest"))
    to_make = esc(gettext("Declaration to make"))
    out = []
    for a in rows:
        protocol = esc(a["proposal__protocol_number"])
        if not a["has_opened"]:
            proposal = f'{protocol} <span class="small text-muted">({not_open})</span>'
        elif a["declared"]:
            title = "" if a["title"] is None else esc(a["title"])
            proposal = f'<a href="{esc(score(a["pk"]))}">{protocol} · {title}</a>'
        else:
            proposal = (f'<a href="{esc(declare(a["pk"]))}">{protocol}</a> '
                        f'<span class="small">({declare_first})</span>')
        closes = a["round__closes_at"]
        deadline = "" if closes in (None, "") else esc(date_format(timezone.localtime(closes), "j F Y, H:i"))
        out.append(f'\n  <tr><td>{esc(a["round__title"])}</td>\n'
                   f'    <td>{proposal}</td>\n'
                   f'    <td>{esc(a["status_label"]) if a["declared"] else to_make}</td>\n'
                   f'    <td>{deadline}</td></tr>\n  ')
    return mark_safe("".join(out))  # noqa: S308 (every value escaped)
