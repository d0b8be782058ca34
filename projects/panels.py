"""Panels of "my area" for promoters: their organisations and their proposals with the next step."""
from django.utils import timezone

from tsf.accounts import my_area

from . import selectors
from .models import Invitation, Organisation


@my_area.panel("promoter", order=10)
def my_proposals(request):
    proposals = selectors.proposals_of_request(request)[:10]
    memberships = [{"organisation": Organisation(pk=pk, legal_name=name)}
                   for pk, name in selectors.MY_ORGANISATIONS.rows(user=request.user.pk)]
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
    # One cheap query on every visit (nothing waits, most of the time); the invitations themselves
    # are read only when there are some.
    ids = [pk for (pk,) in selectors.PENDING_INVITATION_IDS.rows(user=request.user.pk, now=timezone.now())]
    if not ids:
        return None
    invitations = list(Invitation.objects.filter(pk__in=ids).select_related("organisation", "invited_by").order_by(
        "-created_at", "-pk").only(
        "pk", "token", "email", "team_role", "expires_at", "organisation__legal_name", "invited_by__full_name",
        "invited_by__email"))
    if not invitations:
        return None
    return {"template": "projects/panels/invitations.html", "invitations": invitations}
