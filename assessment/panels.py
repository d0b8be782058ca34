"""Panels of "my area": an assessor's work per round, a promoter's assessment outcomes."""
from projects.selectors import proposals_of_request
from tsf.accounts import my_area

from . import selectors


@my_area.panel("assessor", order=5)
def my_assessments(request):
    rows = selectors.assessor_summary(request.user)
    if not rows:
        return None
    return {"template": "assessment/panels/assessor.html", "rows": rows}


@my_area.panel("promoter", order=15)
def my_outcomes(request):
    proposals = {p.pk: p for p in proposals_of_request(request)}
    items = []
    for row in selectors.PERSON_OUTCOME_ITEMS.rows(user=request.user.pk):
        item = selectors.outcome_item_of_row(row)
        if item.proposal_id in proposals:
            item.proposal = proposals[item.proposal_id]  # the protocol number shown: from the proposals read
            items.append(item)
            if len(items) == 10:
                break
    if not items:
        return None
    return {"template": "assessment/panels/outcomes.html", "items": items}
