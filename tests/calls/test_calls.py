"""Calls: the public list and page, the staff pages, audited date changes."""
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calls.models import Call, District, ImpactTheme
from calls.reference import ensure_reference_data
from tests.calls.factories import CallFactory, ProgrammeFactory
from tests.factories import office
from tsf.core.models import AuditEntry

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def test_reference_data_has_turins_eight_districts():
    ensure_reference_data()
    ensure_reference_data()  # idempotent
    assert District.objects.count() == 8
    assert District.objects.get(number=6).neighbourhoods.filter(name="Barriera di Milano").exists()
    assert ImpactTheme.objects.count() == 5


def test_call_state_to_the_second():
    call = CallFactory.build(opens_at=datetime(2017, 11, 15, 9, tzinfo=ROME), closes_at=datetime(2018, 1, 31, 12, tzinfo=ROME))
    assert not call.is_open(datetime(2017, 11, 15, 8, 59, 59, tzinfo=ROME))
    assert call.is_open(datetime(2017, 11, 15, 9, 0, 0, tzinfo=ROME))
    assert call.is_open(datetime(2018, 1, 31, 11, 59, 59, tzinfo=ROME))
    assert not call.is_open(datetime(2018, 1, 31, 12, 0, 0, tzinfo=ROME))
    assert call.protocol_for(7) == f"TSF-{call.year}-0007"


def test_public_list_shows_open_and_past_but_not_unpublished(client):
    CallFactory(title="Bando aperto")
    CallFactory(title="Bando passato", opens_at=timezone.now() - timedelta(days=400),
                closes_at=timezone.now() - timedelta(days=300))
    CallFactory(title="Bando in preparazione", is_published=False)
    body = client.get(reverse("calls:index")).content.decode()
    assert "Bando aperto" in body and "Bando passato" in body
    assert "Bando in preparazione" not in body


def test_call_page_open_shows_apply_and_time_left(client):
    ensure_reference_data()
    call = CallFactory(closes_at=datetime(2099, 3, 31, 12, 0, tzinfo=ROME), eligible_legal_forms=["aps", "coop_b"])
    call.themes.set(ImpactTheme.objects.all())
    call.neighbourhoods.set(District.objects.get(number=6).neighbourhoods.all())
    call.faqs.create(question="Chi può partecipare?", answer="Gli enti del Terzo settore.")
    body = client.get(call.get_absolute_url()).content.decode()
    assert reverse("projects:start", args=[call.slug]) in body
    assert "12:00" in body and "2099" in body
    assert 'data-testid="time-left"' in body
    assert "Barriera di Milano" in body and "Urban poverty" in body
    assert "Chi può partecipare?" in body
    assert "APS" in body


def test_call_page_closed_has_no_apply_and_says_when(client):
    call = CallFactory(opens_at=datetime(2017, 11, 15, 9, tzinfo=ROME), closes_at=datetime(2018, 1, 31, 12, tzinfo=ROME))
    body = client.get(call.get_absolute_url()).content.decode()
    assert reverse("projects:start", args=[call.slug]) not in body
    assert "2018, 12:00" in body


def test_unpublished_call_is_404_except_for_staff(client, staff_client):
    call = CallFactory(is_published=False)
    client.logout()
    assert client.get(call.get_absolute_url()).status_code == 404
    # staff_client shares `client`: log the staff in again
    from tsf.accounts.models import User

    client.force_login(User.objects.get(email="officer@example.org"))
    assert client.get(call.get_absolute_url()).status_code == 200


def test_documents_are_downloadable(client, settings, tmp_path):
    from django.core.files.base import ContentFile

    from calls.models import CallDocument
    from tsf.core.pdf import demo_pdf

    settings.MEDIA_ROOT = tmp_path
    call = CallFactory()
    doc = CallDocument(call=call, title="Testo del bando", kind="call_text")
    doc.file.save("bando.pdf", ContentFile(demo_pdf("Bando")), save=False)
    doc.save()
    body = client.get(call.get_absolute_url()).content.decode()
    assert doc.file.url in body and "Testo del bando" in body


