"""Concurrent edits: a save over a newer version is never applied.

Every edit form carries the revision it was loaded from (`VersionedFormMixin` adds the hidden field
`edit_revision`). The service that saves the form calls, inside its transaction,

    versioning.claim(obj, form.edit(), by=user, scope="")

which locks the object's row, compares the loaded revision with the newest one and either records
the next revision (who, when, the values saved) or raises `EditConflict`: the transaction rolls
back, nothing changes. The view then calls `form.show_conflict(exc)`: the page comes back with the
person's own text in the form, a message saying who saved what and when, and the form now carries
the newest revision, so saving again (after merging) is applied.

Revisions live in one table (`EditRevision`), unique per object, scope and number: two saves over
the same revision cannot both be applied, on PostgreSQL (row lock, then the unique constraint) as
on SQLite (writes are serialised). The scope is the part of the object a form edits (a proposal's
step), so two people on two different steps never get in each other's way.
"""
import datetime
import decimal
from dataclasses import dataclass, field

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .audit import _jsonable
from .models import EditRevision

REVISION_FIELD = "edit_revision"


@dataclass
class Edit:
    """What a form's save claims: the revision it was loaded from (None: unknown, no check) and the
    values it writes ({field name: value})."""

    loaded: int | None = None
    values: dict = field(default_factory=dict)


class EditConflict(Exception):
    """The object was saved by someone else (or in another tab) after the form was loaded."""

    def __init__(self, newer: list, loaded_values: dict | None, your_values: dict):
        self.newer = newer  # EditRevision rows after the loaded one, oldest first
        self.latest = newer[-1] if newer else None
        self.loaded_values = loaded_values
        self.your_values = your_values
        super().__init__("edit conflict")

    @property
    def revision(self) -> int:
        return self.latest.number if self.latest else 0

    def changed(self) -> dict:
        """{field name: the newest saved value} for the fields the other saves changed (compared
        with the version the form was loaded from, or, for a field it does not record, with what was
        posted)."""
        if self.latest is None:
            return {}
        loaded = self.loaded_values or {}  # a revision saved by no form (a script) records no values
        changed = {}
        for name, value in self.latest.values.items():
            base = loaded if name in loaded else self.your_values
            if name in base and base.get(name) != value:
                changed[name] = value
        return changed

    def who(self) -> str:
        names = []
        for rev in self.newer:
            name = rev.saved_by.get_full_name() if rev.saved_by else _("someone")
            if name not in names:
                names.append(name)
        return ", ".join(names)


def _key(obj):
    return ContentType.objects.get_for_model(obj, for_concrete_model=False), str(obj.pk)


def current(obj, scope: str = "") -> int:
    """The newest revision of the object (0: never saved through a versioned form)."""
    if obj is None or obj.pk is None:
        return 0
    ct, pk = _key(obj)
    last = (EditRevision.objects.filter(content_type=ct, object_id=pk, scope=scope)
            .order_by("-number").values_list("number", flat=True).first())
    return last or 0


