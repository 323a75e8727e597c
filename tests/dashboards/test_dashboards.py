"""The province overview and a measure's grid: figures from approved notes only, filters that
combine, drill-down, scope, and a fixed number of queries."""

import re

import pytest
from django.conf import settings

from targets.models import (
    BottomLine,
    County,
    CountyType,
    Measure,
    ProgressNote,
    State,
)
from tests.notes import saved_note
from tests.querycount import queries_of

pytestmark = pytest.mark.django_db
OVERVIEW = "/province/?period=2026Q3"


@pytest.fixture
def round_(reporter):
    """A few notes of 2026Q3: approved, submitted, returned, draft, in 成都 and 凉山."""
    return [
        saved_note("510104", "T1.1", State.APPROVED, "behind", 30, author=reporter),
        saved_note(
            "510104",
            "T1.2",
            State.APPROVED,
            "on_schedule",
            70,
            reviewer_status="at_risk",
            author=reporter,
        ),
        saved_note(
            "510105",
            "T1.1",
            State.SUBMITTED,
            "completed",
            100,
            author=reporter,
            bottom_line=BottomLine.objects.get(code="B2"),
        ),
        saved_note("513402", "T2.1", State.RETURNED, author=reporter),
        saved_note("513402", "T2.2", State.DRAFT, author=reporter),
    ]


def test_completeness_counts_the_round(client_for, provincial_reviewer, round_):
    response = client_for(provincial_reviewer).get(OVERVIEW)
    assert response.status_code == 200
    completeness = response.context["completeness"]
    assert completeness.slots == 183 * 24
    assert completeness.by_state == {"approved": 2, "submitted": 1, "returned": 1, "draft": 1}
    assert completeness.missing == 183 * 24 - 3
    assert "只计审核通过的填报" in response.text
    assert "数据截至" in response.text


def test_statuses_come_from_approved_notes_only(client_for, provincial_reviewer, round_):
    mix = {
        s.code: n for s, n in client_for(provincial_reviewer).get(OVERVIEW).context["status_mix"]
    }
    assert mix == {"not_started": 0, "on_schedule": 1, "behind": 1, "at_risk": 0, "completed": 0}


def test_flags_disagreements_and_the_counties_furthest_behind(
    client_for, provincial_reviewer, round_
):
    response = client_for(provincial_reviewer).get(OVERVIEW)
    assert [(line.code, n) for line, n in response.context["flags"]] == [("B2", 1)]
    regions = {row.label: row for row in response.context["units"]}
    assert regions["成都平原经济区"].disagreements == 1
    assert regions["成都平原经济区"].behind == 1
    behind = response.context["behind"]
    assert len(behind) == 10
    assert all(row.missing >= 23 for row in behind)


def test_drill_down_region_prefecture_county(client_for, provincial_reviewer, round_):
    client = client_for(provincial_reviewer)
    regions = client.get(OVERVIEW)
    assert regions.context["level"] == "region"
    assert len(regions.context["units"]) == 5
    prefectures = client.get(OVERVIEW + "&region=chengdu-plain")
    assert prefectures.context["level"] == "prefecture"
    assert len(prefectures.context["units"]) == 8
    counties = client.get(OVERVIEW + "&prefecture=510100")
    assert counties.context["level"] == "county"
    assert len(counties.context["units"]) == 20
    jinjiang = next(r for r in counties.context["units"] if r.key == "510104")
    assert (jinjiang.approved, jinjiang.missing) == (2, 22)
    assert 'href="/counties/510104/report/2026Q3/"' in counties.text
    assert "成都市" in counties.text  # the breadcrumb


def test_filters_combine(client_for, provincial_reviewer, round_):
    urban = CountyType.objects.get(code="urban-core")
    County.objects.filter(code="510104").update(county_type=urban, is_pilot=True)
    client = client_for(provincial_reviewer)
    typed = client.get(OVERVIEW + "&county_type=urban-core&flag=pilot&task_area=T1")
    completeness = typed.context["completeness"]
    assert completeness.slots == 1 * 5
    assert completeness.by_state == {"approved": 2}
    by_integration = client.get(OVERVIEW + "&integration=I4&prefecture=510100")
    t11 = Measure.objects.get(code="T1.1")
    assert t11.integrations.filter(code="I4").exists()
    assert by_integration.context["completeness"].by_state.get("approved") == 1


def test_the_crosstab_marks_cells_without_measures(client_for, provincial_reviewer, round_):
    table = client_for(provincial_reviewer).get(OVERVIEW).context["crosstab"]
    cells = {area.code: cells for area, cells in table}
    assert cells["T1"][3].row.approved == 1  # T1.1 serves 治理融合 (I4)
    assert cells["T5"][0].row is None  # no T5 measure serves 要素融合


def test_a_prefecture_reviewer_sees_their_prefecture_only(client_for, prefecture_reviewer, round_):
    response = client_for(prefecture_reviewer).get(OVERVIEW)
    assert response.context["completeness"].slots == 20 * 24
    assert response.context["completeness"].by_state == {"approved": 2, "submitted": 1}
    # Another prefecture is no choice of theirs: refused, and the page stays on their own.
    elsewhere = client_for(prefecture_reviewer).get(OVERVIEW + "&prefecture=513400")
    assert elsewhere.context["completeness"].slots == 20 * 24
    assert "会理市" not in elsewhere.text


