"""Reads for pages and jobs, with the joins done up front so query counts stay flat."""
import datetime
import hashlib
from functools import partial

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Call, District, ImpactTheme, Neighbourhood, TargetGroup
from tsf.core.model_i18n import translated
from tsf.core.statements import Statement, instances

from .models import (
    LAB_STATUSES,
    ZERO,
    AdmissibilityCheck,
    Attachment,
    BudgetLine,
    Invitation,
    Membership,
    Organisation,
    Proposal,
    ProposalStatus,
    ProposalVersion,
    PublicProject,
)


def organisations_for(user):
    return (
        Organisation.objects.filter(memberships__user=user)
        .annotate(members_count=Count("memberships", distinct=True))
        .order_by("legal_name")
    )


def memberships_for(user):
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__legal_name")


def member_proposals(user):
    """The proposals of the user's organisations, for a subquery of a statement of "my area": the
    organisations as a subquery (PostgreSQL plans it in a fraction of the join through organisation
    and membership)."""
    return Proposal.objects.filter(organisation__in=Membership.objects.filter(user=user).values("organisation_id"))


# (organisation id, legal name) of the person's organisations, by name: what "my area" shows on every
# visit of a promoter, made once per process (tsf.core.statements).
MY_ORGANISATIONS = Statement(
    lambda user: memberships_for(user).select_related(None).values_list("organisation_id", "organisation__legal_name"),
    user=-7_000_000_017)


def _version_prefetch(target_groups=True, texts=True, themes=True):
    related = (("themes",) if themes else ()) + (("target_groups",) if target_groups else ())
    versions = ProposalVersion.objects.select_related("district").prefetch_related(*related)
    if not texts:
        versions = versions.defer(*VERSION_TEXTS)
    return Prefetch("versions", queryset=versions)


# The long texts a panel of "my area" never shows: left unread there (fewer columns to read and convert).
VERSION_TEXTS = ("summary", "social_need", "area_description", "solution", "experimental_rationale",
                 "community_rationale", "expected_impacts", "indicators", "partners", "team_description")
CALL_TEXTS = ("summary", "summary_it", "summary_en", "description", "description_it", "description_en",
              "eligibility", "eligibility_it", "eligibility_en")


def proposals_for(user):
    """Proposals of the organisations the user belongs to."""
    return (
        Proposal.objects.filter(organisation__memberships__user=user)
        .select_related("call", "organisation")
        .prefetch_related(_version_prefetch())
        .order_by("-created_at")
    )


REQUEST_PROPOSALS_LIMIT = 100
# What the panels of "my area" read of the person's proposals (a field left out would be read again,
# one query per proposal: the panels' query-count tests would see it).
REQUEST_PROPOSAL_FIELDS = (
    "pk", "call_id", "organisation_id", "status", "protocol_seq", "protocol_number",
    *(f"call__{name}" for name in ("title", *(f"title_{code}" for code, _name in settings.LANGUAGES), "year",
                                   "opens_at", "closes_at", "first_selection_results_on", "incubation_starts_on",
                                   "revised_opens_at", "revised_closes_at", "final_assessment_on")),
    "organisation__legal_name", "organisation__legal_form",
)
REQUEST_VERSION_FIELDS = ("pk", "proposal_id", "number", "title", "frozen", "district_id")


def _request_columns(model, prefix):
    """The columns of REQUEST_PROPOSAL_FIELDS of this model (its primary key first), in its own order."""
    names = {"pk", *(name[len(prefix):] for name in REQUEST_PROPOSAL_FIELDS if name.startswith(prefix))}
    return [f.attname for f in model._meta.concrete_fields
            if f.attname in names or f.name in names or (f.primary_key and "pk" in names)]


_REQUEST_COLUMNS = {Proposal: _request_columns(Proposal, ""), Call: _request_columns(Call, "call__"),
                    Organisation: _request_columns(Organisation, "organisation__")}
# The person's proposals with their calls and organisations (REQUEST_PROPOSAL_FIELDS), made once per
# process (tsf.core.statements).
_REQUEST_PROPOSALS = Statement(
    lambda user: Proposal.objects.filter(organisation__memberships__user=user)
    .order_by("-created_at", "-pk")
    .values_list(*_REQUEST_COLUMNS[Proposal], *(f"call__{name}" for name in _REQUEST_COLUMNS[Call]),
                 *(f"organisation__{name}" for name in _REQUEST_COLUMNS[Organisation]))[:REQUEST_PROPOSALS_LIMIT],
    user=-7_000_000_017)


