"""`{% staff_proposal_rows rows %}`, `{% staff_call_links calls call.pk %}`,
`{% staff_filter_fields filters %}`: the rows of the staff list of a call's proposals
(projects/staff/list.html), from `selectors.staff_list_rows`, the calls above it and its filters.

Written in Python rather than as a template loop, as the staff ranking's rows are
(assessment/templatetags/assessment_ranking.py): the same HTML, about three times faster for a
page of rows built on every request. Values are shown as the template showed them: the title's
fallback, the amount with `floatformat:"0g"`, the submission time in the local zone with
SHORT_DATETIME_FORMAT."""
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django import template
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from tsf.core.rows import addresses

register = template.Library()

DASH = "—"
_ONE = Decimal(1)


def _amount():
    """`floatformat:"0g"` for the amounts (Decimals): rounded half up to the euro, the thousands
    grouped by threes with the language's separator; anything else goes through floatformat."""
    separator = get_format("THOUSAND_SEPARATOR")
    if get_format("NUMBER_GROUPING") != 3:
        return lambda value: floatformat(value, "0g")

    def amount(value):
        if isinstance(value, Decimal) and value.is_finite():
            return f"{int(value.quantize(_ONE, ROUND_HALF_UP)):,}".replace(",", separator)
        return floatformat(value, "0g")
    return amount


def _short_datetime():
    """`date_format(localtime(value), "SHORT_DATETIME_FORMAT")`, written directly for the projects'
    format ("d/m/Y H:i", both languages), through date_format for any other."""
    if get_format("SHORT_DATETIME_FORMAT") != "d/m/Y H:i":
        return lambda value: date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")

    def short(value):
        t = timezone.localtime(value)
        return f"{t.day:02d}/{t.month:02d}/{t.year:04d} {t.hour:02d}:{t.minute:02d}"
    return short


@register.simple_tag
def staff_proposal_rows(rows):
    address = addresses("projects:staff_proposal")
    untitled = gettext("Untitled proposal")
    amount, short_datetime = _amount(), _short_datetime()
    out = []
    # html.escape: what django.utils.html.escape does, without its check for lazy strings per call
    # (labels of choices are lazy: str() first); the amount is digits and separators, as floatformat marks it safe
    for p in rows:
        submitted = p["submitted_at"]
        out.append(
            f'<tr><td>{escape(p["protocol_number"] or DASH)}</td>\n'
            f'      <td><a href="{escape(address(p["pk"]))}">'
            f'{escape(p["cur_title"] or untitled)}</a></td>\n'
            f'      <td>{escape(p["organisation__legal_name"])}<br>'
            f'<span class="small text-muted">{escape(str(p["legal_form_label"]))}</span></td>\n'
            f'      <td>{escape(str(p["cur_district_number"] or DASH))}</td>\n'
            f'      <td class="small">{escape(p["themes"])}</td>\n'
            f'      <td class="text-end">{amount(p["cur_grant"])}</td>\n'
            f'      <td><span class="badge {escape(p["badge"])}">{escape(str(p["status_label"]))}</span></td>\n'
            f'      <td class="small">{escape(short_datetime(submitted)) if submitted else DASH}</td></tr>')
    return mark_safe("\n    ".join(out))  # noqa: S308 (every value in it went through escape())


@register.simple_tag
def staff_call_links(calls, current_pk):
    """The calls above the list, " · " between them: this one's title in bold, the others' a link
    to their list (`calls`: dicts of pk, slug, title_shown)."""
    address = addresses("projects:staff_proposals", key="slug")
    out = []
    for c in calls:
        title = escape(str(c["title_shown"]))
        if c["pk"] == current_pk:
            out.append(f"<strong>{title}</strong>")
        else:
            out.append(f'<a href="{escape(address(c["slug"]))}">{title}</a>')
    return mark_safe(" · ".join(out))  # noqa: S308 (every value in it went through escape())


@register.simple_tag
def staff_filter_fields(form):
    """The filter form's fields, each in its column with its label (the search wider)."""
    return mark_safe("".join(  # noqa: S308 (every value in it went through conditional_escape())
        f'\n  <div class="col-md-{6 if field.name == "q" else 3}">\n'
        f'    <label for="{conditional_escape(field.id_for_label)}" class="form-label">'
        f'{conditional_escape(field.label)}</label>\n'
        f'    {conditional_escape(field)}\n  </div>\n  ' for field in form))
