"""Answering a team invitation: only the person it was sent to (a VERIFIED e-mail address of their
account) may join the team or decline; declining asks for confirmation and retires the invitation;
an anonymous visitor is offered to sign up with the invited address; the invitations waiting for a
person are listed in "my area"; the organisation's page no longer lists a declined invitation.

Requests are made under /en/ (tests/projects/conftest.py reads the English texts)."""
import html
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import Invitation, Membership
from tests.abuse.forms import FormReader
from tests.projects.factories import MembershipFactory, OrganisationFactory
from tsf.core.models import AuditEntry

pytestmark = pytest.mark.django_db

INVITEE = "newbie@example.org"
ORG = "Cooperativa Sociale Il Riccio"  # the `org` fixture, whose administrator is Piero Promoter
NOT_YOURS = (f"This invitation was sent to {INVITEE}, which is not a verified e-mail address of your "
             "account.")
USED = "This invitation has already been used or has expired. Ask for a new one."
PANEL_TITLE = "Invitations to join a team"
JOIN_BUTTON = ">Join the team</button>"  # (the page's title also says "Join the team of ...")
DECLINE_ACTION = "organisation.invitation_decline"


@pytest.fixture
def invitation(org, promoter_user):
    return services.invite_member(org, INVITEE, by=promoter_user, team_role="Educatrice")


@pytest.fixture
def invitee(make_user):
    """The person the invitation was sent to: their account's address is verified (UserFactory)."""
    return make_user(INVITEE, roles=["promoter"], full_name="Nina Newbie")


@pytest.fixture
def stranger(make_user):
    """Someone else with an account, who got hold of the link (a forwarded e-mail)."""
    return make_user("stranger@example.org", roles=["promoter"], full_name="Sara Stranger")


def text(response):
    return html.unescape(response.content.decode())


def assert_untouched(invitation, *people):
    """Nobody joined, the invitation is neither accepted nor declined, nothing was audited."""
    invitation.refresh_from_db()
    assert invitation.accepted_at is None and invitation.accepted_by is None
    assert invitation.declined_at is None
    assert invitation.is_usable
    for person in people:
        assert not Membership.objects.filter(user=person, organisation=invitation.organisation).exists()
    assert not AuditEntry.objects.filter(action__in=["organisation.join", DECLINE_ACTION]).exists()


def invitations_panel(page_html):
    """The "Invitations to join a team" section of "my area", or None when the page has none."""
    found = re.search(r'<section[^>]*aria-labelledby="panel-invitations".*?</section>', page_html, re.S)
    return found.group(0) if found else None


def answer_forms(page_html, action=""):
    """The page's POST forms that answer an invitation (a hidden `action` field) and send to `action`
    ("": the page itself), as FormReader reads them."""
    reader = FormReader()
    reader.feed(page_html)
    return [f for f in reader.forms if "action" in f["kinds"] and html.unescape(f["action"]) == action]


# Only the invitee ----------------------------------------------------------------------------


def test_services_refuse_whoever_the_invitation_was_not_sent_to(invitation, stranger):
    with pytest.raises(services.ProposalError) as refused:
        services.accept_invitation(invitation, stranger)
    assert NOT_YOURS in refused.value.messages[0]
    with pytest.raises(services.ProposalError) as refused:
        services.decline_invitation(invitation, stranger)
    assert NOT_YOURS in refused.value.messages[0]
    assert_untouched(invitation, stranger)


def test_someone_else_logged_in_gets_403_and_changes_nothing(client, invitation, stranger):
    client.force_login(stranger)
    url = invitation.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 403
    body = text(response)
    assert NOT_YOURS in body
    assert "Log out and log in with that address" in body
    assert JOIN_BUTTON not in body and not answer_forms(response.content.decode())
    response = client.get(url + "?decline=1")
    assert response.status_code == 403
    assert NOT_YOURS in text(response) and "Yes, decline the invitation" not in text(response)
    for data in ({"action": "accept"}, {"action": "decline"}, {}):
        response = client.post(url, data)
        assert response.status_code == 403, data
        assert NOT_YOURS in text(response)
    assert_untouched(invitation, stranger)


