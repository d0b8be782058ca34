"""Every change about personal data: copies, closing accounts, consents, the retention schedule.
Atomic, audited; notifications queued after commit (tsf.notifications)."""
import datetime
import io
import json
import logging
import zipfile

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from tsf.accounts.permissions import require_perm, require_role
from tsf.core import audit, versioning
from tsf.core.i18n import language_of
from tsf.core.queue import offer

from . import registry
from .models import Consent, DataRequest, RetentionRun

logger = logging.getLogger(__name__)


class PrivacyError(Exception):
    """A request was refused; the message is for the person."""


# --- Consents ---------------------------------------------------------------------------------------

def consents_of(user) -> dict[str, bool]:
    given = dict(Consent.objects.filter(user=user).values_list("kind", "given"))
    out = {kind: bool(given.get(kind, False)) for kind in Consent.Kind.values}
    for kind in out:
        if (source := registry.consent_source_for(kind)) is not None:
            out[kind] = bool(source.get(user))  # the app's own record is the consent
    return out


@transaction.atomic
def set_consents(user, wanted: dict[str, bool], *, edit=None) -> list[str]:
    """The person gives or withdraws optional consents (each one apart, off until ticked); audited.
    Returns the kinds that changed. `edit` (the form's versioning.Edit): refused with
    versioning.EditConflict, nothing changed, when the choices were saved after the form was loaded."""
    versioning.claim(user, edit, by=user, scope="consents")
    changed = []
    now = timezone.now()
    for kind in Consent.Kind.values:
        if kind not in wanted:
            continue
        if (source := registry.consent_source_for(kind)) is not None:
            if bool(source.get(user)) != bool(wanted[kind]):
                source.set(user, bool(wanted[kind]))
                audit.record(user, "privacy.consent", user, changes={kind: [not wanted[kind], bool(wanted[kind])]})
                changed.append(kind)
            continue
        consent, _created = Consent.objects.select_for_update().get_or_create(user=user, kind=kind)
        if consent.given == bool(wanted[kind]):
            continue
        consent.given = bool(wanted[kind])
        if consent.given:
            consent.given_at, consent.withdrawn_at = now, None
        else:
            consent.withdrawn_at = now
        consent.save()
        audit.record(user, "privacy.consent", user, changes={kind: [not consent.given, consent.given]})
        changed.append(kind)
    return changed


def has_consent(user, kind: str) -> bool:
    if (source := registry.consent_source_for(kind)) is not None:
        return bool(source.get(user))
    return Consent.objects.filter(user=user, kind=kind, given=True).exists()


# --- A copy of one's data ---------------------------------------------------------------------------

def export_days() -> int:
    return registry.kind("data_exports").retention_days


def collect(user) -> tuple[list[dict], list[tuple[str, object]]]:
    """Every section of "my data" for `user`: [{key, title, rows}], and the files to put in the ZIP."""
    sections, files = [], []
    for section in registry.sections():
        data = section.func(user) or {}
        sections.append({"key": section.key, "title": str(section.title), "rows": data.get("rows", [])})
        for name, fieldfile in data.get("files", []):
            files.append((f"files/{section.key}/{name}", fieldfile))
    return sections, files


