"""The staff's screen of data requests, in Italian: the log with search, filters and export; a request that
came by PEC recorded, its copy prepared and downloaded by staff only; closing requests confirmed by another
staff member; every step audited; each request checked on the server."""
import csv
import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from projects.services import submit_proposal
from tests.calls.factories import CallFactory
from tests.forms_as_rendered import read_form
from tests.projects.factories import MembershipFactory, OrganisationFactory, ProposalFactory, complete
from tsf.core.models import AuditEntry
from tsf.privacy import services
from tsf.privacy.models import DataRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(promoter_user):
    org = OrganisationFactory(legal_name="Cooperativa Sociale Il Riccio")
    MembershipFactory(user=promoter_user, organisation=org)
    proposal = complete(ProposalFactory(call=CallFactory(), organisation=org), title="Emporio solidale di Barriera")
    submit_proposal(proposal, promoter_user)
    return proposal


def _record(client, email, kind, channel="pec", note="PEC prot. 1234 del 2/12", checked=True, follow=True):
    form = read_form(client, reverse("privacy:record_request"), button="Registra la richiesta")
    form["email"] = email
    form["kind"] = kind
    form["channel"] = channel
    form["note"] = note
    form.tick("identity_checked", checked)
    return form.submit(button="Registra la richiesta", follow=follow)


