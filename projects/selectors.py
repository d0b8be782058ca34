"""Reads for pages and jobs, with the joins done up front so query counts stay flat."""
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from calls.models import Call

from .models import (
    ZERO,
    Attachment,
    BudgetLine,
    Membership,
    Organisation,
    Proposal,
    ProposalStatus,
    ProposalVersion,
)


def organisations_for(user):
    return (
        Organisation.objects.filter(memberships__user=user)
        .annotate(members_count=Count("memberships", distinct=True))
        .order_by("legal_name")
    )


def memberships_for(user):
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__legal_name")


def _version_prefetch():
    return Prefetch(
        "versions",
        queryset=ProposalVersion.objects.select_related("district").prefetch_related("themes", "target_groups"),
    )


def proposals_for(user):
    """Proposals of the organisations the user belongs to."""
    return (
        Proposal.objects.filter(organisation__memberships__user=user)
        .select_related("call", "organisation")
        .prefetch_related(_version_prefetch())
        .order_by("-created_at")
    )


def proposal_detail(pk):
    return (
        Proposal.objects.select_related("call", "organisation", "admissibility", "admissibility__checked_by")
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


def staff_proposals(call: Call, params: dict):
    """The call's proposals (drafts excluded unless asked for), filtered, searched and sorted
    as the staff list asks: status, district, neighbourhood, theme, target group, legal form, q, sort.
    Filters apply to the current version (v2 once the revised proposal exists)."""
    current = ProposalVersion.objects.filter(proposal=OuterRef("pk")).order_by("-number")
    budget = (
        BudgetLine.objects.filter(version=OuterRef("cur_version_id"))
        .values("version").annotate(t=Sum("amount")).values("t")
    )
    qs = (
        Proposal.objects.filter(call=call)
        .select_related("organisation", "call", "admissibility")
        .annotate(
            cur_version_id=Subquery(current.values("pk")[:1]),
            cur_title=Subquery(current.values("title")[:1]),
            cur_grant=Subquery(current.values("requested_grant")[:1]),
            cur_district_id=Subquery(current.values("district_id")[:1]),
        )
        .annotate(cur_budget=Coalesce(Subquery(budget), Value(ZERO)))
        .prefetch_related(_version_prefetch())
    )
    status = params.get("status") or ""
    if status == "all":
        pass
    elif status in ProposalStatus.values:
        qs = qs.filter(status=status)
    else:
        qs = qs.exclude(status=ProposalStatus.DRAFT)
    if params.get("district"):
        qs = qs.filter(cur_district_id=params["district"])
    if params.get("neighbourhood"):
        qs = qs.filter(Exists(ProposalVersion.neighbourhoods.through.objects.filter(
            proposalversion_id=OuterRef("cur_version_id"), neighbourhood_id=params["neighbourhood"])))
    if params.get("theme"):
        qs = qs.filter(Exists(ProposalVersion.themes.through.objects.filter(
            proposalversion_id=OuterRef("cur_version_id"), impacttheme_id=params["theme"])))
    if params.get("target_group"):
        qs = qs.filter(Exists(ProposalVersion.target_groups.through.objects.filter(
            proposalversion_id=OuterRef("cur_version_id"), targetgroup_id=params["target_group"])))
    if params.get("legal_form"):
        qs = qs.filter(organisation__legal_form=params["legal_form"])
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(cur_title__icontains=q) | Q(protocol_number__icontains=q) | Q(organisation__legal_name__icontains=q)
            | Q(organisation__codice_fiscale__icontains=q)
        )
    sort = params.get("sort") or "protocol"
    return qs.order_by(*SORTS.get(sort, SORTS["protocol"]))


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
