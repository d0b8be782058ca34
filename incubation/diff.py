"""What changed between two versions of a proposal, field by field, word by word (difflib)."""
import difflib
import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models import ProposalVersion
from tsf.core.money import euro

_TOKEN = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")


@dataclass
class FieldDiff:
    name: str
    label: str
    left: list  # [(op, text)] with op in "equal", "delete"
    right: list  # [(op, text)] with op in "equal", "insert"
    changed: bool


def word_diff(old: str, new: str):
    """Two lists of (op, text) segments: the old text with removed words marked "delete", the new
    text with inserted words marked "insert". Whitespace is kept so the text reads as written."""
    a = _TOKEN.findall(old or "")
    b = _TOKEN.findall(new or "")
    left, right = [], []
    # Words are compared without their trailing space, and shown with it.
    matcher = difflib.SequenceMatcher(a=[t.rstrip() or t for t in a], b=[t.rstrip() or t for t in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            left.append(("equal", "".join(a[i1:i2])))
            right.append(("equal", "".join(b[j1:j2])))
            continue
        if op in ("delete", "replace"):
            left.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            right.append(("insert", "".join(b[j1:j2])))
    return _merge(left), _merge(right)


def _merge(segments):
    out = []
    for op, text in segments:
        if not text:
            continue
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))
    return out


def _value_text(version: ProposalVersion, name: str) -> str:
    field = ProposalVersion._meta.get_field(name)
    if field.many_to_many:
        return ", ".join(sorted(str(o) for o in getattr(version, name).all()))
    if field.choices:
        return str(getattr(version, f"get_{name}_display")())
    value = getattr(version, name)
    if value is None:
        return ""
    if isinstance(field, models.DecimalField):
        return euro(value)  # every amount of a version is in euros
    return str(value)


def _budget_text(version: ProposalVersion) -> str:
    lines = sorted(version.budget_lines.all(), key=lambda b: (b.order, b.id))
    return "\n".join(f"{b.get_category_display()}: {b.description}: {euro(b.amount)}" for b in lines)


def _attachments_text(version: ProposalVersion) -> str:
    return "\n".join(str(a) for a in version.attachments.all())


def version_diff(old: ProposalVersion, new: ProposalVersion) -> list[FieldDiff]:
    names = list(ProposalVersion.CONTENT_FIELDS)
    names[names.index("target_groups_other"):names.index("target_groups_other")] = ["target_groups"]
    names.insert(names.index("area_description"), "neighbourhoods")
    names.insert(names.index("solution_type"), "themes")
    out = []
    for name in names:
        label = str(ProposalVersion._meta.get_field(name).verbose_name)
        a, b = _value_text(old, name), _value_text(new, name)
        left, right = word_diff(a, b)
        out.append(FieldDiff(name, label[:1].upper() + label[1:], left, right, a != b))
    for name, label, fn in (("budget_lines", _("Budget lines"), _budget_text),
                            ("attachments", _("Attachments"), _attachments_text)):
        a, b = fn(old), fn(new)
        left, right = word_diff(a, b)
        out.append(FieldDiff(name, str(label), left, right, a != b))
    return out
