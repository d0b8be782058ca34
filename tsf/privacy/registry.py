"""What the portal holds about people, told by the app that holds it.

The privacy app (the leftmost of the pipeline) cannot import the stages, so each app registers, in
its `privacy.py` (imported by its AppConfig.ready):

- `RecordKind`: one line of the retention schedule (what, why, legal basis, how long, and the
  function that deletes or anonymises what has expired); the privacy notice, the register of
  processing activities and the periodic task all read this one list;
- `section(key, title)`: a part of "my data" (rows for the JSON and the summary, files for the ZIP);
- `erasure(key)`: one step of closing an account, with `plan(user)` (what it will do, and why
  something is kept) and `apply(user)` (doing it);
- `consent_source(kind, get=, set=)`: the app whose own record *is* an optional consent (the newsletter's
  subscription is the newsletter consent): "my data", the sign-up form and the services read and
  change that record instead of a `Consent` row, so there is one record of it.
"""
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class RecordKind:
    key: str
    label: object  # lazy text
    data: object  # categories of personal data
    purpose: object
    legal_basis: object
    days: int | None  # None: kept as the law says (`kept_for`), never purged by the task
    action: object = ""  # what happens when it expires ("deleted", "anonymised")
    purge: Callable[[datetime.datetime], int] | None = None
    kept_for: object = ""  # the period in words, for records with no days
    order: int = 50

    @property
    def retention_days(self) -> int | None:
        """The configured period: settings.TSF_RETENTION_DAYS (env RETENTION_DAYS) over the default."""
        if self.days is None:
            return None
        return int(getattr(settings, "TSF_RETENTION_DAYS", {}).get(self.key, self.days))


@dataclass(frozen=True)
class Section:
    key: str
    title: object
    func: Callable  # (user) -> {"rows": [dict], "files": [(name in the zip, FieldFile)]}
    order: int = 50


@dataclass(frozen=True)
class PlanItem:
    """One line of what closing an account does: `action` is "delete", "pseudonymise" or "keep"."""

    what: object
    action: str
    reason: object = ""
    count: int = 0
    needs_review: bool = False


@dataclass(frozen=True)
class ErasureStep:
    key: str
    plan: Callable  # (user) -> list[PlanItem]
    apply: Callable  # (user, pseudonym) -> dict[str, int]
    order: int = 50


@dataclass(frozen=True)
class ConsentSource:
    kind: str
    get: Callable  # (user) -> bool: whether the consent is given now
    set: Callable  # (user, given: bool) -> None


_kinds: dict[str, RecordKind] = {}
_consent_sources: dict[str, ConsentSource] = {}
_sections: dict[str, Section] = {}
_steps: dict[str, ErasureStep] = {}


def register_kind(kind: RecordKind) -> RecordKind:
    _kinds[kind.key] = kind
    return kind


def kinds() -> list[RecordKind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))


def kind(key: str) -> RecordKind:
    return _kinds[key]


def section(key: str, title, order: int = 50):
    def decorator(func):
        _sections[key] = Section(key, title, func, order)
        return func

    return decorator


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def erasure(key: str, *, plan: Callable, order: int = 50):
    def decorator(func):
        _steps[key] = ErasureStep(key, plan, func, order)
        return func

    return decorator


def steps() -> list[ErasureStep]:
    return sorted(_steps.values(), key=lambda s: (s.order, s.key))


def consent_source(kind: str, *, get: Callable, set: Callable) -> ConsentSource:  # noqa: A002
    _consent_sources[kind] = ConsentSource(kind, get, set)
    return _consent_sources[kind]


def consent_source_for(kind: str) -> ConsentSource | None:
    return _consent_sources.get(kind)
