"""Where the counties stand with their task list of a year: not begun, a draft, submitted,
returned, approved or being changed; and late when not submitted by the deadline the admins set
for the year (a list first submitted after it stays marked as submitted late)."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from targets.models import County, PlanYear, State, TaskList


def state_choices() -> list[tuple[str, str]]:
    """The states a list can stand in, in words, in the order of the work."""
    return [
        ("none", _("未建立")),
        ("draft", _("草稿,未提交")),
        ("submitted", _("已提交,待审核")),
        ("returned", _("已退回")),
        ("approved", _("已审核通过")),
        ("changing", _("变更中")),
    ]


def deadline_of(year: int) -> datetime.date | None:
    """The year's deadline, or None while the admins have not set one."""
    return PlanYear.objects.filter(year=year).values_list("deadline", flat=True).first()


@dataclass
class Standing:
    county: County
    task_list: TaskList | None
    deadline: datetime.date | None
    today: datetime.date

    @property
    def state(self) -> str:
        """A key for the page's badge and filter."""
        if self.task_list is None:
            return "none"
        if self.task_list.state == State.DRAFT and self.task_list.revision:
            return "changing"
        return self.task_list.state

    @property
    def words(self) -> str:
        return dict(state_choices())[self.state]

    @property
    def submitted_on(self) -> datetime.date | None:
        first = self.task_list.first_submitted_at if self.task_list else None
        return timezone.localdate(first) if first else None

    @property
    def late(self) -> bool:
        """Not submitted by the deadline (now past), or first submitted after it."""
        if self.deadline is None:
            return False
        if self.submitted_on is None:
            return self.today > self.deadline
        return self.submitted_on > self.deadline


def standings(counties: QuerySet[County], year: int) -> list[Standing]:
    """Each county with its list of the year, in code order; three queries however many."""
    deadline = deadline_of(year)
    today = timezone.localdate()
    found = {
        task_list.county_id: task_list
        for task_list in TaskList.objects.filter(year=year, county__in=counties)
    }
    return [
        Standing(county, found.get(county.pk), deadline, today)
        for county in counties.select_related("prefecture").order_by("code")
    ]


@dataclass
class Counts:
    counties: int
    submitted: int  # submitted at least once (approved, waiting, returned, being changed)
    approved: int
    late: int


def counted(rows: list[Standing]) -> Counts:
    return Counts(
        counties=len(rows),
        submitted=sum(1 for row in rows if row.submitted_on is not None),
        approved=sum(1 for row in rows if row.state == State.APPROVED),
        late=sum(1 for row in rows if row.late),
    )
