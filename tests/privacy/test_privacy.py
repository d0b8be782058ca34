"""Personal data: a copy of one's data, closing an account, consents, the retention schedule, the notice
and the staff's pages. Pages in Italian, as rendered (tests/forms_as_rendered.py)."""
import datetime
import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from projects.models import Membership, Proposal, ProposalStatus
from projects.services import submit_proposal
from tests.calls.factories import CallFactory
from tests.conftest import confirm_identity
from tests.forms_as_rendered import read_form
from tests.projects.factories import MembershipFactory, OrganisationFactory, ProposalFactory, complete
from tsf.core.models import AuditEntry, KeptUpload
from tsf.privacy import services
from tsf.privacy.models import Consent, DataRequest, RetentionRun

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def org(promoter_user):
    organisation = OrganisationFactory(legal_name="Cooperativa Sociale Il Riccio")
    MembershipFactory(user=promoter_user, organisation=organisation)
    return organisation


@pytest.fixture
def submitted(org, promoter_user):
    proposal = complete(ProposalFactory(call=CallFactory(), organisation=org), title="Emporio solidale di Barriera")
    submit_proposal(proposal, promoter_user)
    proposal.refresh_from_db()
    return proposal


def _zip(response):
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_a_promoter_downloads_a_copy_of_their_data(promoter_client, promoter_user, submitted,
                                                   django_capture_on_commit_callbacks):
    page = promoter_client.get(reverse("privacy:my_data")).content.decode()
    assert "Chiedi una copia dei miei dati" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = read_form(promoter_client, reverse("privacy:my_data"),
                             button="Chiedi una copia dei miei dati").submit(follow=True)
    assert "Stiamo preparando la copia dei Suoi dati" in response.content.decode()
    assert "Scarichi i Suoi dati" in promoter_client.get(reverse("privacy:my_data")).content.decode()
    req = DataRequest.objects.get(user=promoter_user, kind=DataRequest.Kind.ACCESS)
    assert req.status == DataRequest.Status.COMPLETED and req.downloadable
    # told in the portal (and by e-mail) that it is ready
    assert promoter_user.notifications.filter(event="privacy_copy_ready").exists()
    archive = _zip(promoter_client.get(reverse("privacy:copy_download", args=[req.pk])))
    data = json.loads(archive.read("dati.json"))
    titles = [p["title"] for p in data["sections"]["proposals"]]
    assert titles == ["Emporio solidale di Barriera"]
    assert data["sections"]["account"][0]["email"] == "promoter@example.org"
    assert data["sections"]["memberships"][0]["organisation"] == "Cooperativa Sociale Il Riccio"
    assert any(e["action"] == "proposal.submit" for e in data["sections"]["audit"])
    summary = archive.read("riepilogo.html").decode()
    assert "Emporio solidale di Barriera" in summary and "Proposte" in summary


