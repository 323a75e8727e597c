"""The Decision's structure read in a fixed number of queries, for the plan and county pages."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.functional import Promise

from targets.models import (
    BottomLine,
    Clause,
    Goal,
    Horizon,
    Indicator,
    Integration,
    Measure,
    Plan,
    TaskArea,
    units_prefetch,
)


@dataclass
class CrossTabRow:
    task_area: TaskArea
    cells: list[list[Measure]]  # one list of measures per integration, in integration order


def current_plan() -> Plan | None:
    return Plan.objects.order_by("id").first()


def task_areas_with_measures(plan: Plan) -> list[TaskArea]:
    measures = Measure.objects.order_by("order").prefetch_related(
        "integrations", "clauses", units_prefetch()
    )
    return list(
        TaskArea.objects.filter(plan=plan)
        .order_by("order")
        .prefetch_related("clauses", Prefetch("measures", queryset=measures))
    )


def integrations(plan: Plan) -> list[Integration]:
    return list(Integration.objects.filter(plan=plan).order_by("order").prefetch_related("clauses"))


def crosstab(task_areas: list[TaskArea], columns: list[Integration]) -> list[CrossTabRow]:
    """Task areas × integrations: which measures sit in each cell (a measure may sit in several)."""
    rows = []
    for area in task_areas:
        cells = [
            [m for m in area.measures.all() if column in m.integrations.all()] for column in columns
        ]
        rows.append(CrossTabRow(area, cells))
    return rows


def goals_by_horizon(plan: Plan | None) -> list[tuple[str | Promise, list[Goal]]]:
    goals = list(
        Goal.objects.filter(plan=plan).order_by("horizon", "order").prefetch_related("clauses")
    )
    return [(h.label, [g for g in goals if g.horizon == h.value]) for h in Horizon]


def bottom_lines(plan: Plan) -> list[BottomLine]:
    return list(BottomLine.objects.filter(plan=plan).order_by("order").prefetch_related("clauses"))


def untracked_clauses(plan: Plan) -> list[Clause]:
    """Clauses with content to track that no goal, area, measure, integration or bottom line cites."""
    return list(
        Clause.objects.filter(
            plan=plan,
            trackable=True,
            goals__isnull=True,
            taskareas__isnull=True,
            measures__isnull=True,
            integrations__isnull=True,
            bottomlines__isnull=True,
        ).order_by("number")
    )


def indicators(plan: Plan, *, level: str | None = None) -> list[Indicator]:
    queryset = Indicator.objects.filter(plan=plan).prefetch_related("targets", "goals")
    if level:
        queryset = queryset.filter(level=level)
    return list(queryset)
