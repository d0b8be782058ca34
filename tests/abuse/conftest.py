"""The abuse tests' world: the 2018 demo edition (seeded once per module, rolled back after it) plus
people who hold a role but own nothing in it, so every private object belongs to someone else."""
import re
import time
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.conftest import TOTP_SECRET

# The roles the URL sweep plays. Each is a person with nothing of their own in the demo edition.
ROLES = ("anonymous", "promoter", "staff", "tutor", "assessor", "mentor", "editor")


def _person(email, roles=(), mfa=False):
    from tests.factories import UserFactory

    return UserFactory(email=email, roles=list(roles), mfa=TOTP_SECRET if mfa else None)


def _build_world():
    from acceleration.models import (
        Camp,
        CampRegistration,
        FundingOpportunity,
        HelpRequest,
        ImprovementAction,
        Pitch,
        SupportSlot,
    )
    from assessment.models import AssessmentRound, Assignment, DecisionItem
    from blog.models import Category, Post, Tag
    from calls.models import Call
    from grants.models import Grant, Tranche
    from incubation.models import Deliverable, Lab, Session, Submission, Workshop
    from projects.models import Attachment, Membership, Proposal
    from tests.projects.factories import MembershipFactory, OrganisationFactory, ProposalFactory, complete
    from tsf.notifications.models import Notification

    started = time.monotonic()
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    seed_seconds = time.monotonic() - started

    users = {
        "promoter": _person("abuse.promoter@example.org", ["promoter"]),
        "staff": _person("abuse.staff@example.org", ["staff"], mfa=True),
        "tutor": _person("abuse.tutor@example.org", ["tutor"]),
        "assessor": _person("abuse.assessor@example.org", ["assessor"], mfa=True),
        "mentor": _person("abuse.mentor@example.org", ["mentor"]),
        "editor": _person("abuse.editor@example.org", ["editor"]),
    }
    # The outsider promoter has an organisation and a draft of their own on the open call.
    open_call = Call.objects.get(slug="torino-social-factory-2027")
    old_call = Call.objects.get(slug="torino-social-factory-2018")
    own_org = OrganisationFactory(legal_name="Cooperativa Estranea Onlus")
    MembershipFactory(organisation=own_org, user=users["promoter"])
    own_draft = complete(ProposalFactory(call=open_call, organisation=own_org, created_by=users["promoter"]))

    # The victim: a funded team of 2018, with everything the pipeline gives it.
    grant = Grant.objects.select_related("proposal", "proposal__organisation").filter(
        proposal__pitches__isnull=False).order_by("pk").first()
    victim = grant.proposal
    membership = Membership.objects.filter(organisation=victim.organisation).select_related("user").first()
    not_funded = Proposal.objects.filter(status="not_funded", improvement_actions__isnull=False).order_by("pk").first()
    lab = Lab.objects.get(call=old_call)
    workshop = Workshop.objects.filter(lab=lab).order_by("pk").first()
    rnd = AssessmentRound.objects.filter(call=old_call).order_by("pk").first()
    draft_post = Post.objects.filter(status="draft").order_by("pk").first()
    published_post = Post.objects.filter(status="published").order_by("pk").first()
    opportunity = FundingOpportunity.objects.filter(is_published=True).order_by("pk").first()
    # A file the victim team's member chose on a form that came back with an error (kept upload).
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tsf.core import keptuploads

    kept = keptuploads.keep(SimpleUploadedFile("ricevuta.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64), membership.user)
    # The victim member's copy of their data (I miei dati), ready to download by them only.
    from tsf.privacy import services as privacy_services

    data_request = privacy_services.request_copy(membership.user)
    privacy_services.prepare_copy(data_request.pk)
    # An accessibility report of a visitor (the staff's page of it; the visitor's thread needs its token).
    from django.utils import timezone

    from tsf.accessibility.models import Feedback

    feedback = Feedback.objects.create(name="Visitatore", email="visitatore@example.org",
                                       due_at=timezone.now() + timezone.timedelta(days=30))
    from newsletter.models import Issue

    issue = Issue.objects.create(subject="Novità dal programma")
    objects = SimpleNamespace(
        kept_token=keptuploads.sign(kept), feedback=feedback, issue=issue, data_request=data_request,
        open_call=open_call, old_call=old_call, own_org=own_org, own_draft=own_draft,
        victim=victim, victim_org=victim.organisation, victim_member=membership.user, membership=membership,
        grant=grant, tranche=Tranche.objects.filter(grant=grant).order_by("pk").first(),
        report=grant.reports.order_by("pk").first(),
        item=DecisionItem.objects.filter(proposal=victim).order_by("pk").first(),
        attachment=Attachment.objects.filter(version__proposal=victim).order_by("pk").first(),
        notification=Notification.objects.order_by("pk").first(),
        lab=lab, workshop=workshop, session=Session.objects.filter(workshop__lab=lab).order_by("pk").first(),
        deliverable=Deliverable.objects.filter(workshop__lab=lab).order_by("pk").first(),
        submission=Submission.objects.filter(proposal=victim).order_by("pk").first(),
        round=rnd, assignment=Assignment.objects.filter(proposal=victim).order_by("pk").first(),
        camp=Camp.objects.order_by("pk").first(), registration=CampRegistration.objects.order_by("pk").first(),
        pitch=Pitch.objects.filter(proposal=victim).first(),
        help=HelpRequest.objects.order_by("pk").first(), slot=SupportSlot.objects.order_by("pk").first(),
        not_funded=not_funded,
        action=ImprovementAction.objects.filter(proposal=not_funded).order_by("pk").first(),
        opportunity=opportunity, category=Category.objects.order_by("pk").first(),
        tag=Tag.objects.order_by("pk").first(), draft_post=draft_post, published_post=published_post,
    )
    return SimpleNamespace(users=users, objects=objects, seed_seconds=seed_seconds)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo edition and the outsiders, built once for the module inside a transaction that is
    rolled back when the module ends (each test still runs in its own savepoint)."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            built = _build_world()
            yield built
            transaction.set_rollback(True)


def db_writes():
    """Rows inserted, updated or deleted so far, per table; sessions are left out. On PostgreSQL its
    own counters of this transaction (they see every write, whatever the code path); on SQLite the
    rows each INSERT, UPDATE or DELETE statement of the test's connection touched."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if _count_writes not in connection.execute_wrappers:
            connection.execute_wrappers.append(_count_writes)
        return {t: n for t, n in _sqlite_writes.items() if n and t != "django_session"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
        return {t: n for t, n in cursor.fetchall() if n and t != "django_session"}


_sqlite_writes: dict = {}
_WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _count_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    match = _WRITE.match(sql)
    rows = context["cursor"].rowcount
    if match and rows and rows > 0:
        _sqlite_writes[match.group(1)] = _sqlite_writes.get(match.group(1), 0) + rows
    return result


def changed_tables(before, after):
    return {t: n - before.get(t, 0) for t, n in after.items() if n != before.get(t, 0)}


@pytest.fixture
def as_role(world, db):
    """A client logged in as one of ROLES (anonymous: logged out). A server error comes back as a 500
    response instead of an exception, so a sweep can report every failure at once."""
    from django.test import Client

    def login(role):
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(world.users[role])
        return client

    return login