def test_staff_pages_refuse_others(client, promoter_client):
    call = CallFactory()
    for url in (reverse("calls:staff_list"), reverse("calls:staff_create"), reverse("calls:staff_edit", args=[call.slug])):
        assert promoter_client.get(url).status_code == 403
    promoter_client.logout()
    for url in (reverse("calls:staff_list"), reverse("calls:staff_create"), reverse("calls:staff_edit", args=[call.slug])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response.url


def _form_data(call=None, **overrides):
    programme = call.programme if call else ProgrammeFactory()
    data = {
        "programme": programme.pk, "title_it": "Torino Social Factory 2031", "slug": "tsf-2031", "year": "2031",
        "protocol_prefix": "TSF", "summary_it": "Un bando.", "description_it": "", "eligibility_it": "",
        "is_published": "on", "opens_at": "2031-03-01T09:00", "closes_at": "2031-03-29T12:00",
        "implementation_months": "24", "incubation_quota": "25", "funding_quota": "12", "max_grant": "140000.00",
        "total_budget": "1680000.00", "reminder_offsets": "14, 3, 0",
        "docs-TOTAL_FORMS": "0", "docs-INITIAL_FORMS": "0", "docs-MIN_NUM_FORMS": "0", "docs-MAX_NUM_FORMS": "1000",
        "faqs-TOTAL_FORMS": "1", "faqs-INITIAL_FORMS": "0", "faqs-MIN_NUM_FORMS": "0", "faqs-MAX_NUM_FORMS": "1000",
        "faqs-0-question_it": "Quando chiude?", "faqs-0-answer_it": "Il 29 marzo alle 12.", "faqs-0-order": "0",
    }
    if call is not None:
        data.update({"title_it": call.title_it, "slug": call.slug, "year": str(call.year),
                     "opens_at": timezone.localtime(call.opens_at).strftime("%Y-%m-%dT%H:%M"),
                     "closes_at": timezone.localtime(call.closes_at).strftime("%Y-%m-%dT%H:%M"),
                     "faqs-TOTAL_FORMS": "0"})
    data.update(overrides)
    return data


def test_staff_create_call_in_rome_time(staff_client):
    assert staff_client.get(reverse("calls:staff_create")).status_code == 200
    response = staff_client.post(reverse("calls:staff_create"), _form_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    call = Call.objects.get(slug="tsf-2031")
    # 29 March 2031 is after the switch to summer time (30 March 2031? no: last Sunday of March = 30th)
    assert timezone.localtime(call.closes_at).strftime("%H:%M") == "12:00"
    assert call.max_grant == Decimal("140000.00") and call.reminder_offsets == [14, 3, 0]
    assert call.faqs.get().question == "Quando chiude?"
    assert AuditEntry.objects.filter(action="call.create").exists()


def test_staff_form_errors_next_to_fields(staff_client):
    response = staff_client.post(reverse("calls:staff_create"), _form_data(
        closes_at="2031-02-01T12:00", max_grant="2000000", reminder_offsets="quattordici"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "The call must close after it opens." in body
    assert "cannot exceed the total budget" in body
    assert "Write whole numbers of days" in body
    assert not Call.objects.filter(slug="tsf-2031").exists()


def test_a_date_in_the_year_one_is_refused_not_a_server_error(staff_client):
    """01/01/0001 00:00 in Rome falls in the year 0 in UTC: SQLite could not even compare it."""
    response = staff_client.post(reverse("calls:staff_create"), _form_data(opens_at="0001-01-01T00:00"))
    assert response.status_code == 200
    assert "Enter a valid date/time." in response.content.decode()
    assert not Call.objects.filter(slug="tsf-2031").exists()


def test_date_change_after_opening_needs_a_reason_kept_in_the_history(staff_client):
    call = CallFactory()  # opened 10 days ago
    closes_at = call.closes_at
    new_close = timezone.localtime(call.closes_at + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = staff_client.post(reverse("calls:staff_edit", args=[call.slug]), _form_data(call, closes_at=new_close))
    assert response.status_code == 200
    assert "The call has opened: give the reason for changing its dates." in response.content.decode()
    call.refresh_from_db()
    assert call.closes_at == closes_at and not AuditEntry.objects.filter(action__startswith="call.").exists()
    response = staff_client.post(reverse("calls:staff_edit", args=[call.slug]), _form_data(
        call, closes_at=new_close, dates_change_reason="Proroga chiesta dal Consiglio di Circoscrizione"))
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="call.dates_change")
    assert "closes_at" in entry.changes and entry.actor.email == "officer@example.org"
    assert entry.note == "Proroga chiesta dal Consiglio di Circoscrizione"


def test_a_call_cannot_be_configured_above_the_programme_cap(staff_client):
    from calls import services
    from calls.forms import CallForm

    call = CallFactory(opens_at=timezone.now() + timedelta(days=5), closes_at=timezone.now() + timedelta(days=30))
    response = staff_client.post(reverse("calls:staff_edit", args=[call.slug]),
                                 _form_data(call, max_grant="150000", total_budget="2000000"))
    assert response.status_code == 200
    assert "A call&#x27;s maximum grant cannot exceed the programme&#x27;s cap of €140,000.00." in (
        response.content.decode())
    call.refresh_from_db()
    assert call.max_grant == Decimal("140000.00")
    # The service refuses it whatever the form let through.
    form = CallForm(instance=call)
    form.instance.max_grant = Decimal("140000.01")
    with pytest.raises(services.CallError) as exc:
        services.save_call(form, by=office())
    assert exc.value.field == "max_grant"
    call.refresh_from_db()
    assert call.max_grant == Decimal("140000.00")


def test_date_change_before_opening_is_not_a_dates_change(staff_client):
    call = CallFactory(opens_at=timezone.now() + timedelta(days=5), closes_at=timezone.now() + timedelta(days=30))
    new_close = timezone.localtime(call.closes_at + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = staff_client.post(reverse("calls:staff_edit", args=[call.slug]), _form_data(call, closes_at=new_close))
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="call.dates_change").exists()
    assert AuditEntry.objects.filter(action="call.update").exists()


def test_staff_list(staff_client):
    CallFactory(title="Bando visibile allo staff", is_published=False)
    body = staff_client.get(reverse("calls:staff_list")).content.decode()
    assert "Bando visibile allo staff" in body


def test_call_list_query_count_is_flat(client):
    counts = []
    for n in (2, 30):
        while Call.objects.count() < n:
            CallFactory()
        client.get(reverse("calls:index"))
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("calls:index"))
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_demo_seed_is_idempotent():
    from types import SimpleNamespace

    import calls.demo
    import projects.demo
    import tsf.accounts.demo
    from projects.models import Proposal

    ctx = SimpleNamespace(users={}, accounts=[], data={})
    for module in (tsf.accounts.demo, calls.demo, projects.demo):
        module.seed(ctx)
    counts = (Call.objects.count(), Proposal.objects.count(), AuditEntry.objects.count())
    assert Proposal.objects.filter(call=ctx.data["call_2018"]).exclude(status="draft").count() == 40
    assert ctx.data["call_open"].is_open()
    assert ctx.data["promoter_proposal"].organisation.memberships.filter(user__email="promoter@example.org").exists()
    assert ctx.data["promoter2_proposal"].organisation.memberships.filter(user__email="promoter2@example.org").exists()
    assert ctx.data["promoter_proposal"].organisation != ctx.data["promoter2_proposal"].organisation
    ctx2 = SimpleNamespace(users={}, accounts=[], data={})
    for module in (tsf.accounts.demo, calls.demo, projects.demo):
        module.seed(ctx2)
    assert (Call.objects.count(), Proposal.objects.count(), AuditEntry.objects.count()) == counts
    numbers = list(Proposal.objects.exclude(protocol_number="").order_by("protocol_seq").values_list("protocol_number", flat=True))
    assert numbers == [f"TSF-2018-{i:04d}" for i in range(1, 41)]


def test_staff_uploads_a_document_and_bad_files_are_refused(staff_client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tsf.core.pdf import demo_pdf

    settings.MEDIA_ROOT = tmp_path
    call = CallFactory()
    url = reverse("calls:staff_edit", args=[call.slug])
    assert staff_client.get(url).status_code == 200
    data = _form_data(call, **{"docs-TOTAL_FORMS": "1", "docs-0-title_it": "Testo del bando", "docs-0-kind": "call_text",
                               "docs-0-order": "0"})
    data["docs-0-file"] = SimpleUploadedFile("bando.pdf", b"not really a pdf", content_type="application/pdf")
    response = staff_client.post(url, data)
    assert response.status_code == 200 and "not a real PDF" in response.content.decode()
    data["docs-0-file"] = SimpleUploadedFile("bando.pdf", demo_pdf("Bando"), content_type="application/pdf")
    response = staff_client.post(url, data)
    assert response.status_code == 302
    assert call.documents.get().title == "Testo del bando"
    assert AuditEntry.objects.filter(action="call.document_save").exists()


@pytest.mark.django_db
def test_a_fresh_installation_has_the_programme_and_the_reference_data():
    """Staff can create the first call in the portal: the migration loads what the form offers."""
    from calls.models import District, ImpactTheme, Programme, TargetGroup

    assert District.objects.count() == 8
    assert ImpactTheme.objects.count() == 5
    assert TargetGroup.objects.filter(code="msna").exists()
    assert Programme.objects.filter(slug="torino-social-factory").exists()
