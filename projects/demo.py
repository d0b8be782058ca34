"""Demo: organisations and the proposals of the 2018 call (about 40 submitted, a few drafts),
shaped on the real call's solutions, plus one proposal each for promoter@ and promoter2@, and
promoter@'s draft on the open call (partly written, with budget lines).

ctx.data gets: "organisations" (list), "proposals_2018" (submitted, by protocol), "drafts_2018",
"admissible_2018", "promoter_proposal", "promoter2_proposal", "promoter_draft".
"""
import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from stdnum import luhn

from calls.models import Call, ImpactTheme, LegalForm, Neighbourhood, TargetGroup
from tsf.core.models import AuditEntry
from tsf.core.pdf import demo_pdf

from . import services
from .models import (
    AdmissibilityCheck,
    AdmissibilityList,
    Attachment,
    BudgetLine,
    Membership,
    Organisation,
    Proposal,
    ProposalStatus,
    ProposalVersion,
    SolutionType,
)

ST = SolutionType
LF = LegalForm

# title, solution, neighbourhood, themes, target groups, organisation, legal form
PROPOSALS = [
    ("Baby parking accessibile a Barriera", ST.BABY_PARKING, "Barriera di Milano", ["vulnerabilita-sociali", "disoccupazione"], ["donne", "famiglie-difficolta"], "Associazione Quartieri Solidali APS", LF.APS),
    ("Il forno di Mirafiori: panificio artigianale sociale", ST.ARTISAN_BAKERY, "Mirafiori Sud", ["disoccupazione", "coesione-sociale"], ["giovani-disoccupati", "detenuti"], "Cooperativa Sociale Pane e Lavoro", LF.COOP_B),
    ("Casa del quartiere diffusa in Aurora", ST.COMMUNITY_HUB, "Aurora", ["coesione-sociale", "integrazione-culturale"], ["abitanti", "famiglie-immigrate"], "Rete Aurora Viva APS", LF.APS),
    ("RiVesti: emporio solidale dell'abito usato", ST.CLOTHING_EMPORIUM, "Barriera di Milano", ["poverta-urbana"], ["famiglie-difficolta", "famiglie-immigrate"], "Cooperativa Sociale Il Telaio", LF.COOP_B),
    ("Cascina aperta: riattivazione di un edificio abbandonato a Falchera", ST.ABANDONED_BUILDINGS, "Falchera", ["coesione-sociale", "poverta-urbana"], ["abitanti", "anziani"], "Fondazione Falchera Bene Comune", LF.FOUNDATION),
    ("Spesa sospesa: rete di distribuzione alimentare di prossimità", ST.FOOD_DISTRIBUTION, "Vallette", ["poverta-urbana"], ["famiglie-difficolta", "anziani"], "Banco di Quartiere ODV", LF.ODV),
    ("Officina dei mestieri per giovani NEET", ST.TRAINING, "Borgo Vittoria", ["disoccupazione"], ["giovani-disoccupati", "studenti"], "Cooperativa Sociale Mestieri Torino", LF.COOP_A),
    ("Mini-incubatore di imprese di comunità a San Salvario", ST.MINI_INCUBATION, "San Salvario", ["disoccupazione", "integrazione-culturale"], ["giovani-disoccupati", "famiglie-immigrate"], "Impresa Sociale Semi di Futuro", LF.SOCIAL_ENTERPRISE),
    ("Hub di comunità al Regio Parco", ST.COMMUNITY_HUB, "Regio Parco", ["coesione-sociale"], ["abitanti", "studenti"], "Associazione Regio Parco Insieme APS", LF.APS),
    ("Nidi in rete: baby parking serale per madri lavoratrici", ST.BABY_PARKING, "Lucento", ["vulnerabilita-sociali"], ["donne"], "Cooperativa Sociale Girotondo", LF.COOP_A),
    ("Forno sociale del Rebaudengo", ST.ARTISAN_BAKERY, "Rebaudengo", ["disoccupazione"], ["detenuti", "giovani-disoccupati"], "Cooperativa Sociale Lievito Madre", LF.COOP_B),
    ("Ex bocciofila bene comune", ST.ABANDONED_BUILDINGS, "Madonna di Campagna", ["coesione-sociale"], ["anziani", "abitanti"], "Associazione Bocce e Comunità APS", LF.APS),
    ("Armadio solidale per l'infanzia", ST.CLOTHING_EMPORIUM, "Nizza Millefonti", ["poverta-urbana"], ["famiglie-difficolta"], "Associazione Mamme in Rete ODV", LF.ODV),
    ("Cucina di quartiere: recupero delle eccedenze alimentari", ST.FOOD_DISTRIBUTION, "San Donato", ["poverta-urbana", "coesione-sociale"], ["famiglie-difficolta", "abitanti"], "Cooperativa Sociale Tavola Comune", LF.COOP_A),
    ("Scuola di sartoria per donne migranti", ST.TRAINING, "Aurora", ["integrazione-culturale", "disoccupazione"], ["donne", "famiglie-immigrate"], "Associazione Fili Intrecciati APS", LF.APS),
    ("Laboratorio di comunità per minori stranieri", ST.TRAINING, "Barriera di Milano", ["integrazione-culturale"], ["msna"], "Cooperativa Sociale Approdi", LF.COOP_A),
    ("Portineria di quartiere alle Vallette", ST.COMMUNITY_HUB, "Vallette", ["coesione-sociale", "vulnerabilita-sociali"], ["anziani", "abitanti"], "Associazione Vallette Solidali APS", LF.APS),
    ("Orti e lavoro: agricoltura sociale a Mirafiori Nord", ST.OTHER, "Mirafiori Nord", ["disoccupazione", "coesione-sociale"], ["disabilita-psichica", "giovani-disoccupati"], "Cooperativa Sociale Terra Buona", LF.COOP_B),
    ("Ciclofficina sociale di Pozzo Strada", ST.TRAINING, "Pozzo Strada", ["disoccupazione"], ["giovani-disoccupati", "studenti"], "Associazione Ruote Libere APS", LF.APS),
    ("Emporio solidale di Falchera", ST.FOOD_DISTRIBUTION, "Falchera", ["poverta-urbana"], ["famiglie-difficolta"], "Caritas di Quartiere Falchera ODV", LF.ODV),
    ("Incubatore di micro-imprese femminili", ST.MINI_INCUBATION, "Barriera di Milano", ["disoccupazione"], ["donne", "famiglie-immigrate"], "Impresa Sociale Donne al Lavoro", LF.SOCIAL_ENTERPRISE),
    ("Riapriamo il cinema di quartiere", ST.ABANDONED_BUILDINGS, "Borgo Vittoria", ["coesione-sociale"], ["abitanti", "studenti"], "Fondazione Cinema di Comunità", LF.FOUNDATION),
    ("Second hand lab: sartoria e riuso", ST.CLOTHING_EMPORIUM, "San Salvario", ["disoccupazione", "poverta-urbana"], ["giovani-disoccupati", "detenuti"], "Cooperativa Sociale Riuso Creativo", LF.COOP_B),
    ("Baby parking e spazio compiti a Madonna di Campagna", ST.BABY_PARKING, "Madonna di Campagna", ["vulnerabilita-sociali"], ["famiglie-difficolta", "studenti"], "Associazione Tana dei Bambini APS", LF.APS),
    ("Panetteria inclusiva per persone con disagio psichico", ST.ARTISAN_BAKERY, "Lucento", ["vulnerabilita-sociali", "disoccupazione"], ["disabilita-psichica"], "Cooperativa Sociale Farina del Nostro Sacco", LF.COOP_B),
    ("Hub giovani e lavoro a Mirafiori Sud", ST.COMMUNITY_HUB, "Mirafiori Sud", ["disoccupazione", "coesione-sociale"], ["giovani-disoccupati"], "Associazione Mirafiori Giovani APS", LF.APS),
    ("Formazione digitale per over 60", ST.TRAINING, "Nizza Millefonti", ["vulnerabilita-sociali"], ["anziani"], "Università Popolare di Quartiere APS", LF.APS),
    ("Dal carcere al forno: inserimento lavorativo", ST.ARTISAN_BAKERY, "Vallette", ["disoccupazione"], ["detenuti"], "Cooperativa Sociale Seconda Possibilità", LF.COOP_B),
    ("Condominio solidale: welfare di prossimità", ST.COMMUNITY_HUB, "Regio Parco", ["vulnerabilita-sociali", "coesione-sociale"], ["anziani", "famiglie-difficolta"], "Associazione Vicini di Casa ODV", LF.ODV),
    ("Mercato contadino e dispensa solidale", ST.FOOD_DISTRIBUTION, "Mirafiori Nord", ["poverta-urbana"], ["famiglie-difficolta", "abitanti"], "Associazione Filiera Corta APS", LF.APS),
    ("Ex lavanderia industriale come spazio di coworking sociale", ST.ABANDONED_BUILDINGS, "Aurora", ["disoccupazione"], ["giovani-disoccupati", "studenti"], "Impresa Sociale Spazi Comuni", LF.SOCIAL_ENTERPRISE),
    ("Accademia di cucina interculturale", ST.TRAINING, "San Salvario", ["integrazione-culturale", "disoccupazione"], ["famiglie-immigrate", "msna"], "Cooperativa Sociale Sapori dal Mondo", LF.COOP_B),
    ("Incubatore di quartiere per artigiani", ST.MINI_INCUBATION, "San Donato", ["disoccupazione"], ["giovani-disoccupati"], "Fondazione Mestieri d'Arte", LF.FOUNDATION),
    ("Guardaroba di comunità a Rebaudengo", ST.CLOTHING_EMPORIUM, "Rebaudengo", ["poverta-urbana", "integrazione-culturale"], ["famiglie-immigrate"], "Associazione Porte Aperte ODV", LF.ODV),
    ("Casa delle mamme: baby parking e mutuo aiuto", ST.BABY_PARKING, "Falchera", ["vulnerabilita-sociali", "coesione-sociale"], ["donne", "famiglie-difficolta"], "Associazione Casa delle Mamme APS", LF.APS),
    ("Piazza in gioco: animazione di comunità", ST.COMMUNITY_HUB, "Borgo Vittoria", ["coesione-sociale"], ["studenti", "abitanti"], "Associazione Ludica Borgo Vittoria APS", LF.APS),
    ("Biblioteca degli attrezzi e riparazioni", ST.OTHER, "Pozzo Strada", ["coesione-sociale", "poverta-urbana"], ["abitanti"], "Associazione Ripara e Condividi APS", LF.OTHER_ETS),
    ("Start-up sociali dal quartiere", ST.MINI_INCUBATION, "Mirafiori Sud", ["disoccupazione"], ["giovani-disoccupati", "donne"], "Impresa Sociale Avvio", LF.SOCIAL_ENTERPRISE),
    ("Pasti solidali a domicilio per anziani soli", ST.FOOD_DISTRIBUTION, "Madonna di Campagna", ["vulnerabilita-sociali", "poverta-urbana"], ["anziani"], "Cooperativa Sociale Buon Vicinato", LF.COOP_A),
    ("Teatro sociale con persone detenute", ST.OTHER, "Vallette", ["integrazione-culturale", "coesione-sociale"], ["detenuti"], "Associazione Teatro Oltre le Mura APS", LF.APS),
]
# Drafts never submitted before the deadline (kept readable).
DRAFTS = [
    ("Spazio compiti e merenda a Barriera", ST.COMMUNITY_HUB, "Barriera di Milano", ["vulnerabilita-sociali"], ["studenti"], "Associazione Quaderni Aperti APS", LF.APS),
    ("Forno di comunità in Aurora", ST.ARTISAN_BAKERY, "Aurora", ["disoccupazione"], ["giovani-disoccupati"], "Cooperativa Sociale Il Chicco", LF.COOP_B),
    ("Emporio dell'usato a Lucento", ST.CLOTHING_EMPORIUM, "Lucento", ["poverta-urbana"], ["famiglie-difficolta"], "Associazione Seconda Vita ODV", LF.ODV),
]
NOT_ADMISSIBLE = {
    "Biblioteca degli attrezzi e riparazioni": "Il budget allegato non corrisponde alle voci indicate e manca la dichiarazione del legale rappresentante.",
    "Teatro sociale con persone detenute": "Lo statuto allegato non è quello dell'ente capofila: documentazione incompleta.",
}
STILL_SUBMITTED = {"Pasti solidali a domicilio per anziani soli", "Start-up sociali dal quartiere"}

