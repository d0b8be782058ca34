"""CSV and XLSX export of a staff table: every staff list offers both.

    return export_response(request.GET.get("format"), "proposals", headers, rows)
"""
import csv
import datetime
import decimal
import io
import re

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone


class _Echo:
    def write(self, value):
        return value


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(value):
    """A cell's value: local naive times, plain types only, no control characters (openpyxl
    refuses them), and no formula injection (a leading =, +, -, @, tab or CR is neutralised)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, bool | int | float | decimal.Decimal | datetime.date | datetime.time):
        return value
    value = _CONTROL.sub("", str(value))
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_response(filename: str, headers, rows) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # so that spreadsheet programs read UTF-8
        yield writer.writerow(headers)
        for row in rows:
            yield writer.writerow([_clean(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, headers, rows) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = filename[:31]
    ws.append([str(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_clean(v) for v in row])
        for cell in ws[ws.max_row]:
            # Numbers and dates stay numbers and dates; the spreadsheet shows them the reader's way.
            if isinstance(cell.value, decimal.Decimal | float):
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, datetime.datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "dd/mm/yyyy"
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_response(fmt: str | None, filename: str, headers, rows):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{filename}-{stamp}"
    if fmt == "xlsx":
        return xlsx_response(name, headers, rows)
    return csv_response(name, headers, rows)
