"""One gate for every privilege: a role that requires two-factor authentication (staff, assessor) gives
nothing (page, object, file, export, POST, service) to a session that did not use TOTP, and TOTP cannot
be turned off while such a role is held.

The people: a staff member who never enrolled TOTP; the assessor assigned to the victim's proposal
(TOTP enrolled) signed in with the password only in this session; the same assessor after their
TOTP was removed (the session's record of the code no longer counts). Each answer is compared with
the answer to a signed-in person holding no role at all (`nobody`), who gets what any visitor gets."""
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from tests.abuse import urlmap
from tests.abuse.conftest import changed_tables, db_writes
from tests.abuse.expectations import EXPECTED
from tests.abuse.test_url_sweep import OWN_POSTS, _post_body, _private_markers, _shows
from tests.conftest import PASSWORD, TOTP_SECRET, confirm_identity, totp_now

pytestmark = pytest.mark.django_db

ENROL = "->/accounts/2fa/totp/activate/"
CONFIRM = "->/accounts/2fa/reauthenticate/"
# The person's own account pages (sign-in, e-mail, TOTP set-up): they answer according to the
# person's own authenticators, not to their roles.
OWN_ACCOUNT_PAGES = ("account_", "mfa_")


def _outcome(response):
    if response.status_code in (301, 302, 303):
        location = response["Location"].split("?")[0]
        return "login" if location == "/accounts/login/" else "->" + location
    return str(response.status_code)


def _client(user, *, two_factor=True):
    client = Client(raise_request_exception=False)
    client.force_login(user, two_factor=two_factor)
    return client


@pytest.fixture
def gated(world):
    """name -> (client, the person) for the three sessions that must get nothing of their role."""
    from allauth.mfa.models import Authenticator

    from tests.factories import UserFactory

    staff = UserFactory(email="gate.staff@example.org", roles=["staff"], mfa=None)
    assessor = world.objects.assignment.assessor
    assert Authenticator.objects.filter(user=assessor, type="totp").exists()
    removed = UserFactory(email="gate.removed@example.org", roles=["assessor"], mfa=TOTP_SECRET)
    removed_client = _client(removed, two_factor=True)  # TOTP used at sign-in ...
    Authenticator.objects.filter(user=removed).delete()  # ... then removed (e.g. from the admin)
    return {
        "staff without TOTP": (_client(staff), staff),
        "assessor, password only": (_client(assessor, two_factor=False), assessor),
        "assessor whose TOTP was removed": (removed_client, removed),
    }


@pytest.fixture
def nobody(world):
    from tests.factories import UserFactory

    return _client(UserFactory(email="gate.nobody@example.org", roles=[]))


def _names():
    return [n for n in urlmap.portal_url_names() if n in EXPECTED and not n.startswith(OWN_ACCOUNT_PAGES)
            and n != "account_logout"]


def test_the_controls_see_what_the_gated_sessions_must_not(world):
    """Without the gate the same people would get the pages: the assigned assessor with both factors
    opens the scoring page and the proposal's attachment, a staff member with TOTP the staff pages."""
    o = world.objects
    kwargs = urlmap.url_kwargs(o)
    assessor = _client(o.assignment.assessor, two_factor=True)
    assert assessor.get(urlmap.path_for("assessment:mine", kwargs)).status_code == 200
    staff = _client(world.users["staff"])
    for name in ("projects:staff_proposal", "grants:report", "core:private_file", "core:audit_log"):
        assert staff.get(urlmap.path_for(name, kwargs)).status_code == 200, name


def test_get_every_url_gives_nothing_of_the_role(world, gated, nobody):
    kwargs = urlmap.url_kwargs(world.objects)
    problems = []
    for name in _names():
        path = urlmap.path_for(name, kwargs)
        want = _outcome(nobody.get(path))
        for label, (client, _person) in gated.items():
            for suffix in ("", "?format=csv"):
                response = client.get(path + suffix)
                got = _outcome(response)
                if got != want and got not in (ENROL, CONFIRM):
                    problems.append(f"{name} {path}{suffix} as {label}: got {got}, a person with no role gets {want}")
                if got == "200" and want != "200":
                    problems.append(f"{name} {path}{suffix} as {label}: 200")
                if "attachment" in response.get("Content-Disposition", "") and want != "200":
                    problems.append(f"{name} {path}{suffix} as {label}: a file")
                if got == "200" and not response.streaming and "html" in response.get("Content-Type", ""):
                    body = response.content.decode("utf-8", "replace")
                    markers = _private_markers(world, name)
                    leaks = [m for m in markers if _shows(body, m)]
                    if leaks:
                        problems.append(f"{name} {path}{suffix} as {label} shows {leaks}")
    assert not problems, "\n".join(problems)


def test_a_page_of_the_role_sends_the_person_to_set_up_or_enter_the_code(world, gated):
    kwargs = urlmap.url_kwargs(world.objects)
    client, _staff = gated["staff without TOTP"]
    response = client.get(urlmap.path_for("projects:staff_proposal", kwargs))
    assert _outcome(response) == ENROL
    page = client.get(response["Location"], follow=True).content.decode()
    assert "autenticazione a due fattori" in page
    client, _assessor = gated["assessor, password only"]
    path = urlmap.path_for("assessment:mine", kwargs)
    response = client.get(path)
    assert _outcome(response) == CONFIRM
    assert f"next={path.replace('/', '%2F')}" in response["Location"]