SOLUTION_TEXT = {
    ST.COMMUNITY_HUB: "Uno spazio di quartiere aperto tutti i giorni, gestito insieme agli abitanti: sportello di orientamento, attività per bambini e anziani, una piccola caffetteria sociale che sostiene i costi.",
    ST.BABY_PARKING: "Un baby parking a tariffe accessibili, aperto anche nelle fasce serali e nel fine settimana, con educatrici qualificate e un sistema di tariffe calcolate sull'ISEE.",
    ST.ABANDONED_BUILDINGS: "La riattivazione di un edificio abbandonato, ristrutturato con cantieri di autocostruzione e trasformato in un luogo di servizi, lavoro e socialità per il quartiere.",
    ST.CLOTHING_EMPORIUM: "Un emporio di abiti usati selezionati e rigenerati, dove le famiglie in difficoltà acquistano con una tessera a punti e dove si formano persone in cerca di lavoro.",
    ST.TRAINING: "Percorsi di formazione pratica in laboratorio, con tirocini presso le imprese del territorio e un accompagnamento individuale all'inserimento lavorativo.",
    ST.MINI_INCUBATION: "Un programma di mini-incubazione di sei mesi per idee d'impresa nate nel quartiere: formazione, tutoraggio, piccoli contributi di avvio e uno spazio di coworking.",
    ST.FOOD_DISTRIBUTION: "Una rete di distribuzione alimentare di prossimità che recupera le eccedenze dei mercati e dei negozi e le consegna alle famiglie segnalate dai servizi sociali.",
    ST.ARTISAN_BAKERY: "Un forno artigianale che produce pane con farine locali, vende nel quartiere e a mense e gruppi d'acquisto, e dà lavoro a persone svantaggiate con borse lavoro e assunzioni.",
    ST.OTHER: "Un servizio nuovo costruito con gli abitanti, che unisce attività di comunità e opportunità di lavoro per le persone più fragili.",
}
LINES = [
    (BudgetLine.Category.PERSONNEL, "Coordinamento e operatori"),
    (BudgetLine.Category.WORKS, "Adeguamento dei locali"),
    (BudgetLine.Category.EQUIPMENT, "Attrezzature e arredi"),
    (BudgetLine.Category.SERVICES, "Consulenze specialistiche"),
    (BudgetLine.Category.COMMUNICATION, "Comunicazione e coinvolgimento degli abitanti"),
    (BudgetLine.Category.TRAINING, "Formazione del personale"),
]


