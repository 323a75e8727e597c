"""The department filter: on the overview, the task-area grid, a measure's grid, the notes list and
the late view, choosing a provincial department keeps only the measures it leads or cooperates on;
the shared page cache keeps each choice apart; an unknown or another department's code is refused
like any unknown choice."""

import pytest

from targets.models import Department, Measure, MeasureDepartment, State
from tests.notes import saved_note
from tests.querycount import queries_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(reporter, department_user, cooperating_department):
    """agri leads T1.1 and cooperates on T2.1; notes of 2026Q3 on T1.1, T1.2 and T2.1."""
    MeasureDepartment.objects.create(
        measure=Measure.objects.get(code="T2.1"),
        department=Department.objects.get(code="agri"),
        responsibility="cooperating",
    )
    return [
        saved_note("510104", "T1.1", State.APPROVED, author=reporter),
        saved_note("510104", "T1.2", State.APPROVED, author=reporter),
        saved_note("510105", "T2.1", State.SUBMITTED, author=reporter),
        saved_note("513402", "T1.2", State.RETURNED, author=reporter),
    ]


def codes(notes) -> set[str]:
    return {note.measure.code for note, _light in notes}


def test_the_notes_list_keeps_the_departments_measures(client_for, provincial_reviewer, round_):
    client = client_for(provincial_reviewer)
    assert codes(client.get("/province/notes/?period=2026Q3").context["rows"]) == {
        "T1.1",
        "T1.2",
        "T2.1",
    }
    filtered = client.get("/province/notes/?period=2026Q3&department=agri")
    assert codes(filtered.context["rows"]) == {"T1.1", "T2.1"}
    cooperating = client.get("/province/notes/?period=2026Q3&department=housing")
    assert codes(cooperating.context["rows"]) == {"T1.1"}


def test_the_overview_counts_and_lists_the_departments_measures(
    settings, client_for, provincial_reviewer, round_
):
    settings.DASHBOARD_CACHE_SECONDS = 0
    response = client_for(provincial_reviewer).get("/province/?period=2026Q3&department=agri")
    assert response.status_code == 200
    assert [m.code for m in response.context["measures"]] == ["T1.1", "T2.1"]
    completeness = response.context["completeness"]
    assert completeness.slots == 183 * 2
    assert completeness.by_state == {"approved": 1, "submitted": 1}
    assert 'href="/province/measures/T1.1/?period=2026Q3&amp;department=agri"' in response.text


def test_the_task_area_grid_shows_the_departments_columns(client_for, provincial_reviewer, round_):
    client = client_for(provincial_reviewer)
    response = client.get("/province/task-areas/T1/?period=2026Q3&department=agri")
    assert [m.code for m in response.context["measures"]] == ["T1.1"]
    jinjiang = next(
        row for _p, rows in response.context["groups"] for row in rows if row[0].code == "510104"
    )
    assert [note.measure.code for note in jinjiang[2]] == ["T1.1"]
    response = client.get("/province/task-areas/T3/?period=2026Q3&department=agri")
    assert response.context["measures"] == []
    assert "所选责任部门在本任务下没有牵头或配合的举措" in response.text


def test_a_measures_grid_accepts_the_filter(client_for, provincial_reviewer, round_):
    response = client_for(provincial_reviewer).get(
        "/province/measures/T1.1/?period=2026Q3&department=agri"
    )
    assert response.status_code == 200
    assert '<option value="agri" selected>' in response.text


def test_the_late_view_counts_the_departments_measures(
    settings, client_for, provincial_reviewer, round_
):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client = client_for(provincial_reviewer)
    whole = {r.county.code: r for r in client.get("/review/late/?show=all").context["rows"]}
    assert whole["510104"].slots == 24
    assert whole["510104"].reported == 2
    rows = {
        r.county.code: r
        for r in client.get("/review/late/?show=all&department=agri").context["rows"]
    }
    assert rows["510104"].slots == 2
    assert (rows["510104"].reported, rows["510104"].missing) == (1, 1)
    assert (rows["510105"].reported, rows["510105"].missing) == (1, 1)
    assert rows["513402"].returned == 0  # the return is on T1.2, not the department's


