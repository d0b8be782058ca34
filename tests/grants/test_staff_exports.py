"""The staff grants list exports every payment tranche and every report of the grants it lists, in
CSV and XLSX (numbers stay numbers), in a fixed number of queries."""
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from grants import services
from tests.factories import SERVICE_ACT
from tests.grants.factories import make_grant, past_call

pytestmark = pytest.mark.django_db


def _csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_tranches_and_reports_export_as_csv_and_xlsx(staff_client, staff_user):
    call = past_call()
    g1 = make_grant(call, by=staff_user, amount=Decimal("138500.00"), signed=True)
    make_grant(call, by=staff_user, amount=Decimal("52000.50"))
    services.mark_tranche_paid(g1.tranches.get(order=1), paid_on=date(2025, 2, 1), by=staff_user, **SERVICE_ACT)
    g1.tranches.filter(order=1).update(payment_order_number="M-2025-0077", payment_order_date=date(2025, 2, 3),
                                       act_number="2025 00123")
    url = reverse("grants:staff_list")
    page = staff_client.get(url).content.decode()
    assert "table=tranches&amp;format=csv" in page and "table=reports&amp;format=xlsx" in page
    rows = _csv(staff_client.get(url, {"table": "tranches", "format": "csv"}))
    assert rows[0][:3] == ["CUP", "Organisation", "Tranche"]
    tranches = [r for r in rows[1:] if r[0] == g1.cup]
    assert len(tranches) == g1.tranches.count() and tranches[0][8] == "01/02/2025"
    # The act that authorised the payment and the payment order (mandato).
    assert rows[0][9] == "Act number" and tranches[0][9] == "2025 00123"
    assert tranches[0][12:14] == ["M-2025-0077", "03/02/2025"]
    assert sum(Decimal(r[5]) for r in tranches) == Decimal("138500.00")
    response = staff_client.get(url, {"table": "tranches", "format": "xlsx", "q": g1.cup})
    sheet = load_workbook(io.BytesIO(response.content)).active
    amounts = [row[5].value for row in sheet.iter_rows(min_row=2)]
    assert all(isinstance(a, int | float) for a in amounts) and sum(amounts) == 138500  # numbers, not text
    rows = _csv(staff_client.get(url, {"table": "reports", "format": "csv", "q": g1.cup}))
    assert rows[0][:4] == ["CUP", "Organisation", "Report", "Number"]
    assert len(rows) - 1 == g1.reports.count() > 0 and {r[0] for r in rows[1:]} == {g1.cup}


def _export_queries(client, table, fmt):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("grants:staff_list"), {"table": table, "format": fmt})
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_tranches_and_reports_exports_query_count_is_flat(staff_client, staff_user):
    call = past_call()
    make_grant(call, by=staff_user, signed=True)
    staff_client.get(reverse("grants:staff_list"))
    few = {(t, f): _export_queries(staff_client, t, f) for t in ("tranches", "reports") for f in ("csv", "xlsx")}
    for _ in range(6):
        make_grant(call, by=staff_user, signed=True)
    many = {(t, f): _export_queries(staff_client, t, f) for t in ("tranches", "reports") for f in ("csv", "xlsx")}
    assert few == many


def test_the_grant_agreement_downloads_as_a_pdf_for_staff_and_the_team(staff_client, staff_user, client, make_user):
    from django.utils import translation

    from tests.pdf_text import pdf_is_tagged_pdfa, pdf_text

    member = make_user(roles=["promoter"])
    call = past_call()
    grant = make_grant(call, by=staff_user, amount=Decimal("138500.00"), member=member)
    org = grant.proposal.organisation
    org.legal_name = "Asociația Ștefan Łódź-Żółć"
    org.save(update_fields=["legal_name"])
    with translation.override("it"):
        url = reverse("grants:agreement_pdf", kwargs={"pk": grant.pk})
        assert url in staff_client.get(grant.get_absolute_url()).content.decode()
        response = staff_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert pdf_is_tagged_pdfa(response.content)
    text = pdf_text(response.content)
    assert "Convenzione di sovvenzione" in text and grant.cup in text
    assert "Asociația Ștefan Łódź-Żółć" in text and "138.500,00 €" in text
    assert "Tranche di pagamento" in text or "Rate di pagamento" in text
    client.force_login(member)
    assert client.get(url).status_code == 200
    client.force_login(make_user(roles=["promoter"]))
    assert client.get(url).status_code == 404
