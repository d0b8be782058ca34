"""Nothing typed on the budget and attachments steps is lost, posted as an Italian browser renders
the steps (tests/forms_as_rendered.py): a half-filled budget line saves as draft (the review lists
what it misses, submission refuses it); autosave of the budget step creates a new line once, then
changes it, and deletes a ticked one; a file chosen on the attachments step is uploaded when the
person moves to another step."""
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from projects.models import Attachment, ProposalStatus
from tests.forms_as_rendered import read_form
from tests.grants.factories import PDF

pytestmark = pytest.mark.django_db
AUTOSAVE = {"X-TSF-Autosave": "1"}


@pytest.fixture(autouse=True)
def italian():
    with translation.override("it"):
        yield


def _url(proposal, step):
    return reverse("projects:step", args=[proposal.pk, step])


def _text(response):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_a_half_filled_budget_line_saves_as_draft_and_is_listed_before_submission(promoter_client, draft):
    version = draft.versions.get()
    lines_before = version.budget_lines.count()
    form = read_form(promoter_client, _url(draft, "budget"), button="Salva la bozza")
    n = int(form["lines-TOTAL_FORMS"]) - 2  # the first empty row
    form[f"lines-{n}-description"] = "Affitto della sala"  # no category, no amount yet
    response = form.submit(button="Salva la bozza", follow=True)
    assert response.redirect_chain[-1][0] == _url(draft, "budget")
    assert "Bozza salvata alle" in _text(response)
    line = version.budget_lines.get(description="Affitto della sala")
    assert (line.category, line.amount) == ("", None)
    assert version.budget_lines.count() == lines_before + 1
    # What the line still misses is listed on the step and on the review, with its number.
    number = lines_before + 1
    text = _text(response)
    assert f"Voce di spesa {number}: sceglierne la categoria." in text
    assert f"Voce di spesa {number}: indicarne l'importo." in text
    review = _text(promoter_client.get(_url(draft, "review")))
    assert f"Voce di spesa {number}: indicarne l'importo." in review
    # Submission stays the authority.
    promoter_client.post(reverse("projects:submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.DRAFT
    # Completed later: nothing is missing any more.
    form = read_form(promoter_client, _url(draft, "budget"), button="Salva la bozza")
    row = next(name[:-len("-description")] for name in form.names()
               if name.endswith("-description") and form[name] == "Affitto della sala")
    form[f"{row}-category"] = "services"
    form[f"{row}-amount"] = "1.200,00"
    text = _text(form.submit(button="Salva la bozza", follow=True))
    assert f"Voce di spesa {number}:" not in text
    line.refresh_from_db()
    assert (line.category, line.amount) == ("services", Decimal("1200.00"))


def test_autosave_of_the_budget_step_creates_a_line_once_changes_it_and_deletes_a_ticked_one(promoter_client,
                                                                                             draft):
    version = draft.versions.get()
    url = _url(draft, "budget")
    page = promoter_client.get(url).content.decode()
    assert "data-autosave" in page and "data-autosave-status" in page
    form = read_form(promoter_client, url, button="Salva la bozza")
    n = int(form["lines-TOTAL_FORMS"]) - 2
    count = version.budget_lines.count()
    form[f"lines-{n}-category"] = "training"
    form[f"lines-{n}-description"] = "Corso HACCP"
    answer = promoter_client.post(url, form.data(), headers=AUTOSAVE).json()
    assert answer["status"] == "saved"
    line = version.budget_lines.get(description="Corso HACCP")
    assert answer["rows"][f"lines-{n}-id"] == str(line.pk)
    assert version.budget_lines.count() == count + 1
    # The page now carries the line's id and the new revision (autosave.js puts them in the form).
    form[f"lines-{n}-id"] = answer["rows"][f"lines-{n}-id"]
    form["edit_revision"] = str(answer["revision"])
    form[f"lines-{n}-amount"] = "800,00"
    answer = promoter_client.post(url, form.data(), headers=AUTOSAVE).json()
    assert answer["status"] == "saved", answer
    assert version.budget_lines.count() == count + 1  # changed, not added again
    line.refresh_from_db()
    assert line.amount == Decimal("800.00")
    # A saved line ticked "Elimina": deleted, and its row loses its id (the script hides it).
    first = version.budget_lines.order_by("order", "id").first()
    form["edit_revision"] = str(answer["revision"])
    form.tick("lines-0-DELETE")
    answer = promoter_client.post(url, form.data(), headers=AUTOSAVE).json()
    assert answer["status"] == "saved" and answer["rows"]["lines-0-id"] == ""
    assert not version.budget_lines.filter(pk=first.pk).exists()
    # The person's own save from the same page afterwards: nothing doubled, nothing lost.
    form["lines-0-id"] = ""
    form["edit_revision"] = str(answer["revision"])
    assert form.submit(button="Salva la bozza").status_code == 302
    assert sorted(version.budget_lines.values_list("description", flat=True)).count("Corso HACCP") == 1
    assert version.budget_lines.count() == count


def test_a_file_chosen_on_the_attachments_step_is_uploaded_when_moving_to_another_step(promoter_client, draft):
    url = _url(draft, "attachments")
    form = read_form(promoter_client, url, button="Continua")
    # The stepper's buttons and "Indietro" belong to the form that holds the file.
    assert "title" in form and any(b["value"] == "project" for b in form.buttons)
    form["title"] = "Statuto firmato"
    data = form.data()
    data["file"] = SimpleUploadedFile("statuto.pdf", PDF, "application/pdf")
    data["goto"] = ["project"]
    response = promoter_client.post(url, data)
    assert response.status_code == 302 and response.url == _url(draft, "project")
    attachment = Attachment.objects.get(title="Statuto firmato")
    assert attachment.file.read() == PDF
    # Nothing chosen: the stepper just moves.
    form = read_form(promoter_client, url, button="Continua")
    assert form.submit(button="goto=need").url == _url(draft, "need")
    assert Attachment.objects.count() == 1
    # A file refused: the page stays, says why, and nothing moved.
    data = read_form(promoter_client, url, button="Continua").data()
    data["file"] = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    data["goto"] = ["project"]
    response = promoter_client.post(url, data)
    assert response.status_code == 200 and Attachment.objects.count() == 1
