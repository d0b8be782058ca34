"""Demo: the acceleration year of Torino Social Factory 2018 and the support to the teams not funded.

Runs after grants.demo (it reads the 2018 call's funded items and the not-funded proposals from
the database; `ctx.data["call_2018"]` if present):

- the acceleration programme (September 2018, 12 months);
- the Social Innovation Camp of 26 October 2018 at Toolbox Coworking, its agenda, the 12 pitches,
  the invitations, the approved registrations of mentor@example.org and four more experts and
  investors (one registration still pending, one not approved) and their feedback;
- help-desk threads of several funded teams (reporting, administration, communication,
  fundraising), answered by staff and the tutor, one still waiting for the team, one open;
- reporting-support slots: past ones booked, and free ones in the coming weeks;
- an improvement plan for each of the 13 teams not funded, and a demo account in the first of
  them (NOT_FUNDED_ACCOUNT) to see the improvement page as its team does;
- a catalogue of 15 funding opportunities (foundations, crowdfunding, Regione Piemonte, national
  and EU calls).

The objects are made directly (no notifications sent); running it twice changes nothing.
"""
import random
from datetime import date, time, timedelta
from decimal import Decimal

from django.utils import timezone

from assessment.selectors import funded_items
from calls.models import Call, District, ImpactTheme, LegalForm
from projects.models import Membership, Proposal, ProposalStatus
from projects.services import proposal_people
from tsf.accounts.demo import ensure_person
from tsf.accounts.models import Role, User
from tsf.core.dates import at

from .models import (
    AccelerationProgramme,
    AgendaItem,
    Camp,
    CampInvitation,
    CampRegistration,
    FundingOpportunity,
    HelpMessage,
    HelpRequest,
    HelpStatus,
    ImprovementAction,
    ParticipantKind,
    Pitch,
    PitchFeedback,
    RegistrationStatus,
    SupportSlot,
)

# A promoter of a team that reached the lab and was not funded (printed with the demo accounts).
NOT_FUNDED_ACCOUNT = ("nonfunded@example.org", "Sara Colombo")


def _rome(y, m, d, h=9, mi=0):
    return at(y, m, d, h, mi)


AGENDA = [
    (time(9, 0), time(9, 30), "Accoglienza e registrazione", "Caffè di benvenuto negli spazi di Toolbox."),
    (time(9, 30), time(10, 0), "Saluti istituzionali",
     "La Città di Torino presenta l'anno di accelerazione dei 12 progetti finanziati."),
    (time(10, 0), time(12, 30), "Pitch session I", "Sei progetti presentano la loro idea in 7 minuti, più domande."),
    (time(12, 30), time(13, 30), "Pranzo di networking", "Buffet a cura di una cooperativa di inserimento lavorativo."),
    (time(13, 30), time(16, 0), "Pitch session II", "Gli altri sei progetti presentano."),
    (time(16, 0), time(17, 15), "Tavoli con esperti, mentor e investitori",
     "Confronto a piccoli gruppi su sostenibilità economica, partnership e comunicazione."),
    (time(17, 15), time(18, 0), "Conclusioni e prossimi passi", "Il calendario dell'help desk e del supporto alla rendicontazione."),
]

EXPERTS = [
    # email, name, organisation, kind
    ("mentor@example.org", "Elena Greco", "Rete Imprese Sociali Piemonte", ParticipantKind.MENTOR),
    ("roberta.fenoglio@example.org", "Roberta Fenoglio", "Fondazione Sviluppo e Comunità", ParticipantKind.EXPERT),
    ("stefano.bruno@example.org", "Stefano Bruno", "Impact Capital Torino", ParticipantKind.INVESTOR),
    ("francesca.longo@example.org", "Francesca Longo", "Politecnico di Torino – Dipartimento di Architettura e Design",
     ParticipantKind.EXPERT),
    ("andrea.sacco@example.org", "Andrea Sacco", "Cooperativa Il Ponte – consulenza per il Terzo settore",
     ParticipantKind.MENTOR),
]
PENDING = ("valentina.ricci@example.org", "Valentina Ricci", "Studio Ricci Comunicazione", ParticipantKind.EXPERT)
REJECTED = ("marketing@example.org", "Ufficio Marketing", "Agenzia Promozioni Srl", ParticipantKind.INVESTOR)

