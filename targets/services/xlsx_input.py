"""Reading an uploaded .xlsx safely: refused with a message when it is too big, not a workbook or
damaged; cell values as text; errors located by sheet, row and column."""

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a small file may unpack to gigabytes (a zip bomb)


def in_workbook_language():
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


def open_workbook(upload):
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


def text(cell) -> str:
    """A cell as text, stripped; a whole number Excel made of a code loses its ".0"."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def rows_of(sheet):
    """The sheet's rows as values; a sheet damaged inside a sound zip is refused."""
    try:
        yield from sheet.iter_rows(values_only=True)
    except Exception as error:  # the XML parser's errors, as openpyxl lets them through
        raise ImportRefused(_("无法读取这个Excel文件,文件可能已损坏。")) from error
