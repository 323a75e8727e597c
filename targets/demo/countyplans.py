"""The demo's task lists of 2026 (年度任务清单) for 锦江区 and 会理市: a few tasks under the
measures their demo departments lead, with milestones, some of them reached; 锦江区's approved
by the prefecture, 会理市's submitted and waiting. Every task says 演示 in its title and each list
is ``is_demo``. Seeding again changes nothing."""

import datetime
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth.models import User

from targets.countyplans.content import as_content, tasks_of
from targets.models import (
    County,
    CountyDepartment,
    Measure,
    Milestone,
    State,
    Task,
    TaskList,
    TaskListVersion,
)

YEAR = 2026
DEMO = "【演示】"


class DemoTask(NamedTuple):
    county: str
    measure: str
    department: str  # the county department's code
    title: str
    content: str
    expected_result: str
    target: tuple[str, str] | None  # the value and its unit
    milestones: list[tuple[int, int, int, str, bool]]  # month, day, weight, title, reached


TASKS = [
    DemoTask(
        "510104",
        "T1.1",
        "fgj",
        "承接下放的经济社会管理权限",
        "梳理省市下放事项清单,逐项明确承接科室和办理流程。",
        "下放事项全部承接到位,办理时限压缩三成。",
        ("30", "项"),
        [
            (3, 31, 30, "完成事项清单梳理", True),
            (6, 30, 40, "完成承接流程再造", True),
            (11, 30, 30, "开展承接效果评估", False),
        ],
    ),
    DemoTask(
        "510104",
        "T1.3",
        "zjj",
        "老旧小区改造",
        "实施老旧小区改造,完善水电气和无障碍设施。",
        "完成改造并通过验收。",
        ("12", "个"),
        [
            (4, 30, 20, "完成改造方案", True),
            (9, 30, 50, "完成主体施工", False),
            (12, 15, 30, "完成竣工验收", False),
        ],
    ),
    DemoTask(
        "513402",
        "T1.1",
        "fgj",
        "扩权强县改革事项承接",
        "对照扩权强县改革清单,建立承接台账。",
        "建立承接台账并按季度更新。",
        None,
        [
            (3, 31, 50, "建立承接台账", True),
            (12, 31, 50, "完成年度承接评估", False),
        ],
    ),
    DemoTask(
        "513402",
        "T2.2",
        "nyj",
        "石榴特色产业提质",
        "推进石榴标准化种植基地建设和冷链仓储设施建设。",
        "标准化基地面积扩大,产后损耗下降。",
        ("5000", "亩"),
        [
            (5, 31, 40, "完成基地选址和规划", True),
            (10, 31, 60, "完成基地建设", False),
        ],
    ),
]
STATES = {"510104": State.APPROVED, "513402": State.SUBMITTED}


def seed_task_lists(author: User, reviewer: User) -> None:
    """The two demo counties' lists, written by ``author`` (the demo account) and, for 锦江区,
    approved by ``reviewer``."""
    measures = {m.code: m for m in Measure.objects.all()}
    for code, state in STATES.items():
        county = County.objects.get(code=code)
        if TaskList.objects.filter(county=county, year=YEAR).exists():
            continue
        task_list = TaskList.objects.create(county=county, year=YEAR, is_demo=True)
        for order, demo in enumerate(row for row in TASKS if row.county == code):
            task = Task.objects.create(
                task_list=task_list,
                measure=measures[demo.measure],
                title=f"{DEMO}{demo.title}",
                content=demo.content,
                department=CountyDepartment.objects.filter(
                    county=county, code=demo.department
                ).first(),
                expected_result=demo.expected_result,
                target_value=Decimal(demo.target[0]) if demo.target else None,
                target_unit=demo.target[1] if demo.target else "",
                order=order,
            )
            Milestone.objects.bulk_create(
                Milestone(
                    task=task,
                    title=name,
                    due_on=datetime.date(YEAR, month, day),
                    weight=weight,
                    done_on=datetime.date(YEAR, month, day) if reached else None,
                )
                for month, day, weight, name, reached in demo.milestones
            )
        _file(task_list, state, author, reviewer)


def _file(task_list: TaskList, state: str, author: User, reviewer: User) -> None:
    """The list submitted on 2026-01-20 (and approved a week later, where ``state`` says so)."""
    submitted = datetime.datetime(YEAR, 1, 20, 2, tzinfo=datetime.UTC)  # 10:00 in Sichuan
    task_list.version = 2
    task_list.state = State.SUBMITTED
    task_list.first_submitted_at = task_list.submitted_at = submitted
    version = TaskListVersion.objects.create(
        task_list=task_list,
        number=2,
        event=TaskListVersion.Event.SUBMIT,
        revision=0,
        content=as_content(tasks_of(task_list)),
        by=author,
    )
    TaskListVersion.objects.filter(pk=version.pk).update(at=submitted)
    if state == State.APPROVED:
        approved = submitted + datetime.timedelta(days=7)
        task_list.version = 3
        task_list.state = State.APPROVED
        task_list.reviewed_by, task_list.reviewed_at = reviewer, approved
        version = TaskListVersion.objects.create(
            task_list=task_list,
            number=3,
            event=TaskListVersion.Event.APPROVE,
            revision=0,
            by=reviewer,
        )
        TaskListVersion.objects.filter(pk=version.pk).update(at=approved)
    task_list.save()