COMMENTS = [
    "Pitch chiaro e coinvolgente. Rafforzate i numeri: quante famiglie raggiungete nel primo anno?",
    "Il bisogno è ben documentato; il modello di ricavi dopo il contributo va ancora dimostrato.",
    "Team motivato e complementare. Cercate un partner profit per i servizi a pagamento.",
    "Ottima la rete di quartiere. Misurate l'impatto con pochi indicatori, ma da subito.",
    "Proposta interessante, ma il pitch era lungo: concentratevi su problema, soluzione e risultati.",
    "Valutate una campagna di crowdfunding civico per coinvolgere gli abitanti anche come sostenitori.",
    "Buona idea di riuso degli spazi; chiarite i costi di gestione e chi li sosterrà dopo i due anni.",
    "Il racconto è efficace; mostrate un caso concreto di una persona che avete già aiutato.",
]

THREADS = [
    # topic, subject, [(from_team, text)], status
    ("reporting", "Spese di personale nella prima relazione",
     [(True, "Buongiorno, possiamo rendicontare le ore della coordinatrice assunta a part-time da settembre? "
             "Dobbiamo allegare anche i fogli presenze?"),
      (False, "Buongiorno, sì: servono il contratto, le buste paga e i fogli presenze firmati, con le ore "
              "dedicate al progetto. Vi mando il modello di timesheet."),
      (True, "Perfetto, grazie. Lo useremo da subito.")], HelpStatus.RESOLVED),
    ("admin_legal", "Modifica dello statuto per il ramo di impresa sociale",
     [(True, "Vorremmo aggiungere allo statuto un'attività commerciale (bar sociale). Serve comunicarlo alla Città?"),
      (False, "Sì, va comunicato: non cambia la convenzione, ma va verificato che l'attività resti coerente con il "
              "progetto finanziato. Potete fissare un appuntamento di supporto?")], HelpStatus.WAITING),
    ("communication", "Inaugurazione dello spazio di comunità",
     [(True, "A novembre inauguriamo l'hub. Possiamo usare il logo Torino Social Factory e del PON Metro sugli inviti?"),
      (False, "Certo: vi inviamo il kit con i loghi e le regole di uso (logo UE, PON Metro e Città sempre insieme). "
              "Segnalateci la data: la pubblichiamo nel blog."),
      (True, "Grazie! La data è il 24 novembre alle 17.")], HelpStatus.RESOLVED),
    ("fundraising", "Cofinanziamento per il secondo anno",
     [(True, "Stiamo cercando un cofinanziamento per il secondo anno: ci consigliate qualche bando di fondazione?"),
      (False, "Nel catalogo delle opportunità trovate i bandi in scadenza; per il vostro tema guarderei il bando "
              "della Compagnia di San Paolo e la campagna di crowdfunding civico della Città.")], HelpStatus.WAITING),
    ("partners", "Accordo con una scuola del quartiere",
     [(True, "Una scuola secondaria vuole collaborare al laboratorio. Che forma di accordo ci consigliate?")],
     HelpStatus.OPEN),
    ("reporting", "Indicatori della relazione finale",
     [(True, "Gli indicatori della relazione finale devono essere gli stessi della proposta rivista?"),
      (False, "Sì, gli stessi, con il valore raggiunto. Se un indicatore non è più misurabile spiegatelo nella "
              "relazione e proponete un indicatore sostitutivo.")], HelpStatus.RESOLVED),
]

PLAN = [
    ("Rivedere il piano economico con un consulente: costi di gestione e ricavi dopo il primo anno", "Presidente"),
    ("Coinvolgere almeno due partner del quartiere con una lettera di impegno", "Coordinatrice di progetto"),
    ("Definire tre indicatori di impatto misurabili e il loro valore di partenza", "Referente monitoraggio"),
    ("Candidare il progetto a un bando di fondazione in scadenza", "Responsabile fundraising"),
    ("Lanciare una campagna di crowdfunding civico per la fase pilota", "Responsabile comunicazione"),
    ("Sperimentare il servizio per tre mesi con 20 famiglie e raccogliere i risultati", "Educatrice"),
]

