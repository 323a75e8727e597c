"""The briefing's highlights (五、工作亮点): the round's curated cases of its scope first, saying
典型经验, then automatic picks up to the count."""

import datetime

import pytest

from targets.dashboards import briefing
from targets.models import County, Measure, Period, Practice, State
from tests.notes import saved_note

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 1)


def case(note, user, title):
    return Practice.objects.create(
        title=title,
        summary="经验做法",
        county=note.county,
        measure=note.measure,
        period=note.period,
        note=note,
        task_area=note.measure.task_area,
        curated_by=user,
        updated_by=user,
    )


@pytest.fixture
def approved(reporter):
    codes = list(Measure.objects.order_by("order").values_list("code", flat=True)[:10])
    return [
        saved_note(
            "510104", code, State.APPROVED, percent=90 - i, narrative=f"自动{code}", author=reporter
        )
        for i, code in enumerate(codes)
    ]


def build(counties):
    return briefing.build(Period.objects.get(code="2026Q3"), TODAY, counties, whole_province=True)


def test_curated_cases_come_first_and_the_picks_fill_up(approved, provincial_reviewer):
    curated = case(approved[-1], provincial_reviewer, "锦江区的典型经验")
    result = build(County.objects.all())
    assert result.curated == [curated]
    assert len(result.highlights) == briefing.HIGHLIGHTS - 1
    assert approved[-1] not in result.highlights
    assert result.highlights[0] == approved[0]


def test_a_case_out_of_the_scope_or_round_is_not_used(approved, provincial_reviewer, reporter):
    other_round = saved_note("510104", "T1.1", State.APPROVED, period="2026Q2", author=reporter)
    case(other_round, provincial_reviewer, "上一轮")
    case(approved[0], provincial_reviewer, "锦江区")
    assert build(County.objects.filter(prefecture__code="513400")).curated == []
    assert [c.title for c in build(County.objects.all()).curated] == ["锦江区"]


def test_the_page_shows_the_case_as_a_good_practice(client_for, approved, provincial_reviewer):
    case(approved[3], provincial_reviewer, "锦江区一窗通办")
    html = client_for(provincial_reviewer).get("/province/briefing/?period=2026Q3").content.decode()
    part = html[html.index("五、工作亮点") :]
    assert part.index("锦江区一窗通办") < part.index("自动")
    assert "典型经验" in part
