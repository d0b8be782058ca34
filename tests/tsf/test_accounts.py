"""Accounts: sign-up with e-mail verification, login, password reset, roles, two-factor for staff."""
import re

import pytest
from django.core import mail
from django.urls import reverse

from tsf.accounts.models import Role, User
from tsf.notifications.models import OutboxEmail

from ..conftest import PASSWORD, confirm_identity, totp_now

pytestmark = pytest.mark.django_db


def _links(text):
    return re.findall(r"https?://[^\s]+", text)


def test_signup_verification_link_then_login(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "full_name": "Sara Verdi",
                "email": "sara@example.org",
                "password1": "Una-Password-Lunga-1",
                "password2": "Una-Password-Lunga-1",
                "privacy": "on",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="sara@example.org")
    assert user.full_name == "Sara Verdi"
    assert user.roles == {Role.PROMOTER}
    # The verification e-mail went through the outbox and was sent.
    row = OutboxEmail.objects.get(to="sara@example.org")
    assert row.status == OutboxEmail.Status.SENT
    assert len(mail.outbox) == 1
    # Before verifying, logging in is not enough.
    response = client.post(reverse("account_login"), {"login": "sara@example.org", "password": "Una-Password-Lunga-1"})
    assert response["Location"] == reverse("account_email_verification_sent")
    # Follow the link from the e-mail.
    link = next(u for u in _links(mail.outbox[0].body) if "/confirm-email/" in u)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200
    response = client.post("/" + path)
    assert response.status_code == 302
    response = client.post(reverse("account_login"), {"login": "sara@example.org", "password": "Una-Password-Lunga-1"})
    assert response["Location"] == reverse("accounts:my_area")
    page = client.get(reverse("accounts:my_area"))
    assert "Sara Verdi" in page.content.decode()


