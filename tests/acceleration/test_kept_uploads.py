"""A help request's attachment chosen before a validation error is still attached after it."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from acceleration.models import HelpRequest
from tests.acceleration.factories import funded_team, url
from tests.forms_as_rendered import form_from_response
from tests.grants.factories import PDF, past_call

pytestmark = pytest.mark.django_db


def test_a_help_request_attachment_survives_a_validation_error(client, make_user):
    user = make_user("a@example.org", roles=["promoter"], full_name="Anna Alfa")
    team = funded_team(past_call(), member=user)
    client.force_login(user)
    response = client.post(url("help_new"), {"proposal": team.pk, "topic": "fundraising", "subject": "",
                                             "text": "Quale piattaforma?",
                                             "attachment": SimpleUploadedFile("nota.pdf", PDF, "application/pdf")})
    html = response.content.decode()
    assert response.status_code == 200 and not HelpRequest.objects.exists()
    assert "nota.pdf" in html and "attachment-kept" in html
    again = form_from_response(client, response, field="subject", url=url("help_new"))
    again["subject"] = "Crowdfunding"
    assert again.submit().status_code == 302
    req = HelpRequest.objects.get()
    message = req.messages.first()
    assert message.attachment.read() == PDF
