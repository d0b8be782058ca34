"""Demo: the 2018 Incubation Lab, complete. Four workshops from March to May 2018 run by the
incubator with three tutors (tutor@example.org and two more), two sessions each at Turin venues,
materials, deliverables, and for each of the 25 teams of the cohort: its members, attendance,
a progress entry per workshop, deliverables with the tutors' feedback.

The cohort is the 2018 call's proposals admitted to incubation or later. The assessment seeder
runs first and normally writes their revised proposals too; for a team still admitted without a
version 2, this seeder writes and submits it (June 2018). Only for local testing, with
TSF_DEMO_SELECT_COHORT=1 and no cohort yet, it admits the first 25 admissible proposals itself.

Idempotent: everything is looked up before it is created. ctx.data gets "lab_2018".
"""
import datetime
import os
import random

from django.core.files.base import ContentFile

from calls.models import Call
from projects.models import Membership, Proposal, ProposalStatus
from tsf.accounts.demo import ensure_person
from tsf.accounts.models import Role, User
from tsf.core.dates import ROME
from tsf.core.pdf import demo_pdf

from .models import (
    COHORT_STATUSES,
    READINESS_DIMENSIONS,
    Attendance,
    Deliverable,
    Lab,
    Material,
    ProgressEntry,
    Session,
    Submission,
    TutorAssignment,
    Workshop,
)

TOOLBOX = ("Toolbox Coworking", "Via Agostino da Montefeltro 2, 10134 Torino")
INCET = ("Open Incet", "Via Cigna 96/17, 10152 Torino")
SAN_SALVARIO = ("Casa del Quartiere di San Salvario", "Via Oddino Morgari 14, 10125 Torino")
ROCCAFRANCA = ("Cascina Roccafranca", "Via Edoardo Rubino 45, 10137 Torino")
BARRIERA = ("Bagni Pubblici di Via Agliè", "Via Agliè 9, 10154 Torino")

# number, title, topics, sessions [(date, start, end, venue)], deliverables [(title, description, due date)],
# materials [(title, description, url or None for a PDF)]
WORKSHOPS = [
    (1, "Identità, visione e missione dell'idea",
     "Chi siamo e perché: il bisogno a cui rispondiamo, la visione del cambiamento, la missione e i valori "
     "dell'organizzazione; come raccontare l'idea in due minuti.",
     [(datetime.date(2018, 3, 8), (9, 30), (13, 0), TOOLBOX), (datetime.date(2018, 3, 15), (14, 0), (18, 0), BARRIERA)],
     [("Carta d'identità del progetto",
       "Una pagina con visione, missione, valori e il bisogno sociale a cui il progetto risponde.",
       datetime.date(2018, 3, 22))],
     [("Guida alla carta d'identità", "Il modello da compilare, con un esempio.", None),
      ("Golden circle (Simon Sinek)", "Il video visto in aula.", "https://www.ted.com/talks/simon_sinek_how_great_leaders_inspire_action")]),
    (2, "Progettazione del sistema prodotto-servizio",
     "Dal bisogno al servizio: utenti e portatori di interesse, customer journey, blueprint del servizio, "
     "prototipazione rapida con gli abitanti.",
     [(datetime.date(2018, 3, 29), (9, 30), (13, 0), INCET), (datetime.date(2018, 4, 5), (9, 30), (13, 0), INCET)],
     [("Mappa del sistema prodotto-servizio",
       "Blueprint del servizio: attori, punti di contatto, processi di front e back office.",
       datetime.date(2018, 4, 12))],
     [("Blueprint del servizio: modello", "Il foglio A3 usato nel laboratorio.", None),
      ("Service Design Tools", "Raccolta di strumenti di service design.", "https://servicedesigntools.org/")]),
    (3, "Competenze hard e soft",
     "Le competenze che servono al progetto e quelle che il team ha: ruoli, governance interna, lavoro con "
     "volontari e partner, comunicazione e negoziazione.",
     [(datetime.date(2018, 4, 19), (14, 0), (18, 0), SAN_SALVARIO), (datetime.date(2018, 4, 26), (14, 0), (18, 0), SAN_SALVARIO)],
     [("Matrice delle competenze del team",
       "Competenze necessarie, presenti e da acquisire, con il piano per colmare i vuoti.",
       datetime.date(2018, 5, 3))],
     [("Matrice delle competenze", "Il modello in formato PDF.", None)]),
    (4, "Validazione e accesso al mercato, modello di business e di impatto",
     "Scenario competitivo, marketing e comunicazione; business model canvas, business plan a 24 mesi, "
     "governance; catena del valore dell'impatto e indicatori.",
     [(datetime.date(2018, 5, 10), (9, 30), (13, 0), ROCCAFRANCA), (datetime.date(2018, 5, 17), (9, 30), (17, 0), ROCCAFRANCA)],
     [("Business model canvas", "Il canvas del modello di business, con le ipotesi da validare.",
       datetime.date(2018, 5, 24)),
      ("Catena del valore dell'impatto", "Input, attività, output, outcome e impatto, con gli indicatori.",
       datetime.date(2018, 5, 24)),
      ("Bozza di budget a 24 mesi", "Costi e ricavi previsti, cofinanziamento e contributo richiesto.",
       datetime.date(2018, 5, 31))],
     [("Business model canvas vuoto", "Il canvas di Strategyzer, in italiano.", None),
      ("Guida alla valutazione d'impatto sociale", "Linee guida del Ministero del Lavoro (DM 23 luglio 2019).",
       "https://www.lavoro.gov.it/")]),
]

