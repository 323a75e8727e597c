"""The overview cut by responsible department: each provincial department's measures with their
completeness and lights in the counties the user sees; one department in detail; who may open
them; a fixed number of queries."""

import pytest
from django.conf import settings

from targets.models import (
    County,
    Department,
    Measure,
    MeasureDepartment,
    Prefecture,
    ProgressNote,
    Responsibility,
    State,
)
from tests.notes import saved_note
from tests.querycount import queries_of

pytestmark = pytest.mark.django_db
CUT = "/province/departments/?period=2026Q3"
AGRI = "/province/departments/agri/?period=2026Q3"


@pytest.fixture
def finance(db) -> Department:
    """A third department: lead of T2.1, cooperating on T1.1; marked as demonstration data."""
    department = Department.objects.create(code="finance", name="省财政厅", is_demo=True)
    for code, responsibility in [("T2.1", Responsibility.LEAD), ("T1.1", "cooperating")]:
        MeasureDepartment.objects.create(
            measure=Measure.objects.get(code=code),
            department=department,
            responsibility=responsibility,
        )
    return department


@pytest.fixture
def round_(reporter, department_user, cooperating_department, finance):
    """2026Q3: T1.1 approved in 锦江区 (成都), submitted in 会理市 (凉山); T2.1 returned in
    青羊区 (成都); T1.1 in draft in 金牛区."""
    return [
        saved_note("510104", "T1.1", State.APPROVED, "on_schedule", 60, author=reporter),
        saved_note("513402", "T1.1", State.SUBMITTED, "on_schedule", 40, author=reporter),
        saved_note("510105", "T2.1", State.RETURNED, author=reporter),
        saved_note("510106", "T1.1", State.DRAFT, author=reporter),
    ]


def rows_of(response) -> dict:
    return {row.department.code: row for row in response.context["rows"]}


def test_each_department_with_its_measures_completeness_and_lights(
    client_for, provincial_reviewer, round_, on_the_29th_of_november
):
    response = client_for(provincial_reviewer).get(CUT)
    assert response.status_code == 200
    rows = rows_of(response)
    assert list(rows) == ["agri", "finance", "housing"]
    agri = rows["agri"]
    assert (agri.leads, agri.cooperates) == (1, 0)
    assert (agri.slots, agri.reported, agri.approved, agri.missing) == (183, 2, 1, 181)
    # 2026Q3's deadline has passed: nothing submitted (181) is red, and so is 40% against a
    # 序时进度 of about 70%; 60% is yellow.
    assert agri.lights == {"red": 182, "yellow": 1}
    assert (agri.red, agri.yellow, agri.green) == (182, 1, 0)
    finance = rows["finance"]
    assert (finance.leads, finance.cooperates) == (1, 1)
    assert [d.figures.measure.code for d in finance.duties] == ["T2.1", "T1.1"]  # lead first
    assert finance.slots == 2 * 183
    assert finance.returned == 1
    assert sum(finance.lights.values()) == 2 * 183
    assert rows["housing"].cooperates == 1
    assert "省财政厅" in response.text
    assert "演示数据" in response.text
    # The measures no department leads are named, for someone to assign them.
    assert "T1.2" in {m.code for m in response.context["without_lead"]}
    assert "T1.1" not in {m.code for m in response.context["without_lead"]}


def test_a_prefecture_reviewer_counts_only_its_counties(
    client_for, prefecture_reviewer, round_, on_the_29th_of_november
):
    response = client_for(prefecture_reviewer).get(CUT)
    assert response.status_code == 200
    chengdu = County.objects.filter(prefecture=Prefecture.objects.get(code="510100")).count()
    agri = rows_of(response)["agri"]
    assert agri.slots == chengdu
    assert agri.reported == 1  # 会理市's submission is 凉山's
    assert sum(agri.lights.values()) == chengdu


def test_the_county_filters_narrow_the_cut(client_for, provincial_reviewer, round_):
    response = client_for(provincial_reviewer).get(CUT + "&prefecture=513400")
    agri = rows_of(response)["agri"]
    assert agri.slots == County.objects.filter(prefecture__code="513400").count()
    assert (agri.reported, agri.approved) == (1, 0)


def test_the_overview_links_to_the_cut(client_for, provincial_reviewer):
    response = client_for(provincial_reviewer).get("/province/?period=2026Q3")
    assert 'href="/province/departments/?period=2026Q3"' in response.text


