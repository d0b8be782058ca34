"""The benchmark's scale dataset, written with bulk_create (no per-row services, no factories).

At scale 1: 10 calls, 10,000 proposals (version 1, a theme and three budget lines each), an
assessment round of 1,000 proposals with 5 assessors, 6 criteria, two submitted assessments per
proposal, 1,000 grants with their budget lines, tranches and four reports, their published funding
decisions and public project pages, and 2,000 blog posts. At scale 0.01 the same shape with 100
proposals: the query counts of the two datasets must be the same.

`seed(scale)` is run on an empty, migrated database; `is_seeded(scale)` tells whether the
database already holds this dataset (the programme's slug records the scale).
"""
import math
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

STAFF_EMAIL = "bench-staff@example.org"
PROMOTER_EMAIL = "bench-promoter@example.org"
ASSESSOR_EMAIL = "bench-assessor{}@example.org"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
MAIN_CALL_SLUG = "bench-2024"
N_CALLS = 10
N_ASSESSORS = 5
N_CRITERIA = 6
BATCH = 2000

THEMES = ["Inclusione lavorativa", "Cultura e comunità", "Ambiente e rigenerazione urbana", "Educazione",
          "Welfare di prossimità"]
GROUPS = ["Giovani NEET", "Famiglie fragili", "Persone anziane", "Persone migranti", "Persone con disabilità"]
DISTRICTS = ["Centro - Crocetta", "Santa Rita - Mirafiori Nord", "San Paolo - Cenisia", "San Donato - Campidoglio",
             "Borgo Vittoria - Vallette", "Barriera di Milano - Falchera", "Aurora - Vanchiglia",
             "San Salvario - Cavoretto"]


def programme_slug(scale):
    return f"bench-{scale:g}".replace(".", "-")


def is_seeded(scale) -> bool:
    from calls.models import Programme

    return Programme.objects.filter(slug=programme_slug(scale)).exists()


def counts(scale):
    return {
        "proposals": max(20, round(10_000 * scale)),
        "round": max(2, round(1_000 * scale)),
        "grants": max(2, round(1_000 * scale)),
        "posts": max(4, round(2_000 * scale)),
    }


def _user(User, email, name, now):
    return User(email=email, full_name=name, language="it", password="!", is_active=True, date_joined=now)


