"""The review queue's export: every item the filters select, written as it is read, flat in
memory however long the queue. Notes and values are each read in the order of their queue index
(submitted_at, id) with only the fields the table needs, through a server-side cursor each, and
merged as they come; the names of counties, rounds, measures, indicators, statuses and
departments, bounded by the plan and the divisions and not by the data, are read once.

Up to INLINE_ROWS items the file is made within the request; a larger queue is made by the task
worker (``review.export_files``): at Sichuan scale every submitted note took 13 s."""

import datetime
import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from targets.models import (
    County,
    Department,
    DepartmentOpinion,
    Indicator,
    Measure,
    MeasureUnits,
    Period,
    StatusOption,
    units_by_measure,
)
from targets.review.queue import filtered
from targets.spreadsheets import export_tables
from targets.spreadsheets.exports import Table
from targets.supervision.lights import Judge

# The most items exported within the request (about a second); more are made by the worker.
INLINE_ROWS = 1000
CHUNK = 2000  # rows a server-side cursor fetches at a time

NOTE_FIELDS = (
    "submitted_at",
    "id",
    "county_id",
    "period_id",
    "measure_id",
    "state",
    "status_id",
    "percent",
    "reviewed_at",
    "bottom_line_id",
    "updated_by__username",
    "updated_by__first_name",
    "updated_by__last_name",
    "opinion",
    "opinion_department",
    "problems",
    "next_steps",
)
VALUE_FIELDS = (
    "submitted_at",
    "id",
    "county_id",
    "period_id",
    "indicator_id",
    "value",
    "updated_by__username",
    "updated_by__first_name",
    "updated_by__last_name",
)


@dataclass
class _Names:
    """What the rows name, by id, in the active language."""

    counties: dict[int, tuple[str, str, str]]  # code, name, prefecture
    periods: dict[int, Period]
    measures: dict[int, str]
    indicators: dict[int, str]
    statuses: dict[int, str]
    departments: dict[int, str]
    units: dict[int, MeasureUnits]

    @classmethod
    def read(cls) -> "_Names":
        return cls(
            counties={
                c.pk: (c.code, c.label, c.prefecture.label)
                for c in County.objects.select_related("prefecture")
            },
            periods={p.pk: p for p in Period.objects.all()},
            measures={m.pk: f"{m.code} {m.label}" for m in Measure.objects.all()},
            indicators={i.pk: f"{i.code} {i.label}" for i in Indicator.objects.all()},
            statuses={s.pk: s.label for s in StatusOption.objects.all()},
            departments={d.pk: d.label for d in Department.objects.all()},
            units=units_by_measure(),
        )


def _who(username: str, first: str, last: str) -> str:
    """A user's name as Django's get_full_name gives it, else the user name."""
    return f"{first} {last}".strip() or username


def count(counties: QuerySet[County], filters: dict) -> int:
    """How many items the export would hold (each count reads a queue index alone)."""
    notes, values = filtered(counties, filters)
    return notes.count() + values.count()


def table(counties: QuerySet[County], filters: dict, today: datetime.date) -> Table:
    """The export of the items the filters select in these counties, its rows read lazily."""
    notes, values = filtered(counties, filters)
    return export_tables.review_queue(_rows(notes, values, today))


def _rows(notes: QuerySet, values: QuerySet, today: datetime.date) -> Iterator[list]:
    names = _Names.read()
    merged = heapq.merge(
        _note_rows(notes, names, today), _value_rows(values, names), key=itemgetter(0)
    )
    for _key, row in merged:
        yield row


def _note_rows(
    notes: QuerySet, names: _Names, today: datetime.date
) -> Iterator[tuple[tuple, list]]:
    # The opinion on the version submitted, the latest if there are several.
    opinions = DepartmentOpinion.objects.filter(
        note=OuterRef("pk"), note_version=OuterRef("version")
    ).order_by("-at", "-id")
    found = (
        notes.annotate(
            opinion=Subquery(opinions.values("text")[:1]),
            opinion_department=Subquery(opinions.values("department_id")[:1]),
        )
        .order_by("submitted_at", "id")
        .values_list(*NOTE_FIELDS)
    )
    judges: dict[int, Judge] = {}
    opinion_words = _("%(department)s:%(opinion)s")
    for (
        submitted_at,
        pk,
        county_id,
        period_id,
        measure_id,
        state,
        status_id,
        percent,
        reviewed_at,
        bottom_line_id,
        username,
        first,
        last,
        opinion,
        opinion_department,
        problems,
        next_steps,
    ) in found.iterator(chunk_size=CHUNK):
        period = names.periods[period_id]
        judge = judges.get(period_id)
        if judge is None:
            judge = judges[period_id] = Judge(period, today)
        status = names.statuses[status_id]
        light = judge.fields(
            state, status_id, status, percent, reviewed_at, bottom_line_id is not None
        )
        units = names.units.get(measure_id)
        said = ""
        if opinion is not None:
            department = names.departments.get(opinion_department, "")
            said = opinion_words % {"department": department, "opinion": opinion}
        yield (
            (submitted_at, "note", pk),
            [
                _("进展"),
                *names.counties[county_id],
                period.label,
                names.measures[measure_id],
                units.lead_text if units else "",
                units.cooperating_text if units else "",
                status,
                percent,
                None,
                light.label,
                light.text,
                said,
                submitted_at,
                _who(username, first, last),
                problems,
                next_steps,
            ],
        )


def _value_rows(values: QuerySet, names: _Names) -> Iterator[tuple[tuple, list]]:
    found = values.order_by("submitted_at", "id").values_list(*VALUE_FIELDS)
    for (
        submitted_at,
        pk,
        county_id,
        period_id,
        indicator_id,
        value,
        username,
        first,
        last,
    ) in found.iterator(chunk_size=CHUNK):
        yield (
            (submitted_at, "value", pk),
            [
                _("指标值"),
                *names.counties[county_id],
                names.periods[period_id].label,
                names.indicators[indicator_id],
                "",
                "",
                "",
                None,
                value,
                "",
                "",
                "",
                submitted_at,
                _who(username, first, last),
                "",
                "",
            ],
        )
