"""CSV and XLSX exports of submission lists, with Chinese column headers.

Every text cell is made safe from what is already stored, whatever wrote it: control and
invisible characters become U+FFFD (openpyxl refuses most of them and the whole export would
fail for one bad row), and text a spreadsheet would run as a formula stays text: prefixed with
an apostrophe in CSV, stored as a string cell in XLSX.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from newsportal.text import strip_control_characters

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Spreadsheet programs run cells starting with these as formulas (CSV injection). The full-width
# forms are cheap insurance: East Asian spreadsheet programs may turn them into their ASCII forms.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# Shown in place of each run of control characters, so staff see that something was there.
REPLACEMENT = "\ufffd"


def _value(obj, name):
    """A field's display value: choice labels, related objects as text, local times."""
    if callable(name):
        return _cell(name(obj))
    display = getattr(obj, f"get_{name}_display", None)
    return _cell(display() if display else getattr(obj, name))


def _cell(value):
    """What a spreadsheet cell holds for `value`: numbers as numbers, everything else as clean text."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if value is None:
        return ""
    if isinstance(value, int | float | bool | Decimal):
        return value
    return strip_control_characters(str(value), multiline=True, replacement=REPLACEMENT)


def dated_entries(entries):
    """(datetime, text) pairs as one cell: each entry on its own lines, headed by its local time."""
    return "\n\n".join(f"{timezone.localtime(when):%Y-%m-%d %H:%M}\n{text}" for when, text in entries)


def table(queryset, columns):
    """(headers, rows) for `columns`: (header, field name or callable) pairs."""
    headers = [header for header, _ in columns]
    return headers, ([_value(obj, name) for _, name in columns] for obj in queryset.iterator(chunk_size=500))


def _safe_csv(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _as_download(response, stem, extension):
    """`response` as a file to save, named after `stem` and today's (local) date."""
    response["Content-Disposition"] = f'attachment; filename="{stem}-{timezone.localdate():%Y%m%d}.{extension}"'
    return response


def csv_response(queryset, columns, stem):
    headers, rows = table(queryset, columns)
    response = _as_download(HttpResponse(content_type="text/csv; charset=utf-8"), stem, "csv")
    response.write("\ufeff")  # the BOM makes Excel read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_safe_csv(value) for value in row])
    return response


def xlsx_response(queryset, columns, stem, title):
    headers, rows = table(queryset, columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(headers)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even "=…": never a formula
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _as_download(HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE), stem, "xlsx")