def test_signup_refuses_without_privacy_and_keeps_what_was_typed(client):
    response = client.post(
        reverse("account_signup"),
        {"full_name": "Sara Verdi", "email": "sara@example.org", "password1": "Una-Password-Lunga-1",
         "password2": "Una-Password-Lunga-1"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="sara@example.org"' in body
    assert "invalid-feedback" in body
    assert not User.objects.filter(email="sara@example.org").exists()


def test_password_reset_by_email(client, make_user, django_capture_on_commit_callbacks):
    make_user("lost@example.org", roles=["promoter"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "lost@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(u for u in _links(mail.outbox[0].body) if "/password/reset/key/" in u)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(path, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_path, {"password1": "Nuova-Password-Lunga-2", "password2": "Nuova-Password-Lunga-2"})
    assert response.status_code == 302
    client.logout()
    response = client.post(reverse("account_login"), {"login": "lost@example.org", "password": "Nuova-Password-Lunga-2"})
    assert response["Location"] == reverse("accounts:my_area")


def test_staff_without_mfa_is_sent_to_set_it_up(client, make_user):
    officer = make_user("nomfa@example.org", roles=["staff"], mfa=False)
    client.force_login(officer)
    response = client.get(reverse("accounts:people"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    response = client.get(reverse("core:audit_log"))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_login_asks_for_the_totp_code(client, staff_user):
    response = client.post(reverse("account_login"), {"login": staff_user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200  # wrong code: the form again, with its error
    response = client.post(reverse("mfa_authenticate"), {"code": totp_now()})
    assert response["Location"] == reverse("accounts:my_area")
    assert client.get(reverse("accounts:people")).status_code == 200


@pytest.mark.parametrize("url_name", ["accounts:people", "core:audit_log"])
def test_staff_pages_refuse_other_roles(client, make_user, url_name):
    assert client.get(reverse(url_name))["Location"].startswith(reverse("account_login"))
    client.force_login(make_user(roles=["promoter", "editor"]))
    assert client.get(reverse(url_name)).status_code == 403


def test_staff_grants_roles_and_it_is_audited(staff_client, make_user, staff_user):
    from tsf.core.models import AuditEntry

    person = make_user("tutor-to-be@example.org", roles=["promoter"])
    confirm_identity(staff_client)
    url = reverse("accounts:person_roles", args=[person.pk])
    # Without a reason nothing changes, and the page says why beside the reason's field.
    response = staff_client.post(url, {"roles": ["promoter", "tutor"], "reason": " "})
    assert response.status_code == 200
    assert "Indichi il motivo per cui concede o toglie un ruolo." in response.content.decode()
    person.clear_role_cache()
    assert person.roles == {"promoter"}
    assert not AuditEntry.objects.filter(action="role.grant", actor=staff_user).exists()
    response = staff_client.post(url, {"roles": ["promoter", "tutor"], "reason": "Tutor del laboratorio 2019"})
    assert response.status_code == 302
    person.clear_role_cache()
    assert person.roles == {"promoter", "tutor"}
    entry = AuditEntry.objects.get(action="role.grant", object_id=str(person.pk), changes__role=[None, "tutor"])
    assert entry.actor == staff_user and entry.note == "Tutor del laboratorio 2019"
    response = staff_client.post(url, {"roles": ["tutor"], "reason": "Non fa più parte di un ente proponente"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="role.revoke", object_id=str(person.pk))
    assert entry.changes["role"] == ["promoter", None] and entry.note == "Non fa più parte di un ente proponente"
    # The history (the audit log) shows the reason.
    assert "Non fa più parte di un ente proponente" in staff_client.get(reverse("core:audit_log")).content.decode()


def test_a_role_change_without_a_reason_is_refused_by_the_service(make_user, staff_user):
    from tsf.accounts import services

    person = make_user("mentor-to-be@example.org", roles=["promoter"])
    with pytest.raises(services.RoleChangeError, match="motivo"):
        services.set_roles(person, {"promoter", "mentor"}, by=staff_user, reason="")
    person.clear_role_cache()
    assert person.roles == {"promoter"}


def test_staff_cannot_remove_their_own_staff_role(staff_client, staff_user):
    confirm_identity(staff_client)
    response = staff_client.post(reverse("accounts:person_roles", args=[staff_user.pk]), {"roles": ["promoter"]})
    assert response.status_code == 200
    assert "staff" in User.objects.get(pk=staff_user.pk).roles


def test_people_list_filters_and_exports(staff_client, make_user):
    make_user("a.tutor@example.org", roles=["tutor"], full_name="Tina Tutor")
    make_user("b.editor@example.org", roles=["editor"], full_name="Ezio Editor")
    body = staff_client.get(reverse("accounts:people"), {"role": "tutor"}).content.decode()
    assert "Tina Tutor" in body and "Ezio Editor" not in body
    response = staff_client.get(reverse("accounts:people"), {"q": "ezio", "format": "csv"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "b.editor@example.org" in content and "a.tutor@example.org" not in content
    response = staff_client.get(reverse("accounts:people"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_people_search_ignores_the_case_of_romanian_and_italian_letters(staff_client, make_user):
    """Staff type a name as they hear it: lower case, with its letters. On SQLite (the default install)
    LIKE ignored the case of ASCII letters only, so "ștefan" did not find "Ștefan"."""
    make_user("stefan@example.org", roles=["promoter"], full_name="Ștefan Țurcanu")
    make_user("nicola@example.org", roles=["promoter"], full_name="NICOLÒ ÀLVARO")
    make_user("other@example.org", roles=["promoter"], full_name="Stefano Rossi")
    for q, found, not_found in (("ștefan", "Ștefan Țurcanu", "Stefano Rossi"), ("ȚURCANU", "Ștefan Țurcanu", "Stefano Rossi"),
                                ("nicolò àl", "NICOLÒ ÀLVARO", "Ștefan Țurcanu"), ("stefan%", None, "Stefano Rossi"),
                                ("_tefan", None, "Ștefan Țurcanu")):
        body = staff_client.get(reverse("accounts:people"), {"q": q}).content.decode()
        if found:
            assert found in body, q
        assert not_found not in body, q  # LIKE's wildcards typed by a person are plain characters


def test_people_list_query_count_is_flat(staff_client, make_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert staff_client.get(reverse("accounts:people")).status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        make_user(roles=["promoter"])
    few = count()
    for i in range(40):
        make_user(roles=["promoter", "mentor"])
    assert count() == few


def test_my_area_lists_roles_and_language_switch(client, make_user):
    user = make_user(roles=["promoter", "mentor"], full_name="Mario Rossi")
    client.force_login(user)
    body = client.get(reverse("accounts:my_area")).content.decode()
    assert "Mario Rossi" in body
    assert 'href="/en/my-area/" hreflang="en"' in body
    body = client.get("/en/my-area/").content.decode()
    assert '<html lang="en">' in body
    assert "My area" in body


def test_staff_desk_leads_to_every_stage(staff_client, english):
    body = staff_client.get(reverse("accounts:my_area")).content.decode()
    for name in ["calls:staff_list", "assessment:index", "incubation:index", "grants:portfolio",
                 "acceleration:help_staff", "blog:manage", "accounts:people", "core:audit_log"]:
        assert f'href="{reverse(name)}"' in body, name


def test_promoter_has_no_staff_desk(promoter_client, english):
    body = promoter_client.get(reverse("accounts:my_area")).content.decode()
    assert "Staff desk" not in body
