"""Each person reads the portal in their language: the header's switch leads to the same page in
the other language, signing in leads to the person's preferred language, and every e-mail they get
is written in it, whatever the language of the page that caused it."""
import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from tests.blog.factories import PostFactory
from tests.calls.factories import CallFactory
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def switch(client, page, language, *, cookie):
    """Open `page`, then follow the header's link for `language`, as a browser does; `cookie` is a
    language chosen on an earlier visit (it must change nothing: the path says the language)."""
    client.cookies["django_language"] = cookie
    body = client.get(page).content.decode()
    links = re.search(r'<ul class="tsf-lang-links.*?</ul>', body, re.S).group(0)
    assert "<form" not in links and "csrfmiddlewaretoken" not in links
    href = re.search(rf'<a href="([^"]*)" hreflang="{language}"', links).group(1)
    return html.unescape(href)


@pytest.fixture
def pages(make_user):
    call = CallFactory(slug="tsf-2018", title="Torino Social Factory 2018")
    post = PostFactory(slug="una-giornata-al-lab", title="Una giornata al laboratorio")
    return {
        "home": "/",
        "call": f"/calls/{call.slug}/",
        "post": f"/blog/{post.slug}/",
        "blog with a query": "/blog/?page=1&q=lab",
        "call list with a query": "/calls/?year=2018",
    }


@pytest.mark.parametrize("cookie", ["it", "en"])
def test_the_language_switch_leads_to_the_same_page_in_the_other_language_both_ways(client, pages, cookie):
    for name, italian in pages.items():
        english = "/en" + italian
        to_italian = switch(client, english, "it", cookie=cookie)
        assert to_italian == italian, name
        page = client.get(to_italian)
        assert page.status_code == 200 and '<html lang="it">' in page.content.decode(), name
        to_english = switch(client, italian, "en", cookie=cookie)
        assert to_english == english, name
        page = client.get(to_english)
        assert page.status_code == 200 and '<html lang="en">' in page.content.decode(), name


def test_the_switch_marks_the_language_of_the_page(client, pages):
    body = client.get("/en/blog/").content.decode()
    links = re.search(r'<ul class="tsf-lang-links.*?</ul>', body, re.S).group(0)
    assert '<a href="/en/blog/" hreflang="en" lang="en" aria-current="true">' in links
    assert '<a href="/blog/" hreflang="it" lang="it">' in links


def test_the_language_switch_in_my_area(client, make_user):
    client.force_login(make_user(roles=["promoter"], language="it"))
    assert switch(client, "/en/my-area/", "it", cookie="en") == "/my-area/"
    assert switch(client, "/my-area/", "en", cookie="it") == "/en/my-area/"
    assert "Area personale" in client.get("/my-area/").content.decode()
    assert "My area" in client.get("/en/my-area/").content.decode()


def login(client, path, email):
    return client.post(path, {"login": email, "password": PASSWORD})


def test_a_person_who_prefers_english_signs_in_on_the_italian_page_and_reads_english(client, make_user):
    user = make_user("john@example.org", roles=["promoter"], language="en", full_name="John Smith")
    response = login(client, "/accounts/login/", user.email)
    assert response.status_code == 302 and response["Location"] == "/en/my-area/"
    page = client.get(response["Location"]).content.decode()
    assert '<html lang="en">' in page and "My area" in page
    assert "Successfully signed in as" in page  # allauth's message, in their language too