LAB_DESCRIPTION_EN = ("The incubation lab of the 25 ideas admitted: four workshops from March to May 2018, "
                      "with a tutor who accompanies each team up to the revised proposal.")
# The workshops' English titles and topics (shown under /en/), in the programme's own words (shared/seed).
WORKSHOPS_EN = {
    1: ("Identity, vision and mission of the idea",
        "Who we are and why: the need we answer, the vision of change, the organisation's mission and values; "
        "how to tell the idea in two minutes."),
    2: ("Product-Service-System Design",
        "From the need to the service: users and stakeholders, customer journey, service blueprint, rapid "
        "prototyping with the inhabitants."),
    3: ("Hard and soft skills",
        "The skills the project needs and those the team has: roles, internal governance, working with "
        "volunteers and partners, communication and negotiation."),
    4: ("Validation and access to market, business and impact model",
        "Competitive scenario, marketing and communication; business model canvas, 24-month business plan, "
        "governance; impact value chain and indicators."),
}

TUTORS = [
    ("tutor2@example.org", "Giulia Ferraris"),
    ("tutor3@example.org", "Stefano Bertolino"),
]

FIRST = ["Francesca", "Alessandro", "Sara", "Matteo", "Chiara", "Davide", "Elisa", "Andrea", "Martina", "Simone",
         "Valentina", "Federico", "Ilaria", "Giorgio", "Silvia", "Lorenzo", "Anna", "Nicolò", "Laura", "Fatima",
         "Youssef", "Ioana", "Samuel", "Marta", "Pietro"]
LAST = ["Rinaldi", "Gallo", "Costa", "Fontana", "Moretti", "Barbero", "Vietti", "Ghione", "Bosco", "Gili",
        "Operti", "Chiesa", "Mollo", "Perino", "Actis", "Bertola", "Cravero", "Demaria", "Ferrero", "El Amrani",
        "Benali", "Popescu", "Okafor", "Giordano", "Villa"]
TEAM_ROLES = ["Coordinamento", "Progettazione", "Amministrazione", "Educatrice", "Comunicazione"]

