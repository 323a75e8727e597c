"""The province-level notes of a round as lists show them: each measure with a lead department,
its note's state and how many contributions it has, in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count

from targets.models import (
    Contribution,
    Department,
    Measure,
    MeasureDepartment,
    Period,
    ProvinceNote,
    Responsibility,
)


@dataclass
class WorkRow:
    measure: Measure
    lead: Department
    note: ProvinceNote | None
    contributions: int

    @property
    def state(self) -> str:
        return self.note.state if self.note else ""


def rows(period: Period, measure_ids: set[int] | None = None) -> list[WorkRow]:
    """Every measure with a lead department (``measure_ids``: those alone), in the plan's order,
    with the round's note and the number of contributions."""
    duties = MeasureDepartment.objects.filter(responsibility=Responsibility.LEAD).select_related(
        "measure", "department"
    )
    if measure_ids is not None:
        duties = duties.filter(measure_id__in=measure_ids)
    leads = sorted(duties, key=lambda d: (d.measure.order, d.measure.code))
    wanted = [d.measure_id for d in leads]
    notes = {
        n.measure_id: n
        for n in ProvinceNote.objects.filter(period=period, measure_id__in=wanted).select_related(
            "status"
        )
    }
    counted = dict(
        Contribution.objects.filter(period=period, measure_id__in=wanted)
        .values_list("measure_id")
        .annotate(n=Count("id"))
        .values_list("measure_id", "n")
    )
    return [
        WorkRow(d.measure, d.department, notes.get(d.measure_id), counted.get(d.measure_id, 0))
        for d in leads
    ]
