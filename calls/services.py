"""Changes to calls: created and edited by staff, each change audited. A change of a date after
the call opened is recorded as its own audit entry (`call.dates_change`), so that anyone can see
when and by whom a deadline moved."""
from django.db import transaction

from tsf.core import audit, versioning

from .models import Call

DATE_FIELDS = (
    "opens_at", "closes_at", "first_selection_results_on", "incubation_starts_on", "incubation_ends_on",
    "revised_opens_at", "revised_closes_at", "final_assessment_on", "results_published_on",
    "acceleration_starts_on",
)
AUDITED_FIELDS = (
    "title", "slug", "year", "protocol_prefix", "is_published", "incubation_quota", "funding_quota", "max_grant",
    "total_budget", "eligible_legal_forms", "reminder_offsets", "implementation_months",
) + DATE_FIELDS


@transaction.atomic
def save_call(form, *, by) -> Call:
    """Save a CallForm (new or existing call) with its many-to-many fields, and audit it."""
    instance = form.instance
    is_new = instance.pk is None
    before = {}
    had_opened = False
    if not is_new:
        versioning.claim(instance, form.edit(), by=by)  # EditConflict: saved meanwhile by someone else
        original = Call.objects.select_for_update().get(pk=instance.pk)
        before = audit.snapshot(original, AUDITED_FIELDS)
        had_opened = original.has_opened()
    call = form.save()
    if is_new:
        audit.record(by, "call.create", call, changes={f: [None, getattr(call, f)] for f in ("title", "opens_at", "closes_at")})
        return call
    changes = audit.diff(call, AUDITED_FIELDS, before)
    if changes:
        audit.record(by, "call.update", call, changes=changes)
    date_changes = {k: v for k, v in changes.items() if k in DATE_FIELDS}
    if had_opened and date_changes:
        audit.record(by, "call.dates_change", call, changes=date_changes,
                     note="Dates changed after the call opened")
    return call


@transaction.atomic
def save_call_extras(formset, *, by, what: str):
    """Save a documents or FAQ formset of a call, auditing additions and removals."""
    saved = formset.save()
    call = formset.instance
    for obj in saved:
        audit.record(by, f"call.{what}_save", call, changes={what: [None, str(obj)]})
    for obj in formset.deleted_objects:
        audit.record(by, f"call.{what}_delete", call, changes={what: [str(obj), None]})
    return saved