NOTES = [
    "Il gruppo ha chiarito il bisogno ma fatica a descrivere chi sono gli utenti: serve un lavoro sul campo.",
    "Ottima partecipazione. L'idea è solida; il partenariato va formalizzato prima della proposta rivista.",
    "Molte idee, poca priorità: concordato di concentrarsi sul servizio principale.",
    "Il team ha validato il servizio con 12 interviste agli abitanti: buon lavoro.",
    "Il modello economico dipende troppo dal contributo: cercare ricavi da servizi a pagamento.",
]
STAFF_NOTES = [
    "Tensioni nel gruppo sulla leadership: da seguire con un colloquio individuale.",
    "La referente potrebbe lasciare l'ente in estate: chiedere chi subentra.",
]
NEXT_ACTIONS = [
    "Intervistare almeno 10 potenziali utenti e riportare i risultati al prossimo workshop.",
    "Completare la mappa degli attori del quartiere e fissare un incontro con la circoscrizione.",
    "Definire ruoli e responsabilità nel team; individuare un referente amministrativo.",
    "Rivedere il budget: separare costi di avvio e costi di gestione, stimare i ricavi.",
    "Scrivere la catena dell'impatto con tre indicatori misurabili e i valori di partenza.",
]
FEEDBACK_CHANGES = [
    "Il documento è chiaro ma manca la parte sui destinatari: chi sono, quanti, dove.",
    "Gli indicatori non sono misurabili: indicate un valore di partenza e un obiettivo.",
    "I costi del personale sono sottostimati: rivedete le ore e il costo orario.",
]
FEEDBACK_OK = ["Ottimo lavoro, completo e coerente con il resto della proposta.", "Accettato: chiaro e sintetico.", ""]


def _aware(day: datetime.date, h: int, m: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(h, m), tzinfo=ROME)


def _cohort(call, ctx):
    cohort = list(Proposal.objects.filter(call=call, status__in=COHORT_STATUSES).select_related("organisation")
                  .order_by("protocol_seq"))
    if cohort or os.environ.get("TSF_DEMO_SELECT_COHORT") != "1":
        return cohort
    # Local testing only (the assessment seeder normally admits the 25 first).
    from projects.services import change_status

    staff = ctx.users.get("staff@example.org")
    for p in Proposal.objects.filter(call=call, status=ProposalStatus.ADMISSIBLE).order_by("protocol_seq")[
            :call.incubation_quota]:
        change_status(p, ProposalStatus.ADMITTED_TO_INCUBATION, by=staff, note="demo (local)")
    return list(Proposal.objects.filter(call=call, status__in=COHORT_STATUSES).select_related("organisation")
                .order_by("protocol_seq"))


def _ensure_members(proposal, index):
    """Every team has two or three members (the projects seeder gives most organisations none)."""
    have = Membership.objects.filter(organisation=proposal.organisation).count()
    wanted = 2 + index % 2
    k = 0
    while have < wanted:
        email = f"team{index + 1:02d}.{k + 1}@example.org"
        k += 1
        user = User.objects.filter(email=email).first()
        if user is None:
            first, last = FIRST[(index + 7 * k) % len(FIRST)], LAST[(3 * index + k) % len(LAST)]
            user = User.objects.create_user(email=email, password=None, full_name=f"{first} {last}")
        _m, created = Membership.objects.get_or_create(
            user=user, organisation=proposal.organisation,
            defaults={"role": Membership.Role.MEMBER, "team_role": TEAM_ROLES[(index + k) % len(TEAM_ROLES)]})
        if created:
            have += 1
    return [m.user for m in Membership.objects.filter(organisation=proposal.organisation).select_related("user")
            .order_by("joined_at", "id")]


REVISED_SOLUTION = (" Dopo l'Incubation Lab il servizio è stato riprogettato con gli abitanti: un calendario "
                    "settimanale, un referente per ogni attività e una quota di servizi a pagamento.")
REVISED_IMPACTS = " Obiettivi annuali per ogni indicatore, verificati con i partner ogni sei mesi."


