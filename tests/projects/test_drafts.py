"""Drafts keep whatever was typed (projects/steps.py), posted as an Italian browser renders the steps
(tests/forms_as_rendered.py): an incomplete or inconsistent step saves, moving to another step saves
the current one, a step saved after submission or the deadline says why and shows the text, and the
review lists what is missing step by step with links."""
import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from projects.models import ProposalStatus
from projects.services import submit_proposal
from tests.forms_as_rendered import read_form
from tests.projects.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def italian():
    """Overrides the English of tests/projects: these pages are read in Italian, the default."""
    with translation.override("it"):
        yield


def _url(proposal, step):
    return reverse("projects:step", args=[proposal.pk, step])


def _text(response):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_an_incomplete_and_inconsistent_draft_is_saved(promoter_client, open_call, org):
    proposal = ProposalFactory(call=open_call, organisation=org)
    version = proposal.versions.get()
    # Only a title: the draft is kept, the step says what submission will still ask for.
    form = read_form(promoter_client, _url(proposal, "project"), button="Salva la bozza")
    form["title"] = "Orti condivisi in Aurora"
    response = form.submit(button="Salva la bozza", follow=True)
    assert response.redirect_chain[-1][0] == _url(proposal, "project")
    version.refresh_from_db()
    assert version.title == "Orti condivisi in Aurora"
    text = _text(response)
    assert "Bozza salvata alle" in text
    assert "Ancora da completare in questo passo" in text and "Scrivere una breve sintesi." in text

    # A budget whose request is above its lines: saved as typed, the rule waits for submission.
    form = read_form(promoter_client, _url(proposal, "budget"), button="Salva la bozza")
    form["requested_grant"] = "90.000,00"
    form["lines-0-category"] = "personnel"
    form["lines-0-description"] = "Educatori"
    form["lines-0-amount"] = "50.000,00"
    response = form.submit(button="Salva la bozza", follow=True)
    assert response.redirect_chain[-1][0] == _url(proposal, "budget")
    version.refresh_from_db()
    assert version.requested_grant == Decimal("90000.00")
    assert [(b.description, b.amount) for b in version.budget_lines.all()] == [("Educatori", Decimal("50000.00"))]
    text = _text(response)
    assert "Il contributo richiesto (90.000,00 €) supera il totale delle voci di spesa (50.000,00 €)." in text
    # The stepper names the state of each step in words.
    assert "6. Budget 1 elemento da completare" in text
    assert "1. Il progetto" in text and "8. Verifica e presenta" in text

    # Submission stays the authority: refused, with the same reasons.
    response = promoter_client.post(reverse("projects:submit", args=[proposal.pk]), follow=True)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT
    assert "supera il totale delle voci di spesa" in _text(response)


def test_moving_to_another_step_saves_the_current_one(promoter_client, open_call, org):
    proposal = ProposalFactory(call=open_call, organisation=org)
    version = proposal.versions.get()
    # A step of the stepper (its buttons belong to the step's form).
    form = read_form(promoter_client, _url(proposal, "need"), button="Salva la bozza")
    assert any(b["value"] == "solution" and "3. La soluzione" in b["text"] for b in form.buttons)
    form["social_need"] = "Anziani soli nelle case popolari di via Cigna."
    response = form.submit(button="goto=solution")
    assert response.status_code == 302 and response.url == _url(proposal, "solution")
    version.refresh_from_db()
    assert version.social_need == "Anziani soli nelle case popolari di via Cigna."
    # "Indietro" saves too, then goes back.
    form = read_form(promoter_client, _url(proposal, "solution"), button="Indietro")
    form["solution"] = "Una portineria di comunità."
    response = form.submit(button="Indietro")
    assert response.status_code == 302 and response.url == _url(proposal, "need")
    version.refresh_from_db()
    assert version.solution == "Una portineria di comunità."
    assert version.last_step == "need"  # "Continue editing" comes back here
    # "Salva e continua" saves and goes on; from the attachments the stepper just moves.
    form = read_form(promoter_client, _url(proposal, "impact"), button="Salva e continua")
    form["indicators"] = "Persone raggiunte, 0, 120"
    assert form.submit(button="Salva e continua").url == _url(proposal, "team")
    form = read_form(promoter_client, _url(proposal, "attachments"), button="Continua")
    assert form.submit(button="goto=project").url == _url(proposal, "project")


