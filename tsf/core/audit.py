"""The audit helper that every stage's services call.

    audit.record(request.user, "proposal.submit", proposal, changes={"status": ["draft", "submitted"]})
"""
import datetime
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.utils.functional import Promise

from .models import AuditEntry


def _jsonable(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, Model | Promise):  # an object, or a lazily translated string
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def record(actor, action: str, obj=None, *, changes: dict | None = None, note: str = "") -> AuditEntry:
    """Write one audit entry. `changes` maps a field to [old, new]."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        changes=_jsonable(changes or {}),
        note=note,
    )


def diff(instance, fields, before: dict) -> dict:
    """{field: [old, new]} for the `fields` whose value changed since `before`."""
    out = {}
    for name in fields:
        new = getattr(instance, name)
        if before.get(name) != new:
            out[name] = [before.get(name), new]
    return out


def snapshot(instance, fields) -> dict:
    return {name: getattr(instance, name) for name in fields}
