"""The accessibility statement (AgID's model), its feedback form, the staff's answer and the
deadline engine's escalation; the markers the government's site validator looks for."""
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.forms_as_rendered import read_form
from tsf.accessibility import services
from tsf.accessibility.models import Feedback
from tsf.notifications import deadlines
from tsf.notifications.models import Notification, OutboxEmail

pytestmark = pytest.mark.django_db


def test_the_statement_follows_agids_model(client, settings):
    settings.TSF_ACCESSIBILITY = {**settings.TSF_ACCESSIBILITY, "status": "partial"}
    page = client.get(reverse("core:page", args=["accessibility"])).content.decode()
    assert "parzialmente conforme" in page
    assert "6 dicembre 2026" in page and "autovalutazione" in page
    assert page.count("<li>", page.index('data-testid="a11y-nonconformities"')) >= 3
    assert reverse("accessibility:feedback") in page
    assert "Difensore civico per il digitale" in page


def test_footer_and_header_carry_the_validators_markers(client, settings):
    home = client.get(reverse("home")).content.decode()
    footer = home[home.index("<footer"):]
    for marker, url in [("accessibility-link", reverse("core:page", args=["accessibility"])),
                        ("privacy-policy-link", reverse("core:page", args=["privacy"])),
                        ("legal-notes", reverse("core:page", args=["legal"]))]:
        assert re.search(rf'href="{re.escape(url)}" data-element="{marker}"', footer), marker
    assert 'data-element="main-navigation"' in home
    assert 'data-element="personal-area-login"' in home
    assert "Città di Torino" in footer and "00514490010" in footer
    legal = client.get(reverse("core:page", args=["legal"])).content.decode()
    assert 'data-element="legal-notes-section"' in legal and 'data-element="legal-notes-body"' in legal
    # With the statement published on AgID's platform, the footer links to it.
    settings.TSF_ACCESSIBILITY = {**settings.TSF_ACCESSIBILITY,
                                  "agid_url": "https://form.agid.gov.it/view/0000-tsf"}
    from django.core.cache import cache

    cache.clear()
    home = client.get(reverse("core:page", args=["contacts"])).content.decode()
    assert 'href="https://form.agid.gov.it/view/0000-tsf" data-element="accessibility-link"' in home


def test_a_visitor_reports_a_barrier_staff_answer_and_the_answer_reaches_them(client, staff_user, settings):
    form = read_form(client, reverse("accessibility:feedback") + "?page=/calls/", field="text")
    assert form["page_url"] == "/calls/"
    form["name"] = "Lucia Bianchi"
    form["email"] = "lucia@example.org"
    form["text"] = "Il lettore di schermo non legge l'importo del bando."
    response = form.submit(button="Invia la segnalazione", follow=True)
    feedback = Feedback.objects.get()
    assert response.redirect_chain[-1][0] == feedback.get_absolute_url()
    assert "Grazie" in response.content.decode()
    assert feedback.due_at == feedback.created_at + timezone.timedelta(days=30)
    # The person is told it arrived, with the link to the thread; the staff are told, with the text.
    ack = OutboxEmail.objects.get(to="lucia@example.org")
    assert "Abbiamo ricevuto" in ack.subject and feedback.get_absolute_url() in ack.body_text
    staff_mail = OutboxEmail.objects.get(to=staff_user.email)
    assert "Lucia Bianchi" in staff_mail.subject and "importo del bando" in staff_mail.body_text
    assert Notification.objects.filter(recipient=staff_user, url=feedback.get_staff_url()).exists()

    client.force_login(staff_user)
    listing = client.get(reverse("accessibility:staff_list")).content.decode()
    assert "Lucia Bianchi" in listing and timezone.localtime(feedback.due_at).strftime("%-d") in listing
    form = read_form(client, feedback.get_staff_url(), field="text")
    form["text"] = "Abbiamo corretto l'etichetta: ora l'importo viene letto. Grazie."
    response = form.submit(button="Invia la risposta", follow=True)
    assert "lucia@example.org" in response.content.decode()
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.ANSWERED
    answer = OutboxEmail.objects.filter(to="lucia@example.org").latest("pk")
    assert "Risposta" in answer.subject and "corretto l'etichetta" in answer.body_text
    # The thread keeps both, on the person's own page.
    client.logout()
    thread = client.get(feedback.get_absolute_url()).content.decode()
    assert thread.count('data-testid="feedback-message"') == 2 and "corretto l&#x27;etichetta" in thread


def test_a_signed_in_person_gets_the_answer_in_the_portal_too(promoter_user, staff_user):
    feedback = services.submit_feedback(name="Piero", email=promoter_user.email, text="Il menu non si apre.",
                                        user=promoter_user)
    staff_user.session_mfa = True
    services.answer_feedback(feedback, text="Risolto.", by=staff_user)
    note = Notification.objects.filter(recipient=promoter_user, event="accessibility_feedback_answered").get()
    assert note.url == feedback.get_absolute_url() and "Risolto." in note.body


def test_bad_input_is_shown_next_to_the_fields(client):
    response = client.post(reverse("accessibility:feedback"), {"name": "", "email": "non-valida", "text": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Questo campo è obbligatorio") == 2 and "indirizzo e-mail valido" in page
    assert not Feedback.objects.exists()


def test_only_staff_answer(promoter_user):
    feedback = services.submit_feedback(name="X", email="x@example.org", text="Testo")
    with pytest.raises(Exception) as exc:
        services.answer_feedback(feedback, text="No", by=promoter_user)
    assert exc.type.__name__ == "PermissionDenied"
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.OPEN and feedback.messages.count() == 1


def test_the_deadline_engine_reminds_then_escalates_once_each(staff_user):
    feedback = services.submit_feedback(name="Marta", email="marta@example.org", text="Contrasto insufficiente.")
    due = feedback.due_at

    def sent(event):
        return Notification.objects.filter(recipient=staff_user, event=event).count()

    deadlines.run(due - timezone.timedelta(days=6))
    assert sent("accessibility_feedback_due") == 1  # 7 days before
    deadlines.run(due + timezone.timedelta(hours=2))
    deadlines.run(due + timezone.timedelta(hours=3))
    assert sent("accessibility_feedback_due") == 2  # and 2 days before, once
    assert sent("accessibility_feedback_overdue") == 1
    deadlines.run(due + timezone.timedelta(days=8))
    deadlines.run(due + timezone.timedelta(days=8))
    assert sent("accessibility_feedback_overdue") == 2  # a week later, once
    staff_user.session_mfa = True
    services.answer_feedback(feedback, text="Corretto.", by=staff_user)
    deadlines.run(due + timezone.timedelta(days=30))
    assert sent("accessibility_feedback_overdue") == 2  # answered: no more


def test_staff_list_query_count_is_flat(staff_client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert staff_client.get(reverse("accessibility:staff_list") + "?state=all").status_code == 200
        return len(ctx)

    services.submit_feedback(name="Uno", email="uno@example.org", text="a")
    few = count()
    for i in range(6):
        services.submit_feedback(name=f"N{i}", email=f"n{i}@example.org", text="b")
    assert count() == few