def test_a_department_in_detail(client_for, provincial_reviewer, round_, on_the_29th_of_november):
    response = client_for(provincial_reviewer).get("/province/departments/finance/?period=2026Q3")
    assert response.status_code == 200
    row = response.context["row"]
    t21, t11 = row.duties
    assert (t21.figures.measure.code, t21.is_lead) == ("T2.1", True)
    assert (t11.figures.measure.code, t11.is_lead) == ("T1.1", False)
    assert (t11.figures.approved, t11.figures.submitted, t11.figures.missing) == (1, 1, 181)
    assert t11.figures.mean_percent == 60
    assert t21.figures.returned == 1
    # Each measure leads to its grid, filtered to the department, the counties' filters kept.
    assert 'href="/province/measures/T2.1/?period=2026Q3&amp;department=finance"' in response.text
    assert "牵头" in response.text
    assert "配合" in response.text


def test_a_htmx_request_gets_the_results_alone(client_for, provincial_reviewer, round_):
    response = client_for(provincial_reviewer).get(CUT, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="results">')
    assert "<html" not in response.text


def test_a_department_sees_its_own_row_and_no_other(
    client_for, department_user, cooperating_department, finance
):
    client = client_for(department_user)
    response = client.get(CUT)
    assert response.status_code == 200
    assert list(rows_of(response)) == ["agri"]
    assert response.context["without_lead"] == []
    assert client.get(AGRI).status_code == 200
    assert client.get("/province/departments/finance/").status_code == 404
    assert client.get("/province/departments/housing/").status_code == 404


def test_outsiders_are_refused(
    client_for, client, reporter, county_department, department_user, security_admin
):
    assert client_for(reporter).get(CUT).status_code == 403
    assert client_for(reporter).get(AGRI).status_code == 403
    assert client_for(county_department).get(CUT).status_code == 403
    assert client_for(security_admin).get(CUT).status_code == 403
    client.logout()
    response = client.get(CUT)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_unknown_department_is_not_found(client_for, provincial_reviewer, admin_user):
    assert client_for(provincial_reviewer).get("/province/departments/nobody/").status_code == 404


def test_the_pages_are_read_only(client_for, provincial_reviewer, department_user):
    client = client_for(provincial_reviewer)
    for path in (CUT, AGRI):
        assert client.post(path).status_code == 405
        assert client.delete(path).status_code == 405


def test_the_system_admin_sees_the_cut(client_for, admin_user, department_user):
    response = client_for(admin_user).get(CUT)
    assert response.status_code == 200
    assert list(rows_of(response)) == ["agri"]


def test_queries_do_not_grow_with_notes_or_departments(
    settings, client_for, provincial_reviewer, reporter, round_
):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client = client_for(provincial_reviewer)
    cut, detail = queries_of(client, CUT), queries_of(client, AGRI)
    for index, code in enumerate(["T3.1", "T4.2", "T5.1"]):
        department = Department.objects.create(code=f"more{index}", name=f"部门{index}")
        MeasureDepartment.objects.create(
            measure=Measure.objects.get(code=code), department=department, responsibility="lead"
        )
        MeasureDepartment.objects.create(
            measure=Measure.objects.get(code="T1.2"),
            department=department,
            responsibility="cooperating",
        )
    for county in County.objects.filter(prefecture__code="510100")[:10]:
        for code in ["T1.1", "T3.1", "T1.2"]:
            if not ProgressNote.objects.filter(
                county=county, measure__code=code, period__code="2026Q3"
            ).exists():
                saved_note(county.code, code, State.APPROVED, author=reporter)
    assert queries_of(client, CUT) == cut
    assert queries_of(client, AGRI) == detail


def test_a_change_to_the_matrix_shows_at_once(client_for, provincial_reviewer, department_user):
    """The cut is kept in the shared page cache; a change of a department's measures starts a
    new generation of it."""
    client = client_for(provincial_reviewer)
    assert rows_of(client.get(CUT))["agri"].leads == 1
    MeasureDepartment.objects.create(
        measure=Measure.objects.get(code="T1.2"),
        department=Department.objects.get(code="agri"),
        responsibility="lead",
    )
    response = client.get(CUT)
    assert "rows" in response.context  # rendered again, not kept
    assert rows_of(response)["agri"].leads == 2


def test_the_cut_reads_in_english(client_for, provincial_reviewer, round_):
    client = client_for(provincial_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    cut = client.get(CUT)
    assert "By responsible department" in cut.text
    assert "Measures led" in cut.text
    detail = client.get("/province/departments/finance/?period=2026Q3")
    assert "measures" in detail.text
    assert "Measures led" not in detail.text  # the list's, not the detail's
    assert "Cooperating" in detail.text
    assert "Warning lights (counties)" in detail.text
    assert "(demo)" in client.get("/province/notes/?period=2026Q3").text
