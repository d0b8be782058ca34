"""notify(): the in-portal notification and the outbox row in the caller's transaction, in the
recipient's language; the inbox page."""
import pytest
from django.core import mail
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsf.notifications.models import Notification, OutboxEmail
from tsf.notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def event_templates(tmp_path, settings):
    """An event whose templates change with the active language, as a real catalogue would."""
    folder = tmp_path / "notifications" / "result_published"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text(
        '{% load i18n %}{% get_current_language as lang %}'
        "{% if lang == 'en' %}The result of {{ call }} is out{% else %}L'esito di {{ call }} è pubblicato{% endif %}\n"
    )
    (folder / "body.txt").write_text(
        "{% load i18n %}{% get_current_language as lang %}"
        "{% if lang == 'en' %}Hello {{ user.full_name }}{% else %}Ciao {{ user.full_name }}{% endif %}\n"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    return folder


def test_notify_writes_notification_and_outbox_in_each_recipients_language(
    make_user, event_templates, django_capture_on_commit_callbacks
):
    english = make_user(language="en", full_name="Jane O'Neil")
    italian = make_user(language="it", full_name="Maria Dell'Acqua")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            notify([english, italian, english], "result_published", {"call": "Torino Social Factory 2018"}, url="/x/")
            # Written in the caller's transaction, nothing sent yet.
            assert Notification.objects.count() == 2
            assert OutboxEmail.objects.filter(status="pending").count() == 2
            assert mail.outbox == []
    assert len(callbacks) == 2
    en = OutboxEmail.objects.get(to=english.email)
    it = OutboxEmail.objects.get(to=italian.email)
    assert en.subject == "The result of Torino Social Factory 2018 is out"
    assert it.subject == "L'esito di Torino Social Factory 2018 è pubblicato"  # no &#x27; in plain text
    assert en.body_text == "Hello Jane O'Neil"
    assert Notification.objects.get(recipient=english).title == en.subject
    # Sent after commit (tasks run eagerly in tests), once each.
    assert {m.subject for m in mail.outbox} == {en.subject, it.subject}
    assert len(mail.outbox) == 2
    assert OutboxEmail.objects.filter(status="sent").count() == 2


def test_generic_message_event_in_english_and_italian(make_user, django_capture_on_commit_callbacks):
    english = make_user(language="en", full_name="Jane O'Neil")
    italian = make_user(language="it", full_name="Maria Rossi")
    with django_capture_on_commit_callbacks(execute=True):
        notify(english, "message", {"subject": "Your proposal's status", "text": "It's <b>admitted</b>."}, url="/p/1/")
        notify(italian, "message", {"subject": "Stato della proposta", "text": "È ammessa."})
    en = OutboxEmail.objects.get(to=english.email)
    assert en.subject == "Your proposal's status"
    assert "Dear Jane O'Neil," in en.body_text
    assert "It's <b>admitted</b>." in en.body_text  # plain text: nothing escaped
    assert "http://" in en.body_text and "/p/1/" in en.body_text
    assert '<html lang="en">' in en.body_html
    assert "It&#x27;s &lt;b&gt;admitted&lt;/b&gt;." in en.body_html  # HTML: escaped
    assert "Open in the portal" in en.body_html
    it = OutboxEmail.objects.get(to=italian.email)
    assert it.subject == "Stato della proposta"
    assert '<html lang="it">' in it.body_html
    assert "/p/1/" not in it.body_text
    sent = {m.to[0]: m for m in mail.outbox}
    assert sent[english.email].alternatives[0][1] == "text/html"


def test_rolled_back_transaction_queues_nothing(make_user, django_capture_on_commit_callbacks):
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify(user, "message", {"subject": "Hello", "text": "Text"})
                raise RuntimeError("the change failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not OutboxEmail.objects.exists()
    assert mail.outbox == []


def test_notify_without_email_only_writes_the_notification(make_user, django_capture_on_commit_callbacks):
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user, "message", {"subject": "Only here", "text": "Text"}, email=False)
    assert Notification.objects.filter(recipient=user, title="Only here").exists()
    assert not OutboxEmail.objects.exists()


# The inbox -----------------------------------------------------------------------------------


def _notifications(user, n, **kw):
    return Notification.objects.bulk_create(
        [Notification(recipient=user, event="message", title=f"Notice {i}", body="Text", **kw) for i in range(n)]
    )


def test_unread_count_in_header_and_opening_marks_read(client, make_user):
    user = make_user(language="en")
    first, second, third = _notifications(user, 3)
    first.url = "/calls/"
    first.save()
    client.force_login(user)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert 'tsf-badge-count">3<' in page
    assert "Notice 2" in page
    response = client.post(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/calls/"
    first.refresh_from_db()
    assert first.read_at is not None
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert 'tsf-badge-count">2<' in page
    # Only unread
    page = client.get(reverse("notifications:inbox") + "?unread=1").content.decode()
    assert "Notice 0" not in page and "Notice 1" in page
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert "tsf-badge-count" not in client.get(reverse("notifications:inbox")).content.decode()


@pytest.mark.parametrize(
    "url", ["https://evil.example.com/phish", "//evil.example.com/x", "javascript:alert(1)", "http:/\\evil.com"]
)
def test_open_never_follows_an_external_url(client, make_user, url):
    user = make_user()
    (n,) = _notifications(user, 1, url=url)
    client.force_login(user)
    response = client.post(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:inbox")


def test_open_needs_post_and_login(client, make_user):
    user = make_user()
    (n,) = _notifications(user, 1)
    response = client.post(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(user)
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 405
    n.refresh_from_db()
    assert n.read_at is None


def test_a_user_cannot_open_someone_elses_notification(client, make_user):
    owner, other = make_user(), make_user()
    (n,) = _notifications(owner, 1)
    client.force_login(other)
    assert client.post(reverse("notifications:open", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None
    assert "Notice 0" not in client.get(reverse("notifications:inbox")).content.decode()


def test_inbox_query_count_is_flat(client, make_user):
    from django.db import connection

    user = make_user()
    client.force_login(user)
    _notifications(user, 5)
    client.get(reverse("notifications:inbox"))  # warm up (session, caches)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("notifications:inbox")).status_code == 200
    _notifications(user, 95)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("notifications:inbox"))
    assert page.status_code == 200
    assert 'tsf-badge-count">100<' in page.content.decode()
    assert len(few) == len(many), [q["sql"] for q in many]


def test_the_badge_count_is_read_with_the_person(client, make_user):
    """The layout's unread count comes with the signed-in person (one query for both), and follows
    what the person reads."""
    from django.db import connection

    user = make_user()
    client.force_login(user)
    _notifications(user, 3)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("notifications:inbox")).content.decode()
    assert 'tsf-badge-count">3<' in page
    assert not [q for q in ctx.captured_queries if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "notif')
                and '"read_at" IS NULL' in q["sql"]]
    client.post(reverse("notifications:mark_all_read"))
    assert "tsf-badge-count" not in client.get(reverse("notifications:inbox")).content.decode()
