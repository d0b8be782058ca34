"""Reads of the acceleration stage, with their joins and annotations done by the database so
that the pages' query counts stay flat as data grows."""
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
)
from django.utils import timezone

from assessment.models import AssessmentRound, Assignment, DecisionItem, Score
from projects.models import Proposal, ProposalVersion

from .models import (
    AccelerationProgramme,
    Camp,
    CampRegistration,
    FundingOpportunity,
    HelpMessage,
    HelpRequest,
    HelpStatus,
    Pitch,
    PitchFeedback,
    RegistrationStatus,
    SupportSlot,
)
from .rules import HELPDESK_STATUSES, NOT_FUNDED

TEAM_STATUSES = tuple(dict.fromkeys(HELPDESK_STATUSES + NOT_FUNDED))


def versions_prefetch():
    return Prefetch("versions", queryset=ProposalVersion.objects.select_related("district")
                    .prefetch_related("themes").order_by("number"))


def title_prefetch(prefix="proposal__"):
    return Prefetch(f"{prefix}versions", queryset=ProposalVersion.objects.only("pk", "proposal_id", "number", "title"))


def team_proposals(user, statuses=TEAM_STATUSES):
    """The user's teams in the programme: proposals of their organisations in `statuses`."""
    if not user.is_authenticated:
        return Proposal.objects.none()
    return (Proposal.objects.filter(organisation__memberships__user=user, status__in=statuses)
            .select_related("organisation", "call").prefetch_related(versions_prefetch())
            .order_by("-call__year", "protocol_seq", "pk").distinct())


# Matching of funding opportunities ------------------------------------------------------------------


def profile(proposal):
    """(theme ids, district id, legal form) of a team, from the proposal's current version."""
    version = proposal.current_version
    if version is None:
        return set(), None, proposal.organisation.legal_form
    return {t.pk for t in version.themes.all()}, version.district_id, proposal.organisation.legal_form


def fits(opportunity, theme_ids, district_id, legal_form):
    """Theme, district and legal form all fit; an empty eligibility list means "any"."""
    o_themes = {t.pk for t in opportunity.themes.all()}
    o_districts = {d.pk for d in opportunity.districts.all()}
    return ((not o_themes or bool(o_themes & theme_ids))
            and (not o_districts or district_id in o_districts)
            and (not opportunity.legal_forms or legal_form in opportunity.legal_forms))


def matching_teams(opportunity):
    """The teams (proposals in the programme) the opportunity fits."""
    proposals = (Proposal.objects.filter(status__in=TEAM_STATUSES).select_related("organisation")
                 .prefetch_related(versions_prefetch()).order_by("pk"))
    return [p for p in proposals if fits(opportunity, *profile(p))]


def _eligibility_filter(theme_ids=None, district_id=None, legal_form=None):
    """Q on FundingOpportunity: accepts the theme(s), the district and the legal form given
    (a None criterion is not filtered)."""
    through_t = FundingOpportunity.themes.through.objects
    through_d = FundingOpportunity.districts.through.objects
    q = Q()
    if theme_ids is not None:
        any_theme = ~Exists(through_t.filter(fundingopportunity_id=OuterRef("pk")))
        q &= any_theme | Exists(through_t.filter(fundingopportunity_id=OuterRef("pk"), impacttheme_id__in=theme_ids))
    if district_id is not None:
        any_district = ~Exists(through_d.filter(fundingopportunity_id=OuterRef("pk")))
        q &= any_district | Exists(through_d.filter(fundingopportunity_id=OuterRef("pk"), district_id=district_id))
    if legal_form:
        q &= Q(legal_forms=[]) | Q(legal_forms__has_item=legal_form)  # portable (tsf.core.lookups)
    return q


def published_opportunities(today=None, *, include_closed=False):
    today = today or timezone.localdate()
    qs = FundingOpportunity.objects.filter(is_published=True)
    if not include_closed:
        qs = qs.filter(deadline__gte=today)
    return qs.prefetch_related("themes", "districts").order_by("deadline", "pk")


def opportunities_for(proposal, today=None):
    """The published, still open opportunities that fit the team (same rule as `fits`)."""
    theme_ids, district_id, legal_form = profile(proposal)
    q = _eligibility_filter(list(theme_ids), district_id if district_id else None, legal_form)
    qs = published_opportunities(today).filter(q)
    if district_id is None:  # a team without a district fits only "any district"
        qs = qs.filter(districts__isnull=True)
    if not theme_ids:
        qs = qs.filter(themes__isnull=True)
    return qs.distinct()