def test_signing_in_to_reach_a_page_leads_to_that_page_in_the_preferred_language(client, make_user):
    user = make_user("john@example.org", roles=["promoter"], language="en")
    response = client.post("/accounts/login/?next=/calls/%3Fyear%3D2018",
                           {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/en/calls/?year=2018"


def test_a_person_who_prefers_italian_reads_italian_after_signing_in(client, make_user):
    user = make_user("maria@example.org", roles=["promoter"], language="it")
    response = login(client, "/accounts/login/", user.email)
    assert response["Location"] == "/my-area/"
    assert "Area personale" in client.get("/my-area/").content.decode()


def test_the_english_pages_stay_english_for_who_signs_in_there(client, make_user):
    """Whoever chose the English pages keeps them for this visit; the preference stays as it is."""
    user = make_user("maria@example.org", roles=["promoter"], language="it")
    response = login(client, "/en/accounts/login/", user.email)
    assert response["Location"] == "/en/my-area/"


def test_staff_with_two_factor_land_in_their_language_after_the_code(client, make_user):
    from tests.conftest import fresh_totp_code

    user = make_user("anna@example.org", roles=["staff"], language="en")
    first = login(client, "/accounts/login/", user.email)
    assert first.status_code == 302 and "2fa" in first["Location"]
    second = client.post(first["Location"], {"code": fresh_totp_code(user.email)})
    assert second.status_code == 302 and second["Location"] == "/en/my-area/"


def test_changing_the_preferred_language_switches_the_interface_at_once(client, make_user):
    user = make_user(roles=["promoter"], language="it", full_name="Maria Bianchi")
    client.force_login(user)
    response = client.post("/profile/", {"full_name": "Maria Bianchi", "language": "en"})
    assert response.status_code == 302 and response["Location"] == "/en/profile/"
    page = client.get("/en/profile/").content.decode()
    assert '<html lang="en">' in page and "Your profile has been saved." in page
    back = client.post("/en/profile/", {"full_name": "Maria Bianchi", "language": "it"})
    assert back["Location"] == "/profile/"
    page = client.get("/profile/").content.decode()
    assert '<html lang="it">' in page and "Il profilo è stato salvato." in page


def test_saving_the_name_keeps_the_page_language(client, make_user):
    user = make_user(roles=["promoter"], language="it", full_name="Maria Bianchi")
    client.force_login(user)
    response = client.post("/en/profile/", {"full_name": "Maria Rossi", "language": "it"})
    assert response["Location"] == "/en/profile/"


# E-mails -----------------------------------------------------------------------------------


def test_notifications_are_written_in_the_recipients_language_whatever_the_request(
        make_user, django_capture_on_commit_callbacks, settings):
    from tsf.core.i18n import later
    from tsf.notifications.services import notify

    john = make_user("john@example.org", language="en", full_name="John Smith")
    maria = make_user("maria@example.org", language="it", full_name="Maria Bianchi")
    for request_language in ("it", "en"):
        mail.outbox.clear()
        with translation.override(request_language), django_capture_on_commit_callbacks(execute=True):
            url = reverse("accounts:my_area")  # built in the language of the page that caused it
            subject = later(gettext_lazy("Proposal %(n)s withdrawn"), {"n": "TSF-2018-007"})
            notify([john, maria], "message", {"subject": subject, "text": "-"}, url=url)
        sent = {m.to[0]: m for m in mail.outbox}
        assert sent[john.email].subject == "Proposal TSF-2018-007 withdrawn"
        assert sent[john.email].body.startswith("Dear John Smith")
        assert settings.SITE_URL + "/en/my-area/" in sent[john.email].body
        assert "City of Turin" in sent[john.email].body
        assert sent[maria.email].subject != sent[john.email].subject
        assert "TSF-2018-007" in sent[maria.email].subject
        assert sent[maria.email].body.startswith("Gentile Maria Bianchi")
        assert settings.SITE_URL + "/my-area/\n" in sent[maria.email].body
        assert "Città di Torino" in sent[maria.email].body
        assert john.notifications.get(title=sent[john.email].subject).url == "/en/my-area/"
        john.notifications.all().delete()


@pytest.mark.parametrize(("page_language", "person_language"), [("it", "en"), ("en", "it")])
def test_allauth_emails_are_in_the_recipients_language(client, make_user, django_capture_on_commit_callbacks,
                                                       page_language, person_language):
    user = make_user("person@example.org", language=person_language)
    prefix = "" if page_language == "it" else "/en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{prefix}/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"https?://\S+", message.body).group(0)
    if person_language == "en":
        assert "Password Reset" in message.subject and "/en/accounts/password/reset/key/" in link
    else:
        assert "reimpostare la password" in message.subject
        assert "/accounts/password/reset/key/" in link and "/en/" not in link


# Django's and allauth's own messages -----------------------------------------------------------


def messages_in(body):
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", body).split()))


def test_the_italian_sign_up_explains_a_short_password_in_italian(client):
    response = client.post("/accounts/signup/", {"full_name": "Mario Rossi", "email": "mario@example.org",
                                                 "password1": "Tor-1", "password2": "Tor-1", "privacy": "on"})
    text = messages_in(response.content.decode())
    assert "Questa password è troppo corta: deve contenere almeno 10 caratteri." in text
    assert "too short" not in text
    english = messages_in(client.post("/en/accounts/signup/", {
        "full_name": "Mario Rossi", "email": "mario@example.org", "password1": "Tor-1", "password2": "Tor-1",
        "privacy": "on"}).content.decode())
    assert "This password is too short. It must contain at least 10 characters." in english


def test_the_italian_sign_up_confirms_in_italian_and_formally(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", {
            "full_name": "Mario Rossi", "email": "mario@example.org", "password1": "Torino-Sociale-77",
            "password2": "Torino-Sociale-77", "privacy": "on"}, follow=True)
    text = messages_in(response.content.decode())
    assert "E-mail di conferma inviata a mario@example.org." in text
    assert "Le abbiamo inviato un'e-mail di verifica" in text
    (message,) = mail.outbox
    assert "Confermi il Suo indirizzo e-mail" in message.subject
    assert message.body.startswith("Gentile Mario Rossi,")  # as the portal's own e-mails, not "Ciao da …!"
    assert "Riceve questa e-mail perché l'utente" in message.body
    assert "Torino Social Factory · Città di Torino" in message.body


def test_a_failed_italian_login_is_explained_in_italian_and_formally(client, make_user):
    make_user("maria@example.org", roles=["promoter"])
    text = messages_in(client.post("/accounts/login/", {"login": "maria@example.org", "password": "wrong"})
                       .content.decode())
    assert "L'indirizzo e-mail e/o la password indicati non sono corretti." in text


def test_django_form_messages_speak_formally(client, make_user):
    """Django's Italian says "Inserisci un indirizzo email valido"; the portal says it formally."""
    text = messages_in(client.post("/accounts/password/reset/", {"email": "not-an-address"}).content.decode())
    assert "Inserire un indirizzo e-mail valido." in text and "Inserisci" not in text


def test_the_libraries_catalogue_translates_messages_the_libraries_still_have():
    """locale_libraries only holds messages of the installed Django and allauth: after an upgrade
    that renames one, this says which (and the new one needs its Italian)."""
    from pathlib import Path

    import allauth
    import django
    import polib
    from django.conf import settings

    known = set()
    for root in (Path(django.__file__).parent, Path(allauth.__file__).parent):
        for po in root.rglob("locale/en/LC_MESSAGES/django.po"):
            known |= {e.msgid for e in polib.pofile(str(po)) if not e.obsolete and e.occurrences}
    ours = polib.pofile(str(Path(settings.BASE_DIR) / "locale_libraries" / "it" / "LC_MESSAGES" / "django.po"))
    assert ours.untranslated_entries() == [] and ours.fuzzy_entries() == []
    assert [e.msgid for e in ours if e.msgid not in known] == []


# One English word, two meanings -----------------------------------------------------------------


def test_the_camp_agenda_reads_its_times_not_a_recipient(staff_client):
    from datetime import date, time

    from tests.acceleration.factories import make_camp

    camp = make_camp(date=date(2019, 3, 12), starts_at=time(9, 30), ends_at=time(18, 0))
    text = messages_in(staff_client.get(f"/acceleration/camp/{camp.pk}/modifica/").content.decode())
    assert "Dalle" in text and "Alle" in text
    assert "Destinatario" not in text


def test_statuses_agree_with_what_they_describe():
    from acceleration.models import HelpStatus
    from grants.models import ReportStatus
    from projects.models import PublicProject

    with translation.override("it"):
        assert str(ReportStatus.APPROVED.label) == "Approvato"  # il rendiconto
        assert str(HelpStatus.OPEN.label) == "Aperta"  # la richiesta
        assert str(PublicProject.Stage.FUNDED.label) == "Finanziato"  # il progetto
    with translation.override("en"):
        assert str(ReportStatus.APPROVED.label) == "Approved"
