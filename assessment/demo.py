"""Demo: both assessment rounds of the 2018 edition, complete and published.

- Selection for the Incubation Lab (February 2018) on version 1 of the admissible proposals:
  five assessors, two per proposal, identity hidden, mean of the totals; one conflict of
  interest declared (and the proposal reassigned), one disputed proposal; the top 25 admitted.
- The 25 admitted write their revised proposal (version 2, June 2018).
- Final assessment (July 2018) on version 2: median of the totals, the others' scores visible
  after submitting one's own; 12 funded with grants between 50,000 and 140,000 EUR within the
  call's budget.

Runs after projects.demo (it reads ctx.data["admissible_2018"], or the call's admissible
proposals). Idempotent: when the call already has its rounds, it only fills ctx.data.

ctx.data gets: "selection_round_2018", "final_round_2018", "admitted_2018" (proposals),
"funded_2018" (funded DecisionItems with grant_amount).
"""
import random
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from calls.models import Call
from projects.models import Proposal, ProposalStatus
from projects.services import change_status, start_revised_version
from tsf.accounts.demo import ensure_person
from tsf.accounts.models import Role
from tsf.core.dates import ROME

from . import selectors, services
from .models import AssessmentRound, Assignment, ConflictDeclaration, Decision, DecisionItem

MORE_ASSESSORS = [
    ("valutatrice3@example.org", "Francesca Moretti"),
    ("valutatore4@example.org", "Stefano Ricci"),
    ("valutatrice5@example.org", "Laura Colombo"),
]

CRITERIA_SELECTION = [
    ("Rilevanza del bisogno sociale", 10, "2.50",
     "Quanto il bisogno è documentato, diffuso nel quartiere e non già coperto da altri servizi."),
    ("Carattere sperimentale", 10, "2.00", "Novità della soluzione rispetto a quanto già esiste in città."),
    ("Radicamento nella comunità", 10, "2.00", "Coinvolgimento degli abitanti, reti di prossimità, partner locali."),
    ("Sostenibilità economica", 10, "1.50", "Piano dei costi realistico, cofinanziamento, entrate dopo il contributo."),
    ("Capacità del team", 10, "2.00", "Competenze ed esperienza per realizzare il progetto."),
]
CRITERIA_FINAL = [
    ("Impatto sociale atteso e misurabilità", 10, "3.00",
     "Indicatori chiari, valori di partenza e obiettivi credibili."),
    ("Qualità del modello di servizio", 10, "2.50", "Come la proposta è maturata durante l'Incubation Lab."),
    ("Sostenibilità economica", 10, "2.50", "Piano economico a 24 mesi e dopo la fine del contributo."),
    ("Partenariato e comunità", 10, "2.00", "Partner impegnati e ruolo attivo degli abitanti."),
]

STRENGTHS = [
    "Il bisogno è ben documentato con dati del quartiere e testimonianze raccolte sul campo.",
    "Il partenariato con la circoscrizione e le scuole è concreto e già attivo.",
    "La soluzione è originale e replicabile in altri quartieri.",
    "Il team unisce competenze educative e gestionali.",
    "Il coinvolgimento degli abitanti è previsto in ogni fase del progetto.",
]
WEAKNESSES = [
    "Il piano economico dipende troppo dal contributo: mancano entrate proprie dopo i 24 mesi.",
    "Gli indicatori sono generici e senza valori di partenza.",
    "Il cronoprogramma è ambizioso rispetto alle persone impiegate.",
    "Il ruolo dei partner non è definito con accordi scritti.",
    "La descrizione dell'area d'intervento è poco precisa.",
]
ADVICE = [
    "Rafforzate il modello di sostenibilità con un'attività che generi entrate.",
    "Definite due o tre indicatori con valori di partenza e obiettivi annuali.",
    "Formalizzate gli impegni dei partner prima dell'avvio.",
    "",
]


def _rome(y, m, d, h=9, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=ROME)


def _points(rng, quality, criteria, bias=0.0):
    """Points per criterion around `quality` (0-10), in half points within the bounds."""
    out = {}
    for c in criteria:
        v = quality + bias + rng.uniform(-1.2, 1.2)
        v = max(0.0, min(float(c.max_points), v))
        out[c.pk] = (Decimal(str(round(v * 2) / 2)).quantize(Decimal("0.01")), "")
    return out


def _score(rnd, assignment, rng, quality, bias=0.0):
    criteria = list(rnd.criteria.all())
    user = assignment.assessor
    if not ConflictDeclaration.objects.filter(round=rnd, proposal=assignment.proposal, assessor=user).exists():
        ConflictDeclaration.objects.create(round=rnd, proposal=assignment.proposal, assessor=user, has_conflict=False,
                                           declared_at=rnd.opens_at + timezone.timedelta(days=1))
    # The random draws in the order the demo has always made them (the same edition every time).
    scores = _points(rng, quality, criteria, bias)
    texts = {"strengths": rng.choice(STRENGTHS), "weaknesses": rng.choice(WEAKNESSES), "feedback": rng.choice(ADVICE)}
    when = rnd.opens_at + timezone.timedelta(days=rng.randint(2, 12), hours=rng.randint(0, 8))
    when = min(when, rnd.closes_at - timezone.timedelta(hours=1))  # the 2018 rounds closed long ago
    services.save_draft(assignment, by=user, scores=scores, now=when, **texts)
    services.submit_assessment(assignment, by=user, now=when)


