"""The task list in Excel: the template of a county and year (its current tasks filled in, one
row per milestone), read back row by row with every error named by row and column, and the
ledger (台账) of the list in force. A file with any error changes nothing."""

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.files.base import File
from django.utils.translation import gettext as _

from targets.countyplans.checks import MilestoneInput, Problem, TaskInput, check_task
from targets.countyplans.content import FiledTask
from targets.countyplans.scope import measures_open_to
from targets.models import County, CountyDepartment, Indicator, Task
from targets.plan.outline import current_plan
from targets.spreadsheets.exports import Column, Table
from targets.spreadsheets.xlsx_input import (
    ImportRefused,
    RowError,
    in_workbook_language,
    open_workbook,
    rows_of,
    text,
)

MAX_ROWS = 2000
# The template's columns, by key; their headers are in the workbook's language (Chinese).
KEYS = [
    "county",
    "measure",
    "number",
    "title",
    "content",
    "department",
    "expected_result",
    "target_value",
    "target_unit",
    "indicator",
    "m_title",
    "m_due_on",
    "m_weight",
]
KINDS = {"number": "int", "target_value": "decimal", "m_due_on": "date", "m_weight": "int"}
MILESTONE_KEYS = {"title": "m_title", "due_on": "m_due_on", "weight": "m_weight"}


def headers() -> list[str]:
    with in_workbook_language():
        return [
            _("县代码"),
            _("举措编号"),
            _("任务序号"),
            _("任务名称"),
            _("任务内容"),
            _("责任部门"),
            _("预期成效"),
            _("目标值"),
            _("计量单位"),
            _("关联指标编号"),
            _("节点内容"),
            _("完成时限"),
            _("权重(%)"),
        ]


def sheet_title() -> str:
    with in_workbook_language():
        return _("任务清单")


def template(county: County, year: int, tasks: Sequence[Task]) -> Table:
    """The county's list as it is (or empty, with one example row's worth of columns): one row
    per milestone, a task's columns on each of its rows."""
    columns = [Column(h, KINDS.get(key, "text")) for key, h in zip(KEYS, headers(), strict=True)]

    def rows() -> Iterator[list[object]]:
        for number, task in enumerate(tasks, start=1):
            head = [
                county.code,
                task.measure.code,
                number,
                task.title,
                task.content,
                task.department.name if task.department else "",
                task.expected_result,
                task.target_value,
                task.target_unit,
                task.indicator.code if task.indicator else "",
            ]
            milestones = list(task.milestones.all())
            if not milestones:
                yield [*head, "", None, None]
            for milestone in milestones:
                yield [*head, milestone.title, milestone.due_on, milestone.weight]

    with in_workbook_language():
        name = _("%(county)s%(year)d年度任务清单模板") % {"county": county.name, "year": year}
    return Table(name=name, title=sheet_title(), columns=columns, rows=rows())


def ledger(county: County, year: int, tasks: Sequence[FiledTask], is_demo: bool) -> Table:
    """The list in force as the county's ledger (台账): one row per task, its milestones in one
    cell."""
    demo = f"({_('演示')})" if is_demo else ""
    columns = [
        Column(_("序号"), "int"),
        Column(_("举措编号")),
        Column(_("举措")),
        Column(_("任务名称")),
        Column(_("任务内容")),
        Column(_("责任部门")),
        Column(_("预期成效")),
        Column(_("目标值"), "decimal"),
        Column(_("计量单位")),
        Column(_("关联指标编号")),
        Column(_("时间节点")),
    ]
    rows = (
        [
            number,
            task.measure,
            task.measure_name,
            task.title + demo,
            task.content,
            task.department or _("县牵头办"),
            task.expected_result,
            Decimal(task.target_value) if task.target_value is not None else None,
            task.target_unit,
            task.indicator,
            ";".join(f"{m.due_on.isoformat()} {m.title}({m.weight}%)" for m in task.milestones),
        ]
        for number, task in enumerate(tasks, start=1)
    )
    name = _("%(county)s%(year)d年度任务清单台账") % {"county": county.label, "year": year}
    return Table(name=name, title=_("台账"), columns=columns, rows=rows)


