"""Shared services: /healthz, the private file view, the audit log (helper and staff page), the
CSV/XLSX exports and the security headers."""
import csv
import io

import pytest
import rules
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tsf.core import audit
from tsf.core.exports import export_response
from tsf.core.files import private_file_url
from tsf.core.models import AuditEntry
from tsf.core.uploads import DocumentValidator, private_storage, upload_to

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


# /healthz ------------------------------------------------------------------------------------


def test_healthz_on_the_database_and_redis(client, db, redis_url, settings):
    from django.db import connection

    settings.REDIS_URL = redis_url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["database"] == "ok" and data["database_vendor"] == connection.vendor
    assert data["broker"] == "ok"
    assert data["status"] == "ok"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_reports_a_broker_that_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6390/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    data = response.json()
    assert data["database"] == "ok"
    assert data["broker"].startswith("error")
    assert data["status"] == "degraded"


def test_healthz_without_a_broker_runs_tasks_eagerly(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"].startswith("eager")


def test_healthz_says_when_no_worker_answers_and_when_beat_last_ran(client, db, redis_url, settings):
    """No worker consumes the test Redis, and beat never ran: the page still answers 200 (it serves
    pages), and says the background jobs are degraded; a beat a minute ago is fine, ten minutes late."""
    from django.utils import timezone
    from freezegun import freeze_time

    from tsf.core import heartbeat

    settings.REDIS_URL = redis_url
    data = client.get("/healthz").json()
    assert (data["status"], data["worker"], data["jobs"]) == ("ok", "no answer", "degraded")
    assert data["beat"] == {"last_run": None, "seconds_ago": None, "state": "never"}
    settings.REDIS_URL = ""  # eager: no worker to ask
    ran = timezone.now()
    heartbeat.record(heartbeat.BEAT, now=ran)
    with freeze_time(ran + timezone.timedelta(minutes=1)):
        data = client.get("/healthz").json()
    assert data["worker"].startswith("eager") and data["jobs"] == "ok"
    assert data["beat"]["state"] == "ok" and data["beat"]["seconds_ago"] == 60
    assert data["beat"]["last_run"] == timezone.localtime(ran).isoformat()
    with freeze_time(ran + timezone.timedelta(minutes=10)):
        data = client.get("/healthz").json()
    assert data["beat"]["state"] == "late" and data["jobs"] == "degraded"


def test_beat_and_run_periodic_write_the_heartbeat(db):
    from django.core.management import call_command

    from tsf import celery as tsf_celery
    from tsf.core import heartbeat

    assert heartbeat.last(heartbeat.BEAT) is None
    call_command("run_periodic", stdout=io.StringIO())
    first = heartbeat.last(heartbeat.BEAT)
    assert first is not None
    # In beat's process, each scheduled job it sends is a heartbeat (Celery's signals).
    tsf_celery._beat_started()
    try:
        tsf_celery._beat_sends_a_job(sender="tsf.notifications.tasks.send_pending_emails")
    finally:
        tsf_celery._in_beat.clear()
    assert heartbeat.last(heartbeat.BEAT) > first


def test_healthz_is_not_under_the_language_prefix_and_only_answers_get(client, db):
    assert client.get("/en/healthz").status_code == 404
    assert client.post("/healthz").status_code == 405


# Private files -------------------------------------------------------------------------------


@pytest.fixture
def private_doc(transactional_db, make_user):
    """No stage has a model with a private file yet: a model made for this test only (its table is
    created for the test and dropped after it: SQLite cannot change its schema inside the test's
    transaction), with its `core.view_privatedoc` rule: staff, or the person named as owner."""
    class PrivateDoc(models.Model):
        owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
        attachment = models.FileField(
            upload_to=upload_to("tests"), storage=private_storage, validators=[DocumentValidator()],
            blank=True, max_length=255,
        )
        note = models.CharField(max_length=20, blank=True)

        class Meta:
            app_label = "core"
            db_table = "tsf_test_privatedoc"

        def __str__(self):
            return self.note

    with connection.schema_editor() as editor:
        editor.create_model(PrivateDoc)
    from tsf.accounts.rules import is_staff_member

    @rules.predicate
    def is_owner(user, doc):
        return doc is not None and doc.owner_id == user.pk

    rules.add_perm("core.view_privatedoc", is_staff_member | is_owner)
    owner = make_user(roles=["promoter"])
    doc = PrivateDoc.objects.create(owner=owner)
    doc.attachment.save("../Relazione finale.pdf", ContentFile(PDF), save=True)
    empty = PrivateDoc.objects.create(owner=owner)
    try:
        yield doc, empty, owner
    finally:
        doc.attachment.delete(save=False)
        with connection.schema_editor() as editor:
            editor.delete_model(PrivateDoc)
        rules.remove_perm("core.view_privatedoc")
        del apps.all_models["core"]["privatedoc"]
        apps.clear_cache()


def test_private_file_anonymous_is_sent_to_login(client, private_doc):
    doc, _, _ = private_doc
    url = private_file_url(doc, "attachment")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # Also for an object that does not exist: nothing is told to an anonymous visitor.
    assert client.get(url.replace(f"/{doc.pk}/", "/999999/")).status_code == 302


def test_private_file_without_permission_is_refused(client, private_doc, make_user):
    doc, _, _ = private_doc
    client.force_login(make_user(roles=["promoter"]))
    assert client.get(private_file_url(doc, "attachment")).status_code == 403


@pytest.mark.parametrize("who", ["owner", "staff"])
def test_private_file_with_permission_is_served_as_attachment(client, private_doc, staff_user, who):
    doc, _, owner = private_doc
    client.force_login(owner if who == "owner" else staff_user)
    response = client.get(private_file_url(doc, "attachment"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Relazione_finale.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF
    assert doc.attachment.name.startswith("tests/") and ".." not in doc.attachment.name


def test_private_file_404s(client, private_doc, staff_user):
    doc, empty, _ = private_doc
    client.force_login(staff_user)
    url = private_file_url(doc, "attachment")
    assert client.get(url.replace(f"/{doc.pk}/", "/999999/")).status_code == 404  # no object
    assert client.get(private_file_url(empty, "attachment")).status_code == 404  # empty field
    assert client.get(url.replace("/attachment/", "/note/")).status_code == 404  # not a file field
    assert client.get(url.replace("/attachment/", "/nothing/")).status_code == 404  # no such field
    assert client.get(url.replace("/core/privatedoc/", "/core/nomodel/")).status_code == 404
    assert client.get(url.replace("/core/privatedoc/", "/noapp/privatedoc/")).status_code == 404
    # A model without a file field: the user's password is not a file.
    user_url = reverse(
        "core:private_file", kwargs={"app_label": "accounts", "model_name": "user", "pk": staff_user.pk, "field": "password"}
    )
    assert client.get(user_url).status_code == 404
    # A file that disappeared from the disk.
    doc.attachment.storage.delete(doc.attachment.name)
    assert client.get(url).status_code == 404


# The audit log -------------------------------------------------------------------------------


def test_record_keeps_who_what_which_object_and_the_changes(english, staff_user, promoter_user):
    from django.contrib.auth.models import AnonymousUser
    from django.utils.translation import gettext_lazy

    before = audit.snapshot(promoter_user, ["full_name", "language"])
    promoter_user.full_name = "Piero Nuovo"
    changes = audit.diff(promoter_user, ["full_name", "language"], before)
    assert changes == {"full_name": ["Piero Promoter", "Piero Nuovo"]}
    entry = audit.record(staff_user, "user.rename", promoter_user, changes=changes, note="requested by phone")
    entry.refresh_from_db()
    assert entry.actor == staff_user and entry.action == "user.rename"
    assert entry.content_type.model == "user" and entry.object_id == str(promoter_user.pk)
    assert entry.changes == {"full_name": ["Piero Promoter", "Piero Nuovo"]}
    # Values that JSON cannot hold directly are kept readable.
    import datetime
    import decimal

    other = audit.record(
        AnonymousUser(),
        "system.check",
        changes={
            "amount": [decimal.Decimal("10.50"), decimal.Decimal("12")],
            "when": [None, datetime.date(2018, 5, 1)],
            "label": ["", gettext_lazy("Accepted")],
            "roles": [set(), {"staff"}],
            "by": [None, staff_user],
        },
    )
    other.refresh_from_db()
    assert other.actor is None and other.object_id == ""
    assert other.changes["amount"] == ["10.50", "12"]
    assert other.changes["when"] == [None, "2018-05-01"]
    assert other.changes["label"] == ["", "Accepted"]
    assert other.changes["roles"] == [[], ["staff"]]
    assert other.changes["by"] == [None, str(staff_user)]


def _entries(actor, n, action="proposal.submit"):
    AuditEntry.objects.bulk_create(
        [AuditEntry(actor=actor, action=action, object_repr=f"Proposal {i}", changes={"status": ["draft", "submitted"]}) for i in range(n)]
    )


def test_audit_page_staff_see_filter_and_search(staff_client, staff_user, promoter_user):
    _entries(staff_user, 3)
    audit.record(promoter_user, "budget.change", note="raised the total", changes={"total": ["1000", "1200"]})
    url = reverse("core:audit_log")
    page = staff_client.get(url).content.decode()
    assert "Proposal 2" in page and "budget.change" in page
    page = staff_client.get(url, {"action": "budget.change"}).content.decode()
    assert "raised the total" in page and "Proposal 2" not in page
    # A sentence in the reader's language (Italian), the amounts the Italian way.
    assert "total da 1.000 a 1.200. Motivo: raised the total" in page
    page = staff_client.get(url, {"q": "Proposal 1"}).content.decode()
    assert "Proposal 1" in page and "raised the total" not in page
    page = staff_client.get(url, {"q": promoter_user.email}).content.decode()
    assert "budget.change</code>" in page and "Proposal 0" not in page
    page = staff_client.get(url, {"q": "nothing like this"}).content.decode()
    assert "tsf-empty" in page
    assert "format=csv" in page and "format=xlsx" in page


def test_audit_export_csv_and_xlsx_keep_the_filters(staff_client, staff_user):
    _entries(staff_user, 2)
    audit.record(staff_user, "call.publish", note="=HYPERLINK(\"http://evil\")")
    with translation.override("en"):
        url = reverse("core:audit_log")
    assert url.startswith("/en/")
    response = staff_client.get(url, {"format": "csv", "action": "call.publish"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["When", "Who", "Action", "Object", "Changes", "Note", "What happened"]
    assert len(rows) == 2 and rows[1][1] == staff_user.email and rows[1][2] == "call.publish"
    assert rows[1][5].startswith("'=")  # no formula injection
    response = staff_client.get(url, {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    ws = load_workbook(io.BytesIO(response.content)).active
    values = list(ws.values)
    assert values[0] == ("When", "Who", "Action", "Object", "Changes", "Note", "What happened")
    assert len(values) == AuditEntry.objects.count() + 1
    assert {"proposal.submit", "call.publish"} <= {v[2] for v in values[1:]}
    submitted = next(v for v in values[1:] if v[2] == "proposal.submit")
    assert submitted[4] == '{"status": ["draft", "submitted"]}'  # the raw values, as readable JSON
    assert submitted[6].endswith(": status from draft to submitted.")  # and the sentence


@pytest.mark.django_db
def test_audit_entry_reads_as_a_sentence_in_the_readers_language(staff_client, make_user):
    import datetime
    from zoneinfo import ZoneInfo

    from tests.calls.factories import CallFactory
    from tsf.core.audit_text import describe

    rome = ZoneInfo("Europe/Rome")
    officer = make_user("mario.rossi@example.org", roles=["staff"], full_name="Mario Rossi")
    call = CallFactory(title="Bando Torino Social Factory 2027")
    entry = audit.record(officer, "call.dates_change", call, note="Proroga chiesta dagli enti del terzo settore",
                         changes={"closes_at": [datetime.datetime(2027, 2, 4, 12, 0, tzinfo=rome),
                                                datetime.datetime(2027, 2, 1, 12, 0, tzinfo=rome)]})
    expected_it = ("Mario Rossi ha cambiato le date del bando «Bando Torino Social Factory 2027» dopo la sua "
                   "apertura: chiusura da 4 febbraio 2027, 12:00 a 1 febbraio 2027, 12:00. "
                   "Motivo: Proroga chiesta dagli enti del terzo settore")
    with translation.override("it"):
        assert describe(entry) == expected_it
        page = staff_client.get(reverse("core:audit_log")).content.decode()
    assert expected_it.replace("«", "&laquo;").replace("»", "&raquo;") in page or expected_it in page
    with translation.override("en"):
        assert describe(entry) == (
            "Mario Rossi changed the dates of the call “Bando Torino Social Factory 2027” after it opened: "
            "closes at from 4 February 2027, 12:00 to 1 February 2027, 12:00. "
            "Reason: Proroga chiesta dagli enti del terzo settore")
        response = staff_client.get(reverse("core:audit_log"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    row = next(r for r in rows if r[2] == "call.dates_change")
    # The raw values stay in the export beside the sentence.
    assert row[4] == '{"closes_at": ["2027-02-04T12:00:00+01:00", "2027-02-01T12:00:00+01:00"]}'
    assert row[6].startswith("Mario Rossi changed the dates of the call")


def test_audit_page_is_for_staff_only(client, promoter_client, make_user):
    url = reverse("core:audit_log")
    assert promoter_client.get(url).status_code == 403
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert client.get(url, {"format": "csv"}).status_code == 302
    client.force_login(make_user(roles=["staff"], mfa=False))
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    assert client.get(url, {"format": "xlsx"})["Location"] == reverse("mfa_activate_totp")


def test_audit_page_query_count_is_flat(staff_client, staff_user, make_user):
    url = reverse("core:audit_log")
    _entries(staff_user, 5)
    staff_client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(url).status_code == 200
    for i in range(5):  # several people and actions
        _entries(make_user(), 19, action=f"action.{i}")
    with CaptureQueriesContext(connection) as many:
        assert staff_client.get(url).status_code == 200
    assert AuditEntry.objects.count() >= 100  # granting roles is audited too
    assert len(few) == len(many), [q["sql"] for q in many.captured_queries]


# Exports and headers -------------------------------------------------------------------------


def test_export_cleans_cells(rf):
    import datetime
    import zoneinfo

    rome = zoneinfo.ZoneInfo("Europe/Rome")
    rows = [["=1+1", "+39 011", "@x", "-5", "ok\x07bell", {"a": 1}, datetime.datetime(2018, 5, 1, 10, 0, tzinfo=rome), 3]]
    response = export_response("xlsx", "test", ["A", "B", "C", "D", "E", "F", "G", "H"], rows)
    ws = load_workbook(io.BytesIO(response.content)).active
    values = list(ws.values)[1]
    assert values[:6] == ("'=1+1", "'+39 011", "'@x", "'-5", "okbell", "{'a': 1}")
    assert values[6] == datetime.datetime(2018, 5, 1, 10, 0)  # local time of Turin
    assert values[7] == 3


def test_security_headers_on_pages(client, db):
    response = client.get("/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_csv_opens_in_a_spreadsheet_set_to_the_readers_language():
    import datetime
    from decimal import Decimal

    rows = [["Cooperativa Łódź", Decimal("85000.50"), datetime.date(2027, 3, 15), 3]]
    with translation.override("it"):
        response = export_response("csv", "test", ["Ente", "Importo (EUR)", "Data", "N"], rows)
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())  # UTF-8 with a byte-order mark
    assert raw.decode("utf-8-sig").splitlines() == ["Ente;Importo (EUR);Data;N",
                                                    "Cooperativa Łódź;85000,50;15/03/2027;3"]
    with translation.override("en"):
        response = export_response("csv", "test", ["Org", "Amount (EUR)", "Date", "N"], rows)
    assert b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[1] == (
        "Cooperativa Łódź,85000.50,15/03/2027,3")


def test_quick_select_escapes_as_django_s_select_does():
    from django import forms
    from django.utils import translation
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from tsf.core.forms import QuickSelect

    class Form(forms.Form):
        kind = forms.ChoiceField(required=False, widget=QuickSelect, choices=[
            ("", gettext_lazy("All")), ("a&b", 'Bar & "Forno" <b>\'s</b>'), (3, mark_safe("<i>kept</i>")),
            ("<x>", gettext_lazy("Status"))])

    with translation.override("it"):
        html = str(Form({"kind": "a&b"})["kind"])
    assert html == ('<select id="id_kind" name="kind"><option value="">Tutti</option>'
                    '<option value="a&amp;b" selected>Bar &amp; &quot;Forno&quot; &lt;b&gt;&#x27;s&lt;/b&gt;</option>'
                    '<option value="3"><i>kept</i></option><option value="&lt;x&gt;">Stato</option></select>')