REPRESENTATIVES = [
    "Marco Bianchi", "Aisha Diallo", "Giovanna Ferrero", "Luca Bertolotti", "Francesca Gallo", "Ahmed Benali",
    "Silvia Morra", "Paolo Actis", "Elena Cravero", "Davide Pautasso", "Maria Chiara Vigna", "Roberto Giordano",
    "Fatou Ndiaye", "Stefania Rinaudo", "Andrea Bosio", "Chiara Audisio", "Giorgio Mussa", "Laura Operti",
    "Ion Popescu", "Valentina Ghiglione", "Simone Baudino", "Anna Rosso", "Matteo Cerutti", "Irene Fassino",
]


def org_code(n: int) -> str:
    base = f"97{n:05d}001"
    return base + luhn.calc_check_digit(base)


def _organisation(i, name, legal_form):
    org, _ = Organisation.objects.get_or_create(
        codice_fiscale=org_code(100 + i),
        defaults={
            "legal_name": name, "legal_form": legal_form, "address": f"Via Demo {i + 1}", "postcode": "10152",
            "city": "Torino", "province": "TO", "legal_representative": REPRESENTATIVES[i % len(REPRESENTATIVES)],
            "legal_representative_role": "Presidente", "email": f"info{i}@enti.example.org",
            "runts_number": f"TO-{2017000 + i}" if legal_form in (LF.APS, LF.ODV) else "",
            "description": "Ente del Terzo settore attivo a Torino.",
        },
    )
    return org