def test_what_cannot_be_stored_is_refused_beside_its_field_and_kept(promoter_client, draft):
    form = read_form(promoter_client, _url(draft, "budget"), button="Salva la bozza")
    form["requested_grant"] = "novantamila"
    form["co_financing"] = "1.000,00"
    response = form.submit(button="goto=review")
    assert response.status_code == 200  # not moved: the typed text is on the page, with the reason
    text = _text(response)
    assert "Questo passo non è stato salvato" in text
    assert 'value="novantamila"' in response.content.decode()
    assert draft.versions.get().co_financing != Decimal("1000.00")


def test_a_step_saved_after_submission_says_why_and_shows_the_text(promoter_client, draft, promoter_user):
    # A tab opened on a step before the proposal was submitted (by another member, or another tab).
    form = read_form(promoter_client, _url(draft, "solution"), button="Salva la bozza")
    submit_proposal(draft, promoter_user)
    draft.refresh_from_db()
    form["solution"] = "Un testo scritto dopo, mai salvato.\nSeconda riga."
    response = form.submit(button="Salva la bozza")
    assert response.status_code == 409
    text = _text(response)
    assert "Non è stato possibile salvare le Sue modifiche" in text
    assert "Questa proposta è stata presentata il" in text and "non può più essere modificata" in text
    assert "Un testo scritto dopo, mai salvato.\nSeconda riga." in unescape(response.content.decode())
    assert "La soluzione" in text  # the field's label beside its text
    assert draft.versions.get().solution != "Un testo scritto dopo, mai salvato.\nSeconda riga."
    # A plain visit is sent to the proposal, told why.
    response = promoter_client.get(_url(draft, "solution"), follow=True)
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    assert "non può più essere modificata" in _text(response)


def test_a_step_saved_after_the_deadline_says_why_and_shows_the_text(promoter_client, draft):
    form = read_form(promoter_client, _url(draft, "impact"), button="Salva la bozza")
    call = draft.call
    call.closes_at = timezone.now() - timedelta(seconds=5)
    call.save()
    form["expected_impacts"] = "Trenta famiglie accompagnate."
    response = form.submit(button="Salva e continua")
    assert response.status_code == 409
    text = _text(response)
    assert "Il bando si è chiuso il" in text
    assert "Trenta famiglie accompagnate." in text
    assert draft.versions.get().expected_impacts != "Trenta famiglie accompagnate."


def test_the_review_lists_what_is_missing_step_by_step_with_links(promoter_client, draft):
    version = draft.versions.get()
    version.social_need = ""
    version.team_description = ""
    version.save()
    version.budget_lines.all().delete()
    response = promoter_client.get(_url(draft, "review"))
    html = response.content.decode()
    box = html[html.index('data-testid="missing-by-step"'):]
    box = box[:box.index("</div>")]
    groups = re.findall(r'<h3[^>]*><a href="([^"]+)">([^<]+)</a></h3>\s*<ul[^>]*>(.*?)</ul>', box, re.S)
    found = {unescape(label): (href, unescape(re.sub(r"<[^>]+>", " ", items))) for href, label, items in groups}
    assert list(found) == ["Passo 2: Bisogno e gruppi destinatari", "Passo 5: Partner e team", "Passo 6: Budget"]
    assert found["Passo 2: Bisogno e gruppi destinatari"][0] == _url(draft, "need")
    assert "Descrivere il bisogno sociale." in found["Passo 2: Bisogno e gruppi destinatari"][1]
    assert found["Passo 5: Partner e team"][0] == _url(draft, "team")
    assert found["Passo 6: Budget"][0] == _url(draft, "budget")
    assert "Aggiungere almeno una voce di spesa." in found["Passo 6: Budget"][1]
    assert 'disabled aria-disabled="true"' in html  # nothing to submit yet
    # Each link opens its step.
    assert promoter_client.get(found["Passo 5: Partner e team"][0]).status_code == 200
