"""The numbers of the dashboards, aggregated in SQL over a scope (a period, a set of counties, a
set of measures). Progress figures come from approved notes only; workflow counts (submitted,
returned, missing) describe the reporting round itself."""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, F, Max, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from targets.applicability import rules as applicability
from targets.applicability.rules import Inapplicable, Verdict
from targets.models import (
    REPORTED,
    BottomLine,
    County,
    Integration,
    Measure,
    Period,
    Prefecture,
    ProgressNote,
    Region,
    State,
    StatusOption,
    TaskArea,
)
from targets.reporting import links
from targets.supervision import rulebook
from targets.supervision.lights import CountyLight, Judge, Light, Slot
from targets.units import assigned

APPROVED = Q(state=State.APPROVED)


@dataclass
class Scope:
    period: Period
    counties: QuerySet[County]
    measures: QuerySet[Measure]
    # Whether the scope is every county (measure): the notes then need no filter on it.
    all_counties: bool = False
    all_measures: bool = False
    _off: Inapplicable | None = field(default=None, repr=False)

    @property
    def off(self) -> Inapplicable:
        """The county × measure slots of the scope that do not apply: never due, never counted."""
        if self._off is None:
            self._off = applicability.inapplicable(self.counties, self.measures)
        return self._off

    @property
    def notes(self) -> QuerySet[ProgressNote]:
        """The round's notes of the scope, on the slots that apply."""
        notes = ProgressNote.objects.filter(period=self.period)
        if not self.all_counties:
            notes = notes.filter(county__in=self.counties)
        if not self.all_measures:
            notes = notes.filter(measure__in=self.measures)
        return self.off.excluding(notes)

    def left_out_by(self, *fields: str) -> Counter:
        """How many slots that do not apply fall under each value of the measures' ``fields``
        (a task area, an integration): what the sizes of those slices leave out."""
        per_measure = self.off.count_by_measure()
        found: Counter = Counter()
        if per_measure:
            for pk, *key in self.measures.values_list("pk", *fields).order_by():
                found[key[0] if len(key) == 1 else tuple(key)] += per_measure.get(pk, 0)
        return found


@dataclass
class Completeness:
    slots: int
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def reported(self) -> int:
        return self.by_state.get(State.SUBMITTED, 0) + self.by_state.get(State.APPROVED, 0)

    @property
    def missing(self) -> int:
        """Slots with no note submitted this round (nothing, a draft, or a return not answered)."""
        return self.slots - self.reported

    @property
    def approved_share(self) -> int:
        approved = self.by_state.get(State.APPROVED, 0)
        return round(100 * approved / self.slots) if self.slots else 0

    @property
    def missing_share(self) -> int:
        return round(100 * self.missing / self.slots) if self.slots else 0


def completeness_and_statuses(
    scope: Scope,
) -> tuple[Completeness, list[tuple[StatusOption, int]]]:
    """The round's notes by state, and the approved ones by status, from one grouped query."""
    slots = scope.counties.count() * scope.measures.count() - len(scope.off)
    by_state: dict[str, int] = {}
    approved: dict[int, int] = {}
    rows = scope.notes.values_list("state", "status").annotate(n=Count("id")).order_by()
    for state, status, n in rows:
        by_state[state] = by_state.get(state, 0) + n
        if state == State.APPROVED:
            approved[status] = n
    statuses = [(status, approved.get(status.pk, 0)) for status in StatusOption.objects.all()]
    return Completeness(slots, by_state), statuses


def flags(scope: Scope) -> list[tuple[BottomLine, int]]:
    """Bottom-line risks flagged in submitted or approved notes."""
    counts = dict(
        scope.notes.filter(bottom_line__isnull=False, state__in=REPORTED)
        .values_list("bottom_line")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        (line, counts[line.pk])
        for line in BottomLine.objects.order_by("order")
        if line.pk in counts
    ]


def last_approval(scope: Scope):
    return scope.notes.filter(APPROVED).aggregate(at=Max("reviewed_at"))["at"]


