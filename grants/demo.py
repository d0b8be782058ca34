"""Demo: the 12 grants of Torino Social Factory 2018, made from the final decision's funded items.

Each grant has its CUP code, the budget lines of the revised proposal, the report schedule and
the 40/40/20 tranches; the signed agreement; reports with indicators and expenses (with receipts).
Where they stand (the demo's clock is the real one, so the 2018-2020 grants are over):

- 8 grants closed: every report approved, every tranche paid;
- 1 grant with its final report submitted, waiting for staff's review;
- 1 grant with the final report approved and the last tranche payable;
- 1 grant whose final report staff sent back with changes asked;
- 1 grant whose final report is overdue (never submitted).

Dates are written as they happened (2018-2021). The objects are made directly, as the other
seeders do, so that the demo does not send ~150 notifications; the audit trail is written.
Running it twice changes nothing (a proposal that has its grant is skipped).
"""
from datetime import date, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile

from assessment.selectors import funded_items
from calls.models import Call
from tsf.core import audit
from tsf.core.dates import at
from tsf.core.pdf import demo_pdf

from .models import (
    Expense,
    Grant,
    GrantBudgetLine,
    GrantStatus,
    ReportIndicator,
    ReportReach,
    ReportStatus,
    TrancheStatus,
)
from .services import _create_reports_and_tranches

AWARDED_ON = date(2018, 9, 10)
START = date(2018, 10, 1)
SIGNED_ON = date(2018, 9, 28)
LEGAL_BASIS = (
    "PON Città Metropolitane 2014-2020, Asse 3 \u201cServizi per l'inclusione sociale\u201d, azione 3.3.1, "
    "progetto TO3.3.1.a Torino Social Factory; avviso pubblico approvato con determinazione dirigenziale "
    "n. 2017 04632/070 del 14/11/2017; graduatoria approvata con determinazione dirigenziale "
    "n. 2018 03301/070 del 31/07/2018"
)
SUPPLIERS = ["Falegnameria Sociale Barriera s.c.s.", "Ferramenta Rossi s.n.c.", "Tipografia Aurora s.r.l.",
             "Coop. Pulizie Dora", "Studio Grafico Vanchiglia", "Elettroforniture Torino s.p.a."]
ACTIVITIES = [
    "Avviate le attività con le famiglie del quartiere: laboratori settimanali, sportello di ascolto e "
    "due feste di strada con le associazioni del territorio.",
    "Consolidata la rete dei partner; il servizio è aperto cinque giorni su sette e i volontari sono "
    "formati. Raccolti i primi dati sui beneficiari.",
    "Il servizio è entrato a regime; avviato il percorso di sostenibilità economica con la vendita "
    "di servizi a enti e imprese.",
    "Concluso il progetto: il servizio prosegue con risorse proprie e con il sostegno della "
    "Circoscrizione. Presentati i risultati in un incontro pubblico.",
]
# The acts of the City (determinazioni dirigenziali), signed by the head of the office.
OFFICIAL = "Dott.ssa Gabriella Tetti"
AWARD_ACT = ("2018 04012/070", date(2018, 9, 7))


def _payment_act(grant, t, when):
    """A plausible liquidation act and payment order (mandato) for tranche `t` paid on `when`."""
    n = grant.pk * 10 + t.order
    return {"act_number": f"{when.year} {5000 + n:05d}/070", "act_date": when - timedelta(days=12),
            "act_official": OFFICIAL, "payment_order_number": f"{when.year}/{12000 + 37 * n}",
            "payment_order_date": when - timedelta(days=3)}


# Index of the grant (0-11) -> its story.
REVIEW = 8
PAYABLE = 9
CHANGES = 10
OVERDUE = 11


def _aware(d: date, hour=10):
    return at(d, time(hour))


def _cup(i: int) -> str:
    return f"C1{(i % 9) + 1}J18000{150 + i:03d}00{i % 10}"