def test_the_shared_cache_keeps_each_department_apart(client_for, provincial_reviewer, round_):
    client = client_for(provincial_reviewer)
    client.get("/province/?period=2026Q3")
    filtered = client.get("/province/?period=2026Q3&department=agri")
    assert 'href="/province/measures/T1.2/?period=2026Q3&amp;department=agri"' not in filtered.text
    assert 'href="/province/measures/T1.1/?period=2026Q3&amp;department=agri"' in filtered.text
    whole = client.get("/province/?period=2026Q3")
    assert 'href="/province/measures/T1.2/?period=2026Q3"' in whole.text


def test_a_change_of_the_departments_measures_shows_at_once(
    client_for, provincial_reviewer, round_
):
    client = client_for(provincial_reviewer)
    path = "/province/?period=2026Q3&department=housing"
    assert 'href="/province/measures/T1.2/?period=2026Q3&amp;department=housing"' not in (
        client.get(path).text
    )
    MeasureDepartment.objects.create(
        measure=Measure.objects.get(code="T1.2"),
        department=Department.objects.get(code="housing"),
        responsibility="cooperating",
    )
    assert 'href="/province/measures/T1.2/?period=2026Q3&amp;department=housing"' in (
        client.get(path).text
    )


def test_an_unknown_department_is_refused_like_any_unknown_choice(
    client_for, provincial_reviewer, round_
):
    response = client_for(provincial_reviewer).get("/province/notes/?period=2026Q3&department=x")
    assert response.status_code == 200
    assert not response.context["form"].is_valid()
    assert "department" in response.context["form"].errors


def test_an_inactive_department_is_not_offered(client_for, provincial_reviewer, round_):
    Department.objects.filter(code="housing").update(is_active=False)
    response = client_for(provincial_reviewer).get("/province/notes/?period=2026Q3")
    choices = [value for value, _label in response.context["form"].fields["department"].choices]
    assert "housing" not in [str(v) for v in choices]
    assert "agri" in [str(v) for v in choices]


def test_a_department_user_chooses_among_its_own(client_for, department_user, round_):
    response = client_for(department_user).get("/province/notes/?period=2026Q3")
    choices = [str(v) for v, _label in response.context["form"].fields["department"].choices]
    assert choices == ["", "agri"]
    other = client_for(department_user).get("/province/notes/?period=2026Q3&department=housing")
    assert "department" in other.context["form"].errors


def test_a_demonstration_department_says_so(client_for, provincial_reviewer, round_):
    Department.objects.create(code="demo", name="省演示厅", is_demo=True)
    response = client_for(provincial_reviewer).get("/province/notes/?period=2026Q3")
    assert "省演示厅(演示)" in response.text


def test_filtered_pages_keep_their_query_counts(
    settings, client_for, provincial_reviewer, reporter, round_
):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client = client_for(provincial_reviewer)
    paths = [
        "/province/?period=2026Q3&department=agri",
        "/province/task-areas/T1/?period=2026Q3&department=agri",
        "/province/notes/?period=2026Q3&department=agri",
        "/review/late/?show=all&department=agri",
    ]
    before = [queries_of(client, path) for path in paths]
    for county in ["510106", "510107", "510108", "510112"]:
        saved_note(county, "T1.1", State.APPROVED, author=reporter)
        saved_note(county, "T2.1", State.SUBMITTED, author=reporter)
    assert [queries_of(client, path) for path in paths] == before


def test_the_goals_page_offers_no_department(client_for, provincial_reviewer, round_):
    """Indicators belong to goals, not to measures: a department would choose nothing there."""
    response = client_for(provincial_reviewer).get("/province/goals/")
    assert "department" not in response.context["form"].fields
