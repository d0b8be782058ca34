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


@my_area.panel(my_area.EVERYONE, order=5)
def my_invitations(request):
    """Invitations to join a team sent to the person's verified address: a newcomer who signed up
    from the invitation e-mail finds it here after verifying and logging in, even when the link
    it came from was lost on the way. Shown whatever the person's roles (an approved camp expert
    has only the mentor role until they join a team)."""
    invitations = list(selectors.pending_invitations_for(request.user).only(
        "pk", "token", "email", "team_role", "expires_at", "organisation__legal_name", "invited_by__full_name",
        "invited_by__email")[:20])
    if not invitations:
        return None
    return {"template": "projects/panels/invitations.html", "invitations": invitations}