def proposals_of_request(request):
    """The signed-in user's proposals (newest first, at most REQUEST_PROPOSALS_LIMIT) with their
    versions, districts and themes, read once per request: the panels of "my area" of every stage
    share this list instead of each asking the database again. The long texts of calls, versions and
    organisations are not read (no panel shows them), nor the versions' themes (the one panel that
    needs them reads them for its proposals: `prefetch_related_objects(proposals, "versions__themes")`)."""
    cached = getattr(request, "_tsf_user_proposals", None)
    if cached is None:
        cached = []
        for row in _REQUEST_PROPOSALS.rows(user=request.user.pk):
            # the instances the ORM makes of the same columns (select_related + only)
            proposal, proposal.call, proposal.organisation = instances(row, *_REQUEST_COLUMNS.items())
            cached.append(proposal)
        prefetch_related_objects(
            cached, Prefetch("versions", queryset=ProposalVersion.objects.only(*REQUEST_VERSION_FIELDS)))
        request._tsf_user_proposals = cached
    return cached


def proposal_detail(pk):
    return (
        Proposal.objects.select_related("call", "organisation", "admissibility", "admissibility__checked_by",
                                        "admissibility__admissibility_list")
        .prefetch_related(
            Prefetch("versions", queryset=ProposalVersion.objects.select_related("district").prefetch_related(
                "themes", "target_groups", "neighbourhoods",
                Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("order", "id")),
                Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "id")),
            )),
            "organisation__memberships__user",
        )
        .filter(pk=pk)
        .first()
    )


SORTS = {
    "protocol": ("protocol_seq", "pk"),
    "-protocol": ("-protocol_seq", "-pk"),
    "title": ("cur_title", "pk"),
    "-title": ("-cur_title", "-pk"),
    "organisation": ("organisation__legal_name", "pk"),
    "-organisation": ("-organisation__legal_name", "-pk"),
    "grant": ("cur_grant", "pk"),
    "-grant": ("-cur_grant", "-pk"),
    "submitted": ("submitted_at", "pk"),
    "-submitted": ("-submitted_at", "-pk"),
    "status": ("status", "pk"),
    "-status": ("-status", "-pk"),
}


STAFF_ROW_FIELDS = ("pk", "protocol_number", "status", "submitted_at", "organisation__legal_name",
                    "organisation__legal_form", "cur_version_id", "cur_title", "cur_grant", "cur_district_number")
STAFF_PAGE = 25  # rows on a page of the staff list


def staff_filter_values(params: dict) -> dict:
    """The values of `_staff_filtered` for the staff list's filters (StaffFilterForm.params()): None
    for a filter left out. Drafts are left out unless a status (or "all") is asked for."""
    status = params.get("status") or ""
    chosen = status in ProposalStatus.values
    return {
        "status": status if chosen else None,
        "draft": None if chosen or status == "all" else ProposalStatus.DRAFT.value,
        **{name: params.get(name) or None for name in ("district", "neighbourhood", "theme", "target_group",
                                                       "legal_form")},
        "q": (params.get("q") or "").strip() or None,
    }