def _fill_data(ctx, call):
    sel = AssessmentRound.objects.filter(call=call, kind=AssessmentRound.Kind.SELECTION).first()
    fin = AssessmentRound.objects.filter(call=call, kind=AssessmentRound.Kind.FINAL).first()
    ctx.data["selection_round_2018"] = sel
    ctx.data["final_round_2018"] = fin
    ctx.data["admitted_2018"] = list(
        Proposal.objects.filter(decision_items__decision__round=sel, decision_items__outcome="admitted")
        .order_by("decision_items__rank")) if sel else []
    ctx.data["funded_2018"] = list(selectors.funded_items(call))


# The rounds' English titles (shown under /en/).
ROUND_TITLES_EN = {
    AssessmentRound.Kind.SELECTION: "Selection for the Incubation Lab 2018",
    AssessmentRound.Kind.FINAL: "Final assessment 2018",
}


def seed(ctx):
    call = ctx.data.get("call_2018") or Call.objects.filter(slug="torino-social-factory-2018").first()
    if call is None:
        return
    if AssessmentRound.objects.filter(call=call).exists():
        for kind, title_en in ROUND_TITLES_EN.items():  # a demo seeded before the English versions
            AssessmentRound.objects.filter(call=call, kind=kind, title_en__isnull=True).update(title_en=title_en)
        _fill_data(ctx, call)
        return
    rng = random.Random(4)
    staff = ctx.users.get("staff@example.org")
    assessors = [ctx.users["assessor@example.org"], ctx.users["assessor2@example.org"]]
    for email, name in MORE_ASSESSORS:
        user, secret = ensure_person(email, name, [Role.ASSESSOR])
        ctx.users[email] = user
        ctx.accounts.append((email, str(Role.ASSESSOR.label), secret))
        assessors.append(user)
    for u in assessors:
        u.clear_role_cache()

    admissible = list(Proposal.objects.filter(call=call, status=ProposalStatus.ADMISSIBLE).order_by("protocol_seq"))
    if len(admissible) < call.incubation_quota:
        return
    quality = {p.pk: rng.uniform(4.0, 9.0) for p in admissible}
    # The two demo promoters: promoter@ is admitted and funded, promoter2@ admitted and not funded.
    promoter_p, promoter2_p = ctx.data.get("promoter_proposal"), ctx.data.get("promoter2_proposal")
    if promoter_p is not None and promoter_p.pk in quality:
        quality[promoter_p.pk] = 9.1
    if promoter2_p is not None and promoter2_p.pk in quality:
        quality[promoter2_p.pk] = 7.6

    # 1. Selection for the Incubation Lab ------------------------------------------------------
    sel = services.create_round(
        call, by=staff, criteria=CRITERIA_SELECTION, assessors=assessors,
        kind=AssessmentRound.Kind.SELECTION, title="Selezione per l'Incubation Lab 2018",
        title_en=ROUND_TITLES_EN[AssessmentRound.Kind.SELECTION], version_number=1,
        opens_at=_rome(2018, 2, 5), closes_at=_rome(2018, 2, 23, 18), combine=AssessmentRound.Combine.MEAN,
        others_scores=AssessmentRound.OthersScores.NEVER, show_identity=False,
        disagreement_threshold=Decimal("20.00"), quota=call.incubation_quota, assessors_per_proposal=2,
    )
    services.auto_assign(sel, by=staff)
    # A conflict of interest: the assessor worked with the organisation; the proposal is reassigned.
    conflicted = Assignment.objects.filter(round=sel, assessor=assessors[1]).order_by("proposal__protocol_seq")[3]
    proposal = conflicted.proposal
    ConflictDeclaration.objects.create(
        round=sel, proposal=proposal, assessor=assessors[1], has_conflict=True,
        reason="Ho collaborato come consulente con l'ente proponente nel 2017.", declared_at=_rome(2018, 2, 6, 10),
    )
    conflicted.delete()
    free = next(u for u in assessors if not Assignment.objects.filter(round=sel, proposal=proposal, assessor=u).exists()
                and u != assessors[1])
    services.assign(sel, proposal, free, by=staff)
    # One disputed proposal: its two assessors disagree widely.
    disputed = admissible[len(admissible) // 2]
    quality[disputed.pk] = 6.8
    for a in Assignment.objects.filter(round=sel).select_related("assessor", "proposal").order_by("pk"):
        bias = 0.0
        if a.proposal_id == disputed.pk:
            first = not Assignment.objects.filter(round=sel, proposal=disputed, pk__lt=a.pk).exists()
            bias = 2.6 if first else -2.6
        _score(sel, a, rng, quality[a.proposal_id], bias)
    rows = selectors.ranking(sel)
    services.close_round(sel, by=staff)
    AssessmentRound.objects.filter(pk=sel.pk).update(closed_at=_rome(2018, 2, 23, 18))
    decision = services.apply_decision(
        sel, by=staff, outcomes=services.proposed_outcomes(sel, rows),
        act_number="2018 00842/070", act_date=date(2018, 2, 27), act_official="Dott.ssa Gabriella Tetti",
        minutes=("Il 26 febbraio 2018 la commissione di valutazione (cinque componenti) ha esaminato la graduatoria "
                 "delle proposte ammissibili. Una componente ha dichiarato un conflitto d'interessi e la proposta è "
                 "stata riassegnata. Discussa la proposta con valutazioni discordanti, la commissione conferma il "
                 "punteggio medio. Sono ammesse all'Incubation Lab le prime 25 proposte della graduatoria."),
    )
    Decision.objects.filter(pk=decision.pk).update(decided_at=_rome(2018, 2, 26, 16),
                                                   published_at=_rome(2018, 2, 28, 12), published_by=staff)

    # 2. The revised proposals (version 2) -----------------------------------------------------
    admitted = [r.proposal for r in rows if r.rank <= call.incubation_quota]
    for i, p in enumerate(admitted):
        p.refresh_from_db()
        owner = p.created_by or staff
        v2 = start_revised_version(p, by=owner)
        v2.summary = (v2.summary + " Versione rivista dopo l'Incubation Lab: modello di servizio ridefinito con "
                      "gli abitanti e piano economico a 24 mesi.")
        v2.expected_impacts = (v2.expected_impacts + " Dopo il laboratorio: obiettivi annuali per ogni indicatore "
                               "e un accordo scritto con i partner.")
        budget = v2.budget_total()
        v2.requested_grant = min(Decimal("140000.00"), budget, max(Decimal("50000.00"), v2.requested_grant))
        v2.requested_grant = v2.requested_grant.quantize(Decimal("1"), ROUND_HALF_UP)
        when = _rome(2018, 6, 10 + i % 18, 11)
        v2.frozen, v2.frozen_at = True, when
        v2.save()
        change_status(p, ProposalStatus.REVISED_SUBMITTED, by=owner, note="Proposta rivista inviata",
                      action="proposal.revised_submit")
        Proposal.objects.filter(pk=p.pk).update(status_changed_at=when)

    # 3. Final assessment ----------------------------------------------------------------------
    fin = services.create_round(
        call, by=staff, criteria=CRITERIA_FINAL, assessors=assessors,
        kind=AssessmentRound.Kind.FINAL, title="Valutazione finale 2018", title_en=ROUND_TITLES_EN[AssessmentRound.Kind.FINAL],
        version_number=2,
        opens_at=_rome(2018, 7, 2), closes_at=_rome(2018, 7, 13, 18), combine=AssessmentRound.Combine.MEDIAN,
        others_scores=AssessmentRound.OthersScores.AFTER_OWN, show_identity=True,
        disagreement_threshold=Decimal("20.00"), quota=call.funding_quota, assessors_per_proposal=2,
    )
    services.auto_assign(fin, by=staff)
    for a in Assignment.objects.filter(round=fin).select_related("assessor", "proposal").order_by("pk"):
        _score(fin, a, rng, min(9.6, quality[a.proposal_id] + rng.uniform(-0.5, 0.8)))
    rows = selectors.ranking(fin)
    outcomes = services.proposed_outcomes(fin, rows)
    for pid, (outcome, amount) in list(outcomes.items()):
        if amount is not None:
            outcomes[pid] = (outcome, max(Decimal("50000.00"), min(amount, call.max_grant)))
    services.close_round(fin, by=staff)
    AssessmentRound.objects.filter(pk=fin.pk).update(closed_at=_rome(2018, 7, 13, 18))
    decision = services.apply_decision(
        fin, by=staff, outcomes=outcomes,
        act_number="2018 03301/070", act_date=date(2018, 7, 31), act_official="Dott.ssa Gabriella Tetti",
        minutes=("Il 17 luglio 2018 la commissione ha esaminato le 25 proposte rivedute al termine dell'Incubation "
                 "Lab. Con la mediana dei punteggi, sono finanziate le prime 12 proposte, con il contributo indicato "
                 "per ciascuna entro il massimo di 140.000 euro e il budget complessivo del bando."),
    )
    Decision.objects.filter(pk=decision.pk).update(decided_at=_rome(2018, 7, 17, 17),
                                                   published_at=_rome(2018, 7, 31, 12), published_by=staff)
    assert DecisionItem.objects.filter(decision=decision, outcome="funded").count() == call.funding_quota
    _fill_data(ctx, call)
