"""The lines of the retention schedule, the parts of "my data" and the steps of closing an account
that belong to the shared apps: the account, sign-in, notifications and e-mails, uploads, the audit log."""
import datetime

from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsf.core import keptuploads
from tsf.core.models import AuditEntry, KeptUpload
from tsf.notifications.models import Notification, OutboxEmail

from . import registry
from .models import Consent, DataRequest
from .registry import PlanItem, RecordKind

PUBLIC_TASK = _("Performing a task in the public interest (GDPR art. 6.1.e)")
LEGAL_OBLIGATION = _("Legal obligation (GDPR art. 6.1.c): public records and EU structural funds rules")
CONSENT = _("Consent (GDPR art. 6.1.a), withdrawn at any time in My area")


def _purge_kept_uploads(cutoff):
    return keptuploads.remove_unused(cutoff=cutoff)


def _purge_revisions(cutoff):
    from tsf.core import versioning

    return versioning.prune(cutoff=cutoff)


def _purge_sessions(cutoff):
    return Session.objects.filter(expire_date__lt=cutoff).delete()[0]


def _purge_outbox(cutoff):
    return OutboxEmail.objects.filter(created_at__lt=cutoff).exclude(status=OutboxEmail.Status.PENDING).delete()[0]


def _purge_notifications(cutoff):
    return Notification.objects.filter(created_at__lt=cutoff).delete()[0]


def _purge_exports(cutoff):
    count = 0
    for req in DataRequest.objects.filter(kind=DataRequest.Kind.ACCESS, completed_at__lt=cutoff).exclude(file=""):
        req.file.delete(save=False)
        req.file = ""
        req.save(update_fields=["file"])
        count += 1
    return count


registry.register_kind(RecordKind(
    "account", _("Accounts"), _("name, e-mail address, password (as a hash), language, roles, two-factor settings"),
    _("signing in and taking part in the programme"), PUBLIC_TASK, None,
    kept_for=_("until the person closes the account (then pseudonymised where a record must be kept)"), order=1))
registry.register_kind(RecordKind(
    "consents", _("Optional consents"), _("newsletter, being contacted by mentors"),
    _("sending the newsletter; putting mentors in touch"), CONSENT, None,
    kept_for=_("until withdrawn or the account is closed"), order=2))
registry.register_kind(RecordKind(
    "sessions", _("Sign-in sessions"), _("session identifier, the signed-in person"),
    _("keeping a person signed in securely"), PUBLIC_TASK, 0, "", _purge_sessions, order=80))
registry.register_kind(RecordKind(
    "temporary_uploads", _("Temporary uploads"), _("files chosen in a form that came back with an error"),
    _("not asking for the same file twice"), PUBLIC_TASK, 1, _("deleted"), _purge_kept_uploads, order=81))
registry.register_kind(RecordKind(
    "edit_revisions", _("Earlier revisions of edit forms"), _("who saved a form, when, and the values saved"),
    _("telling two people who edit the same page what the other changed"), PUBLIC_TASK, 30, _("deleted"),
    _purge_revisions, order=82))
registry.register_kind(RecordKind(
    "outbox", _("E-mails sent"), _("recipient's address, subject and text of the e-mail"),
    _("telling people about their proposals and deadlines; proving a message was sent"), PUBLIC_TASK, 90,
    _("deleted"), _purge_outbox, order=82))
registry.register_kind(RecordKind(
    "notifications", _("Notifications in the portal"), _("the message and whether it was read"),
    _("telling people about their proposals and deadlines"), PUBLIC_TASK, 365, _("deleted"),
    _purge_notifications, order=83))
registry.register_kind(RecordKind(
    "data_exports", _("Copies of one's data"), _("everything the portal holds about the person"),
    _("answering a request of access (GDPR arts. 15 and 20)"), LEGAL_OBLIGATION, 7,
    _("deleted (the request stays in the log)"), _purge_exports, order=84))
registry.register_kind(RecordKind(
    "audit", _("Audit log"), _("who did what, when, with the values changed"),
    _("making every decision traceable; security"), LEGAL_OBLIGATION, None,
    kept_for=_("10 years after the programme closes; names of closed accounts pseudonymised"), order=90))
registry.register_kind(RecordKind(
    "data_requests", _("Data requests and their outcome"), _("the person (pseudonymised after erasure), the request, "
                                                              "the outcome"),
    _("proving that requests were answered (GDPR art. 5.2)"), LEGAL_OBLIGATION, None,
    kept_for=_("5 years after the answer"), order=91))


def _dt(value):
    return value.isoformat() if value else None


@registry.section("account", _("Account"), order=1)
def account_section(user):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    return {"rows": [{
        "full_name": user.full_name, "email": user.email, "language": user.language,
        "fiscal_code": user.fiscal_code or "", "fiscal_code_verified": user.fiscal_code_verified,
        "company_fiscal_code": user.company_fiscal_code,
        "date_joined": _dt(user.date_joined), "last_login": _dt(user.last_login), "active": user.is_active,
        "email_addresses": [{"email": e.email, "verified": e.verified, "primary": e.primary}
                            for e in EmailAddress.objects.filter(user=user)],
        "two_factor": sorted(a.type for a in Authenticator.objects.filter(user=user)),
    }]}


