"""The problem list of a scope: the filters, and each problem's light (逾期红灯, 7天内到期黄灯)."""

import datetime
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from targets.models import Problem
from targets.models.problems import OPEN, SOON_DAYS, ProblemQuerySet
from targets.supervision.lights import GREEN, RED, YELLOW, Light


def filtered(
    problems: ProblemQuerySet, filters: Mapping[str, Any], today: datetime.date
) -> ProblemQuerySet:
    """``problems`` narrowed by the filters chosen (a form's cleaned data; empty ones choose
    all), with what the list shows, the nearest deadline first."""
    for name in ("county", "measure"):
        if filters.get(name):
            problems = problems.filter(**{name: filters[name]})
    if filters.get("prefecture"):
        problems = problems.filter(county__prefecture=filters["prefecture"])
    if filters.get("state"):
        problems = problems.filter(state=filters["state"])
    if filters.get("overdue"):
        problems = problems.overdue(today)
    return problems.for_pages().order_by("deadline", "id")


def light_of(problem: Problem, today: datetime.date) -> Light | None:
    """Red once the deadline has passed with the rectification still owed, yellow when it is
    SOON_DAYS away or fewer, green before; none once it is reported (the reviewer's turn) or
    closed."""
    if problem.state not in OPEN:
        return None
    days = (problem.deadline - today).days
    if days < 0:
        reason = ngettext("逾期%(days)d天", "逾期%(days)d天", -days) % {"days": -days}
        return Light(RED, (reason,))
    if days == 0:
        return Light(YELLOW, (_("今天到期"),))
    if days <= SOON_DAYS:
        reason = ngettext("%(days)d天后到期", "%(days)d天后到期", days) % {"days": days}
        return Light(YELLOW, (reason,))
    reason = ngettext("距整改时限%(days)d天", "距整改时限%(days)d天", days) % {"days": days}
    return Light(GREEN, (reason,))


def with_lights(
    problems: Iterable[Problem], today: datetime.date
) -> Iterator[tuple[Problem, Light | None]]:
    for problem in problems:
        yield problem, light_of(problem, today)
