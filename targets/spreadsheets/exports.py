"""Any table on screen as a download: .xlsx (Chinese headers, frozen header row, filters on, number
formats, column widths that fit) or CSV that Excel opens as UTF-8 (with a byte-order mark). Rows
are written as they come (openpyxl's write-only mode spills to a temporary file), so memory stays
flat however many rows there are.

Every export goes through ``response`` or ``workbook_response``, which take the export's audit
record (``audit.Export``) and write it once the file is complete, with the number of rows: a
workbook's when it is written, before the response goes out; a CSV's when its last row has been
streamed. An export that fails writes no record; a CSV the client stops reading midway writes a
failure record with the rows sent until then."""

import csv
import datetime
import io
import itertools
import logging
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from targets.audit.trail import Export
from targets.models import AuditRecord

log = logging.getLogger(__name__)

FORMATS = ("xlsx", "csv")
NUMBER_FORMATS = {
    "int": "0",
    "decimal": "#,##0.####",
    "percent": '0"%"',  # a whole number of percent, as on screen
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
}
CELL_LIMIT = 32_767  # the most characters an Excel cell holds
SAMPLE_ROWS = 200  # rows read ahead to size the columns
MAX_WIDTH = 60


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text, int, decimal, percent, date, datetime


@dataclass
class Table:
    name: str  # the file's name, without extension
    title: str  # the sheet's title
    columns: Sequence[Column]
    rows: Iterable[Sequence]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _plain(value):
    """A cell's value as Excel takes it: local naive times, lazy strings resolved, and no
    character that a workbook cannot hold (a form feed pasted from Word, say)."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if value is None or isinstance(value, int | float | Decimal | datetime.date):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _width(value) -> int:
    """Display width: CJK characters take two columns."""
    text = (
        value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime.datetime) else str(value)
    )
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _write_sheet(book: Workbook, table: Table) -> int:
    """The table as a sheet of the book; the number of rows written (the header not counted)."""
    sheet = book.create_sheet(title=table.title[:31])
    rows = (list(map(_plain, row)) for row in table.rows)
    sample = list(itertools.islice(rows, SAMPLE_ROWS))
    for index, column in enumerate(table.columns, start=1):
        widest = max([_width(column.header), *(_width(r[index - 1] or "") for r in sample)])
        sheet.column_dimensions[get_column_letter(index)].width = min(widest + 2, MAX_WIDTH)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = [NUMBER_FORMATS.get(c.kind) for c in table.columns]
    count = 0
    for row in itertools.chain(sample, rows):
        cells = []
        for value, number_format in zip(row, formats, strict=True):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                if len(value) > CELL_LIMIT:  # Excel would call the whole file damaged
                    cut = str(_("…(已截断)"))
                    cell.value = value[: CELL_LIMIT - len(cut)] + cut
                cell.data_type = "s"  # text users wrote is text, never a formula
            elif number_format and value is not None:
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)
        count += 1
    last = get_column_letter(len(table.columns))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    return count


def _xlsx_file(tables: Sequence[Table]):
    """The tables as the sheets of one workbook, in a temporary file; and their rows in all."""
    book = Workbook(write_only=True)
    rows = sum(_write_sheet(book, table) for table in tables)
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (the response streams and closes it)
    book.save(spool)
    spool.seek(0)
    return spool, rows


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_values(row: Sequence) -> list:
    """A row's cells as a CSV line holds them."""
    values = []
    for cell in map(_plain, row):
        value = cell
        if isinstance(cell, datetime.datetime):
            value = cell.strftime("%Y-%m-%d %H:%M:%S")
        elif isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
            value = "'" + cell  # Excel would run it as a formula (CSV injection)
        values.append("" if value is None else value)
    return values


def _csv_lines(table: Table, audit: Export) -> Iterator[str]:
    """The CSV's lines as the client reads them; the audit record after the last one."""
    writer = csv.writer(_Echo())
    count = 0
    try:
        yield "\ufeff" + writer.writerow([c.header for c in table.columns])
        for row in table.rows:
            count += 1
            yield writer.writerow(csv_values(row))
    except GeneratorExit:  # the client went away: the rows handed out are recorded, as a failure
        try:
            audit.record(fmt="csv", rows=count, outcome=AuditRecord.Outcome.FAILURE)
        except Exception:
            log.exception("the record of an interrupted export could not be written")
        raise
    audit.record(fmt="csv", rows=count)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_response(tables: Sequence[Table], name: str, audit: Export) -> FileResponse:
    """Several tables as the sheets of one .xlsx download, recorded with their rows in all."""
    spool, rows = _xlsx_file(tables)
    audit.record(fmt="xlsx", rows=rows)
    return FileResponse(spool, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX)


def response(table: Table, fmt: str, audit: Export):
    """The table as a download in ``fmt`` (one of FORMATS), recorded as ``audit`` says."""
    if fmt == "xlsx":
        return workbook_response([table], table.name, audit)
    answer = StreamingHttpResponse(_csv_lines(table, audit), content_type="text/csv; charset=utf-8")
    answer["Content-Disposition"] = content_disposition_header(True, f"{table.name}.csv")
    return answer


def write(table: Table, fmt: str, out: BinaryIO) -> int:
    """The table written into ``out`` in ``fmt`` (for a file the worker makes), row by row as it
    is read; the rows written. Recorded in the audit trail when it is downloaded."""
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        rows = _write_sheet(book, table)
        book.save(out)
        return rows
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([c.header for c in table.columns])
    rows = 0
    for row in table.rows:
        writer.writerow(csv_values(row))
        rows += 1
    text.flush()
    text.detach()  # the caller closes ``out``
    return rows


def requested(request) -> str | None:
    """The export format asked for in the query string (``?export=xlsx``), if any."""
    fmt = request.GET.get("export")
    return fmt if fmt in FORMATS else None