def _staff_filtered(call, status, draft, district, neighbourhood, theme, target_group, legal_form, q):
    """The call's proposals as the staff list filters them (`staff_filter_values`; None: left out).
    Filters apply to the current version (v2 once the revised proposal exists): its columns are
    aliases, for the filters and sorts that use them."""
    current = ProposalVersion.objects.filter(proposal=OuterRef("pk")).order_by("-number")
    qs = Proposal.objects.filter(call=call).alias(
        cur_version_id=Subquery(current.values("pk")[:1]),
        cur_title=Subquery(current.values("title")[:1]),
        cur_grant=Subquery(current.values("requested_grant")[:1]),
        cur_district_id=Subquery(current.values("district_id")[:1]),
    )
    if status is not None:
        qs = qs.filter(status=status)
    elif draft is not None:
        qs = qs.exclude(status=draft)
    if district is not None:
        qs = qs.filter(cur_district_id=district)
    if neighbourhood is not None:
        qs = qs.filter(Exists(ProposalVersion.neighbourhoods.through.objects.filter(
            proposalversion_id=OuterRef("cur_version_id"), neighbourhood_id=neighbourhood)))
    if theme is not None:
        qs = qs.filter(Exists(ProposalVersion.themes.through.objects.filter(
            proposalversion_id=OuterRef("cur_version_id"), impacttheme_id=theme)))
    if target_group is not None:
        qs = qs.filter(Exists(ProposalVersion.target_groups.through.objects.filter(
            proposalversion_id=OuterRef("cur_version_id"), targetgroup_id=target_group)))
    if legal_form is not None:
        qs = qs.filter(organisation__legal_form=legal_form)
    if q is not None:
        # Value(q): Django's icontains with the text as the statement's parameter (escaped by the SQL)
        # rather than as a LIKE pattern made from it in Python
        text = Value(q)
        qs = qs.filter(Q(cur_title__icontains=text) | Q(protocol_number__icontains=text)
                       | Q(organisation__legal_name__icontains=text) | Q(organisation__codice_fiscale__icontains=text))
    return qs


def staff_proposals(call_pk: int, params: dict, *, target_groups=False):
    """The call's (`call_pk`) proposals for the exports, as the staff list filters and sorts them (status,
    district, neighbourhood, theme, target group, legal form, q, sort), with the organisation, the
    current version's columns and budget, the versions, and their target groups when asked for."""
    budget = (
        BudgetLine.objects.filter(version=OuterRef("cur_version_id"))
        .values("version").annotate(t=Sum("amount")).values("t")
    )
    qs = (_staff_filtered(call_pk, **staff_filter_values(params))
          .annotate(cur_version_id=F("cur_version_id"), cur_title=F("cur_title"), cur_grant=F("cur_grant"),
                    cur_district_id=F("cur_district_id"))
          .select_related("organisation", "call", "admissibility")
          .annotate(cur_budget=Coalesce(Subquery(budget), Value(ZERO)))
          .prefetch_related(_version_prefetch(target_groups=target_groups)))
    return qs.order_by(*SORTS.get(params.get("sort") or "protocol", SORTS["protocol"]))


def _staff_rows(sort, **values):
    current = ProposalVersion.objects.filter(proposal=OuterRef("pk")).order_by("-number")
    return (_staff_filtered(**values)
            .annotate(cur_version_id=F("cur_version_id"), cur_title=F("cur_title"), cur_grant=F("cur_grant"),
                      cur_district_number=Subquery(current.values("district__number")[:1]))
            .order_by(*SORTS[sort]).values_list(*STAFF_ROW_FIELDS))


def _staff_count(**values):
    # one row (the call's) with the number, none when no proposal matches
    return _staff_filtered(**values).order_by().values("call").annotate(n=Count("pk")).values_list("n")


def _staff_calls():
    # Django's own values_list (rewrite(False)); the title in the reader's language is translated()'s
    return Call.objects.rewrite(False).order_by("-opens_at").values_list("pk", "slug", translated("title"))


_STAFF_CALLS = Statement(_staff_calls)


def staff_calls():
    """Every call, the latest opened first: (pk, slug, title in the reader's language)."""
    return _STAFF_CALLS.rows()


# The staff list's queries, their SQL made once per process for each sort and each set of filters
# left out (tsf.core.statements), with stand-ins no request has.
_STAFF_STAND_INS = {"call": -7_000_000_101, "status": "tsf-status-7000000102", "draft": "tsf-status-7000000103",
                    "district": -7_000_000_104, "neighbourhood": -7_000_000_105, "theme": -7_000_000_106,
                    "target_group": -7_000_000_107, "legal_form": "tsf-form-7000000108", "q": "tsf-text-7000000109"}
_STAFF_ROWS = {sort: Statement(partial(_staff_rows, sort), **_STAFF_STAND_INS) for sort in SORTS}
_STAFF_COUNT = Statement(_staff_count, **_STAFF_STAND_INS)


