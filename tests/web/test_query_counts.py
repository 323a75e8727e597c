"""Every page makes a number of queries that does not grow with the data: measured with a little
data, then again after many more notes, versions, indicator values, reminders and audit records."""

import itertools

import pytest

from targets.audit import trail
from targets.models import (
    County,
    Indicator,
    IndicatorValue,
    Measure,
    NoteVersion,
    Notification,
    Period,
    ProgressNote,
    State,
    StatusOption,
)
from tests.querycount import queries_of

pytestmark = pytest.mark.django_db

PAGES = [
    ("reporter", "/todo/"),
    ("reporter", "/counties/510104/report/2026Q3/"),
    ("reporter", "/counties/510104/measures/T1.1/"),
    ("reporter", "/counties/510104/"),
    ("reporter", "/notifications/"),
    ("reporter", "/values/import/"),
    ("reporter", "/plan/"),
    ("provincial_reviewer", "/province/?period=2026Q3"),
    ("provincial_reviewer", "/province/?period=2026Q3&prefecture=510100"),
    ("provincial_reviewer", "/province/measures/T1.1/?period=2026Q3"),
    ("provincial_reviewer", "/province/task-areas/T1/?period=2026Q3"),
    ("provincial_reviewer", "/province/notes/?period=2026Q3"),
    ("provincial_reviewer", "/province/indicators/D01/"),
    ("provincial_reviewer", "/province/goals/"),
    ("provincial_reviewer", "/province/pace/"),
    ("provincial_reviewer", "/problems/"),
    ("provincial_reviewer", "/province/briefing/?period=2026Q3"),
    ("provincial_reviewer", "/review/"),
    ("provincial_reviewer", "/review/late/?period=2026Q3&show=all"),
    ("provincial_reviewer", "/review/reminders/"),
    ("prefecture_reviewer", "/review/late/?period=2026Q3"),
    ("admin_user", "/plan/import/"),
    ("audit_admin", "/audit/"),
]
STATES = [State.DRAFT, State.SUBMITTED, State.RETURNED, State.APPROVED, State.APPROVED]


def grow(author, reporter, counties: int) -> None:
    """Notes of every state (with their versions) on every measure of ``counties`` counties in
    three periods, approved indicator values, reminders and audit records."""
    statuses = list(StatusOption.objects.all())
    measures = list(Measure.objects.all())
    chosen = list(County.objects.order_by("code")[:counties])
    periods = list(Period.objects.filter(code__in=["2026Q1", "2026Q2", "2026Q3"]))
    taken = set(ProgressNote.objects.values_list("county_id", "measure_id", "period_id"))
    cycle = itertools.count()
    notes = []
    for county, measure, period in itertools.product(chosen, measures, periods):
        if (county.pk, measure.pk, period.pk) in taken:
            continue
        n = next(cycle)
        notes.append(
            ProgressNote(
                county=county,
                measure=measure,
                period=period,
                state=STATES[n % len(STATES)],
                status=statuses[n % len(statuses)],
                percent=n % 101,
                narrative="增长的数据",
                updated_by=author,
            )
        )
    notes = ProgressNote.objects.bulk_create(notes)
    NoteVersion.objects.bulk_create(
        NoteVersion(
            note=note,
            number=1,
            state=note.state,
            status=note.status,
            percent=note.percent,
            narrative=note.narrative,
            event="save",
            by=author,
        )
        for note in notes
    )
    values = [
        IndicatorValue(
            county=county,
            indicator=indicator,
            period=period,
            state=State.APPROVED,
            value=50 + n,
            source="统计局",
            updated_by=author,
        )
        for n, (county, indicator, period) in enumerate(
            itertools.product(
                chosen, Indicator.objects.filter(level=Indicator.Level.COUNTY), periods
            )
        )
    ]
    IndicatorValue.objects.bulk_create(values, ignore_conflicts=True)
    Notification.objects.bulk_create(
        Notification(
            recipient=reporter,
            kind=Notification.Kind.OVERDUE,
            period=period,
            county=county,
            days=n,
            pending=3,
            sent_on=period.deadline,
        )
        for n, (county, period) in enumerate(itertools.product(chosen[-10:], periods))
    )
    for n in range(10):
        trail.record("test.grow", actor=author, changes={"n": [None, n]})


@pytest.mark.parametrize(("persona", "url"), PAGES)
def test_the_queries_of_a_page_do_not_grow_with_the_data(
    request, client_for, demo, persona, url, reporter, settings
):
    settings.DASHBOARD_CACHE_SECONDS = 0  # the dashboards counted, not kept from the first request
    author = request.getfixturevalue("admin_user")
    client = client_for(request.getfixturevalue(persona))
    grow(author, reporter, counties=3)
    before = queries_of(client, url)
    grow(author, reporter, counties=30)
    assert queries_of(client, url) == before