# title, funder, kind, description, days to deadline (from the first run), min, max, themes, districts, legal forms
OPPORTUNITIES = [
    ("Bando Vivomeglio", "Fondazione CRT", "foundation",
     "Sostegno a progetti che migliorano la qualità della vita di persone con disabilità e anziani fragili, "
     "con attività di socializzazione, autonomia e inclusione.", 35, "5000", "30000",
     ["vulnerabilita-sociali"], [], ["aps", "odv", "coop_a"]),
    ("Bando Housing sociale e abitare di comunità", "Compagnia di San Paolo", "foundation",
     "Interventi di abitare collaborativo e di accompagnamento all'autonomia abitativa per famiglie in difficoltà.",
     60, "50000", "200000", ["poverta-urbana", "coesione-sociale"], [], []),
    ("Programma Torino e le Alpi – Comunità in rete", "Compagnia di San Paolo", "foundation",
     "Reti di prossimità e spazi di comunità che rafforzano la coesione sociale nei quartieri.", 90,
     "20000", "80000", ["coesione-sociale"], [], []),
    ("Bando Diamoci una mossa – Sport e inclusione", "Fondazione CRT", "foundation",
     "Attività sportive come strumento di inclusione per bambini e ragazzi dei quartieri periferici.", 45,
     "3000", "15000", ["integrazione-culturale", "vulnerabilita-sociali"], [5, 6, 7], ["aps", "odv"]),
    ("Crowdfunding civico della Città di Torino", "Città di Torino con Eppela", "crowdfunding",
     "Campagne di raccolta fondi per progetti di quartiere: la Città raddoppia le donazioni raccolte fino al "
     "50% dell'obiettivo.", 30, "2000", "20000", [], [], []),
    ("Produzioni dal basso – Call per l'innovazione sociale", "Produzioni dal basso", "crowdfunding",
     "Campagne di crowdfunding con cofinanziamento per progetti di welfare di comunità e inclusione lavorativa.",
     75, "5000", "15000", ["disoccupazione", "coesione-sociale"], [], []),
    ("Ginger – Crowdfunding per il Terzo settore", "Ideaginger.it", "crowdfunding",
     "Accompagnamento alla campagna e piattaforma per enti del Terzo settore.", 120, None, "25000", [], [], []),
    ("Buoni servizio per l'inserimento lavorativo", "Regione Piemonte", "regional",
     "Percorsi di inserimento lavorativo per persone disoccupate e in condizione di svantaggio (POR FSE).",
     50, "10000", "100000", ["disoccupazione"], [], ["coop_b", "social_enterprise", "coop_a"]),
    ("WeCaRe – Welfare cantiere regionale", "Regione Piemonte", "regional",
     "Innovazione sociale nel welfare territoriale, con partenariati tra enti pubblici, Terzo settore e imprese.",
     100, "50000", "250000", ["vulnerabilita-sociali", "coesione-sociale"], [], []),
    ("Bando Periferie al centro", "Fondazione CRT", "foundation",
     "Cura dei beni comuni e rigenerazione di spazi abbandonati nelle periferie torinesi.", 25, "10000", "60000",
     ["coesione-sociale", "poverta-urbana"], [2, 5, 6], []),
    ("Fondo per l'innovazione sociale", "Presidenza del Consiglio dei ministri", "national",
     "Studi di fattibilità e sperimentazioni di innovazione sociale promosse con le amministrazioni locali.", 150,
     "100000", "500000", [], [], ["social_enterprise", "coop_a", "coop_b", "foundation"]),
    ("Bando Con i Bambini – Comunità educanti", "Impresa sociale Con i Bambini", "national",
     "Contrasto alla povertà educativa minorile con comunità educanti di scuole, famiglie e Terzo settore.", 80,
     "250000", "1000000", ["poverta-urbana"], [], []),
    ("AMIF – Integrazione dei cittadini di Paesi terzi", "Commissione europea", "eu",
     "Progetti transnazionali per l'integrazione sociale ed economica dei migranti.", 130, "300000", "2000000",
     ["integrazione-culturale"], [], []),
    ("ESF+ Social Innovation+", "Commissione europea", "eu",
     "Trasferimento e scala di innovazioni sociali sperimentate con successo, in partenariato europeo.", 160,
     "200000", "1500000", [], [], []),
    ("Social Impact Investment – Fondo di garanzia", "Banca di comunità del Piemonte", "investor",
     "Prestiti a condizioni agevolate per imprese sociali con un piano di impatto misurabile.", 200, "20000",
     "150000", [], [], ["social_enterprise", "coop_a", "coop_b"]),
]

