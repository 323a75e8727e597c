"""What a task must be, whichever way it comes in (the page's form or the Excel template): each
problem names the field, and the milestone where it is one of them, so that the caller can say
where it is (节点2, or the workbook's row)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from targets.countyplans.scope import measures_open_to
from targets.models import County, CountyDepartment, Indicator, Measure

WEIGHTS_TOTAL = 100
MAX_MILESTONES = 12


@dataclass
class MilestoneInput:
    title: str
    due_on: datetime.date
    weight: int


@dataclass
class TaskInput:
    measure: Measure
    title: str
    content: str
    department: CountyDepartment | None
    expected_result: str
    target_value: Decimal | None
    target_unit: str
    indicator: Indicator | None
    milestones: list[MilestoneInput] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    field: str  # the task's field ("title"), or the milestone's ("due_on") with ``milestone``
    message: str
    milestone: int | None = None  # the milestone's index among the task's, from 0


def check_task(county: County, year: int, data: TaskInput) -> list[Problem]:
    """Every problem of ``data`` as a task of ``county``'s list for ``year``; none: it may be
    saved."""
    problems = []
    if not measures_open_to(county, year).filter(pk=data.measure.pk).exists():
        problems.append(
            Problem(
                "measure",
                _("%(measure)s 不在本县可列任务的举措中。") % {"measure": data.measure.code},
            )
        )
    for name, label in (
        ("title", _("任务名称")),
        ("content", _("任务内容")),
        ("expected_result", _("预期成效")),
    ):
        if not getattr(data, name).strip():
            problems.append(Problem(name, _("请填写%(field)s。") % {"field": label}))
    department = data.department
    if department is not None and department.county_id != county.pk:
        problems.append(
            Problem(
                "department",
                _("“%(unit)s”不是%(county)s的部门。")
                % {"unit": department.label, "county": county.label},
            )
        )
    elif department is not None and not department.is_active:
        problems.append(
            Problem("department", _("“%(unit)s”已停用,不能承担任务。") % {"unit": department.label})
        )
    if data.target_value is not None and not data.target_unit.strip():
        problems.append(Problem("target_unit", _("填写了目标值,请同时填写计量单位。")))
    if data.target_value is None and data.target_unit.strip():
        problems.append(Problem("target_value", _("填写了计量单位,请同时填写目标值。")))
    if data.indicator is not None and data.indicator.level != Indicator.Level.COUNTY:
        problems.append(
            Problem("indicator", _("%(code)s 不是县级指标。") % {"code": data.indicator.code})
        )
    return problems + check_milestones(year, data.milestones)


def check_milestones(year: int, milestones: list[MilestoneInput]) -> list[Problem]:
    """Each milestone named, due within ``year``, weighted 1–100; their weights add up to 100
    (or the task has none)."""
    problems = []
    if len(milestones) > MAX_MILESTONES:
        problems.append(
            Problem(
                "milestones", _("一项任务最多 %(count)d 个时间节点。") % {"count": MAX_MILESTONES}
            )
        )
    for index, milestone in enumerate(milestones):
        if not milestone.title.strip():
            problems.append(Problem("title", _("请填写节点内容。"), index))
        if milestone.due_on.year != year:
            problems.append(
                Problem(
                    "due_on",
                    _("完成时限 %(date)s 不在%(year)d年内。")
                    % {"date": milestone.due_on.isoformat(), "year": year},
                    index,
                )
            )
        if not 1 <= milestone.weight <= WEIGHTS_TOTAL:
            problems.append(Problem("weight", _("权重须为 1 到 100 之间的整数。"), index))
    total = sum(milestone.weight for milestone in milestones)
    if milestones and total != WEIGHTS_TOTAL:
        problems.append(
            Problem(
                "milestones",
                _("各时间节点的权重合计为 %(total)d,须为 100。") % {"total": total},
            )
        )
    return problems