def test_staff_record_a_request_by_pec_and_download_the_copy_to_send(
        staff_client, staff_user, promoter_user, submitted, django_capture_on_commit_callbacks):
    page = staff_client.get(reverse("privacy:requests")).content.decode()
    assert "Registra una richiesta ricevuta per PEC, e-mail o lettera" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = _record(staff_client, "promoter@example.org", "access")
    html = response.content.decode()
    assert "La richiesta è stata registrata: la copia è in preparazione" in html
    assert "Posta elettronica certificata (PEC)" in html and "registrata da Anna Officer" in html
    assert "PEC prot. 1234 del 2/12" in html and "Le sarà comunicato quando la copia sarà pronta" in html

    req = DataRequest.objects.get()  # prepared in the background once the request was saved (eagerly here)
    assert "Scarica la copia da inviare" in staff_client.get(reverse("privacy:request", args=[req.pk])).content.decode()
    assert req.status == DataRequest.Status.COMPLETED and req.recorded_by == staff_user
    # The staff member who recorded it is told (the person asked by PEC: the staff send it to them).
    assert staff_user.notifications.filter(event="privacy_copy_ready_staff").exists()
    assert not promoter_user.notifications.filter(event="privacy_copy_ready").exists()
    download = staff_client.get(reverse("privacy:staff_copy_download", args=[req.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    titles = [p["title"] for p in json.loads(archive.read("dati.json"))["sections"]["proposals"]]
    assert titles == ["Emporio solidale di Barriera"]
    actions = list(AuditEntry.objects.filter(actor=staff_user).values_list("action", flat=True).order_by("pk"))
    assert actions == ["privacy.copy_request", "privacy.copy_download"]
    assert "PEC" in AuditEntry.objects.get(action="privacy.copy_request").note

    # The log shows how it arrived, who recorded it and the outcome.
    log = staff_client.get(reverse("privacy:requests")).content.decode()
    assert "Copia dei miei dati" in log and "registrata da Anna Officer" in log and "Copia preparata" in log


def test_the_copy_of_a_request_is_opened_only_by_whom_it_belongs_to(
        client, staff_client, staff_user, promoter_user, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        own = services.request_copy(promoter_user)  # the person's own copy, in the portal
    staff_url = reverse("privacy:staff_copy_download", args=[own.pk])
    assert staff_client.get(staff_url).status_code == 403  # staff never open a person's own copy

    with django_capture_on_commit_callbacks(execute=True):
        recorded = services.record_request(promoter_user, "access", by=staff_user, channel="email",
                                           note="e-mail del 3/12")
    client.force_login(promoter_user)
    # The person's I miei dati lists their own copy only; the one staff send them is not opened there.
    assert client.get(reverse("privacy:copy_download", args=[recorded.pk])).status_code == 404
    assert client.get(reverse("privacy:copy_download", args=[own.pk])).status_code == 200
    assert client.get(reverse("privacy:staff_copy_download", args=[recorded.pk])).status_code == 403
    assert client.get(reverse("privacy:requests")).status_code == 403
    assert client.get(reverse("privacy:record_request")).status_code == 403


def test_the_log_searches_filters_and_exports_what_is_shown(staff_client, staff_user, make_user):
    rosa = make_user("rosa@example.org", roles=["promoter"], full_name="Rosa Bianchi")
    ugo = make_user("ugo@example.org", roles=["promoter"], full_name="Ugo Neri")
    services.record_request(rosa, "access", by=staff_user, channel="pec", note="PEC prot. 77")
    services.request_copy(ugo)
    url = reverse("privacy:requests")
    page = staff_client.get(url, {"q": "rosa"}).content.decode()
    assert "Rosa Bianchi" in page and "Ugo Neri" not in page
    page = staff_client.get(url, {"channel": "portal"}).content.decode()
    assert "Ugo Neri" in page and "Rosa Bianchi" not in page
    exported = staff_client.get(url, {"channel": "pec", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and "Rosa Bianchi" in rows[1] and "PEC prot. 77" in rows[1]
    assert "Ricevuta tramite" in rows[0] and "Esito" in rows[0]
    bad = staff_client.get(url, {"status": "nonsense", "channel": "piccione"}, follow=True).content.decode()
    assert "Alcuni filtri non erano leggibili" in bad


def test_recording_needs_the_identity_checked_and_an_open_account(staff_client):
    page = _record(staff_client, "promoter@example.org", "access", checked=False, follow=False).content.decode()
    assert "Questo campo è obbligatorio" in page
    page = _record(staff_client, "nessuno@example.org", "access", follow=False).content.decode()
    assert "Non c&#x27;è un account aperto con questo indirizzo." in page
    assert not DataRequest.objects.exists()


def test_a_closing_by_letter_waits_for_a_decision_and_no_one_decides_their_own(
        staff_client, staff_user, make_user, promoter_user, submitted):
    colleague = make_user("collega@example.org", roles=["staff"], full_name="Carlo Collega")
    response = _record(staff_client, "promoter@example.org", "erasure", channel="letter", note="Raccomandata 5/12")
    assert "legga che cosa comporta la chiusura dell&#x27;account" in response.content.decode()
    req = DataRequest.objects.get(kind="erasure")
    assert req.status == DataRequest.Status.PENDING and req.channel == "letter"
    assert colleague.notifications.filter(event="privacy_erasure_requested").exists()
    assert AuditEntry.objects.filter(action="privacy.erasure_request", actor=staff_user).exists()

    # A staff member's own request: they see it, but the decision is another's, on the page and on the server.
    own = services.request_erasure(staff_user, "Lascio l'ufficio")
    detail = reverse("privacy:request", args=[own.pk])
    page = staff_client.get(detail).content.decode()
    assert "Conferma e chiudi l" not in page
    assert "Un altro membro del personale deve confermare" in page
    assert staff_client.post(detail, {"decision": "confirm", "note": ""}).status_code == 403
    own.refresh_from_db()
    assert own.status == DataRequest.Status.PENDING

    other = Client()
    other.force_login(colleague)
    read_form(other, reverse("privacy:request", args=[req.pk]), field="note").submit(
        button="Conferma e chiudi l'account")
    req.refresh_from_db()
    promoter_user.refresh_from_db()
    assert req.status == DataRequest.Status.COMPLETED and req.decided_by == colleague
    assert not promoter_user.is_active


def test_the_demo_shows_a_request_of_each_channel_in_the_log(staff_client, staff_user, make_user):
    """`make run`'s demo: staff find in the log a copy asked for in the portal and one recorded from a
    PEC; seeding again adds nothing."""
    from types import SimpleNamespace

    from tsf.privacy import demo

    users = {"staff@example.org": staff_user,
             "promoter@example.org": make_user("promoter@example.org", roles=["promoter"], full_name="Marco Bianchi"),
             "nonfunded@example.org": make_user("nonfunded@example.org", roles=["promoter"], full_name="Ioana Popescu")}
    demo.seed(SimpleNamespace(users=users))
    demo.seed(SimpleNamespace(users=users))
    assert DataRequest.objects.count() == 2
    html = staff_client.get(reverse("privacy:requests")).content.decode()
    assert "Marco Bianchi" in html and "Ioana Popescu" in html
    assert "Nel portale" in html and "PEC" in html