# The catalogue's English titles and descriptions (shown under /en/), by Italian title.
OPPORTUNITIES_EN = {
    "Bando Vivomeglio": (
        "Vivomeglio call",
        "Support for projects that improve the quality of life of people with disabilities and frail older people, "
        "with social activities, autonomy and inclusion."),
    "Bando Housing sociale e abitare di comunità": (
        "Social housing and community living call",
        "Collaborative housing and support towards living independently for families in difficulty."),
    "Programma Torino e le Alpi – Comunità in rete": (
        "Turin and the Alps programme – Communities in a network",
        "Local networks and community spaces that strengthen social cohesion in the neighbourhoods."),
    "Bando Diamoci una mossa – Sport e inclusione": (
        "Let's get moving call – Sport and inclusion",
        "Sport as a means of inclusion for children and young people of the outer neighbourhoods."),
    "Crowdfunding civico della Città di Torino": (
        "City of Turin civic crowdfunding",
        "Fundraising campaigns for neighbourhood projects: the City doubles the donations raised up to 50% of "
        "the target."),
    "Produzioni dal basso – Call per l'innovazione sociale": (
        "Produzioni dal basso – Social innovation call",
        "Crowdfunding campaigns with co-funding for community welfare and job-inclusion projects."),
    "Ginger – Crowdfunding per il Terzo settore": (
        "Ginger – Crowdfunding for the third sector",
        "Campaign coaching and a platform for third-sector organisations."),
    "Buoni servizio per l'inserimento lavorativo": (
        "Service vouchers for job placement",
        "Job-placement pathways for unemployed and disadvantaged people (ROP ESF)."),
    "WeCaRe – Welfare cantiere regionale": (
        "WeCaRe – Regional welfare workshop",
        "Social innovation in local welfare, with partnerships of public bodies, the third sector and businesses."),
    "Bando Periferie al centro": (
        "Outskirts at the centre call",
        "Care of the commons and regeneration of abandoned spaces in Turin's outer neighbourhoods."),
    "Fondo per l'innovazione sociale": (
        "Social Innovation Fund",
        "Feasibility studies and social innovation pilots promoted with local authorities."),
    "Bando Con i Bambini – Comunità educanti": (
        "Con i Bambini call – Educating communities",
        "Tackling educational poverty among children with educating communities of schools, families and the "
        "third sector."),
    "AMIF – Integrazione dei cittadini di Paesi terzi": (
        "AMIF – Integration of third-country nationals",
        "Transnational projects for the social and economic integration of migrants."),
    "ESF+ Social Innovation+": (
        "ESF+ Social Innovation+",
        "Transfer and scaling of social innovations tested successfully, in a European partnership."),
    "Social Impact Investment – Fondo di garanzia": (
        "Social Impact Investment – Guarantee fund",
        "Loans on favourable terms for social enterprises with a measurable impact plan."),
}


def _programme_and_camp(call, staff):
    programme, _ = AccelerationProgramme.objects.get_or_create(
        call=call, defaults={
            "title": "Accelerazione Torino Social Factory 2018-2019", "starts_on": date(2018, 9, 1), "months": 12,
            "description": "Un anno di accompagnamento per i 12 progetti finanziati: Social Innovation Camp, "
                           "help desk e supporto alla rendicontazione."})
    camp, created = Camp.objects.get_or_create(
        programme=programme, title="Social Innovation Camp 2018", defaults={
            "date": date(2018, 10, 26), "starts_at": time(9, 0), "ends_at": time(18, 0),
            "place": "Toolbox Coworking", "address": "Via Agostino da Montefeltro 2, 10134 Torino",
            "capacity": 40, "registration_open": False,
            "description": "Una giornata in cui i 12 progetti finanziati presentano la loro idea a esperti, mentor "
                           "e investitori sociali, e ricevono un riscontro per l'anno di accelerazione."})
    if created:
        for start, end, title, description in AGENDA:
            AgendaItem.objects.create(camp=camp, starts_at=start, ends_at=end, title=title, description=description)
    return programme, camp


