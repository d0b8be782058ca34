"""The newsletter: double opt-in, an issue composed from recent posts and sent in batches through the
outbox (preview and test send first), one-click unsubscribe with the List-Unsubscribe headers, the
staff's list and export of subscribers, a signed-in person's subscription in their area."""
import csv
import io
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsletter import services
from newsletter.models import Issue, Subscriber
from tests.blog.factories import PostFactory
from tests.forms_as_rendered import read_form
from tsf.notifications.models import OutboxEmail
from tsf.notifications.outbox import send_outbox_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, make_user):
    client.force_login(make_user("redazione@example.org", roles=["editor"], full_name="Elena Editor"))
    return client


def _link(body, name):
    return re.search(rf"https?://[^\s]+/newsletter/{name}/[^\s/]+/", body).group(0)


def test_a_visitor_subscribes_and_confirms_double_opt_in(client):
    form = read_form(client, reverse("newsletter:subscribe"), field="email")
    form["email"] = "Lucia@Example.org "
    response = form.submit(button="Iscriviti")
    assert "Controlla la tua casella" in response.content.decode()
    sub = Subscriber.objects.get()
    assert (sub.email, sub.status) == ("lucia@example.org", Subscriber.Status.PENDING)
    mail_row = OutboxEmail.objects.get(to="lucia@example.org")
    assert "Conferma" in mail_row.subject
    confirm = _link(mail_row.body_text, "conferma")
    page = client.get("/" + confirm.split("/", 3)[3])
    assert "Iscrizione confermata" in page.content.decode()
    sub.refresh_from_db()
    assert sub.status == Subscriber.Status.ACTIVE and sub.confirmed_at
    # Asking again for a subscribed address sends nothing (and says nothing a stranger could use).
    client.post(reverse("newsletter:subscribe"), {"email": "lucia@example.org"})
    assert OutboxEmail.objects.filter(to="lucia@example.org").count() == 1