def test_htmx_swaps_only_the_results(client_for, provincial_reviewer):
    response = client_for(provincial_reviewer).get(OVERVIEW, headers={"hx-request": "true"})
    assert response.text.lstrip().startswith('<div id="results">')


@pytest.mark.parametrize("persona", ["reporter", "no_role_user", "security_admin", "audit_admin"])
def test_others_are_refused(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(OVERVIEW).status_code == 403
    assert client.get("/province/measures/T1.1/").status_code == 403


def test_anonymous_and_wrong_method(client, client_for, provincial_reviewer):
    assert client.get(OVERVIEW)["Location"].startswith("/login/")
    assert client_for(provincial_reviewer).post(OVERVIEW).status_code == 405
    assert client_for(provincial_reviewer).post("/province/measures/T1.1/").status_code == 405


def test_the_grid_shows_each_county_this_round(client_for, provincial_reviewer, round_, reporter):
    saved_note("510104", "T1.1", State.APPROVED, period="2026Q2", author=reporter)
    response = client_for(provincial_reviewer).get("/province/measures/T1.1/?period=2026Q3")
    assert response.status_code == 200
    cells = {cell.county.code: cell for _p, group in response.context["groups"] for cell in group}
    assert len(cells) == 183
    assert cells["510104"].approved
    assert cells["510104"].note.status.code == "behind"
    assert cells["510105"].note.state == State.SUBMITTED
    assert not cells["510105"].approved
    assert cells["513402"].note is None
    assert cells["513402"].last_saved is None
    assert cells["510104"].last_saved is not None
    assert response.text.count("未填报") >= 181


def test_the_grid_s_tiles_and_rows_say_each_county_s_state_in_the_reader_s_language(
    client_for, provincial_reviewer, round_
):
    client = client_for(provincial_reviewer)
    page = client.get("/province/measures/T1.2/?period=2026Q3").text
    tile = re.search(r'<li class="tile tile--approved tile--\w+">.*?</li>', page, re.S)
    assert "锦江区" in tile.group(0)
    assert "按计划推进 70% ≠" in tile.group(0)
    row = re.search(
        r'<tr>\s*<th scope="row"><a href="/counties/510104/measures/T1.2/">.*?</tr>', page, re.S
    )
    assert '<span class="state state--approved">已审核通过</span>' in row.group(0)
    assert '<td class="num">70%</td>' in row.group(0)
    assert "审核人:存在风险" in row.group(0)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/province/measures/T1.1/?period=2026Q3").text
    assert re.search(r'<li class="tile tile--pending tile--\w+">', page)
    assert ">Awaiting review</span>" in page
    assert '<span class="state state--missing">Not reported</span>' in page


def test_queries_do_not_grow_with_the_data(client_for, provincial_reviewer, round_, reporter):
    client = client_for(provincial_reviewer)
    overview, grid = (
        queries_of(client, OVERVIEW),
        queries_of(client, "/province/measures/T1.1/?period=2026Q3"),
    )
    for county in County.objects.filter(prefecture__code="510100")[:15]:
        for code in ["T1.1", "T3.1", "T4.2"]:
            if not ProgressNote.objects.filter(
                county=county, measure__code=code, period__code="2026Q3"
            ).exists():
                saved_note(county.code, code, State.APPROVED, author=reporter)
    assert queries_of(client, OVERVIEW) == overview
    assert queries_of(client, "/province/measures/T1.1/?period=2026Q3") == grid


def test_a_task_area_across_the_counties(client_for, provincial_reviewer, round_):
    response = client_for(provincial_reviewer).get("/province/task-areas/T1/?period=2026Q3")
    assert response.status_code == 200
    assert [m.code for m in response.context["measures"]] == [
        "T1.1",
        "T1.2",
        "T1.3",
        "T1.4",
        "T1.5",
    ]
    rows = {
        county.code: notes
        for _p, group in response.context["groups"]
        for county, _light, notes in group
    }
    assert len(rows) == 183
    assert [n.state if n else None for n in rows["510104"]][:2] == ["approved", "approved"]
    assert "滞后" in response.text
    assert "待审核" in response.text


def test_the_task_area_grid_keeps_to_the_scope(client_for, prefecture_reviewer, reporter):
    client = client_for(prefecture_reviewer)
    response = client.get("/province/task-areas/T1/?period=2026Q3")
    assert sum(len(group) for _p, group in response.context["groups"]) == 20
    assert client_for(reporter).get("/province/task-areas/T1/").status_code == 403


def test_goals_filtered_by_horizon(client_for, provincial_reviewer):
    page = client_for(provincial_reviewer).get("/province/goals/?horizon=2035&region=panxi").text
    assert "城乡融合发展的体制机制更加完善" in page
    assert "县城综合承载能力明显增强" not in page


def test_the_records_behind_a_figure(client_for, provincial_reviewer, round_):
    client = client_for(provincial_reviewer)
    behind = client.get("/province/notes/?period=2026Q3&status=behind")
    assert [(n.county.code, n.measure.code) for n in behind.context["page"].object_list] == [
        ("510104", "T1.1")
    ]
    returned = client.get("/province/notes/?period=2026Q3&state=returned")
    assert [n.county.code for n in returned.context["page"].object_list] == ["513402"]
    overview = client.get(OVERVIEW).text
    assert 'href="/province/notes/?period=2026Q3&amp;status=behind"' in overview
    scoped = client_for(provincial_reviewer).get("/province/notes/?period=2026Q3&prefecture=513400")
    assert {n.county.code for n in scoped.context["page"].object_list} == {"513402"}
