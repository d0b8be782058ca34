"""`{% report_rows reports %}`, `{% bars_chart items id=… title=… %}`, `{% timeline_chart items %}`,
`{% amount_rows items %}`, `{% timeline_rows items %}`: the grants' lists of reports, charts and the
charts' tables, written in Python (the portfolio shows up to 150 report
rows; the template language takes about 0.1 ms a row, a `{% url %}` included)."""
from html import escape as _escape

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from grants import charts
from tsf.core.rows import addresses

register = template.Library()

@register.simple_tag
def report_rows(reports):
    """The reports as a list: label and CUP (a link to the report), organisation, due date. Each
    report needs pk, label, due_date, grant.cup and grant.proposal.organisation.legal_name (model
    instances, or `selectors.report_lines`)."""
    if not reports:
        return format_html('<div class="tsf-empty"><p class="mb-0">{}</p></div>\n', _("None."))
    url = addresses("grants:report")
    due = escape(_("due"))
    dates = {}
    out = ['<ul class="list-unstyled">']
    for r in reports:
        d = r.due_date
        if d not in dates:
            dates[d] = escape(date_format(d, "j F Y"))
        # html.escape: what django.utils.html.escape does, without its check for lazy strings per call
        out.append(f'\n<li class="mb-1"><a href="{url(r.pk)}">{_escape(str(r.label))} · '
                   f'{_escape(r.grant.cup)}</a> — {_escape(r.grant.proposal.organisation.legal_name)} · {due} '
                   f'{dates[d]}</li>')
    out.append("</ul>\n")
    return mark_safe("".join(out))  # noqa: S308 - every word in it went through escape()


@register.simple_tag
def amount_rows(items):
    """The table rows of [(name, amount)]: the name, and the amount to the cent with the thousands
    grouped (`|floatformat:"2g"`); a dash when there is none."""
    if not items:
        return mark_safe('<tr><td colspan="2">—</td></tr>')
    return mark_safe("".join(  # noqa: S308 - every name went through escape()
        f'<tr><td>{escape(name)}</td><td class="text-end">{floatformat(amount, "2g")}</td></tr>'
        for name, amount in items))


@register.simple_tag
def timeline_rows(items):
    """The tranche timeline's table rows: quarter, then paid, payable and planned to the cent."""
    if not items:
        return mark_safe('<tr><td colspan="4">—</td></tr>')
    return mark_safe("".join(  # noqa: S308 - every quarter went through escape()
        f'<tr><td>{escape(quarter)}</td><td class="text-end">{floatformat(v["paid"], "2g")}</td>'
        f'<td class="text-end">{floatformat(v["payable"], "2g")}</td>'
        f'<td class="text-end">{floatformat(v["planned"], "2g")}</td></tr>'
        for quarter, v in items))


@register.simple_tag
def bars_chart(items, *, id, title):
    return charts.bars_svg(items, id=id, title=title)


@register.simple_tag
def timeline_chart(items):
    return charts.timeline_svg(items)
