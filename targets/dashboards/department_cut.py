"""The overview cut by responsible department (clause 12: 部门协同配合): for each provincial
department, the measures it leads or cooperates on (the province's responsibility matrix), each
with the round's completeness across the counties in scope and the count of its county × measure
warning lights by colour, and the department's totals over them.

A measure with a lead and two cooperating departments counts under each of the three: each
answers for it. The figures are read in a fixed number of queries however many notes, counties or
departments there are: the round's notes of the measures concerned once, each judged by the
warning-light rules (targets.supervision.lights), and a county with no note on a measure counted
as what nothing submitted is that day."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, Q, QuerySet, When

from targets.applicability import rules as applicability
from targets.models import (
    County,
    Department,
    Measure,
    MeasureDepartment,
    ProgressNote,
    Responsibility,
    State,
    StatusOption,
)
from targets.supervision.lights import GREEN, RED, YELLOW, Judge, Slot


@dataclass
class MeasureFigures:
    """One measure of the round across the counties in scope."""

    measure: Measure
    slots: int  # the counties in scope that the measure applies to: one note each is due
    by_state: Counter = field(default_factory=Counter)
    lights: Counter = field(default_factory=Counter)  # county × measure lights by colour
    percent_total: int = 0  # of the approved notes

    @property
    def reported(self) -> int:
        return self.by_state[State.SUBMITTED] + self.by_state[State.APPROVED]

    @property
    def approved(self) -> int:
        return self.by_state[State.APPROVED]

    @property
    def submitted(self) -> int:
        return self.by_state[State.SUBMITTED]

    @property
    def returned(self) -> int:
        return self.by_state[State.RETURNED]

    @property
    def missing(self) -> int:
        """Counties with nothing submitted: no note, a draft, or a return not answered."""
        return self.slots - self.reported

    @property
    def reported_share(self) -> int:
        return round(100 * self.reported / self.slots) if self.slots else 0

    @property
    def mean_percent(self) -> float | None:
        return self.percent_total / self.approved if self.approved else None


@dataclass
class Duty:
    """A measure as one department answers for it: as its lead (牵头) or cooperating (配合)."""

    responsibility: str
    figures: MeasureFigures

    @property
    def is_lead(self) -> bool:
        return self.responsibility == Responsibility.LEAD

    @property
    def responsibility_label(self) -> str:
        return str(Responsibility(self.responsibility).label)


@dataclass
class DepartmentRow:
    """A department with its measures (those it leads first) and their totals."""

    department: Department
    duties: list[Duty] = field(default_factory=list)

    @property
    def leads(self) -> int:
        return sum(duty.is_lead for duty in self.duties)

    @property
    def cooperates(self) -> int:
        return len(self.duties) - self.leads

    def _sum(self, name: str) -> int:
        return sum(getattr(duty.figures, name) for duty in self.duties)

    @property
    def slots(self) -> int:
        return self._sum("slots")

    @property
    def reported(self) -> int:
        return self._sum("reported")

    @property
    def approved(self) -> int:
        return self._sum("approved")

    @property
    def returned(self) -> int:
        return self._sum("returned")

    @property
    def missing(self) -> int:
        return self.slots - self.reported

    @property
    def reported_share(self) -> int:
        return round(100 * self.reported / self.slots) if self.slots else 0

    @property
    def lights(self) -> Counter:
        total: Counter = Counter()
        for duty in self.duties:
            total.update(duty.figures.lights)
        return total

    @property
    def red(self) -> int:
        return self.lights[RED]

    @property
    def yellow(self) -> int:
        return self.lights[YELLOW]

    @property
    def green(self) -> int:
        return self.lights[GREEN]


def measure_figures(
    judge: Judge,
    counties: QuerySet[County],
    measure_ids: set[int],
    all_counties: bool = False,
) -> dict[int, MeasureFigures]:
    """The round's figures of each measure across the counties (``all_counties``: every county
    of the province, whose notes then need no filter), by measure pk."""
    measures = Measure.objects.filter(pk__in=measure_ids).select_related("task_area")
    counted_counties = counties.count()
    found = {m.pk: MeasureFigures(m, counted_counties) for m in measures}
    if not found:
        return found
    # A county that a measure does not apply to owes no note on it.
    off = applicability.inapplicable(counties, Measure.objects.filter(pk__in=list(found)))
    for measure_id, left_out in off.count_by_measure().items():
        found[measure_id].slots -= left_out
    labels = {s.pk: s.label for s in StatusOption.objects.all()}
    notes = ProgressNote.objects.filter(period=judge.period, measure__in=list(found))
    if not all_counties:
        notes = notes.filter(county__in=counties)
    rows = (
        off.excluding(notes)
        .order_by()
        .values_list(
            "measure_id",
            "state",
            "status_id",
            "percent",
            Case(When(state=State.RETURNED, then="reviewed_at")),
            "bottom_line_id",
        )
    )
    counted: Counter = Counter()
    for measure_id, state, status_id, percent, reviewed_at, bottom_line in rows:
        figures = found[measure_id]
        counted[measure_id] += 1
        figures.by_state[state] += 1
        if state == State.APPROVED:
            figures.percent_total += percent
        label = labels.get(status_id, "")
        flagged = bottom_line is not None
        light = judge.fields(state, status_id, label, percent, reviewed_at, flagged)
        figures.lights[light.colour] += 1
    nothing = judge.slot(Slot()).colour  # a county with no note on the measure
    for measure_id, figures in found.items():
        unreported = figures.slots - counted[measure_id]
        if unreported:
            figures.lights[nothing] += unreported
    return found


def departments_seen(every: bool, department_ids: set[int]) -> QuerySet[Department]:
    """The departments of the cut: every department that is active or still answers for a
    measure (``every``), else only those of ``department_ids`` (a department's own user)."""
    departments = Department.objects.all()
    if not every:
        return departments.filter(pk__in=department_ids)
    answering = MeasureDepartment.objects.values("department")
    return departments.filter(Q(is_active=True) | Q(pk__in=answering))


def cut(
    judge: Judge,
    counties: QuerySet[County],
    departments: QuerySet[Department],
    all_counties: bool = False,
) -> list[DepartmentRow]:
    """Each department with its measures' figures, in the order of the departments' codes."""
    rows = {d.pk: DepartmentRow(d) for d in departments.order_by("code")}
    duties = list(
        MeasureDepartment.objects.filter(department__in=list(rows))
        .order_by("-responsibility", "measure__order")  # lead before cooperating
        .values_list("department_id", "measure_id", "responsibility")
    )
    figures = measure_figures(judge, counties, {m for _d, m, _r in duties}, all_counties)
    for department_id, measure_id, responsibility in duties:
        rows[department_id].duties.append(Duty(responsibility, figures[measure_id]))
    return list(rows.values())


def without_lead() -> QuerySet[Measure]:
    """The plan's measures that no department leads yet: no one answers for them."""
    led = MeasureDepartment.objects.filter(responsibility=Responsibility.LEAD).values("measure")
    return Measure.objects.exclude(pk__in=led).order_by("order")