def _fill(version, spec, rng):
    title, solution, hood_name, themes, groups, org_name, _lf = spec
    hood = Neighbourhood.objects.select_related("district").get(name=hood_name)
    version.title = title
    version.summary = f"{title}: un servizio di prossimità nel quartiere {hood_name}, costruito con gli abitanti."
    version.social_need = (
        f"Nel quartiere {hood_name} molte famiglie vivono situazioni di fragilità economica e relazionale; "
        "i servizi esistenti non raggiungono chi è più isolato e mancano luoghi di incontro e opportunità di lavoro."
    )
    version.district = hood.district
    version.area_description = f"{hood.name}, {hood.district.name}."
    version.solution_type = solution
    version.solution = SOLUTION_TEXT[solution]
    version.experimental_rationale = (
        "Il modello unisce servizio, lavoro e partecipazione in un'unica filiera che nel quartiere non esiste: "
        "verrà sperimentato per due anni e misurato con gli indicatori proposti."
    )
    version.community_rationale = (
        "Il progetto nasce da un percorso di ascolto con le associazioni e gli abitanti, coinvolge volontari del "
        "quartiere e si appoggia alla rete dei servizi sociali della Circoscrizione."
    )
    version.expected_impacts = "Più persone raggiunte dai servizi, nuovi posti di lavoro per persone svantaggiate, relazioni di vicinato più forti."
    version.indicators = (
        f"Persone raggiunte, 0, {rng.randrange(80, 400, 10)}\n"
        f"Persone inserite al lavoro, 0, {rng.randint(2, 12)}\n"
        f"Volontari attivi, {rng.randint(0, 10)}, {rng.randint(15, 40)}"
    )
    version.partners = "Circoscrizione di riferimento; scuole e parrocchie del quartiere; un'impresa profit partner."
    version.team_description = f"Il team di {org_name}: una coordinatrice, due operatori, educatori e volontari."
    amounts = [Decimal(rng.randrange(8000, 60000, 500)) for _ in range(rng.randint(3, 5))]
    total = sum(amounts, Decimal("0"))
    version.requested_grant = min(Decimal("140000.00"), (total * Decimal("0.8")).quantize(Decimal("1")))
    version.co_financing = total - version.requested_grant
    version.save()
    version.neighbourhoods.set([hood])
    version.themes.set(ImpactTheme.objects.filter(code__in=themes))
    version.target_groups.set(TargetGroup.objects.filter(code__in=groups))
    if not version.budget_lines.exists():
        for j, amount in enumerate(amounts):
            category, description = LINES[j % len(LINES)]
            BudgetLine.objects.create(version=version, category=category, description=description, amount=amount,
                                      order=j)
    if not version.attachments.exists():
        for kind, label in ((Attachment.Kind.STATUTE, "Statuto"), (Attachment.Kind.BUDGET, "Budget dettagliato")):
            att = Attachment(version=version, kind=kind, title=label, original_name=f"{label.lower()}.pdf")
            content = demo_pdf(label)
            att.file.save(f"{label.lower().replace(' ', '-')}.pdf", ContentFile(content), save=False)
            att.size = len(content)
            att.save()


