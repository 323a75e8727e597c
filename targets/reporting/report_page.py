"""What a county's reporting page shows for a period, read in a fixed number of queries."""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext

from targets.applicability import rules as applicability
from targets.applicability.rules import Verdict
from targets.models import (
    County,
    CountyDepartment,
    CountyMeasureDepartment,
    DepartmentOpinion,
    Evidence,
    Exemption,
    Indicator,
    IndicatorValue,
    Measure,
    NoteVersion,
    Period,
    ProgressNote,
    Responsibility,
    State,
    TaskArea,
    units_prefetch,
)
from targets.plan.outline import current_plan
from targets.reporting import links
from targets.supervision.lights import CountyLight, Judge, Light, Slot


class RowLinks:
    """A county's links to each measure's note form and timeline in a period."""

    def __init__(self, county: County, period: Period):
        self.note = links.each("note", county.code, period.code, links.EACH)
        self.timeline = links.each("timeline", county.code, links.EACH)

    def row(
        self,
        measure: Measure,
        note: ProgressNote | None,
        drafter: CountyDepartment | None = None,
        writer_ids: set[int] | None = None,
    ) -> "MeasureRow":
        return MeasureRow(
            measure,
            note,
            self.note(measure.code),
            self.timeline(measure.code),
            drafter=drafter,
            writer_ids=writer_ids,
        )


@dataclass
class MeasureRow:
    measure: Measure
    note: ProgressNote | None
    note_url: str
    timeline_url: str
    light: Light | None = None
    # The county department that drafts the measure (None: the lead office itself).
    drafter: CountyDepartment | None = None
    # The county departments the viewer writes for; None for the lead office (every measure).
    writer_ids: set[int] | None = None
    # Why the measure does not apply to the county (None: it applies), and the county's latest
    # request to declare it 不适用.
    not_applicable: Verdict | None = None
    exemption: Exemption | None = None

    @property
    def state(self) -> str:
        if self.not_applicable is not None:
            return "na"
        return self.note.state if self.note else "missing"

    @property
    def state_label(self) -> str | Promise:
        if self.not_applicable is not None:
            return self.not_applicable.label
        return state_label(self.note)

    @property
    def may_ask_exemption(self) -> bool:
        """Whether the county may ask to declare the measure 不适用: it applies, and no request
        of its waits for the prefecture."""
        pending = self.exemption is not None and self.exemption.state == Exemption.State.PENDING
        return self.not_applicable is None and not pending

    @property
    def open_to_edit(self) -> bool:
        """Whether the viewer may write the note now: the lead office any open note; a county
        department only its own measures' notes, and not while they wait for the lead office.
        A measure that does not apply to the county is not written."""
        if self.not_applicable is not None:
            return False
        if self.writer_ids is not None:
            if self.drafter is None or self.drafter.pk not in self.writer_ids:
                return False
            if self.note is not None and self.note.with_lead_office:
                return False
        return self.note is None or self.note.editable


def state_label(note: ProgressNote | None) -> str | Promise:
    """Where the note is in its workflow, in words ("not reported" for none). State(…).label,
    not the note's get_state_display(): that rebuilds the choices on every call."""
    if note is not None and note.with_lead_office:
        return gettext("待牵头办审核")
    return State(note.state).label if note else gettext("未填报")


def drafters(county: County) -> dict[int, CountyDepartment]:
    """The county department that drafts each measure in the county, by the measure's id."""
    duties = CountyMeasureDepartment.objects.filter(
        county=county, responsibility=Responsibility.LEAD
    ).select_related("department")
    return {duty.measure_id: duty.department for duty in duties}


@dataclass
class AreaRows:
    area: TaskArea
    rows: list[MeasureRow]


@dataclass
class ReportCounts:
    total: int = 0  # the measures that apply to the county
    by_state: Counter = field(default_factory=Counter)
    not_applicable: int = 0

    @property
    def missing(self) -> int:
        return self.by_state["missing"]

    @property
    def done(self) -> int:
        return self.by_state[State.SUBMITTED] + self.by_state[State.APPROVED]


def evidence_count():
    """A note's evidence files not superseded, counted in a subquery: a join with a GROUP BY over
    every selected column made planning the query cost more than running it."""
    files = Evidence.objects.filter(note=OuterRef("pk"), superseded=False).order_by()
    counted = files.values("note").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def notes_queryset():
    """Notes with what one note's form or row shows, joined in a single query: for one note, the
    join costs less than the two further queries of with_people_and_files, which reads them for
    a page of notes."""
    return ProgressNote.objects.select_related(
        "status",
        "bottom_line",
        "updated_by",
        "reviewed_by",
        "reviewer_status",
        "measure",
        "period",
        "department",
    ).annotate(evidence_count=evidence_count())


@dataclass
class Outline:
    """What a county's reporting page shows of the plan and the calendar: the task areas with
    their measures, the county-level indicators with their targets, and the periods by code (in
    order)."""

    areas: list[TaskArea]
    indicators: list[Indicator]
    periods: dict[str, Period]


