"""A measure that does not apply to a county is not due there: the county's light, the late
view, the reminders, the overview's completeness, the grids and their exports leave it out of
"due" and show 不适用; a note written on it before is not counted either."""

import pytest
from django.utils import timezone

from targets.dashboards import figures
from targets.models import County, Exemption, Measure, Period, State
from targets.spreadsheets import export_tables
from targets.supervision import late_view, lights, reminders
from tests.conftest import TODAY
from tests.notes import saved_note

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_29th_of_november")]

JINJIANG = "510104"


@pytest.fixture
def period():
    return Period.objects.get(code="2026Q3")  # its deadline has passed: nothing in is red


@pytest.fixture
def jinjiang_without_t12(reporter):
    """锦江区 asked, and 成都 agreed, that T1.2 does not apply; 锦江区 had submitted a note on it."""
    saved_note(JINJIANG, "T1.2", State.SUBMITTED, author=reporter)
    return Exemption.objects.create(
        county=County.objects.get(code=JINJIANG),
        measure=Measure.objects.get(code="T1.2"),
        reason="本区没有县城",
        requested_by=reporter,
        state=Exemption.State.APPROVED,
        decided_at=timezone.now(),
    )


def chengdu():
    return County.objects.filter(prefecture__code="510100")


def jinjiang_pk():
    return County.objects.get(code=JINJIANG).pk


def test_the_county_light_counts_only_the_measures_that_apply(period, jinjiang_without_t12):
    found = lights.county_lights(lights.Judge(period, TODAY), chengdu(), Measure.objects.all())
    assert found[jinjiang_pk()].red == 23  # 23 overdue; T1.2 neither red nor counted as submitted
    other = County.objects.get(code="510105").pk
    assert found[other].red == 24


def test_the_late_view_owes_only_the_measures_that_apply(period, jinjiang_without_t12):
    rows = {row.county.code: row for row in late_view.late_rows(period, chengdu(), TODAY, 2)}
    jinjiang = rows[JINJIANG]
    assert (jinjiang.slots, jinjiang.reported, jinjiang.missing, jinjiang.stale) == (23, 0, 23, 23)
    assert rows["510105"].slots == 24


def test_reminders_do_not_chase_a_measure_that_does_not_apply(period, jinjiang_without_t12):
    due = reminders.pending_measures(period, chengdu())
    codes = [measure.code for measure in due[jinjiang_pk()]]
    assert len(codes) == 23
    assert "T1.2" not in codes


def test_the_overview_counts_the_slots_that_apply(period, jinjiang_without_t12):
    scope = figures.scope_from({}, County.objects.all(), period, whole_province=True)
    completeness, _statuses = figures.completeness_and_statuses(scope)
    assert completeness.slots == 183 * 24 - 1
    assert completeness.reported == 0  # the note on T1.2 no longer counts
    units = {row.key: row for row in figures.by_unit(scope, "county")}
    assert (units[JINJIANG].slots, units[JINJIANG].reported) == (23, 0)
    areas = {row.key: row for row in figures.by_task_area(scope)}
    t1 = Measure.objects.filter(task_area__code="T1").count()
    assert areas["T1"].slots == 183 * t1 - 1


def test_the_grids_and_their_exports_show_not_applicable(period, jinjiang_without_t12):
    judge = lights.Judge(period, TODAY)
    measure = Measure.objects.get(code="T1.2")
    county_lights = lights.county_lights(judge, chengdu(), Measure.objects.all())
    groups = figures.measure_grid(measure, judge, chengdu(), county_lights)
    cells = {cell.county.code: cell for _prefecture, found in groups for cell in found}
    assert cells[JINJIANG].not_applicable.reason == "本区没有县城"
    assert cells["510105"].not_applicable is None
    lines = {line[0]: line for line in export_tables.measure_grid(measure, period, groups).rows}
    assert lines[JINJIANG][4] == "不适用"
    area = measure.task_area
    columns, rows = figures.task_area_grid(area, judge, chengdu())
    jinjiang = next(row for _p, found in rows for row in found if row[0].code == JINJIANG)
    cell = jinjiang[2][[m.code for m in columns].index("T1.2")]
    assert cell.not_applicable
    assert jinjiang[1].red == len(columns) - 1
