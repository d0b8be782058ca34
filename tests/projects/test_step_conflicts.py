"""The proposal's steps (version 1, and version 2 through the same engine): a save over a newer
version changes nothing, per step; two people on two different steps do not get in each other's
way; autosave saves a step and answers the time; an attachment chosen before an error is kept."""
import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from projects.models import Attachment, ProposalVersion
from tests.conflicts import assert_conflict_keeps_text
from tests.forms_as_rendered import form_from_response, read_form
from tests.grants.factories import PDF
from tests.projects.conftest import add_member

STEP_FIELDS = [("project", "summary"), ("need", "social_need"), ("solution", "solution"),
               ("impact", "expected_impacts"), ("team", "team_description")]


def version_state(version):
    def state():
        v = ProposalVersion.objects.values().get(pk=version.pk)
        v.pop("updated_at")
        lines = list(version.budget_lines.order_by("order").values_list("description", "amount"))
        return v, lines
    return state


@pytest.fixture
def colleague(draft, other_promoter):
    add_member(other_promoter, draft.organisation)
    other = Client()
    other.force_login(other_promoter)
    return other


@pytest.mark.parametrize(("step", "field"), STEP_FIELDS)
def test_a_step_saved_over_a_newer_version_changes_nothing(promoter_client, colleague, draft, step, field):
    version = draft.versions.get(number=1)
    url = reverse("projects:step", args=[draft.pk, step])
    assert_conflict_keeps_text(mine=promoter_client, theirs=colleague, url=url, field=field,
                               state=version_state(version), who="Olga Other", button="Save draft",
                               which={"button": "Save draft"},
                               their_value=f"Testo di Olga ({step}).", my_value=f"Il mio testo ({step}).")
    assert getattr(ProposalVersion.objects.get(pk=version.pk), field) == f"Il mio testo ({step})."


def test_the_budget_step_saved_over_a_newer_version_changes_nothing(promoter_client, colleague, draft):
    version = draft.versions.get(number=1)
    url = reverse("projects:step", args=[draft.pk, "budget"])
    assert_conflict_keeps_text(mine=promoter_client, theirs=colleague, url=url, field="requested_grant",
                               state=version_state(version), who="Olga Other", button="Save draft",
                               which={"button": "Save draft"}, their_value="45,000.00", my_value="48,000.00")
    assert ProposalVersion.objects.get(pk=version.pk).requested_grant == Decimal("48000.00")


def test_two_people_on_two_different_steps_both_save(promoter_client, colleague, draft):
    mine = read_form(promoter_client, reverse("projects:step", args=[draft.pk, "need"]), button="Save draft")
    theirs = read_form(colleague, reverse("projects:step", args=[draft.pk, "solution"]), button="Save draft")
    theirs["solution"] = "Soluzione di Olga."
    assert theirs.submit(button="Save draft").status_code == 302
    mine["social_need"] = "Bisogno scritto da me."
    assert mine.submit(button="Save draft").status_code == 302
    v = draft.versions.get(number=1)
    assert (v.solution, v.social_need) == ("Soluzione di Olga.", "Bisogno scritto da me.")


@freeze_time("2026-12-06 20:14:00")
def test_autosave_of_a_step_saves_the_draft_and_answers_the_time(client, promoter_user, draft):
    draft.call.closes_at = datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC)
    draft.call.save()
    client.force_login(promoter_user)
    url = reverse("projects:step", args=[draft.pk, "solution"])
    page = client.get(url).content.decode()
    assert "data-autosave" in page and 'aria-live="polite"' in page
    form = read_form(client, url, button="Save draft")
    form["solution"] = "Scritto e salvato da solo."
    answer = client.post(url, form.data(), headers={"X-TSF-Autosave": "1"})
    assert answer.json() == {"status": "saved", "revision": 1, "message": "Saved at 21:14"}
    assert draft.versions.get(number=1).solution == "Scritto e salvato da solo."
    form["solution"] = "Dalla scheda vecchia."  # still at revision 0
    answer = client.post(url, form.data(), headers={"X-TSF-Autosave": "1"})
    assert answer.status_code == 409 and "Piero Promoter" in answer.json()["message"]
    assert draft.versions.get(number=1).solution == "Scritto e salvato da solo."


def test_an_attachment_chosen_before_an_error_is_still_attached(promoter_client, draft):
    url = reverse("projects:step", args=[draft.pk, "attachments"])
    form = read_form(promoter_client, url, button="Upload")
    data = form.data()
    data["kind"] = ["nonsense"]  # refused: the page comes back with the error
    data["title"] = ["Statuto"]
    data["file"] = SimpleUploadedFile("statuto.pdf", PDF, "application/pdf")
    data["upload"] = [""]
    response = promoter_client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and not Attachment.objects.exists()
    assert "Already attached:" in html and "statuto.pdf" in html
    again = form_from_response(promoter_client, response, button="Upload", url=url)
    again["kind"] = Attachment.Kind.choices[0][0]
    assert again.submit(button="Upload").status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.title == "Statuto" and attachment.file.read() == PDF