def _fill_report(report, grant, rng_i, staff, team_user, *, status):
    lines = list(grant.budget_lines.all())
    for j, tg in enumerate(grant.call.target_groups.all()[:3]):
        ReportReach.objects.get_or_create(report=report, target_group=tg,
                                          defaults={"people": 20 + (rng_i * 7 + j * 13 + report.number * 11) % 90})
    ReportIndicator.objects.get_or_create(report=report, name="Ore di apertura del servizio",
                                          defaults={"value": str(300 + report.number * 120)})
    report.activities = ACTIVITIES[min(report.number - 1, 3)]
    report.jobs_created = (rng_i + report.number) % 3
    report.volunteers_involved = 5 + (rng_i + report.number * 3) % 12
    for k, line in enumerate(lines[:2]):
        amount = (line.amount / Decimal(5)).quantize(Decimal("0.01"))
        if not report.expenses.filter(budget_line=line).exists():
            e = Expense(report=report, budget_line=line, amount=amount,
                        spent_on=min(report.period_end, report.period_start + timedelta(days=30 + 40 * k)),
                        supplier=SUPPLIERS[(rng_i + k + report.number) % len(SUPPLIERS)],
                        description=f"Fattura n. {report.number * 100 + k + rng_i}/{report.period_end.year}")
            e.receipt.save("fattura.pdf", ContentFile(demo_pdf(f"Fattura {e.supplier}")), save=False)
            e.save()
    submitted = _aware(report.due_date - timedelta(days=5))
    report.status = status
    report.submitted_at = submitted
    report.submitted_by = team_user
    if status in (ReportStatus.APPROVED, ReportStatus.CHANGES_REQUESTED):
        report.reviewed_at = submitted + timedelta(days=12)
        report.reviewed_by = staff
    if status == ReportStatus.CHANGES_REQUESTED:
        report.review_comment = ("Mancano le fatture quietanzate delle spese di personale e il registro delle "
                                 "presenze dei volontari: allegarli e inviare di nuovo il rendiconto.")
    elif status == ReportStatus.APPROVED:
        report.review_comment = "Rendiconto completo, spese coerenti con il piano finanziario."
    report.save()


def _make_grant(item, i, staff):
    proposal = item.proposal
    version = proposal.versions.order_by("-number").first()
    grant = Grant.objects.create(
        decision_item=item, proposal=proposal, call=proposal.call, title=version.title if version else "",
        district_id=version.district_id if version else None,
        amount=item.grant_amount, cup=_cup(i), start_date=START, end_date=date(2020, 9, 30),
        legal_basis=LEGAL_BASIS, awarded_by=staff, awarded_at=_aware(AWARDED_ON),
        award_act_number=AWARD_ACT[0], award_act_date=AWARD_ACT[1], award_official=OFFICIAL,
    )
    if version is not None:
        grant.themes.set(version.themes.all())
        GrantBudgetLine.objects.bulk_create(
            GrantBudgetLine(grant=grant, category=b.category, description=b.description, amount=b.amount,
                            order=b.order) for b in version.budget_lines.all())
    if not grant.budget_lines.exists():
        GrantBudgetLine.objects.create(grant=grant, category="personnel", description="Personale",
                                       amount=grant.amount, order=0)
    _create_reports_and_tranches(grant)
    grant.agreement.save(f"convenzione-{grant.cup}.pdf",
                         ContentFile(demo_pdf(f"Convenzione di sovvenzione {grant.cup}")), save=False)
    grant.signed_on = SIGNED_ON
    grant.status = GrantStatus.ACTIVE
    grant.save()
    audit.record(staff, "grant.award", grant, changes={"amount": [None, str(grant.amount)], "cup": [None, grant.cup]},
                 note="demo")
    return grant


def _story(grant, i, staff):
    team_user = grant.proposal.organisation.memberships.select_related("user").first()
    team_user = team_user.user if team_user else None
    reports = list(grant.reports.order_by("number"))
    final = reports[-1]
    for report in reports[:-1]:
        _fill_report(report, grant, i, staff, team_user, status=ReportStatus.APPROVED)
    if i < REVIEW or i == PAYABLE:
        _fill_report(final, grant, i, staff, team_user, status=ReportStatus.APPROVED)
    elif i == REVIEW:
        _fill_report(final, grant, i, staff, team_user, status=ReportStatus.SUBMITTED)
    elif i == CHANGES:
        _fill_report(final, grant, i, staff, team_user, status=ReportStatus.CHANGES_REQUESTED)
    # OVERDUE: the final report is left due (its date is long past).
    for t in grant.tranches.select_related("report"):
        condition_met = t.report is None or t.report.status == ReportStatus.APPROVED
        if not condition_met:
            continue
        when = SIGNED_ON if t.report is None else t.report.reviewed_at.date()
        if i == PAYABLE and t.report_id == final.pk:
            t.status, t.payable_since = TrancheStatus.PAYABLE, _aware(when)
        else:
            t.status, t.payable_since = TrancheStatus.PAID, _aware(when)
            t.paid_on, t.paid_by = when + timedelta(days=20), staff
            for field, value in _payment_act(grant, t, t.paid_on).items():
                setattr(t, field, value)
        t.save()
    if i < REVIEW:
        grant.status = GrantStatus.CLOSED
        grant.save(update_fields=["status"])


def seed(ctx):
    call = ctx.data.get("call_2018") or Call.objects.filter(slug="torino-social-factory-2018").first()
    if call is None:
        return
    staff = ctx.users.get("staff@example.org")
    items = list(funded_items(call))
    if not items:
        ctx.stdout.write("  grants: no funded items in the 2018 final decision yet, no grants made")
        return
    made = []
    for i, item in enumerate(items[:12]):
        if Grant.objects.filter(proposal=item.proposal).exists():
            continue
        grant = _make_grant(item, i, staff)
        _story(grant, i, staff)
        made.append(grant)
    ctx.data["grants_2018"] = list(Grant.objects.filter(call=call).order_by("cup"))
