"""What assessment adds to the pages of earlier stages, through their hooks: the published rankings
on the public call page, and the way to the outcome on a proposal's page."""
from django.db.models import Max

from calls.hooks import call_page
from projects.hooks import proposal_page
from projects.rules import is_proposal_member

from .models import Decision, DecisionItem


@call_page.section(order=10)
def rankings(request, call):
    decisions = list(
        Decision.objects.filter(round__call=call, published_at__isnull=False)
        .select_related("round").order_by("round__opens_at")
    )
    if not decisions:
        return None
    return {"template": "assessment/call_page/rankings.html", "decisions": decisions}


@call_page.freshness
def rankings_published(call_pk):
    return Decision.objects.filter(round__call_id=call_pk).aggregate(m=Max("published_at"))["m"]


@proposal_page.section(order=10)
def outcome_link(request, proposal):
    if not (is_proposal_member(request.user, proposal) or request.user.has_role("staff")):
        return None
    if not DecisionItem.objects.filter(proposal=proposal).exists():
        return None
    return {"template": "assessment/proposal_page/outcome_link.html", "proposal": proposal}
