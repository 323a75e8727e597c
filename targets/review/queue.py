"""The review queue: submitted notes and indicator values in a reviewer's scope, oldest first."""

import datetime
import heapq
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet

from targets.models import (
    County,
    DepartmentOpinion,
    Evidence,
    IndicatorValue,
    Measure,
    MeasureDepartment,
    NoteVersion,
    Period,
    ProgressNote,
    Responsibility,
    State,
)
from targets.reporting import links
from targets.review.resubmission import Resubmission, resubmissions
from targets.supervision.lights import Judge, Light, Slot

PAGE_SIZE = 20  # unless the reviewer asks for more (QueueFilterForm.per_page)


@dataclass
class QueueItem:
    kind: str  # "note" or "value"
    record: ProgressNote | IndicatorValue
    light: Light | None = None  # notes only
    timeline_url: str = ""  # notes only, on the queue's page
    evidence: tuple[Evidence, ...] = ()  # notes only: the files in force, to open from the queue
    resubmission: Resubmission | None = None  # a note sent again after a return
    # Notes only: the lead department's opinion on the version submitted, and whether the
    # measure has a lead department (whose opinion is then awaited while there is none).
    opinion: DepartmentOpinion | None = None
    has_lead: bool = False

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.record.pk}"


def _within(records: QuerySet, counties: QuerySet[County]) -> QuerySet:
    """The records of these counties. Every county (a provincial reviewer's) needs no filter:
    checking each pending row against the whole list would double the cost of counting them."""
    return records.filter(county__in=counties) if counties.query.has_filters() else records


def waiting_rounds(counties: QuerySet[County], chosen: str = "") -> QuerySet[Period]:
    """The rounds with something waiting in these counties (one probe of a queue index per
    round), and the round ``chosen`` by its code whatever it holds: what the period filter
    offers."""
    notes, values = (
        _within(model.objects.filter(state=State.SUBMITTED, period=OuterRef("pk")), counties)
        for model in (ProgressNote, IndicatorValue)
    )
    waiting = Q(Exists(notes)) | Q(Exists(values))
    return Period.objects.filter((waiting | Q(code=chosen)) if chosen else waiting)


def filtered(counties: QuerySet[County], filters: dict) -> tuple[QuerySet, QuerySet]:
    """The submitted notes and values of these counties that the filters select."""
    notes = _within(ProgressNote.objects.filter(state=State.SUBMITTED), counties)
    values = _within(IndicatorValue.objects.filter(state=State.SUBMITTED), counties)
    if filters.get("period"):
        notes = notes.filter(period=filters["period"])
        values = values.filter(period=filters["period"])
    if filters.get("prefecture"):
        notes = notes.filter(county__prefecture=filters["prefecture"])
        values = values.filter(county__prefecture=filters["prefecture"])
    if filters.get("county"):
        notes = notes.filter(county=filters["county"])
        values = values.filter(county=filters["county"])
    note_only = {
        "task_area": "measure__task_area",
        # A subquery, not a join: a join on the many-to-many would repeat notes.
        "integration": "measure__in",
        "status": "status",
    }
    if filters.get("integration"):
        filters = filters | {
            "integration": Measure.objects.filter(integrations=filters["integration"])
        }
    for name, lookup in note_only.items():
        if filters.get(name):
            notes = notes.filter(**{lookup: filters[name]})
            values = values.none()
    if filters.get("flagged"):
        notes = notes.filter(bottom_line__isnull=False)
        values = values.none()
    if filters.get("resubmitted"):  # notes only: values keep no versions
        notes = notes.filter(
            Exists(NoteVersion.objects.filter(note=OuterRef("pk"), event="return"))
        )
        values = values.none()
    return notes, values


NOTE_RELATED = (
    "county__prefecture",
    "measure",
    "period",
    "status",
    "bottom_line",
    "updated_by",
    "reviewer_status",
)
VALUE_RELATED = (
    "county__prefecture",
    "indicator",
    "period",
    "updated_by",
    "target_2027",
    "target_2035",
)


def _lit(items: list[QueueItem], today: datetime.date) -> list[QueueItem]:
    judges: dict[int, Judge] = {}
    for item in items:
        if isinstance(item.record, ProgressNote):
            period = item.record.period
            judge = judges.get(period.pk)
            if judge is None:
                judge = judges[period.pk] = Judge(period, today)
            item.light = judge.slot(Slot.of(item.record))
    return items


