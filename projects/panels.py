"""Panels of "my area" for promoters: their organisations and their proposals with the next step."""
from tsf.accounts import my_area

from . import selectors


@my_area.panel("promoter", order=10)
def my_proposals(request):
    proposals = selectors.proposals_of_request(request)[:10]
    memberships = list(selectors.memberships_for(request.user))
    return {
        "template": "projects/panels/my_proposals.html",
        "rows": [(p, *selectors.next_step_for(p)) for p in proposals],
        "memberships": memberships,
    }
