"""A task list's content as a version keeps it (plain JSON), and as the pages read it back."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from targets.models import Milestone, Task, TaskList, TaskListVersion


def tasks_of(task_list: TaskList | None) -> QuerySet[Task]:
    """The list's tasks in the plan's order with what their rows show; three queries."""
    tasks = Task.objects.filter(task_list=task_list).select_related(
        "measure", "department", "indicator"
    )
    return tasks.prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "id"))
    ).order_by("measure__order", "order", "id")


def as_content(tasks: QuerySet[Task]) -> list[dict[str, object]]:
    """The tasks as a version keeps them: what was filed, in words, so that a later rename of a
    department or a measure does not change what was submitted."""
    return [
        {
            "measure": task.measure.code,
            "measure_name": task.measure.text,
            "title": task.title,
            "content": task.content,
            "department": task.department.name if task.department else "",
            "expected_result": task.expected_result,
            "target_value": None if task.target_value is None else str(task.target_value),
            "target_unit": task.target_unit,
            "indicator": task.indicator.code if task.indicator else "",
            "milestones": [
                {
                    "title": milestone.title,
                    "due_on": milestone.due_on.isoformat(),
                    "weight": milestone.weight,
                }
                for milestone in task.milestones.all()
            ],
        }
        for task in tasks
    ]


@dataclass
class FiledMilestone:
    title: str
    due_on: datetime.date
    weight: int


@dataclass
class FiledTask:
    """A task as a version filed it."""

    measure: str
    measure_name: str
    title: str
    content: str
    department: str
    expected_result: str
    target_value: str | None
    target_unit: str
    indicator: str
    milestones: list[FiledMilestone] = field(default_factory=list)


def filed(version: TaskListVersion) -> list[FiledTask]:
    """The tasks a submission kept, read back."""
    tasks = []
    for item in version.content:
        values = dict(item)
        milestones = [
            FiledMilestone(m["title"], datetime.date.fromisoformat(m["due_on"]), int(m["weight"]))
            for m in values.pop("milestones", [])
        ]
        tasks.append(FiledTask(**values, milestones=milestones))
    return tasks


def last_approved(task_list: TaskList) -> TaskListVersion | None:
    """The submission that the list's latest approval approved: what is in force while a change
    is being made."""
    approved = (
        task_list.versions.filter(event=TaskListVersion.Event.APPROVE).order_by("-number").first()
    )
    if approved is None:
        return None
    return (
        task_list.versions.filter(event=TaskListVersion.Event.SUBMIT, number__lt=approved.number)
        .select_related("by")
        .order_by("-number")
        .first()
    )
