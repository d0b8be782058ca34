"""CSV and XLSX export of a staff table: every staff list offers both.

The CSV is written for a spreadsheet set to the reader's language: UTF-8 with a byte-order mark;
for a staff table read in Italian, fields separated by semicolons, numbers with a decimal comma and
no grouping ("85000,50"), dates "dd/mm/yyyy" (what Excel and LibreOffice set to Italian open as
columns and numbers); read in English, commas and a decimal point. A public open-data file
(`csv_response` without a language) is RFC 4180: commas, decimal point. The XLSX keeps numbers and
dates as such.

    return export_response(request.GET.get("format"), "proposals", headers, rows)
"""
import csv
import datetime
import decimal
import io
import re

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation


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


def csv_dialect(language: str | None) -> tuple[str, str]:
    """(separator, decimal mark) of a CSV for a spreadsheet set to `language`; without a language,
    RFC 4180 (commas, decimal point: the public open-data files, e.g. the transparency table)."""
    if not language or language.split("-")[0] == "en":
        return ",", "."
    return ";", ","


def _csv_cell(value, decimal_mark: str):
    value = _clean(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, decimal.Decimal | float):
        return str(value).replace(".", decimal_mark)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return value


def csv_response(filename: str, headers, rows, *, spreadsheet_language: str | None = None) -> StreamingHttpResponse:
    language = translation.get_language()
    separator, decimal_mark = csv_dialect(spreadsheet_language)
    writer = csv.writer(_Echo(), delimiter=separator)

    def stream():
        # The rows are read while the response streams: in the language of the request.
        with translation.override(language):
            yield "\ufeff"  # so that spreadsheet programs read UTF-8
            yield writer.writerow([str(h) for h in headers])
            for row in rows:
                yield writer.writerow([_csv_cell(v, decimal_mark) for v in row])

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
    return csv_response(name, headers, rows, spreadsheet_language=translation.get_language())