def _audit(actor, action, proposal, changes, when, note=""):
    ct = ContentType.objects.get_for_model(Proposal)
    if not AuditEntry.objects.filter(content_type=ct, object_id=str(proposal.pk), action=action).exists():
        entry = AuditEntry.objects.create(actor=actor, action=action, content_type=ct, object_id=str(proposal.pk),
                                          object_repr=str(proposal)[:255], changes=changes, note=note)
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=when)



def _admissibility_list(call, staff):
    """The 2018 list of admissible proposals, approved by one act (the checks made below join it)."""
    made, _created = AdmissibilityList.objects.get_or_create(call=call, number=1, defaults={
        "act_number": "2018 00514/070", "act_date": date(2018, 2, 16), "act_official": "Dott.ssa Gabriella Tetti",
        "approved_by": staff, "approved_at": call.closes_at + timedelta(days=18)})
    return made

def seed(ctx):
    call: Call = ctx.data.get("call_2018") or Call.objects.get(slug="torino-social-factory-2018")
    rng = random.Random(2018)
    staff = ctx.users.get("staff@example.org")
    owners = {0: ctx.users.get("promoter@example.org"), 1: ctx.users.get("promoter2@example.org")}
    organisations, submitted, drafts, admissible = [], [], [], []
    window = (call.closes_at - call.opens_at).total_seconds()
    specs = [(spec, True) for spec in PROPOSALS] + [(spec, False) for spec in DRAFTS]
    # Submission times spread over the window, the last ones in the final days; protocol numbers follow them.
    offsets = sorted(rng.uniform(0.15, 0.999) * window for _ in PROPOSALS)
    for i, (spec, is_submitted) in enumerate(specs):
        org = _organisation(i, spec[5], spec[6])
        organisations.append(org)
        owner = owners.get(i)
        if owner is not None:
            Membership.objects.get_or_create(user=owner, organisation=org,
                                             defaults={"role": Membership.Role.ADMIN, "team_role": "Coordinamento"})
        proposal = Proposal.objects.filter(call=call, organisation=org).first()
        if proposal is None:
            proposal = Proposal.objects.create(call=call, organisation=org, created_by=owner)
            Proposal.objects.filter(pk=proposal.pk).update(created_at=call.opens_at + timedelta(days=3 + i % 20))
        version, _ = ProposalVersion.objects.get_or_create(proposal=proposal, number=1, defaults={"title": spec[0]})
        if not version.budget_lines.exists():
            _fill(version, spec, rng)
        if not is_submitted:
            drafts.append(proposal)
            continue
        if not proposal.protocol_number:
            when = call.opens_at + timedelta(seconds=offsets[i])
            seq = i + 1
            Proposal.objects.filter(pk=proposal.pk).update(
                protocol_seq=seq, protocol_number=call.protocol_for(seq), submitted_at=when,
                status=ProposalStatus.SUBMITTED, status_changed_at=when,
            )
            ProposalVersion.objects.filter(pk=version.pk).update(frozen=True, frozen_at=when)
            proposal.refresh_from_db()
            _audit(owner, "proposal.submit", proposal, {"status": ["draft", "submitted"]}, when,
                   note=proposal.protocol_number)
        title = spec[0]
        if title not in STILL_SUBMITTED and not hasattr(proposal, "admissibility"):
            ok = title not in NOT_ADMISSIBLE
            checked_at = call.closes_at + timedelta(days=7 + i % 10)
            AdmissibilityCheck.objects.create(
                proposal=proposal, eligible_applicant=True, documents_complete=ok, budget_within_limits=True,
                submitted_on_time=True, outcome="admissible" if ok else "not_admissible",
                reason=NOT_ADMISSIBLE.get(title, ""), checked_by=staff, checked_at=checked_at,
                admissibility_list=_admissibility_list(call, staff),
            )
            new = ProposalStatus.ADMISSIBLE if ok else ProposalStatus.NOT_ADMISSIBLE
            if proposal.status == ProposalStatus.SUBMITTED:
                Proposal.objects.filter(pk=proposal.pk).update(status=new, status_changed_at=checked_at)
                _audit(staff, "proposal.admissibility", proposal, {"status": ["submitted", str(new)]}, checked_at,
                       note=NOT_ADMISSIBLE.get(title, ""))
            proposal.refresh_from_db()
        submitted.append(proposal)
        if proposal.status == ProposalStatus.ADMISSIBLE:
            admissible.append(proposal)
    ctx.data["organisations"] = organisations
    ctx.data["proposals_2018"] = sorted(submitted, key=lambda p: p.protocol_seq)
    ctx.data["drafts_2018"] = drafts
    ctx.data["admissible_2018"] = admissible
    ctx.data["promoter_proposal"] = submitted[0]
    ctx.data["promoter2_proposal"] = submitted[1]
    _pending_invitation(organisations[0], owners[0], owners[1])
    ctx.data["promoter_draft"] = _open_call_draft(ctx.data.get("call_open"), organisations[0], owners[0])