@dataclass
class UnitRow:
    """One unit (region, prefecture or county) or one slice (task area, integration), by code."""

    key: str
    label: str
    slots: int
    reported: int
    approved: int
    behind: int
    mean_percent: float | None
    disagreements: int = 0
    light: CountyLight | None = None  # a county's warning light
    lights: Counter | None = None  # a region's or prefecture's counties, by light colour

    @property
    def missing(self) -> int:
        return self.slots - self.reported

    @property
    def reported_share(self) -> int:
        return round(100 * self.reported / self.slots) if self.slots else 0


def _aggregates() -> dict:
    """A unit's numbers; "behind" counts the approved notes with a status an admin set to show a
    red light (behind and at risk by default), as the warning lights do."""
    red = rulebook.current().red_status_ids
    return {
        "reported": Count("id", filter=Q(state__in=REPORTED)),
        "approved": Count("id", filter=APPROVED),
        "behind": Count("id", filter=APPROVED & Q(status__in=red or [0])),  # [0]: none chosen
        "mean_percent": Avg("percent", filter=APPROVED),
        "disagreements": Count(
            "id",
            filter=APPROVED & Q(reviewer_status__isnull=False) & ~Q(reviewer_status=F("status")),
        ),
    }


def _grouped(scope: Scope, key: str) -> dict:
    rows = scope.notes.values(key).annotate(**_aggregates()).order_by()
    return {row[key]: row for row in rows}


def _row(key, label, slots, numbers: Mapping[str, Any] | None) -> UnitRow:
    numbers = numbers or {}
    return UnitRow(
        key,
        label,
        slots,
        numbers.get("reported", 0),
        numbers.get("approved", 0),
        numbers.get("behind", 0),
        numbers.get("mean_percent"),
        numbers.get("disagreements", 0),
    )


def by_unit(scope: Scope, level: str) -> list[UnitRow]:
    """Per region, prefecture or county of the scope."""
    key = {
        "region": "county__prefecture__region",
        "prefecture": "county__prefecture",
        "county": "county",
    }[level]
    numbers = _grouped(scope, key)
    measures = scope.measures.count()
    county_key = {"region": "prefecture__region", "prefecture": "prefecture", "county": "pk"}[level]
    sizes = dict(scope.counties.values_list(county_key).annotate(n=Count("id")).order_by())
    if level == "region":
        units: Iterable[tuple[int, str, str]] = [
            (r.pk, r.code, r.label) for r in Region.objects.filter(pk__in=sizes)
        ]
    elif level == "prefecture":
        units = [(p.pk, p.code, p.label) for p in Prefecture.objects.filter(pk__in=sizes)]
    else:
        units = [(c.pk, c.code, c.label) for c in scope.counties.order_by("code")]
    left_out: Counter = Counter()
    if len(scope.off):
        for pk, unit in scope.counties.values_list("pk", county_key).order_by():
            left_out[unit] += scope.off.count_of(pk)
    return [
        _row(code, label, sizes[pk] * measures - left_out[pk], numbers.get(pk))
        for pk, code, label in units
    ]


def attach_lights(rows: list[UnitRow], scope: Scope, level: str, county_lights: dict) -> None:
    """Give each county row its light, and each region or prefecture row its counties' tally."""
    if level == "county":
        codes = dict(scope.counties.values_list("code", "pk"))
        for row in rows:
            row.light = county_lights[codes[row.key]]
        return
    unit = {"region": "prefecture__region__code", "prefecture": "prefecture__code"}[level]
    tallies: dict[str, Counter] = {}
    for pk, code in scope.counties.values_list("pk", unit):
        tallies.setdefault(code, Counter())[county_lights[pk].colour] += 1
    for row in rows:
        row.lights = tallies.get(row.key, Counter())


def furthest_behind(scope: Scope, county_lights: dict, limit: int = 10) -> list[UnitRow]:
    """The counties most in need of attention, by their lights: red before yellow before green,
    and within a colour the most red measures, then yellow ones, then the most not reported or
    behind."""
    rows = by_unit(scope, "county")
    attach_lights(rows, scope, "county", county_lights)

    def worst_first(row: UnitRow) -> tuple:
        light = row.light  # every county row has one
        counts = (light.severity, light.red, light.yellow) if light else (0, 0, 0)
        return (*(-n for n in counts), -(row.missing + row.behind), row.label)

    return sorted(rows, key=worst_first)[:limit]


