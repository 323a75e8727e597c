"""Reading an uploaded .xlsx safely: refused with a message when it is too big, not a workbook or
damaged; cell values as text; errors located by sheet, row and column."""

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import File
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet  # the sheets of open_workbook

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a small file may unpack to gigabytes (a zip bomb)
# No sheet the app reads has more than a dozen columns. A sheet is read as wide as it says it is
# (its "dimension"), every row padded to that width: a small file declaring A1:XFD1048576 would
# otherwise keep a worker busy for minutes.
MAX_COLUMNS = 100


def in_workbook_language() -> translation.override:
    """Workbooks that people fill in and send back carry the site's language (Chinese) in their
    headers, sheet names and labels, whatever language the page is read in; messages about them
    stay in the user's language."""
    return translation.override(settings.LANGUAGE_CODE)


class ImportRefused(Exception):
    """The file as a whole cannot be read (not Excel, empty, wrong columns, too big)."""


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str  # the column's letter and header, e.g. "G(数值)"
    message: str


def open_workbook(upload: "File[bytes]") -> Workbook:
    """The workbook, read-only, or ImportRefused."""
    if upload.size > MAX_BYTES:
        raise ImportRefused(
            _("文件太大(%(size).1f MB),上限为 %(limit)d MB。")
            % {"size": upload.size / 1024 / 1024, "limit": MAX_BYTES // 1024 // 1024}
        )
    upload.seek(0)
    if not zipfile.is_zipfile(upload):
        raise ImportRefused(_("这不是Excel文件(.xlsx)。请使用下载的模板填写后上传。"))
    upload.seek(0)
    try:
        unpacked = sum(item.file_size for item in zipfile.ZipFile(upload).infolist())
    except zipfile.BadZipFile as error:
        raise ImportRefused(_("无法读取这个Excel文件,文件可能已损坏。")) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRefused(_("文件解压后太大,请删去无关的工作表和格式后再上传。"))
    upload.seek(0)
    try:
        return load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportRefused(_("无法读取这个Excel文件,文件可能已损坏。")) from error


def text(cell: object) -> str:
    """A cell as text, stripped; a whole number Excel made of a code loses its ".0"."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def rows_of(
    sheet: ReadOnlyWorksheet, *, max_rows: int | None = None
) -> Iterator[tuple[object, ...]]:
    """The sheet's rows as values. A sheet that says it spans more than MAX_COLUMNS columns, or
    more than max_rows rows below its header, is refused before a row is read; rows are counted
    and measured as read too (a sheet need not say its span). A sheet damaged inside a sound zip
    is refused."""
    refuse_declared_span(sheet, max_rows)
    try:
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if len(row) > MAX_COLUMNS:
                raise ImportRefused(
                    _("工作表“%(sheet)s”第%(row)d行的列太多,最多 %(limit)d 列。")
                    % {"sheet": sheet.title, "row": number, "limit": MAX_COLUMNS}
                )
            if max_rows is not None and number - 1 > max_rows:
                raise ImportRefused(
                    _("工作表“%(sheet)s”的数据行太多,最多 %(limit)d 行。")
                    % {"sheet": sheet.title, "limit": max_rows}
                )
            yield row
    except ImportRefused:
        raise
    except Exception as error:  # the XML parser's errors, as openpyxl lets them through
        raise ImportRefused(_("无法读取这个Excel文件,文件可能已损坏。")) from error


def refuse_declared_span(sheet: ReadOnlyWorksheet, max_rows: int | None) -> None:
    """ImportRefused when the sheet says it spans more than MAX_COLUMNS columns or more than
    max_rows rows below its header (read from its first bytes, not its rows)."""
    rows, columns = sheet.max_row, sheet.max_column  # None when the sheet does not say
    if rows is None or columns is None:
        return
    span = (
        f"{get_column_letter(sheet.min_column)}{sheet.min_row}:{get_column_letter(columns)}{rows}"
    )
    if columns > MAX_COLUMNS:
        raise ImportRefused(
            _(
                "工作表“%(sheet)s”的范围是 %(span)s,共 %(count)d 列,最多 %(limit)d 列。"
                "请删除多余的列(包括空白但设置了格式的列)后再上传。"
            )
            % {"sheet": sheet.title, "span": span, "count": columns, "limit": MAX_COLUMNS}
        )
    if max_rows is not None and rows - 1 > max_rows:
        raise ImportRefused(
            _(
                "工作表“%(sheet)s”的范围是 %(span)s,共 %(count)d 行,最多 %(limit)d 行数据。"
                "请删除多余的行(包括空白但设置了格式的行)后再上传。"
            )
            % {"sheet": sheet.title, "span": span, "count": rows, "limit": max_rows}
        )