def claim(obj, edit: "Edit | None", *, by, scope: str = "") -> int:
    """Inside the caller's transaction: lock the object, refuse a save over a newer revision
    (EditConflict), else record the next revision. Returns the new revision number. `edit` None
    (a save that comes from no form, e.g. a script) skips the check but still moves the revision,
    so every open form learns of it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("versioning.claim() must run inside the service's transaction")
    obj._meta.model._default_manager.select_for_update().filter(pk=obj.pk).exists()  # (request.user is lazy)
    ct, pk = _key(obj)
    rows = EditRevision.objects.filter(content_type=ct, object_id=pk, scope=scope)
    latest = rows.order_by("-number").values_list("number", flat=True).first() or 0
    loaded = edit.loaded if edit is not None else None
    values = edit.values if edit is not None else {}
    if loaded is not None and loaded != latest:
        raise _conflict(rows, loaded, values)
    try:
        with transaction.atomic():
            EditRevision.objects.create(content_type=ct, object_id=pk, scope=scope, number=latest + 1,
                                        saved_by=by if getattr(by, "is_authenticated", False) else None,
                                        values=values)
    except IntegrityError:  # another save took this number a moment ago
        raise _conflict(rows, loaded if loaded is not None else latest, values) from None
    return latest + 1


def _conflict(rows, loaded: int, values: dict) -> EditConflict:
    newer = list(rows.filter(number__gt=loaded).select_related("saved_by").order_by("number"))
    base = rows.filter(number=loaded).values_list("values", flat=True).first() if loaded else None
    return EditConflict(newer, base, values)


def prune(keep_days: int = 30, *, cutoff=None) -> int:
    """Forget revisions older than `keep_days` (or saved before `cutoff`), except the newest of each
    object and scope (the number an open form compares with)."""
    from django.db.models import Max

    cutoff = cutoff or timezone.now() - datetime.timedelta(days=keep_days)
    newest = (EditRevision.objects.values("content_type", "object_id", "scope").annotate(n=Max("number")))
    keep = set()
    for row in newest:
        keep.add((row["content_type"], row["object_id"], row["scope"], row["n"]))
    old = EditRevision.objects.filter(saved_at__lt=cutoff).values_list(
        "pk", "content_type", "object_id", "scope", "number")
    doomed = [pk for pk, *k in old if tuple(k) not in keep]
    if doomed:
        EditRevision.objects.filter(pk__in=doomed).delete()
    return len(doomed)


# Forms -------------------------------------------------------------------------------------------

def _display(form_field, raw) -> str:
    if raw in (None, "", [], {}):
        return _("(empty)")
    if isinstance(raw, bool):
        return _("yes") if raw else _("no")
    if isinstance(form_field, forms.ChoiceField) and not isinstance(form_field, forms.ModelChoiceField):
        choices = {str(k): v for k, v in form_field.choices}
        if isinstance(raw, list):
            return ", ".join(str(choices.get(str(r), r)) for r in raw)
        return str(choices.get(str(raw), raw))
    if isinstance(raw, list):
        return ", ".join(str(r) for r in raw)
    if isinstance(form_field, forms.DecimalField):
        from .money import number
        try:
            return number(decimal.Decimal(str(raw)))
        except (decimal.InvalidOperation, ValueError):
            return str(raw)
    if isinstance(form_field, forms.DateField) and not isinstance(form_field, forms.DateTimeField):
        try:
            return formats.date_format(datetime.date.fromisoformat(str(raw)))
        except ValueError:
            return str(raw)
    return Truncator(str(raw)).chars(300)


class VersionedFormMixin:
    """Put first in a form's bases. `edit_object` (a ModelForm's instance by default) is the saved
    object; `edit_scope` the part of it this form edits. Adds the hidden `edit_revision`."""

    edit_scope = ""
    edit_exclude = ()  # fields whose values are not recorded (files, confirmations)

    def __init__(self, *args, edit_object=None, edit_scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        if edit_object is None:
            instance = getattr(self, "instance", None)
            edit_object = instance if instance is not None and instance.pk else None
        self.edit_object = edit_object
        if edit_scope is not None:
            self.edit_scope = edit_scope
        self.edit_conflict = None
        if edit_object is not None:
            self.fields[REVISION_FIELD] = forms.CharField(
                widget=forms.HiddenInput(attrs={"data-edit-revision": ""}), required=False,
                initial=lambda: current(self.edit_object, self.edit_scope))

    def edit_values(self) -> dict:
        data = getattr(self, "cleaned_data", {}) or {}
        out = {}
        for name, f in self.fields.items():
            if (name == REVISION_FIELD or name in self.edit_exclude or isinstance(f.widget, forms.HiddenInput)
                    or isinstance(f, forms.FileField) or name not in data):
                continue
            value = data[name]
            if isinstance(value, Model):
                value = str(value)
            elif isinstance(value, QuerySet):
                value = sorted(str(o) for o in value)
            out[name] = _jsonable(value)
        return out

    def edit(self) -> Edit:
        """The claim of this save: the loaded revision (None when the page carried none) and values."""
        loaded = None
        if self.is_bound and self.add_prefix(REVISION_FIELD) in self.data:
            raw = str(self.data.get(self.add_prefix(REVISION_FIELD)) or "0").strip()
            loaded = int(raw) if raw.isdigit() else 0
        return Edit(loaded=loaded, values=self.edit_values())

    def show_conflict(self, exc: EditConflict):
        """The page answers with the person's text kept, what changed (by whom, when) beside the
        fields, and the newest revision in the form, so the next save (once merged) is applied."""
        self.edit_conflict = exc
        data = self.data.copy()
        data[self.add_prefix(REVISION_FIELD)] = str(exc.revision)
        self.data = data
        changed = exc.changed()
        when = formats.date_format(timezone.localtime(exc.latest.saved_at), "j F Y, H:i") if exc.latest else ""
        items = []
        for name, value in changed.items():
            f = self.fields.get(name)
            label = str(f.label) if f is not None and f.label else name
            shown = _display(f, value)
            items.append((label, shown))
            if f is not None and name in self.fields:
                self.add_error(name, _("Saved meanwhile by %(who)s: “%(value)s”. What you typed is in the field: "
                                       "keep what you want and save again.") % {"who": exc.who(), "value": shown})
        head = _("%(who)s saved this page on %(when)s, after you opened it: your changes have NOT been saved. "
                 "What you typed is still in the form: compare it with what was saved, keep what you want "
                 "and save again.") % {"who": exc.who(), "when": when}
        if items:
            detail = format_html("{} {}", _("What changed:"), format_html_join("; ", "{}: “{}”", items))
            message = format_html("{} {}", head, detail)
        else:
            message = head
        self.add_error(None, message)
        return message

    def conflict_message(self) -> str:
        errors = self.non_field_errors()
        return str(errors[-1]) if errors else ""


class PageVersionForm(VersionedFormMixin, forms.Form):
    """Only the revision, for a page whose fields are a formset (e.g. the camp's pitches): build it
    with `edit_object` and `edit_scope`, render `{{ version_form }}` inside the page's form, and
    pass `version_form.edit(values)` to the service. Its conflict message names who saved, when,
    and what (the values given), while the formset keeps what the person typed."""

    def edit(self, values: dict | None = None) -> Edit:
        claim_ = super().edit()
        claim_.values = values or {}
        return claim_


def autosave_requested(request) -> bool:
    return request.method == "POST" and request.headers.get("X-TSF-Autosave") == "1"


def autosave_reply(*, revision: int | None = None, form=None, conflict: "EditConflict | None" = None,
                   errors=None, refused: str | None = None, rows: dict | None = None):
    """The JSON answer to autosave.js: saved (with the time and the new revision), a conflict (the
    message; autosave stops; also when the page can no longer be saved: `refused`), or not saved (errors; autosave tries again after the next change)."""
    from django.http import JsonResponse

    if conflict is not None:
        return JsonResponse({"status": "conflict", "message": form.conflict_message() if form else "",
                             "revision": conflict.revision}, status=409)
    if refused is not None:  # can no longer be saved (submitted, deadline passed): autosave stops
        return JsonResponse({"status": "conflict", "message": str(refused)}, status=409)
    if errors is not None:
        return JsonResponse({"status": "invalid", "message": _("Not saved automatically: some fields need "
                                                                "attention. Save the page to see them.")},
                            status=422)
    now = timezone.localtime()
    # rows: {input name: value} to put in the page, e.g. the ids of formset rows just created (so
    # the next save changes them instead of adding them again) or emptied ids of rows just deleted
    # (autosave.js hides those rows); tsf.core.forms.AutosavedRowsMixin.
    answer = {"status": "saved", "revision": revision,
              "message": _("Saved at %(time)s") % {"time": formats.time_format(now, "H:i")}}
    if rows is not None:
        answer["rows"] = rows
    return JsonResponse(answer)