@pytest.mark.parametrize("where", ["own address not confirmed yet", "second address not confirmed"])
def test_an_unverified_matching_address_is_not_enough(client, invitation, make_user, where):
    if where == "own address not confirmed yet":
        person = make_user(INVITEE, roles=["promoter"])
        EmailAddress.objects.filter(user=person).update(verified=False)
    else:
        person = make_user("nina.work@example.org", roles=["promoter"])
        EmailAddress.objects.create(user=person, email=INVITEE, verified=False, primary=False)
    for respond in (services.accept_invitation, services.decline_invitation):
        with pytest.raises(services.ProposalError):
            respond(invitation, person)
    client.force_login(person)
    url = invitation.get_absolute_url()
    assert client.get(url).status_code == 403
    for action in ("accept", "decline"):
        response = client.post(url, {"action": action})
        assert response.status_code == 403 and NOT_YOURS in text(response)
    assert_untouched(invitation, person)
    body = client.get("/en/my-area/").content.decode()
    assert invitations_panel(body) is None and ORG not in body
    # once the address is confirmed, the same person may join
    EmailAddress.objects.filter(user=person, email=INVITEE).update(verified=True)
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 302 and response.url == invitation.organisation.get_absolute_url()
    assert Membership.objects.filter(user=person, organisation=invitation.organisation).exists()