def _revised_proposals(cohort, staff):
    """Version 2 for the teams still admitted without one (the assessment seeder usually did it)."""
    from projects.models import ProposalVersion
    from projects.services import change_status, start_revised_version

    for i, p in enumerate(cohort):
        if p.status != ProposalStatus.ADMITTED_TO_INCUBATION or p.versions.filter(number=2).exists():
            continue
        owner = p.created_by or staff
        v2 = start_revised_version(p, by=owner)
        v2.solution = (v2.solution or "") + REVISED_SOLUTION
        v2.expected_impacts = (v2.expected_impacts or "") + REVISED_IMPACTS
        v2.save()
        when = datetime.datetime(2018, 6, 11 + i % 17, 11, tzinfo=ROME)
        ProposalVersion.objects.filter(pk=v2.pk).update(frozen=True, frozen_at=when)
        change_status(p, ProposalStatus.REVISED_SUBMITTED, by=owner, note=p.protocol_number,
                      action="proposal.revised_submit")
        Proposal.objects.filter(pk=p.pk).update(status_changed_at=when)


def seed(ctx):
    call = ctx.data.get("call_2018") or Call.objects.filter(slug="torino-social-factory-2018").first()
    if call is None:
        return
    tutors = [ctx.users.get("tutor@example.org") or ensure_person("tutor@example.org", "Luca Martini",
                                                                   [Role.TUTOR])[0]]
    for email, name in TUTORS:
        user, secret = ensure_person(email, name, [Role.TUTOR])
        ctx.users[email] = user
        if not any(a[0] == email for a in ctx.accounts):
            ctx.accounts.append((email, str(Role.TUTOR.label), secret))
        tutors.append(user)

    lab, _created = Lab.objects.get_or_create(call=call, defaults={
        "name": "Incubation Lab 2018", "incubator_name": "Make a Cube³",
        "description": "Il laboratorio di incubazione delle 25 idee ammesse: quattro workshop da marzo a maggio "
                       "2018, con un tutor che accompagna ogni gruppo fino alla proposta rivista.",
        "description_en": LAB_DESCRIPTION_EN,
        "starts_on": datetime.date(2018, 3, 5), "ends_on": datetime.date(2018, 5, 31),
    })
    if not lab.description_en:  # a demo seeded before the English versions
        Lab.objects.filter(pk=lab.pk).update(description_en=LAB_DESCRIPTION_EN)
    ctx.data["lab_2018"] = lab
    workshops = []
    for number, title, topics, sessions, deliverables, materials in WORKSHOPS:
        title_en, topics_en = WORKSHOPS_EN[number]
        ws, _c = Workshop.objects.get_or_create(lab=lab, number=number, defaults={
            "title": title, "topics": topics, "title_en": title_en, "topics_en": topics_en})
        if not ws.title_en:  # a demo seeded before the English versions
            Workshop.objects.filter(pk=ws.pk).update(title_en=title_en, topics_en=topics_en)
        for i, (day, start, end, (place, address)) in enumerate(sessions):
            session, created = Session.objects.get_or_create(workshop=ws, date=day, defaults={
                "start_time": datetime.time(*start), "end_time": datetime.time(*end), "place": place,
                "address": address})
            if created:
                session.tutors.set(tutors if i == 0 else tutors[:2])
        for d_title, description, due in deliverables:
            Deliverable.objects.get_or_create(workshop=ws, title=d_title, defaults={
                "description": description, "due_at": _aware(due, 23, 59)})
        for m_title, description, url in materials:
            if Material.objects.filter(workshop=ws, title=m_title).exists():
                continue
            material = Material(workshop=ws, title=m_title, description=description, url=url or "",
                                uploaded_by=tutors[0])
            if not url:
                material.file.save(f"{m_title[:40].lower().replace(' ', '-')}.pdf", ContentFile(demo_pdf(m_title)),
                                   save=False)
            material.save()
        workshops.append(ws)

    cohort = _cohort(call, ctx)
    if not cohort:
        ctx.stdout.write("  incubation: no proposal of the 2018 call is admitted to incubation: lab without teams")
        return
    _revised_proposals(cohort, ctx.users.get("staff@example.org"))
    for index, proposal in enumerate(cohort):
        # Every draw comes from a generator seeded by what it is about: a second run decides the same.
        members = _ensure_members(proposal, index)
        tutor = tutors[index % len(tutors)]
        TutorAssignment.objects.get_or_create(proposal=proposal, tutor=tutor, defaults={"lab": lab})
        strength = random.Random(f"team:{index}").uniform(-0.6, 0.9)  # how well this team does
        for ws in workshops:
            for session in ws.sessions.all():
                rng = random.Random(f"att:{index}:{session.date}")
                if Attendance.objects.filter(session=session, proposal=proposal).exists():
                    continue
                present = [u for u in members if rng.random() < 0.8 + strength / 5]
                if rng.random() < 0.06:
                    present = []
                att = Attendance.objects.create(session=session, proposal=proposal, recorded_by=tutor,
                                                present_count=len(present))
                att.attendees.set(present)
            rng = random.Random(f"entry:{index}:{ws.number}")
            if not ProgressEntry.objects.filter(workshop=ws, proposal=proposal).exists():
                base = 1.8 + 0.55 * (ws.number - 1) + strength
                scores = {f: max(1, min(5, round(base + rng.uniform(-0.8, 0.8)))) for f, _l in READINESS_DIMENSIONS}
                staff_only = rng.random() < 0.12
                entry = ProgressEntry.objects.create(
                    workshop=ws, proposal=proposal, author=tutor,
                    notes=rng.choice(STAFF_NOTES) if staff_only else rng.choice(NOTES), notes_staff_only=staff_only,
                    next_actions=NEXT_ACTIONS[(ws.number + index) % len(NEXT_ACTIONS)], **scores)
                when = _aware(ws.sessions.order_by("-date").first().date, 18)
                ProgressEntry.objects.filter(pk=entry.pk).update(created_at=when, updated_at=when)
            for d in ws.deliverables.all():
                rng = random.Random(f"deliverable:{index}:{d.title}")
                if Submission.objects.filter(deliverable=d, proposal=proposal).exists():
                    continue
                if rng.random() < 0.07 - strength / 20:
                    continue  # never uploaded
                uploader = members[0] if members else None
                versions = 2 if rng.random() < 0.3 else 1
                for v in range(1, versions + 1):
                    uploaded = d.due_at - datetime.timedelta(days=rng.randint(1, 5) - (v - 1) * 6, hours=rng.randint(1, 9))
                    name = f"{d.title[:30].lower().replace(' ', '-').replace(chr(39), '')}-v{v}.pdf"
                    sub = Submission(deliverable=d, proposal=proposal, version=v, uploaded_by=uploader,
                                     original_name=name, note="" if v == 1 else "Versione corretta dopo il feedback.")
                    content = demo_pdf(f"{d.title} - v{v}")
                    sub.file.save(name, ContentFile(content), save=False)
                    sub.size = len(content)
                    if v < versions:
                        sub.review, sub.comments = Submission.Review.CHANGES, rng.choice(FEEDBACK_CHANGES)
                    elif rng.random() < 0.85:
                        sub.review, sub.comments = Submission.Review.ACCEPTED, rng.choice(FEEDBACK_OK)
                    else:
                        sub.review, sub.comments = Submission.Review.CHANGES, rng.choice(FEEDBACK_CHANGES)
                    sub.reviewed_by = tutor
                    sub.reviewed_at = uploaded + datetime.timedelta(days=2)
                    sub.save()
                    Submission.objects.filter(pk=sub.pk).update(uploaded_at=uploaded)