@pytest.mark.postgres_only  # counts the writes with PostgreSQL's statistics (conftest.db_writes)
def test_post_to_every_url_changes_nothing(world, gated, postgres):
    body = _post_body(world)
    kwargs = urlmap.url_kwargs(world.objects)
    problems = []
    for name in _names():
        if name in OWN_POSTS:
            continue
        path = urlmap.path_for(name, kwargs)
        for label, (client, _person) in gated.items():
            before = db_writes()
            response = client.post(path, body)
            changed = changed_tables(before, db_writes())
            if response.status_code >= 500 or changed:
                problems.append(f"POST {name} {path} as {label}: {response.status_code}, changed {changed}")
    assert not problems, "\n".join(problems)


def test_the_services_refuse_a_staff_member_whose_session_did_not_use_two_factors(world):
    """Approving a final report (which makes its tranche payable) is refused to the staff role of a
    session without TOTP: `session_mfa` is what the middleware sets on the request's person."""
    from grants import services
    from grants.models import Report, ReportStatus
    from tests.factories import UserFactory

    report = Report.objects.filter(grant=world.objects.grant).order_by("-due_date").first()
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    tranches = list(report.tranches.values_list("pk", "status"))
    for person, session_mfa in ((UserFactory(roles=["staff"], mfa=None), False),
                                (UserFactory(roles=["staff"], mfa=TOTP_SECRET), False)):
        person.session_mfa = session_mfa
        assert not person.has_role("staff") and "staff" in person.held_roles
        with pytest.raises(PermissionDenied):
            services.approve_report(report, by=person)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert list(report.tranches.values_list("pk", "status")) == tranches
    officer = world.users["staff"]
    officer.session_mfa = True
    assert services.approve_report(report, by=officer).status == ReportStatus.APPROVED


def test_enrolling_totp_opens_the_staff_pages_in_the_same_session(make_user, client):
    officer = make_user("new.officer@example.org", roles=["staff"], mfa=False)
    client.force_login(officer)
    assert _outcome(client.get(reverse("accounts:people"))) == ENROL
    confirm_identity(client, method="password")  # as allauth asks before enrolling
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)})
    assert response.status_code == 302
    assert client.get(reverse("accounts:people")).status_code == 200


def test_entering_the_code_opens_the_assessor_pages(make_user):
    assessor = make_user("late.assessor@example.org", roles=["assessor"])
    client = _client(assessor, two_factor=False)
    response = client.get(reverse("assessment:mine"))
    assert _outcome(response) == CONFIRM
    response = client.post(response["Location"], {"code": totp_now()})  # the code alone is not enough
    assert response.status_code == 200
    assert client.get(reverse("assessment:mine"))["Location"].startswith(reverse("mfa_reauthenticate"))
    confirm = reverse("mfa_reauthenticate") + "?next=" + reverse("assessment:mine")
    response = client.post(confirm, {"password": PASSWORD, "code": totp_now(step=1)})
    assert response.status_code == 302 and response["Location"] == reverse("assessment:mine")
    assert client.get(reverse("assessment:mine")).status_code == 200


def _recently_reauthenticated(client):
    confirm_identity(client)


@pytest.mark.parametrize("roles", [["staff"], ["assessor"], ["promoter", "assessor"]])
def test_totp_cannot_be_turned_off_while_a_role_requires_it(make_user, client, roles):
    from allauth.mfa.models import Authenticator

    person = make_user(f"keep.{roles[-1]}.{len(roles)}@example.org", roles=roles, mfa=True)
    client.force_login(person)
    _recently_reauthenticated(client)
    response = client.post(reverse("mfa_deactivate_totp"), follow=True)
    assert Authenticator.objects.filter(user=person, type="totp").exists()
    assert "non può essere disattivata" in response.content.decode()


def test_a_promoter_may_still_turn_totp_off(make_user, client):
    from allauth.mfa.models import Authenticator

    person = make_user("free.promoter@example.org", roles=["promoter"], mfa=True)
    client.force_login(person)
    _recently_reauthenticated(client)
    client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=person, type="totp").exists()


def test_a_page_kept_in_the_private_cache_is_not_served_to_a_session_without_two_factors(make_user, settings):
    settings.TSF_PRIVATE_PAGE_CACHE_SECONDS = 30
    officer = make_user("cached.officer@example.org", roles=["staff"])
    with_totp = _client(officer, two_factor=True)
    first = with_totp.get(reverse("accounts:my_area")).content.decode()
    assert re.search(r"Persone e ruoli|People and roles", first)
    without = _client(officer, two_factor=False)
    second = without.get(reverse("accounts:my_area"))
    assert second.get("X-Page-Cache") != "hit"
    assert not re.search(r"Persone e ruoli|People and roles", second.content.decode())
