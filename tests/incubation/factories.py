"""Labs with workshops, sessions and deliverables, and teams admitted to them."""
import datetime
from zoneinfo import ZoneInfo

from django.db.models import Max
from django.utils import timezone

from incubation.models import Deliverable, Lab, Session, TutorAssignment, Workshop
from projects.models import Membership, ProposalStatus
from tests.calls.factories import CallFactory
from tests.factories import UserFactory
from tests.projects.factories import ProposalFactory, complete

ROME = ZoneInfo("Europe/Rome")

TOPICS = [
    "Identità, visione e missione dell'idea",
    "Progettazione del sistema prodotto-servizio",
    "Competenze hard e soft",
    "Validazione e accesso al mercato; modello di business e di impatto",
]


def admitted_team(call, *, members=2, title=None, status=ProposalStatus.ADMITTED_TO_INCUBATION):
    """A proposal of `call` whose version 1 is complete and frozen, admitted to the lab, with
    `members` promoters in its organisation. Returns (proposal, [users])."""
    proposal = ProposalFactory(call=call)
    complete(proposal, title=title)
    now = timezone.now()
    proposal.versions.filter(number=1).update(frozen=True, frozen_at=now)
    seq = (type(proposal).objects.filter(call=call).aggregate(m=Max("protocol_seq"))["m"] or 0) + 1
    type(proposal).objects.filter(pk=proposal.pk).update(
        status=status, protocol_seq=seq, protocol_number=call.protocol_for(seq), submitted_at=now)
    proposal.refresh_from_db()
    users = []
    for i in range(members):
        user = UserFactory(roles=["promoter"])
        Membership.objects.create(user=user, organisation=proposal.organisation,
                                  role=Membership.Role.ADMIN if i == 0 else Membership.Role.MEMBER)
        users.append(user)
    return proposal, users


def make_lab(call=None, *, start=None, workshops=4):
    """A lab whose workshop n has one session on start + 7(n-1) days, 9:30-13:00, and one
    deliverable due a week after the session at 23:59 (Rome)."""
    call = call or CallFactory()
    start = start or (timezone.localdate() + datetime.timedelta(days=10))
    lab = Lab.objects.create(call=call, name=f"Incubation Lab {call.year}", incubator_name="Make a Cube³",
                             starts_on=start, ends_on=start + datetime.timedelta(days=7 * workshops))
    for n in range(1, workshops + 1):
        ws = Workshop.objects.create(lab=lab, number=n, title=TOPICS[(n - 1) % 4], topics=TOPICS[(n - 1) % 4])
        day = start + datetime.timedelta(days=7 * (n - 1))
        Session.objects.create(workshop=ws, date=day, start_time=datetime.time(9, 30), end_time=datetime.time(13),
                               place="Toolbox Coworking", address="Via Agostino da Montefeltro 2, Torino")
        Deliverable.objects.create(
            workshop=ws, title=f"Business model canvas {n}", description="Una pagina.",
            due_at=datetime.datetime.combine(day + datetime.timedelta(days=7), datetime.time(23, 59), tzinfo=ROME))
    return lab


def assign(lab, proposal, tutor):
    return TutorAssignment.objects.create(lab=lab, proposal=proposal, tutor=tutor)


def pdf_upload(name="canvas.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
