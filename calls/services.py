"""Changes to calls: created and edited by staff, each change audited. A change of a date after
the call opened is recorded as its own audit entry (`call.dates_change`), so that anyone can see
when and by whom a deadline moved."""
from django.db import transaction
from django.utils.translation import gettext as _

from tsf.accounts.permissions import require_perm
from tsf.core import audit, versioning
from tsf.core.money import euro

from .models import PROGRAMME_MAX_GRANT, Call


class CallError(Exception):
    """A service refused a change; `messages` are for the person, `field` the form field they belong to."""

    def __init__(self, *messages, field=None):
        self.messages = [str(m) for m in messages]
        self.field = field
        super().__init__("; ".join(self.messages))


def check_max_grant(max_grant):
    if max_grant is not None and max_grant > PROGRAMME_MAX_GRANT:
        raise CallError(_("A call's maximum grant cannot exceed the programme's cap of %(cap)s.")
                        % {"cap": euro(PROGRAMME_MAX_GRANT)}, field="max_grant")

DATE_FIELDS = (
    "opens_at", "closes_at", "first_selection_results_on", "incubation_starts_on", "incubation_ends_on",
    "revised_opens_at", "revised_closes_at", "final_assessment_on", "results_published_on",
    "acceleration_starts_on",
)
AUDITED_FIELDS = (
    "title", "slug", "year", "protocol_prefix", "is_published", "incubation_quota", "funding_quota", "max_grant",
    "total_budget", "eligible_legal_forms", "reminder_offsets", "implementation_months",
) + DATE_FIELDS


def _moved(old, new) -> bool:
    """A date really changed: the form shows times to the minute, so seconds do not count."""
    if hasattr(old, "replace") and hasattr(new, "replace") and hasattr(old, "second") and hasattr(new, "second"):
        return old.replace(second=0, microsecond=0) != new.replace(second=0, microsecond=0)
    return old != new


@transaction.atomic
def save_call(form, *, by, reason: str = "") -> Call:
    """Save a CallForm (new or existing call) with its many-to-many fields, and audit it.

    Refused (CallError, nothing saved): a maximum grant above the programme's cap; a change of
    the call's dates after it opened without a `reason` (kept in the `call.dates_change` entry)."""
    require_perm(by, "calls.manage_call")
    instance = form.instance
    is_new = instance.pk is None
    before = {}
    had_opened = False
    reason = (reason or "").strip()
    check_max_grant(instance.max_grant)
    if not is_new:
        versioning.claim(instance, form.edit(), by=by)  # EditConflict: saved meanwhile by someone else
        original = Call.objects.select_for_update().get(pk=instance.pk)
        before = audit.snapshot(original, AUDITED_FIELDS)
        had_opened = original.has_opened()
        if had_opened and any(_moved(before[f], getattr(instance, f)) for f in DATE_FIELDS) and not reason:
            raise CallError(_("The call has opened: give the reason for changing its dates."),
                            field="dates_change_reason")
    call = form.save()
    if is_new:
        audit.record(by, "call.create", call, changes={f: [None, getattr(call, f)] for f in ("title", "opens_at", "closes_at")})
        return call
    changes = audit.diff(call, AUDITED_FIELDS, before)
    if changes:
        audit.record(by, "call.update", call, changes=changes)
    date_changes = {k: v for k, v in changes.items() if k in DATE_FIELDS and _moved(*v)}
    if had_opened and date_changes:
        audit.record(by, "call.dates_change", call, changes=date_changes, note=reason)
    return call


@transaction.atomic
def save_call_extras(formset, *, by, what: str):
    """Save a documents or FAQ formset of a call, auditing additions and removals."""
    require_perm(by, "calls.manage_call")
    saved = formset.save()
    call = formset.instance
    for obj in saved:
        audit.record(by, f"call.{what}_save", call, changes={what: [None, str(obj)]})
    for obj in formset.deleted_objects:
        audit.record(by, f"call.{what}_delete", call, changes={what: [str(obj), None]})
    return saved
