"""A task as the tests write it: valid unless told otherwise."""

import datetime

from targets.countyplans.checks import MilestoneInput, TaskInput
from targets.models import Measure

YEAR = 2026


def milestones(*weights: int, year: int = YEAR) -> list[MilestoneInput]:
    return [
        MilestoneInput(f"节点{n}", datetime.date(year, 3 * n, 28), weight)
        for n, weight in enumerate(weights, start=1)
    ]


def task_input(measure: str = "T1.1", **changes) -> TaskInput:
    values = {
        "measure": Measure.objects.get(code=measure),
        "title": "承接下放事项",
        "content": "梳理下放事项清单。",
        "department": None,
        "expected_result": "全部承接到位。",
        "target_value": None,
        "target_unit": "",
        "indicator": None,
        "milestones": milestones(40, 60),
    }
    values.update(changes)
    return TaskInput(**values)