def test_the_copy_link_expires_and_belongs_to_its_owner(client, promoter_client, promoter_user, make_user,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        req = services.request_copy(promoter_user)
    url = reverse("privacy:copy_download", args=[req.pk])
    client.force_login(make_user("altro@example.org", roles=["promoter"]))
    assert client.get(url).status_code == 404
    with freeze_time(timezone.now() + datetime.timedelta(days=8)):
        client.force_login(promoter_user)
        response = client.get(url, follow=True)
        assert "Il collegamento a questa copia è scaduto" in response.content.decode()
        assert services.apply_retention()["data_exports"] == 1
    req.refresh_from_db()
    assert not req.file and req.status == DataRequest.Status.COMPLETED  # the log keeps the request


def test_closing_an_account_with_a_submitted_proposal_waits_for_staff(client, promoter_user, submitted, staff_user):
    from django.test import Client

    promoter = promoter_user
    promoter_client, staff_client = Client(), Client()
    promoter_client.force_login(promoter)
    staff_client.force_login(staff_user)
    confirm_identity(promoter_client, method="password")
    page = promoter_client.get(reverse("privacy:close_account")).content.decode()
    assert "Proposte presentate" in page and "10 anni" in page  # what is kept, and why
    form = read_form(promoter_client, reverse("privacy:close_account"), field="confirm")
    assert "Chiudi il mio account" in promoter_client.post(reverse("privacy:close_account"), form.data()).content.decode()
    form.tick("confirm")
    form["note"] = "Non partecipo più."
    form.submit()
    req = DataRequest.objects.get(kind=DataRequest.Kind.ERASURE)
    assert req.status == DataRequest.Status.PENDING
    promoter.refresh_from_db()
    assert promoter.is_active
    assert staff_user.notifications.filter(event="privacy_erasure_requested").exists()

    detail = reverse("privacy:request", args=[req.pk])
    refuse = read_form(staff_client, detail, field="note").submit(button="Rifiuta")
    assert "Indichi il motivo: la persona lo leggerà." in refuse.content.decode()
    read_form(staff_client, detail, field="note").submit(button="Conferma e chiudi l'account")

    req.refresh_from_db()
    promoter.refresh_from_db()
    assert req.status == DataRequest.Status.COMPLETED and req.decided_by == staff_user
    assert not promoter.is_active and not promoter.has_usable_password()
    assert promoter.full_name == f"Ex partecipante {promoter.pk}"
    assert "promoter@example.org" not in promoter.email
    assert req.person == promoter.full_name
    # the submitted proposal stays, with the team member's name replaced
    submitted.refresh_from_db()
    assert submitted.status == ProposalStatus.SUBMITTED
    assert Membership.objects.filter(user=promoter, organisation=submitted.organisation).exists()
    staff_page = staff_client.get(reverse("projects:staff_proposal", args=[submitted.pk])).content.decode()
    assert "Piero Promoter" not in staff_page and promoter.full_name in staff_page
    assert AuditEntry.objects.filter(action="privacy.erasure_done", actor=staff_user).exists()
    assert client.login(email="promoter@example.org", password="x") is False


def test_an_account_with_nothing_to_keep_is_closed_at_once(client, make_user):
    person = make_user("breve@example.org", roles=["promoter"], full_name="Bruna Breve")
    client.force_login(person)
    confirm_identity(client, method="password")
    form = read_form(client, reverse("privacy:close_account"), field="confirm")
    form.tick("confirm")
    response = form.submit(follow=True)
    assert "Il Suo account è stato chiuso" in response.content.decode()
    person.refresh_from_db()
    assert not person.is_active and person.full_name.startswith("Ex partecipante")
    assert DataRequest.objects.get().status == DataRequest.Status.COMPLETED


def test_staff_cannot_confirm_without_the_staff_role(promoter_user, submitted, make_user):
    req = services.request_erasure(promoter_user, "")
    other = make_user("x@example.org", roles=["promoter"])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.confirm_erasure(req, by=other)
    req.refresh_from_db()
    assert req.status == DataRequest.Status.PENDING


def test_optional_consents_are_off_until_ticked_and_revocable(promoter_client, promoter_user):
    form = read_form(promoter_client, reverse("privacy:my_data"), field="newsletter")
    assert not form.getlist("newsletter") and not form.getlist("mentor_contact")
    form.tick("newsletter")
    form.submit()
    assert services.consents_of(promoter_user) == {"newsletter": True, "mentor_contact": False}
    form = read_form(promoter_client, reverse("privacy:my_data"), field="newsletter")
    form.tick("newsletter", False)
    form.submit()
    # The newsletter consent's record is the subscription itself (newsletter/privacy.py): withdrawn, with
    # its moment; no second record of it.
    from newsletter.models import Subscriber

    sub = Subscriber.objects.get(user=promoter_user)
    assert sub.status == Subscriber.Status.UNSUBSCRIBED and sub.unsubscribed_at
    assert not Consent.objects.filter(user=promoter_user, kind="newsletter").exists()
    assert AuditEntry.objects.filter(action="privacy.consent").count() == 2


def test_signup_links_the_notice_and_asks_optional_consents_apart(client):
    page = client.get(reverse("account_signup")).content.decode()
    assert reverse("core:page", args=["privacy"]) in page
    form = read_form(client, reverse("account_signup"), field="privacy")
    assert not form.getlist("consent_newsletter") and not form.getlist("consent_mentor_contact")


def test_the_notice_reads_the_schedule(client, settings):
    settings.TSF_RETENTION_DAYS = {"drafts": 730}
    page = client.get(reverse("core:page", args=["privacy"])).content.decode()
    assert "Responsabile della protezione dei dati" in page and settings.TSF_DPO_CONTACT in page
    assert "Proposte mai presentate" in page and "2 anni" in page
    assert "Registrazioni al Social Innovation Camp" in page


def test_retention_run_twice_later_removes_expired_drafts_once(org, promoter_user, submitted):
    old_draft = complete(ProposalFactory(call=submitted.call, organisation=org), title="Bozza dimenticata")
    later_call = CallFactory(closes_at=timezone.now() + datetime.timedelta(days=500))
    recent_draft = ProposalFactory(call=later_call, organisation=org)
    kept = KeptUpload.objects.create(owner=promoter_user, original_name="a.pdf", size=1, file="kept/a.pdf")
    with freeze_time(timezone.now() + datetime.timedelta(days=400)):
        first = services.apply_retention()
        second = services.apply_retention()
    assert first["drafts"] == 1 and first["temporary_uploads"] == 1
    assert second["drafts"] == 0 and not any(second.values())
    assert not Proposal.objects.filter(pk=old_draft.pk).exists()
    assert Proposal.objects.filter(pk__in=[recent_draft.pk, submitted.pk]).count() == 2
    assert not KeptUpload.objects.filter(pk=kept.pk).exists()
    assert RetentionRun.objects.count() == 1  # the second run did nothing, and says so by not recording
    assert AuditEntry.objects.filter(action="privacy.retention").count() == 1


def test_retention_task_is_in_beat(settings):
    from tsf.notifications.management.commands.run_periodic import periodic_jobs

    assert "retention-schedule" in dict(periodic_jobs())


def test_staff_pages_register_and_requests(staff_client, make_user):
    register = staff_client.get(reverse("privacy:register")).content.decode()
    assert "Registro delle attività di trattamento" in register and "Proposte mai presentate" in register
    url = reverse("privacy:requests")
    for i in range(2):
        services.request_copy(make_user(f"p{i}@example.org", roles=["promoter"]))
    staff_client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(url).status_code == 200
    for i in range(20):
        services.request_copy(make_user(f"q{i}@example.org", roles=["promoter"]))
    with CaptureQueriesContext(connection) as many:
        assert staff_client.get(url).status_code == 200
    assert len(few) == len(many)
    assert staff_client.get(url, {"format": "csv"}).status_code == 200
    assert staff_client.get(url, {"status": "nonsense"}).status_code == 200  # a message, never a 500


def test_staff_answer_a_request_by_letter_with_the_commands(tmp_path, promoter_user, submitted, staff_user):
    from django.core.management import call_command

    out = tmp_path / "copia.zip"
    call_command("data_copy", "promoter@example.org", output=str(out), note="PEC prot. 12")
    data = json.loads(zipfile.ZipFile(out).read("dati.json"))
    assert data["sections"]["proposals"][0]["title"] == "Emporio solidale di Barriera"
    call_command("close_account", "promoter@example.org", by="officer@example.org", note="PEC prot. 13")
    promoter_user.refresh_from_db()
    assert not promoter_user.is_active and promoter_user.full_name.startswith("Ex partecipante")
    assert list(DataRequest.objects.order_by("pk").values_list("kind", "status", "channel")) == [
        ("access", "completed", "pec"), ("erasure", "completed", "pec")]


def test_proposals_not_selected_lose_their_attachments_once_expired(org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from projects.models import Attachment

    proposal = complete(ProposalFactory(call=CallFactory(), organisation=org), title="Forno di comunità")
    version = proposal.versions.get()
    Attachment.objects.create(version=version, kind="cv", file=SimpleUploadedFile("cv.pdf", b"%PDF-1.4 cv"),
                              original_name="cv.pdf")
    Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.NOT_SELECTED, submitted_at=timezone.now(),
                                                   status_changed_at=timezone.now())
    with freeze_time(timezone.now() + datetime.timedelta(days=4 * 365)):
        assert services.apply_retention()["not_selected"] == 0  # not yet
    with freeze_time(timezone.now() + datetime.timedelta(days=5 * 365 + 30)):
        assert services.apply_retention()["not_selected"] == 1
        assert services.apply_retention()["not_selected"] == 0
    version.refresh_from_db()
    assert not version.attachments.exists() and version.team_description == ""
    assert version.title == "Forno di comunità"  # what the decision rests on stays


def test_consents_saved_over_a_newer_choice_change_nothing(promoter_client, promoter_user):
    from html import escape

    from tests.forms_as_rendered import form_from_response

    url = reverse("privacy:my_data")
    old_tab = read_form(promoter_client, url, field="newsletter")
    new_tab = read_form(promoter_client, url, field="newsletter")
    new_tab.tick("mentor_contact")
    assert new_tab.submit().status_code == 302
    old_tab.tick("newsletter")
    response = old_tab.submit()
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(promoter_user.get_full_name()) in html and "NON" in html
    assert services.consents_of(promoter_user) == {"newsletter": False, "mentor_contact": True}
    # The page keeps this tab's ticks; saved again (merged), it is applied.
    merged = form_from_response(promoter_client, response, field="newsletter", url=url)
    assert merged.getlist("newsletter") and not merged.getlist("mentor_contact")
    merged.tick("mentor_contact")
    assert merged.submit().status_code == 302
    assert services.consents_of(promoter_user) == {"newsletter": True, "mentor_contact": True}


def test_a_copy_asked_in_a_change_rolled_back_queues_nothing(promoter_user, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.request_copy(promoter_user)
            raise RuntimeError("the page failed after the request")
    assert callbacks == [] and not DataRequest.objects.exists()
