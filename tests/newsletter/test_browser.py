"""In an Italian browser, a visitor: reports an accessibility barrier from the footer and reads the
staff's answer on the page their e-mail links to; subscribes to the newsletter, confirms, receives an
issue and unsubscribes with the link in it. axe-core on the two forms."""
import re

import pytest

from newsletter import services as newsletter
from newsletter.models import Issue, Subscriber
from tests.blog.factories import PostFactory
from tests.conftest import assert_accessible
from tsf.accessibility import services as accessibility
from tsf.accessibility.models import Feedback
from tsf.notifications.models import OutboxEmail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def field(page, text):
    return page.get_by_label(re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$"))


def _path(body, segment):
    return re.search(rf"https?://[^\s/]+(/{segment}/[^\s]+/)", body).group(1)


def test_a_visitor_reports_a_barrier_and_reads_the_answer(page, make_user):
    staff = make_user("ufficio@example.org", roles=["staff"], full_name="Anna Ufficio")
    page.goto("/")
    page.locator("footer").get_by_role("link", name="Segnala un problema di accessibilità").click()
    assert_accessible(page, "accessibility feedback form")
    field(page, "Il tuo nome").fill("Lucia Bianchi")
    field(page, "Il tuo indirizzo e-mail").fill("lucia@example.org")
    field(page, "Descrivi il problema, o il contenuto che ti serve in forma accessibile").fill(
        "Il grafico dei contributi non ha un testo alternativo.")
    page.get_by_role("button", name="Invia la segnalazione").click()
    page.get_by_text("Grazie: la tua segnalazione è arrivata al personale").wait_for()

    feedback = Feedback.objects.get()
    assert OutboxEmail.objects.filter(to=staff.email, event="accessibility_feedback_new").exists()
    staff.session_mfa = True
    accessibility.answer_feedback(feedback, text="Abbiamo aggiunto la tabella dei dati accanto al grafico.",
                                  by=staff)
    answer = OutboxEmail.objects.get(to="lucia@example.org", event="accessibility_feedback_answered")
    page.goto(_path(answer.body_text, "accessibilita/segnalazione"))
    page.get_by_text("Il personale ha risposto.").wait_for()
    assert page.get_by_text("Abbiamo aggiunto la tabella dei dati accanto al grafico.").is_visible()


def test_a_visitor_subscribes_confirms_receives_an_issue_and_unsubscribes(page, make_user):
    editor = make_user("redazione@example.org", roles=["editor"], full_name="Elena Editor")
    post = PostFactory(title="Dieci team al Social Innovation Camp", summary="Una giornata di pitch.")
    page.goto("/")
    page.locator("footer").get_by_role("link", name="Newsletter").click()
    assert_accessible(page, "newsletter subscription")
    field(page, "Il tuo indirizzo e-mail").fill("marco@example.org")
    page.get_by_role("button", name="Iscriviti").click()
    page.get_by_role("heading", name="Controlla la tua casella di posta").wait_for()

    confirmation = OutboxEmail.objects.get(to="marco@example.org", event="newsletter_confirm")
    page.goto(_path(confirmation.body_text, "newsletter/conferma"))
    page.get_by_role("heading", name="Iscrizione confermata").wait_for()

    issue = newsletter.save_issue(None, subject="Novità di dicembre", intro="", posts=[post], by=editor)
    newsletter.start_sending(issue, by=editor)
    newsletter.continue_sending()
    assert Issue.objects.get().status == Issue.Status.SENT
    copy = OutboxEmail.objects.get(to="marco@example.org", event="newsletter_issue")
    assert "Dieci team al Social Innovation Camp" in copy.body_text
    page.goto(_path(copy.body_text, "newsletter/disiscrizione"))
    page.get_by_role("button", name="Annulla l'iscrizione").click()
    page.get_by_role("heading", name="Iscrizione annullata").wait_for()
    assert Subscriber.objects.get(email="marco@example.org").status == Subscriber.Status.UNSUBSCRIBED