@registry.section("roles", _("Roles"), order=2)
def roles_section(user):
    return {"rows": [{"role": g.role, "label": str(g.get_role_display()), "granted_at": _dt(g.granted_at)}
                     for g in user.role_grants.all()]}


@registry.section("consents", _("Optional consents"), order=3)
def consents_section(user):
    return {"rows": [{"consent": str(c.get_kind_display()), "given": c.given, "given_at": _dt(c.given_at),
                      "withdrawn_at": _dt(c.withdrawn_at)} for c in Consent.objects.filter(user=user)]}


@registry.section("notifications", _("Notifications"), order=80)
def notifications_section(user):
    return {"rows": [{"created_at": _dt(n.created_at), "title": n.title, "text": n.body, "read_at": _dt(n.read_at)}
                     for n in Notification.objects.filter(recipient=user)]}


@registry.section("emails", _("E-mails sent to you"), order=81)
def emails_section(user):
    return {"rows": [{"created_at": _dt(m.created_at), "to": m.to, "subject": m.subject, "status": m.status}
                     for m in OutboxEmail.objects.filter(Q(recipient=user) | Q(to__iexact=user.email))]}


def _about(user):
    from django.contrib.contenttypes.models import ContentType

    return Q(content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk))


@registry.section("audit", _("Audit entries by you or about you"), order=90)
def audit_section(user):
    entries = AuditEntry.objects.filter(Q(actor=user) | _about(user)).select_related("actor")
    return {"rows": [{"when": _dt(e.created_at), "who": str(e.actor or ""), "action": e.action,
                      "object": e.object_repr, "changes": e.changes, "note": e.note} for e in entries]}


@registry.section("data_requests", _("Your data requests"), order=91)
def requests_section(user):
    return {"rows": [{"request": str(r.get_kind_display()), "status": str(r.get_status_display()),
                      "requested_at": _dt(r.requested_at), "outcome": r.outcome}
                     for r in DataRequest.objects.filter(user=user)]}


REVIEWED_ROLES = ("staff", "assessor", "tutor", "editor")


def _plan_sign_in(user):
    from allauth.account.models import EmailAddress

    items = [
        PlanItem(_("Your name and e-mail address"), "pseudonymise",
                 _("Replaced by a pseudonym in every record the municipality must keep; you can no longer sign in.")),
        PlanItem(_("Your e-mail addresses, password, two-factor settings and sessions"), "delete",
                 count=EmailAddress.objects.filter(user=user).count()),
        PlanItem(_("Optional consents"), "delete", count=Consent.objects.filter(user=user).count()),
        PlanItem(_("Notifications and e-mails sent to you"), "delete",
                 count=Notification.objects.filter(recipient=user).count()
                 + OutboxEmail.objects.filter(recipient=user).count()),
        PlanItem(_("Files chosen in forms and not saved"), "delete",
                 count=KeptUpload.objects.filter(owner=user).count()),
    ]
    reviewed = sorted(set(user.held_roles).intersection(REVIEWED_ROLES))
    items.append(PlanItem(_("Your roles"), "delete", count=len(user.held_roles),
                          reason=_("Staff check first: your role's acts in the portal are records of the municipality.")
                          if reviewed else "", needs_review=bool(reviewed)))
    items.append(PlanItem(
        _("The audit log of what you did"), "keep",
        _("Kept for accountability and the public-records rules, with your name replaced by the pseudonym."),
        count=AuditEntry.objects.filter(Q(actor=user) | _about(user)).count()))
    return items


@registry.erasure("sign_in", plan=_plan_sign_in, order=1)
def erase_sign_in(user, pseudonym):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    done = {
        "email_addresses": EmailAddress.objects.filter(user=user).delete()[0],
        "two_factor": Authenticator.objects.filter(user=user).delete()[0],
        "consents": Consent.objects.filter(user=user).delete()[0],
        "notifications": Notification.objects.filter(recipient=user).delete()[0],
        "emails": OutboxEmail.objects.filter(recipient=user).delete()[0],
        "roles": user.role_grants.all().delete()[0],
    }
    count = 0
    for kept in KeptUpload.objects.filter(owner=user):
        kept.file.delete(save=False)
        kept.delete()
        count += 1
    done["temporary_uploads"] = count
    sessions = 0
    now = timezone.now()
    for session in Session.objects.filter(expire_date__gt=now - datetime.timedelta(days=1)).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            sessions += 1
    done["sessions"] = sessions
    for req in DataRequest.objects.filter(user=user).exclude(file=""):
        req.file.delete(save=False)
        req.file = ""
        req.save(update_fields=["file"])
    DataRequest.objects.filter(user=user).update(person=pseudonym)
    done["audit_entries_pseudonymised"] = AuditEntry.objects.filter(_about(user)).update(object_repr=pseudonym)
    user.clear_role_cache()
    return done
