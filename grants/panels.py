"""Panels of "my area": a team's grant (next deadline, what is missing), and staff's reports to
review and overdue."""
from tsf.accounts import my_area

from . import selectors


@my_area.panel("promoter", order=20)
def my_grants(request):
    grants = selectors.team_grant_rows(request.user, limit=5)
    if not grants:
        return None
    return {"template": "grants/panels/team.html", "grants": grants}


@my_area.panel("staff", order=30)
def grants_to_follow(request):
    data = selectors.reports_for_staff_panel()
    if not data["to_review"] and not data["overdue"]:
        return None
    return {"template": "grants/panels/staff.html", **data}
