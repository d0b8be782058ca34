"""`{% staff_proposal_rows rows %}`: the rows of the staff list of a call's proposals
(projects/staff/list.html), from `selectors.staff_list_rows`.

Written in Python rather than as a template loop, as the staff ranking's rows are
(assessment/templatetags/assessment_ranking.py): the same HTML, about three times faster for a
page of rows built on every request. Values are shown as the template showed them: the title's
fallback, the amount with `floatformat:"0g"`, the submission time in the local zone with
SHORT_DATETIME_FORMAT."""
from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

DASH = "—"
_MARK = 987654321  # a pk in the reversed address, replaced by each row's


@register.simple_tag
def staff_proposal_rows(rows):
    address = reverse("projects:staff_proposal", kwargs={"pk": _MARK})
    untitled = gettext("Untitled proposal")
    out = []
    for p in rows:
        submitted = p["submitted_at"]
        out.append(format_html(
            '<tr><td>{}</td>\n'
            '      <td><a href="{}">{}</a></td>\n'
            '      <td>{}<br><span class="small text-muted">{}</span></td>\n'
            '      <td>{}</td>\n'
            '      <td class="small">{}</td>\n'
            '      <td class="text-end">{}</td>\n'
            '      <td><span class="badge {}">{}</span></td>\n'
            '      <td class="small">{}</td></tr>',
            p["protocol_number"] or DASH, address.replace(str(_MARK), str(p["pk"])), p["cur_title"] or untitled,
            p["organisation__legal_name"], p["legal_form_label"], p["cur_district_number"] or DASH, p["themes"],
            floatformat(p["cur_grant"], "0g"), p["badge"], p["status_label"],
            date_format(timezone.localtime(submitted), "SHORT_DATETIME_FORMAT") if submitted else DASH,
        ))
    return mark_safe("\n    ".join(out))  # noqa: S308 (every row made by format_html)