class FileErrors(Exception):
    """The rows' errors: nothing of the file is saved."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} errors")


@dataclass
class _Task:
    row: int  # its first row
    number: int
    data: TaskInput
    milestone_rows: list[int] = field(default_factory=list)


class _Reader:
    def __init__(self, county: County, year: int):
        self.county, self.year = county, year
        self.errors: list[RowError] = []
        self.headers = headers()
        self.measures = {m.code: m for m in measures_open_to(county, year)}
        self.departments: dict[str, CountyDepartment] = {}
        for unit in CountyDepartment.objects.filter(county=county, is_active=True):
            self.departments[unit.name] = unit
            self.departments[unit.code] = unit
        self.indicators = {
            i.code: i
            for i in Indicator.objects.filter(plan=current_plan(), level=Indicator.Level.COUNTY)
        }

    def fail(self, row: int, key: str, message: str) -> None:
        index = KEYS.index(key)
        column = f"{chr(ord('A') + index)}({self.headers[index]})"
        self.errors.append(RowError(sheet_title(), row, column, message))

    def decimal(self, row: int, cell: object) -> Decimal | None:
        value = text(cell)
        if not value:
            return None
        try:
            number = Decimal(value.replace(",", ""))
        except InvalidOperation:
            self.fail(row, "target_value", _("“%(value)s”不是数字。") % {"value": value})
            return None
        if not number.is_finite() or abs(number) >= Decimal("1e12"):
            self.fail(row, "target_value", _("“%(value)s”不是有效的目标值。") % {"value": value})
            return None
        return number

    def date(self, row: int, cell: object) -> datetime.date | None:
        if isinstance(cell, datetime.datetime):
            return cell.date()
        if isinstance(cell, datetime.date):
            return cell
        value = text(cell)
        try:
            return datetime.date.fromisoformat(value.replace("/", "-"))
        except ValueError:
            self.fail(
                row,
                "m_due_on",
                _("“%(value)s”不是日期,请写成 2026-06-30 的形式。") % {"value": value},
            )
            return None

    def weight(self, row: int, cell: object) -> int | None:
        value = text(cell)
        if not value.isdigit():
            self.fail(row, "m_weight", _("权重“%(value)s”须为整数。") % {"value": value})
            return None
        return int(value)

    def task(self, row: int, cells: dict[str, object]) -> TaskInput | None:
        measure = self.measures.get(text(cells["measure"]))
        if measure is None:
            self.fail(
                row,
                "measure",
                _("举措编号“%(code)s”不存在或不适用于本县。") % {"code": text(cells["measure"])},
            )
        department = None
        if name := text(cells["department"]):
            department = self.departments.get(name)
            if department is None:
                self.fail(
                    row,
                    "department",
                    _("“%(name)s”不是本县启用的部门;留空表示由县牵头办负责。") % {"name": name},
                )
        indicator = None
        if code := text(cells["indicator"]):
            indicator = self.indicators.get(code)
            if indicator is None:
                self.fail(row, "indicator", _("县级指标“%(code)s”不存在。") % {"code": code})
        target = self.decimal(row, cells["target_value"])
        if measure is None:
            return None
        return TaskInput(
            measure=measure,
            title=text(cells["title"]),
            content=text(cells["content"]),
            department=department,
            expected_result=text(cells["expected_result"]),
            target_value=target,
            target_unit=text(cells["target_unit"]),
            indicator=indicator,
        )

    def read(self, upload: "File[bytes]") -> list[TaskInput]:
        book = open_workbook(upload)
        title = sheet_title()
        if title not in book.sheetnames:
            raise ImportRefused(
                _("文件中没有“%(sheet)s”工作表。请使用下载的模板填写后上传。") % {"sheet": title}
            )
        rows = rows_of(book[title], max_rows=MAX_ROWS)
        found = [text(c) for c in next(rows, ())]
        while found and not found[-1]:
            found.pop()
        if found != self.headers:
            wrong = next(
                (
                    f"{chr(ord('A') + i)}"
                    for i, h in enumerate(self.headers)
                    if i >= len(found) or found[i] != h
                ),
                chr(ord("A") + len(self.headers)),
            )
            raise ImportRefused(
                _("表头与模板不符(从第 %(column)s 列起),应为:%(headers)s。请使用下载的模板。")
                % {"column": wrong, "headers": "、".join(self.headers)}
            )
        tasks: dict[int, _Task] = {}
        for row, values in enumerate(rows, start=2):
            cells = dict(zip(KEYS, [*values, *[None] * len(KEYS)], strict=False))
            if not any(text(v) for v in values):
                continue
            self.one_row(row, cells, tasks)
        for task in tasks.values():
            self.check(task)
        if self.errors:
            raise FileErrors(self.errors)
        if not tasks:
            raise ImportRefused(_("文件中没有任务。"))
        return [task.data for task in tasks.values()]

    def one_row(self, row: int, cells: dict[str, object], tasks: dict[int, _Task]) -> None:
        county = text(cells["county"])
        if county != self.county.code:
            self.fail(
                row,
                "county",
                _("这一行是县代码“%(code)s”的,不是%(county)s(%(own)s)的;只能导入本县的任务清单。")
                % {"code": county, "county": self.county.label, "own": self.county.code},
            )
            return
        number_text = text(cells["number"])
        if not number_text.isdigit():
            self.fail(row, "number", _("请填写任务序号(整数),同一任务的各行序号相同。"))
            return
        number = int(number_text)
        if number not in tasks:
            data = self.task(row, cells)
            if data is None:
                return
            tasks[number] = _Task(row, number, data)
        task = tasks[number]
        if not any(text(cells[key]) for key in MILESTONE_KEYS.values()):
            return
        due_on = self.date(row, cells["m_due_on"])
        weight = self.weight(row, cells["m_weight"])
        if due_on is not None and weight is not None:
            task.data.milestones.append(MilestoneInput(text(cells["m_title"]), due_on, weight))
            task.milestone_rows.append(row)

    def check(self, task: _Task) -> None:
        for problem in check_task(self.county, self.year, task.data):
            self.place(task, problem)

    def place(self, task: _Task, problem: Problem) -> None:
        if problem.milestone is not None:
            row = task.milestone_rows[problem.milestone]
            self.fail(row, MILESTONE_KEYS[problem.field], problem.message)
        elif problem.field == "milestones":
            self.fail(
                task.row,
                "m_weight",
                _("任务%(number)d:%(message)s")
                % {"number": task.number, "message": problem.message},
            )
        else:
            self.fail(
                task.row, problem.field if problem.field in KEYS else "title", problem.message
            )


def read(upload: "File[bytes]", county: County, year: int) -> list[TaskInput]:
    """The tasks of the file, or FileErrors with every error, or ImportRefused for a file that
    cannot be read as the template."""
    return _Reader(county, year).read(upload)