class StaffRows:
    """The rows of the staff list (`staff_filter_values`, a sort) for Django's Paginator: `count()`
    and a page's slice, one statement each; a row is a dict of STAFF_ROW_FIELDS."""

    def __init__(self, call_pk, params: dict):
        self._values = {"call": call_pk, **staff_filter_values(params)}
        self._rows = _STAFF_ROWS.get(params.get("sort") or "protocol", _STAFF_ROWS["protocol"])

    def count(self):
        found = _STAFF_COUNT.rows(**self._values)
        return found[0][0] if found else 0

    def __getitem__(self, page):
        start, stop = page.start or 0, page.stop
        if stop <= start:
            return []
        return [dict(zip(STAFF_ROW_FIELDS, row, strict=True))
                for row in self._rows.rows(window=(start, stop - start), **self._values)]


def _filter_choices():
    def part(model, kind, key, label):
        # Django's own values_list (rewrite(False): modeltranslation's would rearrange the columns)
        objects = model.objects.rewrite(False) if hasattr(model.objects, "rewrite") else model.objects
        return (objects.order_by().annotate(tsf_kind=Value(kind), tsf_pk=F("pk"), tsf_key=F(key), tsf_label=label)
                .values_list("tsf_kind", "tsf_pk", "tsf_key", "tsf_label"))

    return part(District, "district", "number", translated("name")).union(
        part(Neighbourhood, "neighbourhood", "district__number", F("name")),
        part(ImpactTheme, "theme", "order", translated("name")),
        part(TargetGroup, "target_group", "order", translated("name")), all=True)


# the options of the staff list's four reference selects, made once per process (tsf.core.statements)
_FILTER_CHOICES = Statement(_filter_choices)


def staff_filter_choices():
    """What the staff list's filters offer, in the reader's language: {"district": [(pk, label)],
    "neighbourhood": [...], "theme": [...], "target_group": [...]}, the labels and order the form's
    querysets would give (districts by number; neighbourhoods by district and name, "Name (3)"; themes
    and target groups by their order, then name), read in one query (UNION ALL of the four small
    tables) instead of one per select."""
    rows = {"district": [], "neighbourhood": [], "theme": [], "target_group": []}
    for kind, pk, key, label in _FILTER_CHOICES.rows():
        rows[kind].append((key, label, pk))
    out = {}
    for kind, items in rows.items():
        items.sort(key=lambda item: (item[0], item[1], item[2]))
        if kind == "neighbourhood":
            out[kind] = [(pk, f"{label} ({key})") for key, label, pk in items]
        else:
            out[kind] = [(pk, label) for _key, label, pk in items]
    return out


def _page_themes(**versions):
    # None (a page of fewer rows) leaves the version out of the list
    return (ProposalVersion.themes.through.objects.filter(proposalversion_id__in=list(versions.values()))
            .annotate(theme_name=translated("impacttheme__name"))
            .order_by("impacttheme__order", "impacttheme__name", "impacttheme_id")
            .values_list("proposalversion_id", "theme_name"))


# the themes of the current versions of a page of the list (at most STAFF_PAGE), made once per process
_PAGE_THEMES = Statement(_page_themes, **{f"v{i}": -7_000_000_200 - i for i in range(STAFF_PAGE)})


def staff_list_rows(rows):
    """The staff list's rows (a page of `StaffRows`) with
    what they show besides the columns: the current version's themes in the active language (one
    query for the page), the labels of legal form and status."""
    rows = list(rows)
    assert len(rows) <= STAFF_PAGE, "the themes' statement reads the versions of STAFF_PAGE rows"
    versions = [r["cur_version_id"] for r in rows if r["cur_version_id"]]
    themes = {}
    if versions:
        versions += [None] * (STAFF_PAGE - len(versions))
        for version_id, name in _PAGE_THEMES.rows(**{f"v{i}": pk for i, pk in enumerate(versions)}):
            themes.setdefault(version_id, []).append(name)
    legal_forms = dict(Organisation._meta.get_field("legal_form").flatchoices)
    statuses = dict(ProposalStatus.choices)
    for r in rows:
        r["themes"] = ", ".join(themes.get(r["cur_version_id"], ()))
        r["legal_form_label"] = legal_forms.get(r["organisation__legal_form"], r["organisation__legal_form"])
        r["status_label"] = statuses.get(r["status"], r["status"])
        r["badge"] = STATUS_BADGES.get(r["status"], "bg-primary")
    return rows


