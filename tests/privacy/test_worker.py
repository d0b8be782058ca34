"""The copy of one's data prepared by a real Celery worker (a thread) against the test Redis: the promoter
asks in "I miei dati", the worker builds the ZIP, the notification and the e-mail arrive, and the ZIP they
download holds their proposal."""
import io
import json
import threading
import zipfile

import pytest
from django.core import mail
from django.urls import reverse

from projects.services import submit_proposal
from tests.calls.factories import CallFactory
from tests.forms_as_rendered import read_form
from tests.projects.factories import MembershipFactory, OrganisationFactory, ProposalFactory, complete
from tests.tsf.test_outbox_worker import _wait_for, real_worker  # noqa: F401 - the fixture
from tsf.privacy import services, tasks
from tsf.privacy.models import DataRequest

# A real worker: on the real clock (Celery and kombu time their polling with it).
pytestmark = [pytest.mark.real_clock, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_prepares_the_copy_and_the_promoter_is_told(real_worker, client, make_user,  # noqa: F811
                                                                   monkeypatch):
    promoter = make_user("copia@example.org", roles=["promoter"], full_name="Carla Copia")
    org = OrganisationFactory(legal_name="APS Vanchiglia Insieme")
    MembershipFactory(user=promoter, organisation=org)
    proposal = complete(ProposalFactory(call=CallFactory(), organisation=org), title="Bottega dei saperi")
    submit_proposal(proposal, promoter)
    threads, prepare = [], services.prepare_copy

    def prepare_and_record_the_thread(request_id):
        threads.append(threading.current_thread())
        return prepare(request_id)

    monkeypatch.setattr(services, "prepare_copy", prepare_and_record_the_thread)  # which thread built the ZIP
    client.force_login(promoter)

    response = read_form(client, reverse("privacy:my_data"), button="Chiedi una copia dei miei dati").submit(
        follow=True)
    assert "Stiamo preparando la copia dei Suoi dati" in response.content.decode()
    req = DataRequest.objects.get(user=promoter, kind=DataRequest.Kind.ACCESS)

    # The worker builds the ZIP, then tells the person in the portal and by e-mail (the mail queue).
    assert _wait_for(lambda: promoter.notifications.filter(event="privacy_copy_ready").exists(), timeout=30), (
        DataRequest.objects.values("status", "outcome").get(pk=req.pk))
    assert _wait_for(lambda: any(promoter.email in m.to for m in mail.outbox), timeout=20)
    assert len(threads) == 1 and threads[0] is not threading.current_thread()
    req.refresh_from_db()
    assert req.status == DataRequest.Status.COMPLETED and req.downloadable

    page = client.get(reverse("privacy:my_data")).content.decode()
    assert "Scarichi i Suoi dati" in page
    download = client.get(reverse("privacy:copy_download", args=[req.pk]))
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    data = json.loads(archive.read("dati.json"))
    assert [p["title"] for p in data["sections"]["proposals"]] == ["Bottega dei saperi"]
    assert "Bottega dei saperi" in archive.read("riepilogo.html").decode()

    # Queued again (a retry), the task does nothing more: one copy, one notification.
    tasks.build_copy.delay(req.pk)
    tasks.apply_retention.delay()
    assert _wait_for(lambda: len(threads) == 2, timeout=20)
    assert promoter.notifications.filter(event="privacy_copy_ready").count() == 1
    assert DataRequest.objects.filter(user=promoter, kind=DataRequest.Kind.ACCESS).count() == 1
