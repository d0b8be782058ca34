"""The call's configuration: a save over a newer version changes nothing; a document chosen before
a validation error is still attached after it; a blank extra document or question row is ignored."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from calls.models import Call, CallDocument
from tests.calls.factories import CallFactory
from tests.conflicts import assert_conflict_keeps_text
from tests.forms_as_rendered import form_from_response, read_form
from tests.grants.factories import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """These pages are read in Italian, the default."""
    with translation.override("it"):
        yield


def test_call_saved_over_a_newer_version_changes_nothing(client, staff_user):
    call = CallFactory()
    client.force_login(staff_user)
    other = Client()
    other.force_login(staff_user)
    url = reverse("calls:staff_edit", args=[call.slug])

    def state():
        return Call.objects.values().get(pk=call.pk)

    assert_conflict_keeps_text(mine=client, theirs=other, url=url, field="summary_it", state=state,
                               which={"button": "Salva"}, button="Salva", who=staff_user.full_name,
                               their_value="Sintesi del collega.", my_value="La mia sintesi del bando.")
    assert Call.objects.get(pk=call.pk).summary_it == "La mia sintesi del bando."


def test_a_document_chosen_before_an_error_is_still_attached_after_it(staff_client):
    call = CallFactory()
    url = reverse("calls:staff_edit", args=[call.slug])
    form = read_form(staff_client, url, button="Salva")
    form["max_grant"] = "abc"  # a mistake elsewhere on the page
    form["docs-0-title_it"] = "Bando integrale"
    data = form.data()
    data["docs-0-file"] = SimpleUploadedFile("bando.pdf", PDF, "application/pdf")
    response = staff_client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and not CallDocument.objects.exists()
    assert "Già allegato:" in html and "bando.pdf" in html

    again = form_from_response(staff_client, response, button="Salva", url=url)
    again["max_grant"] = "140.000,00"
    assert again.submit(button="Salva").status_code == 302
    doc = CallDocument.objects.get()
    assert doc.title_it == "Bando integrale" and doc.file.read() == PDF
    # The blank FAQ row (and the new blank document row) were ignored, not refused.
    assert not call.faqs.exists()