# The colour of a status badge (projects/status_badge.html says the same for model instances).
STATUS_BADGES = {
    ProposalStatus.DRAFT: "bg-secondary",
    ProposalStatus.WITHDRAWN: "bg-danger", ProposalStatus.NOT_ADMISSIBLE: "bg-danger",
    ProposalStatus.NOT_SELECTED: "bg-danger", ProposalStatus.NOT_FUNDED: "bg-danger",
    ProposalStatus.FUNDED: "bg-success", ProposalStatus.ADMISSIBLE: "bg-success",
    ProposalStatus.ADMITTED_TO_INCUBATION: "bg-success",
}


def next_step_for(proposal):
    """What happens next for a proposal, and when (for "my area")."""
    call = proposal.call
    s = proposal.status
    if s == ProposalStatus.DRAFT:
        if call.is_open():
            return _("Complete and submit the proposal"), call.closes_at
        return _("The call closed: the draft can no longer be submitted"), None
    if s == ProposalStatus.SUBMITTED:
        return _("Admissibility check and first selection"), call.first_selection_results_on
    if s == ProposalStatus.ADMISSIBLE:
        return _("Assessment: results of the first selection"), call.first_selection_results_on
    if s == ProposalStatus.ADMITTED_TO_INCUBATION:
        return _("Incubation Lab, then the revised proposal"), call.revised_closes_at or call.incubation_starts_on
    if s == ProposalStatus.REVISED_SUBMITTED:
        return _("Final assessment"), call.final_assessment_on
    if s == ProposalStatus.FUNDED:
        return _("Grant and implementation"), None
    return "", None


# Public project pages ------------------------------------------------------------------------

def _current_version_of(field):
    return ProposalVersion.objects.filter(proposal=OuterRef("proposal_id")).order_by("-number").values(field)[:1]


def _public_base():
    """Published pages of proposals that reached the lab, with the current version's title and
    district as annotations (for filters, ordering and the map)."""
    return PublicProject.objects.public().annotate(
        cur_version_id=Subquery(_current_version_of("pk")),
        cur_title=Subquery(_current_version_of("title")),
        cur_district_id=Subquery(_current_version_of("district_id")),
    )


def _public_version_prefetch(full=False):
    qs = ProposalVersion.objects.select_related("district")
    if not full:
        qs = qs.only("pk", "proposal_id", "number", "title", "district_id", "district__number",
                     "district__name_it", "district__name_en")
    return Prefetch("proposal__versions", queryset=qs.prefetch_related("themes", "target_groups", "neighbourhoods"))


def public_projects(params: dict | None = None):
    """The public portfolio, filtered by `district` (number), `theme` (code), `target_group`
    (code), `stage` ("incubated" or "funded") and `q`; a fixed number of queries per page."""
    params = params or {}
    qs = (
        _public_base()
        .select_related("proposal", "proposal__organisation", "proposal__call")
        .prefetch_related(_public_version_prefetch())
    )
    district = params.get("district")
    if district:
        qs = qs.filter(cur_district_id__in=District.objects.filter(number=district).values("pk"))
    if params.get("theme"):
        qs = qs.filter(Exists(ProposalVersion.themes.through.objects.filter(
            proposalversion_id=OuterRef("cur_version_id"), impacttheme__code=params["theme"])))
    if params.get("target_group"):
        qs = qs.filter(Exists(ProposalVersion.target_groups.through.objects.filter(
            proposalversion_id=OuterRef("cur_version_id"), targetgroup__code=params["target_group"])))
    stage = params.get("stage")
    if stage == PublicProject.Stage.FUNDED:
        qs = qs.filter(proposal__status=ProposalStatus.FUNDED)
    elif stage == PublicProject.Stage.INCUBATED:
        qs = qs.exclude(proposal__status=ProposalStatus.FUNDED)
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(cur_title__icontains=q) | Q(summary__icontains=q)
                       | Q(proposal__organisation__legal_name__icontains=q))
    return qs.order_by("cur_title", "pk")


def public_project(slug):
    """A published project page by its slug, with what the page shows, or None."""
    return (
        _public_base()
        .select_related("proposal", "proposal__organisation", "proposal__call")
        .prefetch_related(_public_version_prefetch(full=True))
        .filter(slug=slug)
        .first()
    )