def _people(ctx, camp, staff):
    regs = []
    for email, name, org, kind in EXPERTS + [PENDING, REJECTED]:
        approved = (email, name, org, kind) in EXPERTS
        user = None
        if approved:
            user = ctx.users.get(email)
            if user is None:
                user, secret = ensure_person(email, name, [Role.MENTOR])
                ctx.users[email] = user
                ctx.accounts.append((email, str(Role.MENTOR.label), secret))
        CampInvitation.objects.get_or_create(camp=camp, email=email, defaults={
            "full_name": name, "kind": kind, "invited_by": staff, "sent_at": _rome(2018, 9, 20, 10)})
        reg, _ = CampRegistration.objects.get_or_create(camp=camp, email=email, defaults={
            "full_name": name, "organisation": org, "kind": kind, "consent": True,
            "status": RegistrationStatus.APPROVED if approved else (
                RegistrationStatus.PENDING if email == PENDING[0] else RegistrationStatus.REJECTED),
            "user": user, "created_at": _rome(2018, 9, 25, 11),
            "decided_at": _rome(2018, 10, 1, 10) if email != PENDING[0] else None,
            "decided_by": staff if email != PENDING[0] else None})
        if approved:
            regs.append(reg)
    return regs


def _pitches_and_feedback(camp, proposals, regs):
    rng = random.Random(8)
    pitches = []
    for order, proposal in enumerate(proposals, start=1):
        pitch, _ = Pitch.objects.get_or_create(camp=camp, proposal=proposal, defaults={
            "order": order, "minutes": 7, "title": proposal.title})
        pitches.append(pitch)
    if PitchFeedback.objects.filter(pitch__camp=camp).exists():
        return pitches
    for reg in regs:
        for pitch in pitches:
            if rng.random() < 0.25 and reg.email != "mentor@example.org":
                continue
            PitchFeedback.objects.create(
                pitch=pitch, registration=reg, author=reg.user, clarity=rng.randint(3, 5), impact=rng.randint(3, 5),
                sustainability=rng.randint(2, 5), team=rng.randint(3, 5), comment=rng.choice(COMMENTS))
    return pitches


