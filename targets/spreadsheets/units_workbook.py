"""The units workbook as a file: its sheets and columns, written from the records and read back
as rows of text (targets.units.workbook checks and applies them).

Three sheets: the provincial departments (省直部门), the county departments (县级部门) and the
province's responsibility matrix (省级分工: per measure, the lead unit and the cooperating
units, by name as a task-division plan writes them). Headers, sheet titles and yes/no are in the
site's language whatever the page is read in, so that a file exported by one admin reads for
another. Columns marked ``shown`` are there to be read by people and are ignored on import."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.files.base import File
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.spreadsheets.exports import Column, Table
from targets.spreadsheets.xlsx_input import (
    RowError,
    in_workbook_language,
    open_workbook,
    refuse_declared_span,
    rows_of,
    text,
)

# Rows below the header, per sheet: some hundred units and a few dozen measures; room to grow,
# and a bound on what one import reads.
MAX_ROWS = 5_000
SEPARATOR = "、"


@dataclass(frozen=True)
class SheetSpec:
    key: str
    title: object  # lazy text
    # (key, header, shown only)
    columns: tuple[tuple[str, object, bool], ...]

    def headers(self) -> list[str]:
        with in_workbook_language():
            return [str(header) for _key, header, _shown in self.columns]

    def sheet_title(self) -> str:
        with in_workbook_language():
            return str(self.title)

    def column(self, key: str) -> str:
        """A column's letter and header, as row errors name it, e.g. "C(名称)"."""
        keys = [k for k, _h, _s in self.columns]
        index = keys.index(key)
        return f"{chr(ord('A') + index)}({self.headers()[index]})"


DEPARTMENTS = SheetSpec(
    "departments",
    gettext_lazy("省直部门"),
    (
        ("code", gettext_lazy("代码"), False),
        ("name", gettext_lazy("名称"), False),
        ("name_en", gettext_lazy("英文名称"), False),
        ("is_active", gettext_lazy("启用"), False),
        ("members", gettext_lazy("成员数"), True),
    ),
)
COUNTY_DEPARTMENTS = SheetSpec(
    "county_departments",
    gettext_lazy("县级部门"),
    (
        ("county", gettext_lazy("县(市、区)代码"), False),
        ("county_name", gettext_lazy("县(市、区)"), True),
        ("code", gettext_lazy("代码"), False),
        ("name", gettext_lazy("名称"), False),
        ("name_en", gettext_lazy("英文名称"), False),
        ("is_active", gettext_lazy("启用"), False),
        ("members", gettext_lazy("成员数"), True),
    ),
)
MATRIX = SheetSpec(
    "matrix",
    gettext_lazy("省级分工"),
    (
        ("measure", gettext_lazy("举措编号"), False),
        ("measure_text", gettext_lazy("举措"), True),
        ("lead", gettext_lazy("牵头单位"), False),
        ("cooperating", gettext_lazy("配合单位"), False),
    ),
)
SHEETS = (DEPARTMENTS, COUNTY_DEPARTMENTS, MATRIX)


def yes_no(value: bool) -> str:
    with in_workbook_language():
        return str(_("是") if value else _("否"))


def read_yes_no(cell: object) -> bool | None:
    """是/否 (or yes/no, true/false, 1/0); None for anything else."""
    written = text(cell).lower()
    with in_workbook_language():
        yes, no = str(_("是")), str(_("否"))
    if written in {yes, "yes", "y", "true", "1", "启用"}:
        return True
    if written in {no, "no", "n", "false", "0", "停用"}:
        return False
    return None


def names(cell: object) -> list[str]:
    """The units named in a cell, separated by 、 , ; or a line break."""
    written = text(cell)
    for separator in (",", ",", ";", ";", "\n"):
        written = written.replace(separator, SEPARATOR)
    return [name.strip() for name in written.split(SEPARATOR) if name.strip()]


def tables(
    departments: Iterable[list[object]],
    county_departments: Iterable[list[object]],
    matrix: Iterable[list[object]],
) -> list[Table]:
    """The workbook's sheets from rows already in column order."""
    rows = {"departments": departments, "county_departments": county_departments, "matrix": matrix}
    return [
        Table(
            "units",
            spec.sheet_title(),
            [Column(h) for h in spec.headers()],
            rows[spec.key],
        )
        for spec in SHEETS
    ]


@dataclass
class SheetRows:
    spec: SheetSpec
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    present: bool = False


@dataclass
class UnitsFile:
    sheets: dict[str, SheetRows]
    errors: list[RowError] = field(default_factory=list)


def read(upload: "File[bytes]") -> UnitsFile:
    """Every sheet's filled rows as {column key: cell}, with their row numbers. A missing sheet
    or a header unlike the export's is an error of the file; ImportRefused when the file cannot
    be read at all."""
    book = open_workbook(upload)
    found = {sheet.title: sheet for sheet in book.worksheets}
    for sheet in found.values():
        refuse_declared_span(sheet, MAX_ROWS)
    result = UnitsFile({spec.key: SheetRows(spec) for spec in SHEETS})
    for spec in SHEETS:
        title = spec.sheet_title()
        if title not in found:
            result.errors.append(RowError(title, 0, "", _("缺少这个工作表。")))
            continue
        rows: Iterator[tuple[object, ...]] = rows_of(found[title], max_rows=MAX_ROWS)
        headers = spec.headers()
        if [text(h) for h in next(rows, ())][: len(headers)] != headers:
            result.errors.append(
                RowError(
                    title,
                    1,
                    "",
                    _("列与导出的不一致(应为:%(h)s)。请先导出,在导出的文件上修改。")
                    % {"h": "、".join(headers)},
                )
            )
            continue
        keys = [key for key, _h, _s in spec.columns]
        read_rows = result.sheets[spec.key]
        read_rows.present = True
        for number, row in enumerate(rows, start=2):
            cells = dict(zip(keys, [*row, *[None] * len(keys)], strict=False))
            if any(text(cells[key]) for key, _h, shown in spec.columns if not shown):
                read_rows.rows.append((number, cells))
    return result