def public_district_counts() -> dict[int, int]:
    """How many published projects act in each district (by number), in one query."""
    rows = (
        PublicProject.objects.public()
        .annotate(dnum=Subquery(_current_version_of("district__number")))
        .order_by().values("dnum").annotate(n=Count("pk"))
    )
    return {row["dnum"]: row["n"] for row in rows if row["dnum"] is not None}


def featured_projects(limit=3):
    """A few published projects for the home page: the featured ones first, then the latest."""
    return list(
        public_projects().order_by("-featured", "-published_at", "pk")[:limit]
    )


def portfolio_freshness():
    """(last change of anything the portfolio shows, number of public pages), one query."""
    row = PublicProject.objects.aggregate(
        page_m=Max("updated_at"), proposal_m=Max("proposal__updated_at"), org_m=Max("proposal__organisation__updated_at"),
        version_m=Max("proposal__versions__updated_at"),
        count=Count("pk", distinct=True, filter=Q(is_published=True, proposal__status__in=LAB_STATUSES)),
    )
    stamps = [row[k] for k in ("page_m", "proposal_m", "org_m", "version_m") if row[k] is not None]
    return (max(stamps) if stamps else None), row["count"]


def project_freshness(slug):
    """(when the public page `slug` last changed, its proposal's pk), or (None, None) if it is
    not public (one query)."""
    row = PublicProject.objects.public().filter(slug=slug).aggregate(
        page_m=Max("updated_at"), proposal_m=Max("proposal__updated_at"), org_m=Max("proposal__organisation__updated_at"),
        version_m=Max("proposal__versions__updated_at"), proposal_pk=Max("proposal_id"),
    )
    if row["proposal_pk"] is None:
        return None, None
    stamps = [row[k] for k in ("page_m", "proposal_m", "org_m", "version_m") if row[k] is not None]
    return max(stamps), row["proposal_pk"]


def etag_for(request, *parts) -> str:
    """An ETag for an anonymous page: what it depends on, the address, the CSRF cookie (the
    language form carries a token tied to it) and the language."""
    raw = "|".join(str(p) for p in (*parts, request.get_full_path(),
                                       request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
                                       getattr(request, "LANGUAGE_CODE", "")))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def home_figures():
    """Proposals received, teams incubated and projects funded, in one aggregate query."""
    return Proposal.objects.aggregate(
        received=Count("pk", filter=Q(submitted_at__isnull=False) & ~Q(status=ProposalStatus.WITHDRAWN)),
        incubated=Count("pk", filter=Q(status__in=LAB_STATUSES)),
        funded=Count("pk", filter=Q(status=ProposalStatus.FUNDED)),
    )


def public_page_of(proposal):
    return PublicProject.objects.filter(proposal=proposal).first()


def pending_invitations_for(user, now=None):
    """Invitations waiting for this person, in one query: sent to one of their VERIFIED e-mail
    addresses, neither accepted nor declined, not expired, to an organisation they are not in yet."""
    verified = EmailAddress.objects.filter(user=user, verified=True, email__iexact=OuterRef("email"))
    already_member = Membership.objects.filter(user=user, organisation=OuterRef("organisation_id"))
    return (
        Invitation.objects.filter(Exists(verified), ~Exists(already_member), accepted_at__isnull=True,
                                  declined_at__isnull=True, expires_at__gt=now or timezone.now())
        .select_related("organisation", "invited_by")
        .order_by("-created_at", "-pk")
    )


# The ids of the (at most 20 newest) invitations waiting for a person: what "my area" asks on
# every visit of everyone, made once per process (tsf.core.statements).
PENDING_INVITATION_IDS = Statement(
    lambda user, now: pending_invitations_for(user, now).select_related(None).values_list("pk")[:20],
    user=-7_000_000_017, now=datetime.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=datetime.UTC))


def admissibility_checks(call):
    """The call's checked proposals, for its admissibility list: the title of version 1 (the one
    checked), the organisation and the list that approved each outcome (None while it waits)."""
    first = ProposalVersion.objects.filter(proposal=OuterRef("proposal_id"), number=1)
    return (
        AdmissibilityCheck.objects.filter(proposal__call=call)
        .select_related("proposal", "proposal__organisation", "admissibility_list")
        .annotate(title=Subquery(first.values("title")[:1]))
        .order_by("proposal__protocol_seq", "proposal__pk")
    )