@transaction.atomic
def seed(scale=1.0, log=print):
    from allauth.account.models import EmailAddress

    from assessment import services as assessment_services
    from assessment.models import (
        AssessmentRound,
        Assignment,
        CommitteeMember,
        ConflictDeclaration,
        Criterion,
        Decision,
        DecisionItem,
        Score,
    )
    from blog.models import Category, Post, Tag
    from calls.models import Call, District, ImpactTheme, Neighbourhood, Programme, TargetGroup
    from grants.models import (
        Grant,
        GrantBudgetLine,
        GrantStatus,
        Report,
        ReportKind,
        ReportStatus,
        Tranche,
        TrancheCondition,
        TrancheStatus,
    )
    from projects.models import (
        BudgetLine,
        Membership,
        Organisation,
        Proposal,
        ProposalStatus,
        ProposalVersion,
        PublicProject,
    )
    from tsf.accounts.models import RoleGrant, User
    from tsf.accounts.totp import enrol_totp

    n = counts(scale)
    now = timezone.now()
    today = timezone.localdate()
    log(f"seeding scale {scale:g}: {n}")

    # Reference data --------------------------------------------------------------------------
    programme = Programme.objects.create(name="Torino Social Factory (benchmark)", slug=programme_slug(scale),
                                         description="Dati di prova per il benchmark.")
    districts = [District.objects.get_or_create(number=i + 1, defaults={"name": name})[0]
                 for i, name in enumerate(DISTRICTS)]
    for d in districts:
        Neighbourhood.objects.get_or_create(district=d, name=f"Quartiere {d.number}")
    themes = [ImpactTheme.objects.get_or_create(code=f"bench-theme-{i}", defaults={"name": t, "order": i})[0]
              for i, t in enumerate(THEMES)]
    groups = [TargetGroup.objects.get_or_create(code=f"bench-group-{i}", defaults={"name": g, "order": i})[0]
              for i, g in enumerate(GROUPS)]

    # People ----------------------------------------------------------------------------------
    staff = User.objects.create(email=STAFF_EMAIL, full_name="Anna Funzionaria", password="!")
    promoter = User.objects.create(email=PROMOTER_EMAIL, full_name="Piero Promotore", password="!")
    assessors = [User.objects.create(email=ASSESSOR_EMAIL.format(i), full_name=f"Valutatrice {i}", password="!")
                 for i in range(N_ASSESSORS)]
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=staff, role="staff"), RoleGrant(user=staff, role="editor"),
         RoleGrant(user=promoter, role="promoter")] + [RoleGrant(user=a, role="assessor") for a in assessors])
    for u in [staff, promoter, *assessors]:
        EmailAddress.objects.create(user=u, email=u.email, verified=True, primary=True)
    for u in [staff, *assessors]:
        enrol_totp(u, TOTP_SECRET)

    n_orgs = n["proposals"] // 2
    org_users = User.objects.bulk_create(
        [_user(User, f"bench-org{i}@example.org", f"Referente {i}", now) for i in range(1, n_orgs)], batch_size=BATCH)
    RoleGrant.objects.bulk_create([RoleGrant(user=u, role="promoter") for u in org_users], batch_size=BATCH)
    owners = [promoter, *org_users]
    orgs = Organisation.objects.bulk_create([
        Organisation(legal_name=f"Cooperativa Sociale Bench {i}", legal_form="coop_a", codice_fiscale=f"9{i:010d}",
                     address=f"Via Roma {i % 300 + 1}", postcode="10121", legal_representative=f"Referente {i}",
                     created_by=owners[i])
        for i in range(n_orgs)], batch_size=BATCH)
    Membership.objects.bulk_create([Membership(user=owners[i], organisation=o, role="admin")
                                    for i, o in enumerate(orgs)], batch_size=BATCH)

    # Calls: nine past editions with grants, the current one (2024) in its selection round ------
    calls = []
    for i in range(N_CALLS):
        year = 2015 + i
        opens = now.replace(year=year, month=3, day=1, hour=9, minute=0, second=0, microsecond=0)
        calls.append(Call(
            programme=programme, title=f"Torino Social Factory {year}", slug=f"bench-{year}", year=year,
            summary="Il bando per progetti di innovazione sociale nei quartieri di Torino.",
            description="<p>Il bando sostiene progetti sperimentali di welfare di comunità.</p>",
            is_published=True, opens_at=opens, closes_at=opens + timedelta(days=60),
            total_budget=Decimal("2000000.00")))
    calls = Call.objects.bulk_create(calls)
    for c in calls:
        c.districts.set(districts)
        c.themes.set(themes)
        c.target_groups.set(groups)
    main_call, past_calls = calls[-1], calls[:-1]

    # Proposals: the main call has the round's proposals, the rest is spread on the past calls --
    per_past = [(n["proposals"] - n["round"]) // len(past_calls)] * len(past_calls)
    per_past[-1] += n["proposals"] - n["round"] - sum(per_past)
    grants_per_call = math.ceil(n["grants"] / len(past_calls))
    plan = []  # (call, seq, status)
    for seq in range(1, n["round"] + 1):
        plan.append((main_call, seq, ProposalStatus.ADMISSIBLE))
    funded_left = n["grants"]
    for call, count in zip(past_calls, per_past, strict=True):
        funded = min(grants_per_call, funded_left, count // 2)
        funded_left -= funded
        for seq in range(1, count + 1):
            if seq <= funded:
                status = ProposalStatus.FUNDED
            elif seq <= 2 * funded:
                status = ProposalStatus.NOT_FUNDED
            else:
                status = (ProposalStatus.NOT_SELECTED, ProposalStatus.NOT_ADMISSIBLE,
                          ProposalStatus.WITHDRAWN)[seq % 3]
            plan.append((call, seq, status))
    proposals = []
    for k, (call, seq, status) in enumerate(plan):
        org = orgs[k % n_orgs]
        submitted = call.closes_at - timedelta(days=1, minutes=k % 1000)
        proposals.append(Proposal(
            call=call, organisation=org, status=status, status_changed_at=submitted, protocol_seq=seq,
            protocol_number=call.protocol_for(seq), submitted_at=submitted, created_by=org.created_by))
    # The main promoter also has a funded project of a past edition.
    first_funded = next(i for i, p in enumerate(proposals) if p.status == ProposalStatus.FUNDED)
    proposals[first_funded].organisation = orgs[0]
    proposals[first_funded].created_by = promoter
    proposals = Proposal.objects.bulk_create(proposals, batch_size=BATCH)
    log(f"  {len(proposals)} proposals")

    versions = ProposalVersion.objects.bulk_create([
        ProposalVersion(
            proposal=p, number=1, frozen=True, frozen_at=p.submitted_at, last_step="review",
            title=f"Bottega di quartiere n. {p.pk}",
            summary="Uno spazio aperto dove le famiglie del quartiere si incontrano, imparano e lavorano.",
            social_need="Isolamento delle famiglie e mancanza di spazi comuni.",
            district=districts[p.pk % len(districts)], solution_type="community_hub",
            solution="Un hub di comunità con laboratori, sportello e mercato solidale.",
            expected_impacts="Più relazioni di vicinato, nuovi posti di lavoro.",
            indicators="famiglie raggiunte, 0, 120\nvolontari attivi, 5, 30",
            requested_grant=Decimal("90000.00") + p.pk % 50 * 100, co_financing=Decimal("10000.00"))
        for p in proposals], batch_size=BATCH)
    ProposalVersion.themes.through.objects.bulk_create([
        ProposalVersion.themes.through(proposalversion_id=v.pk, impacttheme_id=themes[v.pk % len(themes)].pk)
        for v in versions], batch_size=BATCH)
    ProposalVersion.target_groups.through.objects.bulk_create([
        ProposalVersion.target_groups.through(proposalversion_id=v.pk, targetgroup_id=groups[v.pk % len(groups)].pk)
        for v in versions], batch_size=BATCH)
    BudgetLine.objects.bulk_create([
        BudgetLine(version=v, category=cat, description=desc, amount=amount, order=i)
        for v in versions
        for i, (cat, desc, amount) in enumerate((
            ("personnel", "Educatrice a tempo parziale", Decimal("50000.00")),
            ("equipment", "Arredi del laboratorio", Decimal("25000.00")),
            ("communication", "Sito e materiali", Decimal("15000.00"))))], batch_size=BATCH)
    log(f"  {len(versions)} versions, {3 * len(versions)} budget lines")

    # The main call's selection round: 5 assessors, 6 criteria, two submitted assessments each --
    rnd = AssessmentRound.objects.create(
        call=main_call, kind=AssessmentRound.Kind.SELECTION, title="Selezione per l'Incubation Lab",
        version_number=1, opens_at=main_call.closes_at + timedelta(days=5),
        closes_at=now + timedelta(days=30), quota=max(2, n["round"] // 10), assessors_per_proposal=2)
    criteria = Criterion.objects.bulk_create([
        Criterion(round=rnd, name=f"Criterio {i + 1}", max_points=20, weight=Decimal("1.00") + Decimal(i) / 10,
                  order=i) for i in range(N_CRITERIA)])
    CommitteeMember.objects.bulk_create([CommitteeMember(round=rnd, assessor=a) for a in assessors])
    round_proposals = [p for p in proposals if p.call_id == main_call.pk]
    pairs = [(p, assessors[(i + j) % N_ASSESSORS]) for i, p in enumerate(round_proposals) for j in range(2)]
    ConflictDeclaration.objects.bulk_create([
        ConflictDeclaration(round=rnd, proposal=p, assessor=a, has_conflict=False, declared_at=now)
        for p, a in pairs], batch_size=BATCH)
    assignments = Assignment.objects.bulk_create([
        Assignment(round=rnd, proposal=p, assessor=a, status=Assignment.Status.SUBMITTED, submitted_at=now,
                   strengths="Radicamento nel quartiere.", weaknesses="Piano economico fragile.",
                   feedback="Rafforzare le partnership.", assigned_by=staff)
        for p, a in pairs], batch_size=BATCH)
    Score.objects.bulk_create([
        Score(assignment=a, criterion=c, value=Decimal((a.pk * 7 + c.pk * 3) % 21)) for a in assignments
        for c in criteria], batch_size=BATCH)
    assessment_services.rebuild_ranking(rnd)  # the kept ranking (written around the services above)
    log(f"  round: {len(round_proposals)} proposals, {len(assignments)} assignments")

    # Past calls: a published final decision (funded and not funded) and the grants ----------
    rounds = AssessmentRound.objects.bulk_create([
        AssessmentRound(call=c, kind=AssessmentRound.Kind.FINAL, title="Valutazione finale", version_number=1,
                        opens_at=c.closes_at + timedelta(days=200), closes_at=c.closes_at + timedelta(days=230),
                        quota=grants_per_call) for c in past_calls])
    decisions = Decision.objects.bulk_create([
        Decision(round=r, decided_by=staff, decided_at=r.closes_at, minutes="Verbale della commissione.",
                 published_at=r.closes_at + timedelta(days=2), published_by=staff) for r in rounds])
    decision_of_call = {d.round.call_id: d for d in decisions}
    items, rank = [], {}
    for p in proposals:
        if p.status in (ProposalStatus.FUNDED, ProposalStatus.NOT_FUNDED):
            d = decision_of_call[p.call_id]
            rank[d.pk] = rank.get(d.pk, 0) + 1
            funded = p.status == ProposalStatus.FUNDED
            items.append(DecisionItem(
                decision=d, proposal=p, rank=rank[d.pk], combined_score=Decimal("90.00") - Decimal(rank[d.pk]) / 10,
                outcome=DecisionItem.Outcome.FUNDED if funded else DecisionItem.Outcome.NOT_FUNDED,
                grant_amount=Decimal("90000.00") if funded else None))
    items = DecisionItem.objects.bulk_create(items, batch_size=BATCH)
    funded_items = [i for i in items if i.outcome == DecisionItem.Outcome.FUNDED]
    start = today - timedelta(days=400)
    version_of = {v.proposal_id: v for v in versions}  # one version each: the one its grant funds
    grants = Grant.objects.bulk_create([
        Grant(decision_item=i, proposal=i.proposal, call_id=i.proposal.call_id,
              district_id=version_of[i.proposal_id].district_id,
              title=f"Bottega di quartiere n. {i.proposal.pk}", amount=Decimal("90000.00"),
              cup=f"C{i.proposal.call.year % 100:02d}J{i.pk:011d}", start_date=start,
              end_date=start + timedelta(days=730), status=GrantStatus.ACTIVE, signed_on=start, awarded_by=staff)
        for i in funded_items], batch_size=BATCH)
    Grant.themes.through.objects.bulk_create([  # the themes of the version it funds, as award_grant copies them
        Grant.themes.through(grant_id=g.pk, impacttheme_id=themes[version_of[g.proposal_id].pk % len(themes)].pk)
        for g in grants], batch_size=BATCH)
    GrantBudgetLine.objects.bulk_create([
        GrantBudgetLine(grant=g, category=cat, description=desc, amount=amount, order=k)
        for g in grants
        for k, (cat, desc, amount) in enumerate((("personnel", "Educatrice", Decimal("60000.00")),
                                                 ("equipment", "Arredi", Decimal("30000.00"))))], batch_size=BATCH)
    reports = []
    for g in grants:
        for number in range(1, 5):
            end = start + timedelta(days=182 * number)
            due = end + timedelta(days=30)
            if due < today - timedelta(days=60):
                status = ReportStatus.APPROVED
            elif due < today:
                status = (ReportStatus.SUBMITTED, ReportStatus.DUE)[g.pk % 2]
            else:
                status = ReportStatus.DUE
            reports.append(Report(
                grant=g, kind=ReportKind.FINAL if number == 4 else ReportKind.INTERIM, number=number,
                period_start=end - timedelta(days=182), period_end=end, due_date=due, status=status,
                activities="Laboratori settimanali e sportello." if status != ReportStatus.DUE else "",
                jobs_created=2, volunteers_involved=12,
                submitted_at=now - timedelta(days=10) if status != ReportStatus.DUE else None))
    reports = Report.objects.bulk_create(reports, batch_size=BATCH)
    report_of = {(r.grant_id, r.number): r for r in reports}
    tranches = []
    for g in grants:
        tranches.append(Tranche(grant=g, order=1, condition=TrancheCondition.SIGNATURE, amount=Decimal("36000.00"),
                                status=TrancheStatus.PAID, paid_on=start + timedelta(days=20), paid_by=staff))
        first = report_of[(g.pk, 1)]
        tranches.append(Tranche(grant=g, order=2, condition=TrancheCondition.REPORT, report=first,
                                amount=Decimal("36000.00"),
                                status=TrancheStatus.PAYABLE if first.status == ReportStatus.APPROVED
                                else TrancheStatus.PLANNED))
        tranches.append(Tranche(grant=g, order=3, condition=TrancheCondition.REPORT, report=report_of[(g.pk, 4)],
                                amount=Decimal("18000.00"), status=TrancheStatus.PLANNED))
    Tranche.objects.bulk_create(tranches, batch_size=BATCH)
    PublicProject.objects.bulk_create([
        PublicProject(proposal=g.proposal, slug=f"bottega-{g.proposal.pk}", is_published=True, published_at=now,
                      summary="Uno spazio aperto dove le famiglie del quartiere si incontrano, imparano e lavorano.",
                      public_grant_amount=g.amount, featured=k < 3)
        for k, g in enumerate(grants)], batch_size=BATCH)
    log(f"  {len(grants)} grants, {len(reports)} reports, {len(tranches)} tranches")

    # Blog --------------------------------------------------------------------------------------
    categories = Category.objects.bulk_create([Category(name=f"Categoria {i}", slug=f"bench-categoria-{i}")
                                               for i in range(5)])
    tags = Tag.objects.bulk_create([Tag(name=f"Etichetta {i}", slug=f"bench-etichetta-{i}") for i in range(10)])
    body = "".join(f"<p>Paragrafo {i}: il racconto del progetto e delle persone che lo animano.</p>"
                   for i in range(8))
    posts = Post.objects.bulk_create([
        Post(kind=Post.Kind.ARTICLE, title=f"Notizie dai quartieri n. {i}", slug=f"notizie-{i}",
             summary="Cosa succede nei progetti della Torino Social Factory.", body=body, author=staff,
             status=Post.Status.PUBLISHED, publish_at=now - timedelta(hours=i))
        for i in range(n["posts"])], batch_size=BATCH)
    Post.categories.through.objects.bulk_create([
        Post.categories.through(post_id=p.pk, category_id=categories[k % 5].pk) for k, p in enumerate(posts)],
        batch_size=BATCH)
    Post.tags.through.objects.bulk_create([
        Post.tags.through(post_id=p.pk, tag_id=tags[(k + j) % 10].pk) for k, p in enumerate(posts) for j in range(2)],
        batch_size=BATCH)
    Post.related_projects.through.objects.bulk_create([
        Post.related_projects.through(post_id=p.pk, proposal_id=grants[k % len(grants)].proposal_id)
        for k, p in enumerate(posts)], batch_size=BATCH)
    log(f"  {len(posts)} posts")
    return {"main_call": main_call.slug}


# The mixed load (python -m tsf.bench: readers while promoters save drafts and assessors submit) -----
OPEN_CALL_SLUG = "bench-open"
POOL_FLAG = "Benchmark: scrittura del carico misto."  # marks the assignments the mixed load submits


def ensure_drafts(drafts=4):
    """What the promoters of the mixed load write to, made if missing (the dataset itself is not
    seeded again): a call open for a year from now with `drafts` draft proposals of the bench
    promoter. Made at every scale, so that "my area" shows the same at both. Returns their step pages."""
    from calls.models import Call
    from projects import services as project_services
    from projects.models import Organisation, Proposal, ProposalStatus
    from tsf.accounts.models import User

    now = timezone.now()
    main_call = Call.objects.get(slug=MAIN_CALL_SLUG)
    open_call, created = Call.objects.update_or_create(slug=OPEN_CALL_SLUG, defaults={
        "programme": main_call.programme, "title": f"Torino Social Factory {main_call.year + 1}",
        "year": main_call.year + 1, "summary": "Il bando aperto: le proposte sono in scrittura.",
        "description": "<p>Il bando sostiene progetti sperimentali di welfare di comunità.</p>", "is_published": True,
        "opens_at": now - timedelta(days=30), "closes_at": now + timedelta(days=365),
        "total_budget": Decimal("2000000.00")})
    if created:
        open_call.districts.set(main_call.districts.all())
        open_call.themes.set(main_call.themes.all())
        open_call.target_groups.set(main_call.target_groups.all())
    promoter = User.objects.get(email=PROMOTER_EMAIL)
    org = Organisation.objects.filter(created_by=promoter).order_by("pk").first()
    existing = list(Proposal.objects.filter(call=open_call, created_by=promoter, status=ProposalStatus.DRAFT)
                    .order_by("pk"))
    for _i in range(len(existing), drafts):
        existing.append(project_services.start_proposal(open_call, org, by=promoter))
    with translation.override("it"):
        return [reverse("projects:step", kwargs={"pk": p.pk, "step": "need"}) for p in existing[:drafts]]


def prepare_mixed(pool=400):
    """Up to `pool` assessments of the selection round (none of the measured assessor's) put back to
    draft, for the other assessors to submit under the mixed load; the round kept open. Returns
    [(score page, assessor's pk)]. `restore_mixed()` submits them again (the dataset as seeded)."""
    from assessment import services as assessment_services
    from assessment.models import AssessmentRound, Assignment
    from tsf.accounts.models import User

    now = timezone.now()
    rnd = AssessmentRound.objects.get(call__slug=MAIN_CALL_SLUG, kind=AssessmentRound.Kind.SELECTION)
    if rnd.closes_at < now + timedelta(days=1):
        AssessmentRound.objects.filter(pk=rnd.pk).update(closes_at=now + timedelta(days=30))
    measured = User.objects.get(email=ASSESSOR_EMAIL.format(0))
    restore_mixed()
    chosen = list(Assignment.objects.filter(round=rnd).exclude(assessor=measured).order_by("pk")
                  .values_list("pk", "assessor_id")[:pool])
    Assignment.objects.filter(pk__in=[pk for pk, _a in chosen]).update(
        status=Assignment.Status.DRAFT, submitted_at=None, feedback=POOL_FLAG)
    assessment_services.rebuild_ranking(rnd)  # the update above goes around the services
    with translation.override("it"):
        return [(reverse("assessment:score", kwargs={"pk": pk}), assessor_id) for pk, assessor_id in chosen]


def restore_mixed():
    """The pool of the mixed load submitted again, as seeded."""
    from assessment import services as assessment_services
    from assessment.models import AssessmentRound, Assignment

    rounds = set(Assignment.objects.filter(feedback=POOL_FLAG).values_list("round_id", flat=True))
    n = Assignment.objects.filter(feedback=POOL_FLAG).update(
        status=Assignment.Status.SUBMITTED, submitted_at=timezone.now(), feedback="Rafforzare le partnership.")
    for rnd in AssessmentRound.objects.filter(pk__in=rounds):  # the update above goes around the services
        assessment_services.rebuild_ranking(rnd)
    return n
