"""`{% proposal_table_rows rows %}`: the rows of a person's proposals (projects/includes/proposal_table.html,
on "my area" and "my proposals"), from (proposal, next step, its date) triples.

Written in Python rather than as a template loop, as the staff list's rows are (staff_rows.py): the
same HTML, built on every visit of "my area". Values are shown as the template showed them: the
title's fallback, the status badge of projects/status_badge.html (selectors.STATUS_BADGES), the
next step's "—" when there is none and its date in the local zone as "j F Y"."""
from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from tsf.core.rows import addresses

from ..models import ProposalStatus
from ..selectors import STATUS_BADGES

register = template.Library()

DASH = "—"


def _local(value):
    return timezone.template_localtime(value)


@register.simple_tag
def proposal_table_rows(rows):
    if not rows:
        return ""
    address = addresses("projects:proposal")
    untitled = gettext("Untitled proposal")
    organisation, status, next_step, by = (gettext("Organisation"), gettext("Status"), gettext("Next step"),
                                           gettext("by"))
    statuses = dict(ProposalStatus.choices)  # get_status_display's labels, without its lookup per row
    out = []
    for p, next_label, next_date in rows:
        protocol = format_html('<br><span class="small">{}</span>', p.protocol_number) if p.protocol_number else ""
        when = (format_html('<br><span class="small">{} {}</span>', by, date_format(_local(next_date), "j F Y"))
                if next_date else "")
        out.append(format_html(
            '\n    <tr><td><a href="{}">{}</a>{}<br><span class="small text-muted">{}</span></td>\n'
            '      <td data-label="{}">{}</td>\n'
            '      <td data-label="{}"><span class="badge {}">{}</span>\n</td>\n'
            '      <td data-label="{}" class="fw-semibold">{}{}</td></tr>\n  ',
            address(p.pk), p.title or untitled, protocol, p.call.title,
            organisation, p.organisation.legal_name,
            status, STATUS_BADGES.get(p.status, "bg-primary"), statuses.get(p.status, p.status),
            next_step, next_label or DASH, when,
        ))
    return mark_safe("".join(out))  # noqa: S308 (every row made by format_html)