def by_task_area(scope: Scope) -> list[UnitRow]:
    numbers = _grouped(scope, "measure__task_area")
    counties = scope.counties.count()
    sizes = dict(scope.measures.values_list("task_area").annotate(n=Count("id")).order_by())
    left_out = scope.left_out_by("task_area")
    return [
        _row(
            area.code,
            area.label,
            sizes.get(area.pk, 0) * counties - left_out[area.pk],
            numbers.get(area.pk),
        )
        for area in TaskArea.objects.filter(pk__in=sizes).order_by("order")
    ]


def by_integration(scope: Scope) -> list[UnitRow]:
    numbers = _grouped(scope, "measure__integrations")
    counties = scope.counties.count()
    sizes = dict(scope.measures.values_list("integrations").annotate(n=Count("id")).order_by())
    left_out = scope.left_out_by("integrations")
    return [
        _row(
            i.code, i.name_label, sizes.get(i.pk, 0) * counties - left_out[i.pk], numbers.get(i.pk)
        )
        for i in Integration.objects.filter(pk__in=sizes).order_by("order")
    ]


@dataclass
class CrossCell:
    row: UnitRow | None  # None: no measure of this task area serves this integration


def crosstab(scope: Scope) -> tuple[list[Integration], list[tuple[TaskArea, list[CrossCell]]]]:
    """Task areas × integrations: progress and gaps where their measures meet."""
    rows = (
        scope.notes.values("measure__task_area", "measure__integrations")
        .annotate(**_aggregates())
        .order_by()
    )
    numbers = {(r["measure__task_area"], r["measure__integrations"]): r for r in rows}
    counties = scope.counties.count()
    sizes = {
        (area, integration): n
        for area, integration, n in scope.measures.values_list("task_area", "integrations")
        .annotate(n=Count("id"))
        .order_by()
    }
    left_out = scope.left_out_by("task_area", "integrations")
    integrations = list(Integration.objects.order_by("order"))
    table = []
    for area in TaskArea.objects.order_by("order"):
        cells = []
        for integration in integrations:
            size = sizes.get((area.pk, integration.pk), 0)
            cells.append(
                CrossCell(
                    _row(
                        (area.pk, integration.pk),
                        "",
                        size * counties - left_out[(area.pk, integration.pk)],
                        numbers.get((area.pk, integration.pk)),
                    )
                    if size
                    else None
                )
            )
        table.append((area, cells))
    return integrations, table


FLAG_FIELDS = {
    "county_domain": "is_county_domain",
    "underdeveloped": "is_underdeveloped",
    "pilot": "is_pilot",
}


def scope_from(
    filters: dict, counties: QuerySet[County], period: Period, whole_province: bool = False
) -> Scope:
    """The counties visible to the user (``whole_province`` when that is all of them), narrowed by
    the filters; the plan's measures, likewise (a department: those it leads or cooperates on)."""
    county_filters = ("region", "prefecture", "county_type", "flag")
    all_counties = whole_province and not any(filters.get(f) for f in county_filters)
    measure_filters = ("task_area", "integration", "department")
    all_measures = not any(filters.get(f) for f in measure_filters)
    if filters.get("region"):
        counties = counties.filter(prefecture__region=filters["region"])
    if filters.get("prefecture"):
        counties = counties.filter(prefecture=filters["prefecture"])
    if filters.get("county_type"):
        counties = counties.filter(county_type=filters["county_type"])
    if filters.get("flag"):
        counties = counties.filter(**{FLAG_FIELDS[filters["flag"]]: True})
    measures = Measure.objects.all()
    if filters.get("task_area"):
        measures = measures.filter(task_area=filters["task_area"])
    if filters.get("integration"):
        measures = measures.filter(integrations=filters["integration"])
    if filters.get("department"):
        measures = measures.filter(pk__in=assigned.measures_of(filters["department"]))
    return Scope(period, counties, measures, all_counties, all_measures)