def build_archive(user) -> bytes:
    """The ZIP: `dati.json` (machine-readable), `riepilogo.html` (readable) and the uploaded files."""
    with translation.override(language_of(user)):
        sections, files = collect(user)
        generated = timezone.localtime()
        summary = render_to_string("privacy/export_summary.html", {
            "person": user, "sections": sections, "generated": generated,
            "files": [name for name, _f in files]})
    payload = {"generated_at": generated.isoformat(), "person": user.email,
               "sections": {s["key"]: s["rows"] for s in sections}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("dati.json", json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        archive.writestr("riepilogo.html", summary)
        seen = set()
        for name, fieldfile in files:
            if name in seen:
                continue
            seen.add(name)
            try:
                with fieldfile.open("rb") as fh:
                    archive.writestr(name, fh.read())
            except (FileNotFoundError, ValueError, OSError):
                logger.warning("File missing from a data copy: %s", name)
    return buffer.getvalue()


@transaction.atomic
def request_copy(user) -> DataRequest:
    """The person asks for a copy of their data: a background task prepares it and tells them."""
    existing = DataRequest.objects.filter(user=user, kind=DataRequest.Kind.ACCESS,
                                          status=DataRequest.Status.PREPARING).first()
    if existing:
        return existing
    req = DataRequest.objects.create(user=user, person=str(user), kind=DataRequest.Kind.ACCESS,
                                     status=DataRequest.Status.PREPARING)
    audit.record(user, "privacy.copy_request", user)
    from .tasks import build_copy

    transaction.on_commit(lambda: offer(build_copy, req.pk))
    return req


@transaction.atomic
def record_request(person, kind: str, *, by, channel: str, note: str = "") -> DataRequest:
    """Staff record a request that came by PEC, e-mail or letter, once the person's identity is checked:
    a copy is prepared in the background for the staff to download and send; a request to close the
    account waits, like one made in the portal, for a staff member to read the plan and confirm it.
    Audited as the staff member's act, with how it arrived."""
    from tsf.notifications.services import notify

    require_perm(by, "privacy.record_request")
    if channel not in DataRequest.Channel.values or channel == DataRequest.Channel.PORTAL:
        raise PrivacyError(_("Say how the request arrived."))
    if person is None or not person.is_active:
        raise PrivacyError(_("There is no open account with this address."))
    note = (note or "").strip()
    if kind == DataRequest.Kind.ACCESS:
        req = DataRequest.objects.create(user=person, person=str(person), kind=kind, channel=channel, note=note,
                                         recorded_by=by, status=DataRequest.Status.PREPARING)
        audit.record(by, "privacy.copy_request", person, note=f"{req.get_channel_display()}: {note}".strip(": "))
        from .tasks import build_copy

        transaction.on_commit(lambda: offer(build_copy, req.pk))
        return req
    if kind == DataRequest.Kind.ERASURE:
        if pending_erasure(person):
            raise PrivacyError(_("This person has already asked to close their account: answer that request."))
        req = DataRequest.objects.create(user=person, person=str(person), kind=kind, channel=channel, note=note,
                                         recorded_by=by, status=DataRequest.Status.PENDING)
        audit.record(by, "privacy.erasure_request", person, note=f"{req.get_channel_display()}: {note}".strip(": "))
        others = get_user_model().objects.with_role("staff").exclude(pk=by.pk)
        notify(list(others), "privacy_erasure_requested", {"person": str(person)},
               url=reverse("privacy:request", kwargs={"pk": req.pk}))
        return req
    raise PrivacyError(_("Choose the kind of request."))


def open_copy(req: DataRequest, *, by):
    """The ZIP of a copy, opened for `by` (its owner, or staff for a request they recorded): checked per
    request, and every download by staff audited."""
    require_perm(by, "privacy.download_copy", req)
    handle = req.file.open("rb")
    if req.recorded_by_id is not None:
        audit.record(by, "privacy.copy_download", req.user, note=req.note)
    return handle


def prepare_copy(request_id: int) -> bool:
    """Build the ZIP of a request being prepared, save it, and tell the person (idempotent)."""
    from tsf.notifications.services import notify

    with transaction.atomic():
        req = DataRequest.objects.select_for_update(of=("self",)).select_related("user", "recorded_by").filter(
            pk=request_id, status=DataRequest.Status.PREPARING).first()
        if req is None or req.user is None:
            return False
        content = build_archive(req.user)
        now = timezone.now()
        req.file.save(f"dati-personali-{now:%Y%m%d}.zip", ContentFile(content), save=False)
        req.status = DataRequest.Status.COMPLETED
        req.completed_at = now
        req.expires_at = now + datetime.timedelta(days=export_days())
        with translation.override(settings.LANGUAGE_CODE):
            req.outcome = _("Copy prepared; the link expires after %(days)s days.") % {"days": export_days()}
        req.save()
        audit.record(None, "privacy.copy_ready", req.user)
        if req.recorded_by_id is not None:  # asked by other means: the staff member who recorded it sends it
            notify(req.recorded_by, "privacy_copy_ready_staff", {"person": req.person, "expires_at": req.expires_at},
                   url=reverse("privacy:request", kwargs={"pk": req.pk}))
        else:
            notify(req.user, "privacy_copy_ready", {"expires_at": req.expires_at},
                   url=reverse("privacy:my_data"))
    return True


def prepare_pending_copies() -> int:
    """The periodic catch-up: copies whose task was lost (broker down) are prepared now."""
    done = 0
    for pk in DataRequest.objects.filter(kind=DataRequest.Kind.ACCESS,
                                         status=DataRequest.Status.PREPARING).values_list("pk", flat=True):
        done += prepare_copy(pk)
    return done


# --- Closing an account -----------------------------------------------------------------------------

def erasure_plan(user) -> list:
    items = []
    for step in registry.steps():
        items.extend(step.plan(user))
    return items


def needs_review(plan) -> bool:
    return any(item.needs_review for item in plan)


ACTION_LABELS = {
    "delete": pgettext_lazy("erasure plan", "deleted"),
    "pseudonymise": gettext_lazy("kept, with your name replaced by a pseudonym"),
    "keep": gettext_lazy("kept"),
}


def pending_erasure(user):
    return DataRequest.objects.filter(user=user, kind=DataRequest.Kind.ERASURE,
                                      status=DataRequest.Status.PENDING).first()


def pseudonym_for(user) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Former participant %(number)s") % {"number": user.pk}


@transaction.atomic
def request_erasure(user, note: str = "") -> DataRequest:
    """The person asks to close their account. When nothing needs a judgement, it is closed now;
    otherwise (a submitted proposal, a grant, a role whose acts are records) staff confirm it."""
    from tsf.notifications.services import notify

    if not user.is_authenticated or not user.is_active:
        raise PrivacyError(_("This account is already closed."))
    if pending_erasure(user):
        raise PrivacyError(_("You have already asked to close your account: the staff will answer soon."))
    plan = erasure_plan(user)
    req = DataRequest.objects.create(user=user, person=str(user), kind=DataRequest.Kind.ERASURE,
                                     status=DataRequest.Status.PENDING, note=(note or "").strip())
    audit.record(user, "privacy.erasure_request", user, note=req.note)
    if needs_review(plan):
        staff = get_user_model().objects.with_role("staff")
        notify(list(staff), "privacy_erasure_requested", {"person": str(user)},
               url=reverse("privacy:request", kwargs={"pk": req.pk}))
    else:
        _carry_out(req, by=None)
    return req


@transaction.atomic
def confirm_erasure(req: DataRequest, *, by, note: str = "") -> DataRequest:
    """Staff confirm a request to close an account: it is carried out now."""
    require_role(by, "staff")
    req = DataRequest.objects.select_for_update().get(pk=req.pk)
    if req.kind != DataRequest.Kind.ERASURE or req.status != DataRequest.Status.PENDING:
        raise PrivacyError(_("This request has already been answered."))
    if req.user_id == by.pk:
        raise PrivacyError(_("Another staff member must confirm the closing of your own account."))
    req.decided_by = by
    _carry_out(req, by=by, note=note)
    return req


@transaction.atomic
def refuse_erasure(req: DataRequest, *, by, reason: str) -> DataRequest:
    """Staff refuse (e.g. a grant still being implemented): the reason is told to the person."""
    from tsf.notifications.services import notify

    require_role(by, "staff")
    req = DataRequest.objects.select_for_update().get(pk=req.pk)
    if req.kind != DataRequest.Kind.ERASURE or req.status != DataRequest.Status.PENDING:
        raise PrivacyError(_("This request has already been answered."))
    reason = (reason or "").strip()
    if not reason:
        raise PrivacyError(_("Give the reason: the person reads it."))
    req.status, req.decided_by, req.completed_at, req.outcome = (
        DataRequest.Status.REFUSED, by, timezone.now(), reason)
    req.save()
    audit.record(by, "privacy.erasure_refuse", req.user, note=reason)
    if req.user:
        notify(req.user, "privacy_erasure_refused", {"reason": reason}, url=reverse("privacy:my_data"))
    return req


@transaction.atomic
def withdraw_erasure(req: DataRequest, user) -> None:
    req = DataRequest.objects.select_for_update().get(pk=req.pk)
    if req.user_id != user.pk or req.status != DataRequest.Status.PENDING:
        raise PrivacyError(_("This request has already been answered."))
    req.status, req.completed_at = DataRequest.Status.WITHDRAWN, timezone.now()
    req.save(update_fields=["status", "completed_at"])
    audit.record(user, "privacy.erasure_withdraw", user)


def _carry_out(req: DataRequest, *, by, note: str = "") -> dict:
    """Close the account of `req`: every registered step, then the person pseudonymised."""
    from tsf.notifications.models import Notification
    from tsf.notifications.services import notify

    user = get_user_model().objects.select_for_update().get(pk=req.user_id)
    pseudonym = pseudonym_for(user)
    plan = erasure_plan(user)
    done = {}
    for step in registry.steps():
        done.update(step.apply(user, pseudonym) or {})
    # the last message, to the address the person signed in with; then nothing of theirs is left
    notify(user, "privacy_account_closed", {"kept": [i for i in plan if i.action != "delete"]})
    Notification.objects.filter(recipient=user).delete()
    user.full_name = pseudonym
    user.email = f"closed-{user.pk}@account.invalid"
    user.set_unusable_password()
    user.is_active = False
    user.language = settings.LANGUAGE_CODE
    user.save()
    with translation.override(settings.LANGUAGE_CODE):
        lines = [f"{item.what}: {ACTION_LABELS[item.action]}" + (f" ({item.reason})" if item.reason else "")
                 for item in plan if item.count or item.action != "delete"]
    req.person = pseudonym
    req.status = DataRequest.Status.COMPLETED
    req.completed_at = timezone.now()
    req.outcome = "\n".join(lines + ([note.strip()] if note and note.strip() else []))
    req.save()
    audit.record(by, "privacy.erasure_done", user, changes={k: [None, v] for k, v in done.items()},
                 note=(note or "").strip())
    return done


# --- The retention schedule ---------------------------------------------------------------------------

def apply_retention(now=None) -> dict[str, int]:
    """Delete or anonymise what has outlived its line of the schedule. A second run finds nothing left
    to do (each purge reads what is still there). A run that did something is recorded and audited."""
    now = now or timezone.now()
    report = {}
    for kind in registry.kinds():
        if kind.purge is None or kind.retention_days is None:
            continue
        cutoff = now - datetime.timedelta(days=kind.retention_days)
        try:
            with transaction.atomic():
                report[kind.key] = kind.purge(cutoff)
        except Exception:
            logger.exception("Retention of %s failed", kind.key)
            report[kind.key] = -1
    done = {k: v for k, v in report.items() if v}
    if done:
        RetentionRun.objects.create(ran_at=now, report=done)
        audit.record(None, "privacy.retention", None, changes={k: [None, v] for k, v in done.items()})
    return report