def filter_opportunities(qs, *, q="", theme=None, district=None, legal_form="", kind=""):
    if q:
        # Both versions of the texts: a person finds an opportunity by the words of either language.
        qs = qs.filter(Q(title_it__icontains=q) | Q(title_en__icontains=q) | Q(funder__icontains=q)
                       | Q(description_it__icontains=q) | Q(description_en__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.filter(_eligibility_filter([theme.pk] if theme else None, district.pk if district else None,
                                         legal_form or None))


# Help desk ---------------------------------------------------------------------------------------


def first_answer_subquery():
    return Subquery(HelpMessage.objects.filter(request=OuterRef("pk"), from_team=False)
                    .order_by("created_at", "pk").values("created_at")[:1])


def help_requests():
    """Every request with its project, who took it, the number of messages, the time of the
    first answer and the response time (first answer - opening), all computed in the database."""
    return (
        HelpRequest.objects.select_related("proposal", "proposal__organisation", "assignee", "report")
        .prefetch_related(title_prefetch())
        .annotate(first_answer_at=first_answer_subquery(),
                  n_messages=Count("messages", distinct=True))
        .annotate(response_time=ExpressionWrapper(F("first_answer_at") - F("created_at"),
                                                  output_field=DurationField()))
    )


def help_requests_for_staff(*, status="", topic="", q="", mine_of=None, tutor=None):
    qs = help_requests()
    if tutor is not None:
        qs = qs.filter(proposal__tutor_assignments__tutor=tutor).distinct()
    if status == "active":
        qs = qs.exclude(status=HelpStatus.RESOLVED)
    elif status:
        qs = qs.filter(status=status)
    if topic:
        qs = qs.filter(topic=topic)
    if mine_of is not None:
        qs = qs.filter(assignee=mine_of)
    if q:
        qs = qs.filter(Q(subject__icontains=q) | Q(proposal__organisation__legal_name__icontains=q)
                       | Q(proposal__protocol_number__icontains=q))
    return qs.order_by(
        # not resolved first, newest first inside
        F("resolved_at").asc(nulls_first=True), "-created_at", "-pk")


def help_stats():
    """Open and waiting counts, and the average first-response time (database)."""
    qs = HelpRequest.objects.annotate(first_answer_at=first_answer_subquery())
    data = qs.aggregate(
        open=Count("pk", filter=Q(status=HelpStatus.OPEN)),
        waiting=Count("pk", filter=Q(status=HelpStatus.WAITING)),
        unanswered=Count("pk", filter=Q(first_answer_at__isnull=True) & ~Q(status=HelpStatus.RESOLVED)),
        avg_response=Avg(ExpressionWrapper(F("first_answer_at") - F("created_at"), output_field=DurationField())),
    )
    return data


def help_requests_for_team(user):
    return help_requests().filter(proposal__organisation__memberships__user=user).order_by("-created_at", "-pk")


def help_thread(pk):
    return (HelpRequest.objects.select_related("proposal", "proposal__organisation", "assignee", "opened_by",
                                               "report", "report__grant")
            .prefetch_related(Prefetch("messages", queryset=HelpMessage.objects.select_related("author")))
            .filter(pk=pk).first())


# Camp ----------------------------------------------------------------------------------------------


def programmes(q=""):
    """The acceleration programmes with their call and camps (three queries whatever their number)."""
    qs = (AccelerationProgramme.objects.select_related("call")
          .prefetch_related(Prefetch("camps", queryset=Camp.objects.order_by("date", "pk")))
          .order_by("-starts_on", "-pk"))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(call__title__icontains=q) | Q(camps__title__icontains=q)
                       | Q(camps__place__icontains=q)).distinct()
    return qs


def current_camp():
    return Camp.objects.select_related("programme", "programme__call").order_by("-date").first()


def camp_detail(pk):
    return (Camp.objects.select_related("programme", "programme__call")
            .prefetch_related("agenda", Prefetch("pitches", queryset=Pitch.objects.select_related(
                "proposal", "proposal__organisation").prefetch_related(title_prefetch()).order_by("order")))
            .annotate(n_approved=Count("registrations", filter=Q(registrations__status=RegistrationStatus.APPROVED)))
            .filter(pk=pk).first())


def camp_registrations(camp):
    return camp.registrations.select_related("decided_by", "user").annotate(
        n_feedback=Count("feedback")).order_by("status", "created_at", "pk")


def pitch_feedback(pitch):
    return PitchFeedback.objects.filter(pitch=pitch).select_related("author", "registration").order_by("created_at")


def feedback_summary(pitches):
    """{pitch_id: {"n": ..., "clarity": avg, ...}} computed by the database."""
    rows = (PitchFeedback.objects.filter(pitch__in=pitches).values("pitch_id")
            .annotate(n=Count("pk"), clarity=Avg("clarity"), impact=Avg("impact"),
                      sustainability=Avg("sustainability"), team=Avg("team")))
    return {r["pitch_id"]: r for r in rows}


def pitches_for_team(user):
    return (Pitch.objects.filter(proposal__organisation__memberships__user=user)
            .select_related("camp", "proposal").prefetch_related(title_prefetch())
            .annotate(n_feedback=Count("feedback")).order_by("-camp__date"))


def pitches_to_review(user, now=None):
    """Pitches of the camps where the user is approved, started, with no feedback yet from them."""
    now = now or timezone.now()
    camps = [c for c in Camp.objects.filter(registrations__user=user,
                                            registrations__status=RegistrationStatus.APPROVED).distinct()
             if c.has_started(now)]
    given = PitchFeedback.objects.filter(pitch=OuterRef("pk"), author=user)
    return (Pitch.objects.filter(camp__in=camps).select_related("camp", "proposal", "proposal__organisation")
            .prefetch_related(title_prefetch()).annotate(given=Exists(given)).order_by("camp", "order"))


def registrations_of(user):
    return CampRegistration.objects.filter(Q(user=user) | Q(email__iexact=user.email)).select_related("camp")


# Support slots -----------------------------------------------------------------------------------


def free_slots(now=None):
    now = now or timezone.now()
    return SupportSlot.objects.filter(proposal__isnull=True, starts_at__gt=now).select_related("offered_by")


def team_bookings(user, now=None):
    now = now or timezone.now()
    return (SupportSlot.objects.filter(proposal__organisation__memberships__user=user, starts_at__gt=now)
            .select_related("proposal", "report", "offered_by").order_by("starts_at"))


def all_slots(now=None):
    now = now or timezone.now()
    return (SupportSlot.objects.filter(starts_at__gt=now - timezone.timedelta(days=30))
            .select_related("proposal", "proposal__organisation", "report", "offered_by", "booked_by")
            .order_by("starts_at"))


# Improvement page ---------------------------------------------------------------------------------


def mean(total, n):
    """total / n to the cent (half up) with Decimal, None without values: the database only sums
    and counts, so the means are the same on SQLite (which averages in floating point) and
    PostgreSQL."""
    return (Decimal(total) / n).quantize(Decimal("0.01"), ROUND_HALF_UP) if n else None


POSITIVE = {AssessmentRound.Kind.FINAL: DecisionItem.Outcome.FUNDED,
            AssessmentRound.Kind.SELECTION: DecisionItem.Outcome.ADMITTED}


def improvement_data(proposal):
    """What the team's last negative assessment found: per criterion the team's mean points and
    the mean of the projects that passed (funded, or admitted for the first selection), both by
    the database; the assessors' comments per criterion; strengths and weaknesses."""
    item = (DecisionItem.objects.filter(proposal=proposal, outcome__in=[DecisionItem.Outcome.NOT_FUNDED,
                                                                         DecisionItem.Outcome.NOT_SELECTED])
            .select_related("decision", "decision__round").order_by("-decision__decided_at").first())
    if item is None:
        return None
    rnd = item.decision.round
    positive = POSITIVE[rnd.kind]
    passed_ids = DecisionItem.objects.filter(decision=item.decision, outcome=positive).values("proposal_id")
    submitted = Q(assignment__status=Assignment.Status.SUBMITTED, value__isnull=False)
    mine, passed = Q(assignment__proposal=proposal), Q(assignment__proposal_id__in=passed_ids)
    criteria = list(
        Score.objects.filter(submitted, criterion__round=rnd)
        .values("criterion_id", "criterion__name", "criterion__max_points", "criterion__order")
        .annotate(team_sum=Sum("value", filter=mine), team_n=Count("value", filter=mine),
                  passed_sum=Sum("value", filter=passed), passed_n=Count("value", filter=passed))
        .order_by("criterion__order", "criterion_id")
    )
    comments = {}
    for cid, comment in (Score.objects.filter(submitted, criterion__round=rnd, assignment__proposal=proposal)
                         .exclude(comment="").order_by("assignment_id").values_list("criterion_id", "comment")):
        comments.setdefault(cid, []).append(comment)
    for row in criteria:
        row["comments"] = comments.get(row["criterion_id"], [])
        row["team"], row["passed"] = mean(row["team_sum"], row["team_n"]), mean(row["passed_sum"], row["passed_n"])
        row["gap"] = (row["passed"] - row["team"]) if row["team"] is not None and row["passed"] is not None else None
    passed = DecisionItem.objects.filter(decision=item.decision, outcome=positive).aggregate(
        total=Sum("combined_score"), n=Count("combined_score"))
    passed_avg = mean(passed["total"], passed["n"])
    reviews = list(Assignment.objects.filter(round=rnd, proposal=proposal, status=Assignment.Status.SUBMITTED)
                   .order_by("pk").values("strengths", "weaknesses", "feedback"))
    return {"item": item, "round": rnd, "criteria": criteria, "passed_avg": passed_avg, "reviews": reviews,
            "passed_label": positive.label}