@dataclass
class GridCell:
    county: County
    note: ProgressNote | None
    last_saved: object  # the latest save of any period's note on the measure, or None
    timeline_url: str
    light: Light  # the county's on the measure
    county_light: CountyLight  # the county's on every measure of the scope
    # Why the measure does not apply to the county (its cell then shows 不适用, unlit); None
    # where it applies.
    not_applicable: Verdict | None = None

    @property
    def approved(self) -> bool:
        return self.note is not None and self.note.state == State.APPROVED


@dataclass(frozen=True)
class NotApplicable:
    """A task-area grid's cell of a measure that does not apply to the county."""

    verdict: Verdict
    not_applicable: bool = True


def measure_grid(
    measure: Measure,
    judge: Judge,
    counties: QuerySet[County],
    county_lights: dict[int, CountyLight],
):
    """The measure across the counties, grouped by prefecture: this round's note, its warning
    light, the age of the last note, and the county's own light (``county_lights``, by pk)."""
    period = judge.period
    notes = {
        n.county_id: n
        for n in ProgressNote.objects.filter(measure=measure, period=period, county__in=counties)
        .select_related("status", "reviewer_status", "bottom_line")
        .order_by()  # into a dict: the notes' own order would join and sort for nothing
    }
    latest = dict(
        ProgressNote.objects.filter(measure=measure, county__in=counties)
        .values_list("county")
        .annotate(at=Max("updated_at"))
        .order_by()
    )
    timeline = links.each("timeline", links.EACH, measure.code)
    off = applicability.inapplicable(counties, Measure.objects.filter(pk=measure.pk))
    groups: dict = {}
    for county in counties.select_related("prefecture").order_by("code"):
        slot = (county.pk, measure.pk)
        cell = GridCell(
            county,
            notes.get(county.pk),
            latest.get(county.pk),
            timeline(county.code),
            judge.slot(Slot.of(notes.get(county.pk))),
            county_lights[county.pk],
            off.verdict(*slot) if slot in off else None,
        )
        groups.setdefault(county.prefecture, []).append(cell)
    return list(groups.items())


def map_chart(groups, boundaries) -> dict:
    """What the choropleth needs: each county's code, name, status label and colour (or the
    workflow state when nothing is approved), and where the boundaries are."""
    areas = []
    for _prefecture, cells in groups:
        for cell in cells:
            if cell.not_applicable is not None:
                label, colour = str(applicability.NOT_APPLICABLE), "#e5e7eb"
            elif cell.approved:
                label, colour = cell.note.status.label, cell.note.status.color
            elif cell.note is not None and cell.note.state == State.SUBMITTED:
                label, colour = str(_("待审核")), "#c8d7ee"
            else:
                label, colour = str(_("未填报")), "#f2c4c4"
            areas.append(
                {
                    "code": cell.county.code,
                    "name": cell.county.label,
                    "label": label,
                    "colour": colour,
                }
            )
    return {
        "type": "map",
        "url": reverse("boundaries", args=[boundaries.pk]),
        "property": boundaries.code_property,
        "areas": areas,
    }


def task_area_grid(
    area: TaskArea,
    judge: Judge,
    counties: QuerySet[County],
    measures: QuerySet[Measure] | None = None,
):
    """The task area's measures (columns; of ``measures`` only, where the filters chose some)
    across the counties (rows, grouped by prefecture): this round's note of each county on each
    measure, and the county's light on the measures shown."""
    period = judge.period
    chosen = area.measures.all() if measures is None else measures.filter(task_area=area)
    columns = list(chosen.order_by("order"))
    notes = {
        (n.county_id, n.measure_id): n
        for n in ProgressNote.objects.filter(
            period=period, county__in=counties, measure__in=columns
        )
        .select_related("status")
        .order_by()
    }
    off = applicability.inapplicable(counties, chosen)
    groups: dict = {}
    for county in counties.select_related("prefecture").order_by("code"):
        row: list[ProgressNote | NotApplicable | None] = []
        slot_lights = []
        for measure in columns:
            slot = (county.pk, measure.pk)
            if slot in off:
                row.append(NotApplicable(off.verdict(*slot)))
            else:
                row.append(notes.get(slot))
                slot_lights.append(judge.slot(Slot.of(notes.get(slot))))
        light = judge.county(slot_lights)
        groups.setdefault(county.prefecture, []).append((county, light, row))
    return columns, list(groups.items())