def test_the_address_is_compared_without_case(client, org, promoter_user, make_user):
    person = make_user("Nina.Newbie@Example.ORG", roles=["promoter"])
    assert EmailAddress.objects.get(user=person).email == "Nina.Newbie@Example.ORG"
    invitation = services.invite_member(org, "nina.newbie@EXAMPLE.org", by=promoter_user)
    client.force_login(person)
    assert client.get(invitation.get_absolute_url()).status_code == 200
    response = client.post(invitation.get_absolute_url(), {"action": "accept"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=person, organisation=org)
    invitation.refresh_from_db()
    assert invitation.accepted_by == person and invitation.accepted_at is not None
    assert membership.role == Membership.Role.MEMBER


def test_the_invitee_joins_from_the_link(client, invitation, invitee, org):
    client.force_login(invitee)
    url = invitation.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    body = text(response)
    assert "Piero Promoter invited you to the team." in body and "Educatrice" in body
    assert JOIN_BUTTON in body and f'href="{url}?decline=1"' in body
    (form,) = answer_forms(response.content.decode(), "")
    assert form["data"]["action"] == ["accept"]
    response = client.post(url, {"action": "accept"}, follow=True)
    assert response.redirect_chain[-1][0] == org.get_absolute_url()
    assert f"You have joined {ORG}." in text(response)
    assert Membership.objects.get(user=invitee, organisation=org).team_role == "Educatrice"
    assert AuditEntry.objects.filter(action="organisation.join", actor=invitee).count() == 1


# Declining -----------------------------------------------------------------------------------


def test_decline_asks_for_confirmation_then_retires_the_invitation(client, invitation, invitee, org):
    client.force_login(invitee)
    url = invitation.get_absolute_url()
    response = client.get(url + "?decline=1")
    assert response.status_code == 200
    body = text(response)
    assert f"Do you want to decline the invitation to join the team of {ORG}?" in body
    assert "Yes, decline the invitation" in body and JOIN_BUTTON not in body
    (form,) = answer_forms(response.content.decode(), "")
    assert form["data"]["action"] == ["decline"]
    assert_untouched(invitation, invitee)  # asking is not declining

    response = client.post(url, {"action": "decline"}, follow=True)
    assert response.redirect_chain == [(reverse("accounts:my_area"), 302)]
    assert response.status_code == 200
    assert f"You have declined the invitation of {ORG}." in text(response)
    invitation.refresh_from_db()
    assert invitation.declined_at is not None and invitation.accepted_at is None
    assert not invitation.is_usable
    assert not Membership.objects.filter(user=invitee, organisation=org).exists()
    entry = AuditEntry.objects.get(action=DECLINE_ACTION)
    assert entry.actor == invitee and entry.object_id == str(org.pk)
    assert entry.changes == {"invitation": [INVITEE, None]}
    assert invitations_panel(response.content.decode()) is None

    # afterwards the link is spent: no joining, no second refusal
    response = client.get(url)
    assert response.status_code == 200 and USED in text(response)
    assert JOIN_BUTTON not in text(response)
    response = client.post(url, {"action": "accept"}, follow=True)
    assert response.redirect_chain == [(reverse("accounts:my_area"), 302)]
    assert USED in text(response)
    with pytest.raises(services.ProposalError) as refused:
        services.accept_invitation(invitation, invitee)
    assert USED in refused.value.messages[0]
    with pytest.raises(services.ProposalError):
        services.decline_invitation(invitation, invitee)
    assert not Membership.objects.filter(user=invitee, organisation=org).exists()
    assert not AuditEntry.objects.filter(action="organisation.join").exists()
    assert AuditEntry.objects.filter(action=DECLINE_ACTION).count() == 1


# Anonymous visitors --------------------------------------------------------------------------


def test_anonymous_visitor_is_offered_to_sign_up_with_the_invited_address_or_log_in(client, invitation):
    url = invitation.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    body = text(response)
    assert f"The invitation was sent to {INVITEE}." in body
    assert JOIN_BUTTON not in body and not answer_forms(response.content.decode(), "")
    signup = re.search(r'href="([^"]*)"[^>]*>\s*Create an account', response.content.decode())
    assert signup, "no sign-up link"
    signup_url = html.unescape(signup.group(1))
    assert signup_url == f"{reverse('account_signup')}?email={quote(INVITEE, safe='')}&next={quote(url)}"
    assert f'href="{reverse("account_login")}?next={quote(url)}"' in response.content.decode()
    # the sign-up page the link leads to has the invited address filled in
    signup_page = client.get(signup_url)
    assert signup_page.status_code == 200
    email_input = re.search(r'<input[^>]*name="email"[^>]*>', signup_page.content.decode())
    assert email_input and f'value="{INVITEE}"' in email_input.group(0)
    # posting as an anonymous visitor changes nothing
    assert client.post(url, {"action": "accept"}).status_code == 200
    assert client.post(url, {"action": "decline"}).status_code == 200
    assert_untouched(invitation)


# "My area" -----------------------------------------------------------------------------------


def test_my_area_shows_the_pending_invitation_with_a_join_button(client, invitation, invitee, org):
    client.force_login(invitee)
    response = client.get("/en/my-area/")
    assert response.status_code == 200
    panel = invitations_panel(response.content.decode())
    assert panel is not None and PANEL_TITLE in panel
    panel_text = html.unescape(re.sub(r"<[^>]+>", "", panel))
    assert f"Piero Promoter invites you to join the team of {ORG}." in panel_text
    assert f"Sent to {INVITEE}" in panel_text and "Educatrice" in panel_text
    url = invitation.get_absolute_url()
    (form,) = answer_forms(panel, url)
    assert form["data"]["action"] == ["accept"]
    assert f"Join {ORG}" in html.unescape(panel)
    assert f'href="{url}?decline=1"' in panel
    # the Join button does what it says
    response = client.post(url, {k: v[0] for k, v in form["data"].items() if k != "csrfmiddlewaretoken"})
    assert response.status_code == 302 and response.url == org.get_absolute_url()
    assert Membership.objects.filter(user=invitee, organisation=org).exists()
    assert invitations_panel(client.get("/en/my-area/").content.decode()) is None


def test_my_area_lists_only_the_invitations_still_waiting_for_this_person(
        client, invitee, promoter_user, make_user):
    def team(name):
        organisation = OrganisationFactory(legal_name=name)
        MembershipFactory(user=promoter_user, organisation=organisation)
        return organisation

    def invite(name, email=INVITEE):
        return services.invite_member(team(name), email, by=promoter_user)

    waiting = invite("Associazione In Attesa APS")
    services.decline_invitation(invite("Associazione Rifiutata APS"), invitee)
    accepted = invite("Associazione Accettata APS")
    services.accept_invitation(accepted, invitee)  # joined, then removed from the team: the old
    services.remove_member(Membership.objects.get(user=invitee, organisation=accepted.organisation),
                           by=promoter_user)  # invitation must not come back
    expired = invite("Associazione Scaduta APS")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    already = invite("Associazione Già Membro APS")
    MembershipFactory(user=invitee, organisation=already.organisation, role=Membership.Role.MEMBER)
    invite("Associazione Per Altri APS", email="someone.else@example.org")
    EmailAddress.objects.create(user=invitee, email="nina.old@example.org", verified=False, primary=False)
    invite("Associazione Non Verificata APS", email="nina.old@example.org")

    client.force_login(invitee)
    panel = invitations_panel(client.get("/en/my-area/").content.decode())
    assert panel is not None
    shown = re.findall(r"<strong>(.*?)</strong>", html.unescape(panel))
    assert shown == ["Associazione In Attesa APS"]
    assert len(answer_forms(panel, waiting.get_absolute_url())) == 1
    assert "someone.else@example.org" not in panel and "nina.old@example.org" not in panel

    # nothing waiting: no panel at all
    services.decline_invitation(waiting, invitee)
    body = client.get("/en/my-area/").content.decode()
    assert invitations_panel(body) is None and PANEL_TITLE not in body


def test_my_area_does_not_show_an_invitation_sent_to_someone_else(client, invitation, stranger):
    client.force_login(stranger)
    body = client.get("/en/my-area/").content.decode()
    assert invitations_panel(body) is None and PANEL_TITLE not in body
    assert invitation.get_absolute_url() not in body


# The organisation's page ---------------------------------------------------------------------


def test_organisation_page_no_longer_lists_a_declined_invitation(promoter_client, invitation, invitee, org,
                                                                 promoter_user):
    services.invite_member(org, "second@example.org", by=promoter_user)
    body = promoter_client.get(org.get_absolute_url()).content.decode()
    assert "Invitations waiting:" in body and INVITEE in body and "second@example.org" in body
    services.decline_invitation(invitation, invitee)
    response = promoter_client.get(org.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert INVITEE not in body
    assert "Invitations waiting:" in body and "second@example.org" in body


def test_a_superuser_who_is_not_the_invitee_cannot_answer_either(client, invitation, make_user):
    """An invitation is personal: Django's "a superuser has every permission" does not apply."""
    admin = make_user("admin@example.org", roles=["staff"], is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 403 and NOT_YOURS in text(response)
    assert JOIN_BUTTON not in text(response)
    assert_untouched(invitation, admin)


def test_an_invitee_with_only_the_mentor_role_finds_the_invitation_in_my_area(client, invitation, make_user):
    """An approved camp expert has the mentor role only: the invitation still waits in "my area"."""
    mentor = make_user(INVITEE, roles=["mentor"], full_name="Nina Newbie")
    client.force_login(mentor)
    panel = invitations_panel(text(client.get("/en/my-area/")))
    assert panel is not None and ORG in panel


def test_my_area_lists_the_invitations_newest_first_whatever_the_case_of_the_address(
        client, promoter_user, make_user):
    """Nothing waiting costs my area one query; one invitation or three, the same number more."""
    person = make_user("Nina.Newbie@Example.ORG", roles=["mentor"], full_name="Nina Newbie")
    client.force_login(person)

    def visit():
        with CaptureQueriesContext(connection) as ctx:
            panel = invitations_panel(text(client.get("/en/my-area/")))
        return panel, len(ctx)

    panel, none_waiting = visit()
    assert panel is None
    names = ["Associazione Prima APS", "Associazione Seconda APS", "Associazione Terza APS"]
    for n, name in enumerate(names):
        organisation = OrganisationFactory(legal_name=name)
        MembershipFactory(user=promoter_user, organisation=organisation)
        invitation = services.invite_member(organisation, "nina.newbie@EXAMPLE.org", by=promoter_user)
        Invitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - timedelta(hours=3 - n))
        panel, count = visit()
        assert re.findall(r"<strong>(.*?)</strong>", panel) == names[n::-1]
        if n == 0:
            one = count
    assert one == count == none_waiting + 1