def outline() -> Outline:
    """Read for each request, so that a change to the plan or the periods shows on the next
    page."""
    periods = {period.code: period for period in Period.objects.all()}
    plan = current_plan()
    if plan is None:
        return Outline([], [], periods)
    measures = Measure.objects.order_by("order").prefetch_related(units_prefetch())
    areas = TaskArea.objects.filter(plan=plan).order_by("order")
    indicators = Indicator.objects.filter(plan=plan, level=Indicator.Level.COUNTY)
    return Outline(
        list(areas.prefetch_related(Prefetch("measures", queryset=measures))),
        list(indicators.prefetch_related("targets")),
        periods,
    )


def measure_rows(
    county: County, period: Period, outline: Outline, writer_ids: set[int] | None = None
) -> list[AreaRows]:
    """The rows of the page; ``writer_ids`` as in MeasureRow."""
    # The county, the period and the measures are in hand: the notes join only what else they
    # name. Their own order (period, county, measure) would join those again.
    found = ProgressNote.objects.filter(county=county, period=period).order_by()
    named = found.select_related("status", "bottom_line", "reviewer_status")
    notes = {note.measure_id: note for note in with_people_and_files(list(named))}
    links, result, drafting = RowLinks(county, period), [], drafters(county)
    off = applicability.inapplicable(County.objects.filter(pk=county.pk))
    asked = latest_exemptions(county)
    for area in outline.areas:
        result.append(AreaRows(area, []))
        for measure in area.measures.all():
            note = notes.get(measure.pk)
            if note is not None:
                note.county, note.period, note.measure = county, period, measure
            row = links.row(measure, note, drafting.get(measure.pk), writer_ids)
            if (county.pk, measure.pk) in off:
                row.not_applicable = off.verdict(county.pk, measure.pk)
            row.exemption = asked.get(measure.pk)
            result[-1].rows.append(row)
    return result


def latest_exemptions(county: County) -> dict[int, Exemption]:
    """The county's latest request to declare each measure 不适用, by the measure's id."""
    found: dict[int, Exemption] = {}
    requests = Exemption.objects.filter(county=county).select_related("decided_by")
    for exemption in requests.order_by("requested_at", "pk"):
        found[exemption.measure_id] = exemption
    return found


def with_people_and_files(notes: list[ProgressNote]) -> list[ProgressNote]:
    """The notes with their authors, reviewers and counts of evidence, read in two queries only
    if there are notes: a county's round not begun, the commonest page at the start of a round,
    then costs one query. Building the joins and the count into the notes' query cost more than
    running it."""
    if not notes:
        return notes
    people = get_user_model().objects.in_bulk(
        ({note.updated_by_id for note in notes} | {note.reviewed_by_id for note in notes}) - {None}
    )
    files = dict(
        Evidence.objects.filter(note__in=notes, superseded=False)
        .order_by()
        .values("note")
        .annotate(n=Count("*"))
        .values_list("note", "n")
    )
    for note in notes:
        note.updated_by = people[note.updated_by_id]
        note.reviewed_by = people.get(note.reviewed_by_id)
        note.evidence_count = files.get(note.pk, 0)
    return notes


def light_rows(areas: list[AreaRows], judge: Judge) -> CountyLight:
    """Light each measure's row; returns the county's light (by the county rule)."""
    lit = [row for area in areas for row in area.rows if row.not_applicable is None]
    for row in lit:
        row.light = judge.slot(Slot.of(row.note))
    # Each row's light was set just above; a measure that does not apply is not lit.
    return judge.county(row.light for row in lit)  # type: ignore[misc]


def counts(areas: list[AreaRows]) -> ReportCounts:
    result = ReportCounts()
    for area in areas:
        for row in area.rows:
            if row.not_applicable is not None:
                result.not_applicable += 1
                continue
            result.total += 1
            result.by_state[row.state] += 1
    return result


@dataclass
class IndicatorRow:
    indicator: Indicator
    value: IndicatorValue | None


def indicator_rows(
    county: County, period: Period, indicators: list[Indicator]
) -> list[IndicatorRow]:
    values = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(county=county, period=period)
        .select_related("target_2027", "target_2035")
        .order_by()
    }
    return [IndicatorRow(i, values.get(i.pk)) for i in indicators]


def timeline(county: County, measure: Measure) -> list[ProgressNote]:
    """Every period's note on the measure, newest period first, each with all its versions and
    the lead department's opinions."""
    versions = NoteVersion.objects.select_related(
        "status", "bottom_line", "by", "reply__by", "department"
    ).order_by("-number")
    return list(
        ProgressNote.objects.filter(county=county, measure=measure)
        .select_related("period", "status", "reviewer_status", "reviewed_by")
        .prefetch_related(
            Prefetch("versions", queryset=versions),
            Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by")),
            Prefetch(
                "department_opinions",
                queryset=DepartmentOpinion.objects.select_related("department", "by"),
            ),
        )
        .order_by("-period__starts_on")
    )


def one_row(county: County, period: Period, measure: Measure, judge: Judge) -> MeasureRow:
    """The lead office's row of one measure, lit, as the page shows it (after a change in place)."""
    note = notes_queryset().filter(county=county, period=period, measure=measure).first()
    row = RowLinks(county, period).row(measure, note, drafters(county).get(measure.pk))
    verdict = applicability.verdict(county, measure)
    if verdict.applies:
        row.light = judge.slot(Slot.of(note))
    else:
        row.not_applicable = verdict
    row.exemption = latest_exemptions(county).get(measure.pk)
    return row