def test_bad_address_is_shown_next_to_the_field(client):
    response = client.post(reverse("newsletter:subscribe"), {"email": "non-valida"})
    assert "indirizzo e-mail valido" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_editor_composes_previews_tests_and_sends_in_batches(editor_client, monkeypatch, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    recent = PostFactory(title="Il Camp dell'innovazione sociale", summary="Dieci team hanno presentato.")
    PostFactory(title="Altra notizia")
    for i in range(5):
        Subscriber.objects.create(email=f"iscritto{i}@example.org", status=Subscriber.Status.ACTIVE)
    Subscriber.objects.create(email="attesa@example.org", status=Subscriber.Status.PENDING)
    Subscriber.objects.create(email="uscito@example.org", status=Subscriber.Status.UNSUBSCRIBED)

    form = read_form(editor_client, reverse("newsletter:issue_new"), field="subject")
    form["subject"] = "Novità di dicembre"
    form["intro"] = "Ecco le ultime notizie."
    form["posts"] = str(recent.pk)
    response = form.submit(button="Salva il numero", follow=True)
    issue = Issue.objects.get()
    assert response.redirect_chain[-1][0] == issue.get_absolute_url()
    preview = editor_client.get(reverse("newsletter:issue_preview", args=[issue.pk])).content.decode()
    assert "Il Camp dell&#x27;innovazione sociale" in preview and "Altra notizia" not in preview

    editor_client.post(reverse("newsletter:issue_test", args=[issue.pk]))
    test_copy = OutboxEmail.objects.get(to="redazione@example.org")
    assert test_copy.subject == "[PROVA] Novità di dicembre"
    assert not OutboxEmail.objects.filter(to__startswith="iscritto").exists()

    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    response = editor_client.post(reverse("newsletter:issue_send", args=[issue.pk]), follow=True)
    assert "in corso di invio" in response.content.decode()
    # The task runs after commit (eagerly here): the test transaction never commits, so run it as beat would.
    assert services.continue_sending() == 5
    assert services.continue_sending() == 0  # again: nothing doubled
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    rows = OutboxEmail.objects.filter(event="newsletter_issue").exclude(to="redazione@example.org")
    assert sorted(r.to for r in rows) == [f"iscritto{i}@example.org" for i in range(5)]
    row = rows.get(to="iscritto0@example.org")
    sub = Subscriber.objects.get(email="iscritto0@example.org")
    assert row.headers["List-Unsubscribe"] == f"<http://testserver{sub.unsubscribe_url()}>" or \
        row.headers["List-Unsubscribe"].endswith(f"{sub.unsubscribe_url()}>")
    assert row.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Dieci team hanno presentato." in row.body_text and sub.unsubscribe_url() in row.body_text
    assert "<img" not in row.body_html  # no tracking pixel
    # The headers leave with the message.
    send_outbox_row(row.pk)
    assert mail.outbox[-1].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A sent issue cannot be sent again.
    editor_client.post(reverse("newsletter:issue_send", args=[issue.pk]))
    assert services.continue_sending() == 0


def test_one_click_unsubscribe_and_the_page_button(client):
    sub = Subscriber.objects.create(email="a@example.org", status=Subscriber.Status.ACTIVE)
    response = client.post(sub.unsubscribe_url(), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    sub.refresh_from_db()
    assert sub.status == Subscriber.Status.UNSUBSCRIBED and sub.unsubscribed_at
    other = Subscriber.objects.create(email="b@example.org", status=Subscriber.Status.ACTIVE)
    form = read_form(client, other.unsubscribe_url(), button="Annulla l'iscrizione")
    response = form.submit(button="Annulla l'iscrizione")
    assert "non riceverà più" in response.content.decode()
    other.refresh_from_db()
    assert other.status == Subscriber.Status.UNSUBSCRIBED


def test_staff_see_and_export_subscribers_editors_do_not(staff_client, make_user, client):
    for i in range(3):
        Subscriber.objects.create(email=f"s{i}@example.org", status=Subscriber.Status.ACTIVE)
    page = staff_client.get(reverse("newsletter:subscribers")).content.decode()
    assert page.count('data-testid="subscriber-row"') == 3
    response = staff_client.get(reverse("newsletter:subscribers") + "?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Indirizzo e-mail" and {r[0] for r in rows[1:]} == {"s0@example.org", "s1@example.org",
                                                                             "s2@example.org"}
    assert rows[1][1] == "Iscritto"
    xlsx = staff_client.get(reverse("newsletter:subscribers") + "?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            staff_client.get(reverse("newsletter:subscribers"))
        return len(ctx)

    few = count()
    for i in range(10):
        Subscriber.objects.create(email=f"m{i}@example.org", status=Subscriber.Status.PENDING)
    assert count() == few
    editor = make_user("ed@example.org", roles=["editor"])
    client.force_login(editor)
    assert client.get(reverse("newsletter:subscribers")).status_code == 403


def test_the_subscription_is_the_newsletter_consent_of_my_data(promoter_client, promoter_user):
    """One record: ticking the newsletter consent in "I miei dati" subscribes (the address is verified, so
    at once), unticking it unsubscribes, and the page reads the subscription back."""
    from allauth.account.models import EmailAddress

    from tsf.privacy import services as privacy
    from tsf.privacy.models import Consent

    EmailAddress.objects.update_or_create(user=promoter_user, email=promoter_user.email,
                                          defaults={"verified": True, "primary": True})
    form = read_form(promoter_client, reverse("privacy:my_data"), field="newsletter")
    form["newsletter"] = True
    form.submit(button="Salva le mie scelte")
    sub = Subscriber.objects.get(user=promoter_user)
    assert sub.status == Subscriber.Status.ACTIVE and sub.email == promoter_user.email
    assert privacy.consents_of(promoter_user)["newsletter"] is True
    assert not Consent.objects.filter(user=promoter_user, kind="newsletter").exists()
    # Unsubscribing with the link of an issue withdraws the consent too.
    promoter_client.post(sub.unsubscribe_url(), {"List-Unsubscribe": "One-Click"})
    assert privacy.has_consent(promoter_user, "newsletter") is False
    form = read_form(promoter_client, reverse("privacy:my_data"), field="newsletter")
    assert form["newsletter"] is None  # shown unticked
    assert Subscriber.objects.count() == 1


def test_a_new_account_that_asks_for_it_confirms_first(make_user):
    """At sign-up the address is not verified yet: the consent asks for the confirmation e-mail."""
    from tsf.privacy import services as privacy

    person = make_user("nuova@example.org", roles=["promoter"])
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=person).update(verified=False)
    privacy.set_consents(person, {"newsletter": True})
    sub = Subscriber.objects.get(email="nuova@example.org")
    assert sub.status == Subscriber.Status.PENDING
    assert OutboxEmail.objects.filter(to="nuova@example.org", event="newsletter_confirm").exists()


def test_two_editors_on_one_issue_the_second_save_is_refused_with_their_text_kept(editor_client, make_user, client):
    post = PostFactory(title="Una notizia")
    editor = make_user("seconda@example.org", roles=["editor"])
    issue = services.save_issue(None, subject="Bozza", intro="", posts=[post], by=editor)
    client.force_login(editor)
    first = read_form(editor_client, issue.get_absolute_url(), field="subject")
    second = read_form(client, issue.get_absolute_url(), field="subject")
    first["subject"] = "Novità di gennaio"
    first.submit(button="Salva il numero")
    second["subject"] = "Novità di febbraio"
    page = second.submit(button="Salva il numero").content.decode()
    issue.refresh_from_db()
    assert issue.subject == "Novità di gennaio"
    assert "Novità di febbraio" in page and "NON sono state salvate" in page
