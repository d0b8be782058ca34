"""The staff list of calls exports as CSV and XLSX; the CSV read in Italian opens as columns in a
spreadsheet set to Italian (semicolons, decimal comma, UTF-8 with BOM)."""
import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tests.calls.factories import CallFactory

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def test_calls_export_csv_in_italian_and_xlsx_with_numbers(staff_client):
    CallFactory(title="Bando Torino Social Factory 2031", year=2031, max_grant=Decimal("140000.00"),
                total_budget=Decimal("1680000.50"), opens_at=datetime(2031, 1, 10, 9, 0, tzinfo=ROME),
                closes_at=datetime(2031, 3, 1, 12, 0, tzinfo=ROME))
    with translation.override("it"):
        url = reverse("calls:staff_list")
        assert "format=xlsx" in staff_client.get(url).content.decode()
        response = staff_client.get(url, {"format": "csv", "q": "2031"})
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Bando" and len(rows) == 2
    assert rows[1][:7] == ["Bando Torino Social Factory 2031", "2031", "10/01/2031 09:00", "01/03/2031 12:00", "sì",
                           "1680000,50", "140000,00"]
    with translation.override("it"):
        response = staff_client.get(reverse("calls:staff_list"), {"format": "xlsx", "q": "2031"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    row = [c.value for c in sheet[2]]
    assert row[5] == 1680000.5 and row[6] == 140000 and row[7] == 0


def test_calls_export_query_count_is_flat(staff_client):
    counts = []
    for n in (2, 30):
        for _ in range(n):
            CallFactory()
        staff_client.get(reverse("calls:staff_list"))
        with CaptureQueriesContext(connection) as ctx:
            b"".join(staff_client.get(reverse("calls:staff_list"), {"format": "csv"}).streaming_content)
        counts.append(len(ctx))
    assert counts[0] == counts[1]