def _help_desk(funded, staff, tutor):
    if HelpRequest.objects.filter(proposal__in=funded).exists():
        return
    rng = random.Random(9)
    for i, (topic, subject, messages, status) in enumerate(THREADS):
        proposal = funded[(i * 2) % len(funded)]
        team = proposal_people(proposal)
        author = team[0] if team else None
        opened = _rome(2018, 10 + i // 3, 3 + i * 4, 10)
        helper = tutor if (tutor is not None and i % 3 == 2) else staff
        req = HelpRequest.objects.create(
            proposal=proposal, topic=topic, subject=subject, status=status, opened_by=author, created_at=opened,
            assignee=helper if len(messages) > 1 else None,
            resolved_at=opened + timedelta(days=6) if status == HelpStatus.RESOLVED else None)
        when = opened
        for from_team, text in messages:
            when = when + timedelta(hours=rng.randint(3, 40))
            HelpMessage.objects.create(request=req, author=author if from_team else helper, from_team=from_team,
                                       text=text, created_at=when)


def _slots(funded, staff):
    if not SupportSlot.objects.exists():
        for i, proposal in enumerate(funded[:6]):
            report = proposal.grant.reports.order_by("number").first() if hasattr(proposal, "grant") else None
            team = proposal_people(proposal)
            SupportSlot.objects.create(
                starts_at=_rome(2019, 1, 14 + i, 10), minutes=45, place="Via Corte d'Appello 16, Torino – sala 3",
                offered_by=staff, proposal=proposal, report=report, booked_by=team[0] if team else None,
                booked_at=_rome(2019, 1, 7, 9), note="Preparazione della relazione intermedia")
    now = timezone.localtime()
    if not SupportSlot.objects.filter(starts_at__gt=now).exists():
        for i in range(6):
            day = (now + timedelta(days=7 + i * 3)).date()
            while day.weekday() >= 5:
                day += timedelta(days=1)
            SupportSlot.objects.create(
                starts_at=_rome(day.year, day.month, day.day, 10 if i % 2 else 15), minutes=45,
                place="Videochiamata (link inviato per e-mail)" if i % 2 else "Via Corte d'Appello 16, Torino – sala 3",
                offered_by=staff)


def _plans(not_funded):
    rng = random.Random(13)
    for proposal in not_funded:
        if proposal.improvement_actions.exists():
            continue
        owners = [u.get_full_name() for u in proposal_people(proposal)] or [None]
        for j, (action, role) in enumerate(rng.sample(PLAN, 3)):
            ImprovementAction.objects.create(
                proposal=proposal, action=action, owner=owners[j % len(owners)] or role,
                status=["done", "doing", "todo"][j], due_on=date(2018, 11, 30) + timedelta(days=45 * j))


def _not_funded_account(ctx, not_funded):
    """nonfunded@example.org joins the first team not funded (a team member, like its others)."""
    if not not_funded:
        return
    email, name = NOT_FUNDED_ACCOUNT
    user, secret = ensure_person(email, name, [Role.PROMOTER])
    Membership.objects.get_or_create(user=user, organisation=not_funded[0].organisation,
                                     defaults={"role": Membership.Role.MEMBER, "team_role": "Progettista"})
    ctx.users[email] = user
    ctx.accounts.append((email, f"{Role.PROMOTER.label} ({not_funded[0].organisation.legal_name}, "
                                f"{ProposalStatus.NOT_FUNDED.label})", secret))


def _catalogue(staff):
    today = timezone.localdate()
    themes = {t.code: t for t in ImpactTheme.objects.all()}
    for (title, funder, kind, description, days, lo, hi, theme_codes, districts, forms) in OPPORTUNITIES:
        title_en, description_en = OPPORTUNITIES_EN[title]
        existing = FundingOpportunity.objects.filter(title_it=title, funder=funder)
        if existing.exists():
            # A demo seeded before the English versions.
            existing.filter(title_en__isnull=True).update(title_en=title_en, description_en=description_en)
            continue
        opp = FundingOpportunity.objects.create(
            title=title, title_en=title_en, funder=funder, kind=kind, description=description,
            description_en=description_en, deadline=today + timedelta(days=days),
            amount_min=Decimal(lo) if lo else None, amount_max=Decimal(hi) if hi else None,
            legal_forms=[f for f in forms if f in LegalForm.values], url=_link(funder), is_published=True,
            published_at=timezone.now(), created_by=staff)
        opp.themes.set([themes[c] for c in theme_codes if c in themes])
        opp.districts.set(District.objects.filter(number__in=districts))


def _link(funder):
    links = {
        "Fondazione CRT": "https://www.fondazionecrt.it/",
        "Compagnia di San Paolo": "https://www.compagniadisanpaolo.it/",
        "Regione Piemonte": "https://www.regione.piemonte.it/",
        "Commissione europea": "https://commission.europa.eu/funding-tenders_it",
        "Produzioni dal basso": "https://www.produzionidalbasso.com/",
        "Ideaginger.it": "https://www.ideaginger.it/",
        "Impresa sociale Con i Bambini": "https://www.conibambini.org/",
        "Presidenza del Consiglio dei ministri": "https://www.innovazionesociale.gov.it/",
        "Città di Torino con Eppela": "https://www.torinosocialimpact.it/",
    }
    return links.get(funder, "https://www.torinosocialfactory.it/")


def seed(ctx):
    call = ctx.data.get("call_2018") or Call.objects.filter(slug="torino-social-factory-2018").first()
    if call is None:
        return
    staff = ctx.users.get("staff@example.org") or User.objects.with_role("staff").first()
    tutor = ctx.users.get("tutor@example.org")
    funded = [item.proposal for item in funded_items(call)][:12]
    _programme, camp = _programme_and_camp(call, staff)
    regs = _people(ctx, camp, staff)
    pitches = _pitches_and_feedback(camp, funded, regs)
    if funded:
        _help_desk(funded, staff, tutor)
        _slots(funded, staff)
    not_funded = list(Proposal.objects.filter(call=call, status=ProposalStatus.NOT_FUNDED).order_by("protocol_seq"))
    _plans(not_funded)
    _not_funded_account(ctx, not_funded)
    _catalogue(staff)
    ctx.data["camp_2018"] = camp
    ctx.data["pitches_2018"] = pitches
    ctx.data["not_funded_2018"] = not_funded