# promoter@'s draft on the open call: the first steps written, the budget started (three lines), the
# impact, team and attachments still to do, so that every step can be looked at right after `make run`.
OPEN_CALL_DRAFT = ("Portineria di comunità a Barriera di Milano", ST.COMMUNITY_HUB, "Barriera di Milano",
                   ["coesione-sociale", "vulnerabilita-sociali"], ["anziani", "famiglie-difficolta"])
OPEN_CALL_BUDGET = [
    (BudgetLine.Category.PERSONNEL, "Due operatori di portineria (24 mesi, part-time)", Decimal("52000.00")),
    (BudgetLine.Category.WORKS, "Adeguamento del locale al piano terra", Decimal("18500.00")),
    (BudgetLine.Category.EQUIPMENT, "Arredi, computer e bacheca digitale", Decimal("7250.00")),
]


def _open_call_draft(call, organisation, owner):
    if call is None or owner is None:
        return None
    existing = Proposal.objects.filter(call=call, organisation=organisation).first()
    if existing is not None:
        return existing
    title, solution, hood_name, themes, groups = OPEN_CALL_DRAFT
    proposal = Proposal.objects.create(call=call, organisation=organisation, created_by=owner)
    hood = Neighbourhood.objects.select_related("district").get(name=hood_name)
    version = ProposalVersion.objects.create(
        proposal=proposal, number=1, title=title, last_step="budget",
        summary=("Una portineria aperta sei giorni su sette in un cortile di case popolari: piccoli servizi, "
                 "ascolto e orientamento per anziani soli e famiglie, gestita con gli abitanti."),
        social_need=("Nelle case popolari di via Cherubini molti anziani vivono soli e le famiglie non conoscono "
                     "i servizi del quartiere; manca un punto di riferimento vicino a casa."),
        district=hood.district, area_description=f"{hood.name}, {hood.district.name}: il cortile di via Cherubini.",
        solution_type=solution, solution=SOLUTION_TEXT[solution],
        requested_grant=Decimal("62000.00"), co_financing=Decimal("15750.00"),
    )
    version.neighbourhoods.set([hood])
    version.themes.set(ImpactTheme.objects.filter(code__in=themes))
    version.target_groups.set(TargetGroup.objects.filter(code__in=groups))
    for order, (category, description, amount) in enumerate(OPEN_CALL_BUDGET):
        BudgetLine.objects.create(version=version, category=category, description=description, amount=amount,
                                  order=order)
    _audit(owner, "proposal.create", proposal, {"organisation": [None, organisation.legal_name]}, proposal.created_at)
    return proposal


def _pending_invitation(org, by, invitee):
    """promoter@ invites promoter2@ to the team: the invitation waits in promoter2@'s "my area"
    (join or decline)."""
    if by is None or invitee is None:
        return
    if org.invitations.filter(email__iexact=invitee.email).exists() or org.memberships.filter(user=invitee).exists():
        return
    services.invite_member(org, invitee.email, by=by, team_role="Progettazione e rendicontazione")