class _QueueKeys:
    """(submitted_at, kind, id) of the queue's items, oldest first, for the paginator. Notes and
    values are each read in the order of their queue index, only as far as the page asked for,
    and merged here: a UNION sorted by the database would read every submitted row."""

    def __init__(self, notes: QuerySet, values: QuerySet):
        self.parts = (("note", notes), ("value", values))

    def count(self) -> int:
        return sum(records.count() for _kind, records in self.parts)

    def __getitem__(self, window: slice) -> list[tuple]:
        runs = [
            [
                (at, kind, pk)
                for at, pk in records.order_by("submitted_at", "id").values_list(
                    "submitted_at", "id"
                )[: window.stop]
            ]
            for kind, records in self.parts
        ]
        return list(heapq.merge(*runs))[window]


def queue_page(counties: QuerySet[County], filters: dict, number) -> Page:
    """The page of the queue asked for. Its items are named by their keys, (submitted_at, kind,
    id): a submitted record cannot change until it is reviewed, so these also say what the
    page shows of it (items_on)."""
    size = filters.get("per_page") or PAGE_SIZE
    # Django's paginator needs only count() and slicing; the stubs ask for a whole sequence.
    keys = _QueueKeys(*filtered(counties, filters))
    return Paginator(keys, size).get_page(number)  # type: ignore[arg-type]


def items_on(page: Page, today: datetime.date) -> list[QueueItem]:
    """The page's notes and values, with what the queue shows of them."""
    wanted: dict[str, list[int]] = {"note": [], "value": []}
    for _at, kind, pk in page.object_list:
        wanted[kind].append(pk)
    found: dict[tuple[str, int], ProgressNote | IndicatorValue] = {
        ("note", n.pk): n for n in _notes(wanted["note"])
    }
    found |= {
        ("value", v.pk): v
        for v in IndicatorValue.objects.filter(pk__in=wanted["value"])
        .select_related(*VALUE_RELATED)
        .order_by()
    }
    items = [QueueItem(kind, found[(kind, pk)]) for _at, kind, pk in page.object_list]
    notes = [item.record for item in items if isinstance(item.record, ProgressNote)]
    files = _files_of(notes)
    returns = resubmissions(notes, files)
    opinions, led = _opinions_of(notes)
    timeline = links.each("timeline", links.EACH, links.EACH)
    for item in items:
        if isinstance(item.record, ProgressNote):
            note = item.record
            item.timeline_url = timeline(note.county.code, note.measure.code)
            item.evidence = tuple(f for f in files.get(note.pk, ()) if not f.superseded)
            item.resubmission = returns.get(note.pk)
            item.opinion = opinions.get((note.pk, note.version))
            item.has_lead = note.measure_id in led
    return _lit(items, today)


def _notes(ids: list[int]) -> list[ProgressNote]:
    """The notes with the records they name, joined (the page's order is the keys')."""
    return list(ProgressNote.objects.filter(pk__in=ids).select_related(*NOTE_RELATED).order_by())


def _opinions_of(
    notes: list[ProgressNote],
) -> tuple[dict[tuple[int, int], DepartmentOpinion], set[int]]:
    """The lead departments' opinions on the notes, by (note, version), the latest of each; and
    the notes' measures that have a lead department."""
    if not notes:
        return {}, set()
    found = DepartmentOpinion.objects.filter(note__in=notes).select_related("department")
    opinions = {(o.note_id, o.note_version): o for o in found.order_by("at", "id")}
    led = set(
        MeasureDepartment.objects.filter(
            measure_id__in={n.measure_id for n in notes}, responsibility=Responsibility.LEAD
        ).values_list("measure_id", flat=True)
    )
    return opinions, led


def _files_of(notes: list[ProgressNote]) -> dict[int, list[Evidence]]:
    """Every evidence file of the notes, superseded ones too (a resubmission names what it
    replaced), by note, in the order they were uploaded."""
    files: dict[int, list[Evidence]] = {}
    if notes:
        found = (
            Evidence.objects.filter(note__in=notes).defer("sha256").order_by("uploaded_at", "id")
        )
        for file in found:
            files.setdefault(file.note_id, []).append(file)
    return files


def records_for(keys: list[str], counties: QuerySet[County]) -> list:
    """The notes and values named ``note-<id>`` / ``value-<id>``, within the reviewer's counties."""
    ids: dict[str, list[int]] = {"note": [], "value": []}
    for key in keys:
        kind, _dash, pk = key.partition("-")
        if kind in ids and pk.isdigit():
            ids[kind].append(int(pk))
    records: list[ProgressNote | IndicatorValue] = list(
        ProgressNote.objects.filter(pk__in=ids["note"], county__in=counties).select_related(
            "period", "county", "measure"
        )
    )
    records += list(
        IndicatorValue.objects.filter(pk__in=ids["value"], county__in=counties).select_related(
            "period", "county", "indicator"
        )
    )
    return records
