"""The county's lead office divides its measures among its own departments (县级分工): a lead
department that drafts and cooperating ones, all of its own county. Every change is audited, a
change made meanwhile by someone else is not overwritten, and giving a measure to another
department moves its open notes there, as the timeline says."""

import pytest

from targets.models import (
    AuditRecord,
    County,
    CountyDepartment,
    CountyMeasureDepartment,
    Measure,
    ProgressNote,
    Responsibility,
    State,
)
from targets.units import county_matrix
from targets.units.county_matrix import AssignmentError, StaleDivision
from tests.notes import saved_note

pytestmark = pytest.mark.django_db

PAGE = "/counties/510104/matrix/"
ASSIGN = PAGE + "T1.1/"


@pytest.fixture
def housing(jinjiang) -> CountyDepartment:
    return CountyDepartment.objects.create(
        county=jinjiang, code="zjj", name="锦江区住房和城乡建设局"
    )


@pytest.fixture
def huili_department(db) -> CountyDepartment:
    return CountyDepartment.objects.create(
        county=County.objects.get(code="513402"), code="fgj", name="会理市发展和改革局"
    )


def fgj(user) -> CountyDepartment:
    return user.roles.get().county_department


def t11() -> Measure:
    return Measure.objects.get(code="T1.1")


def division():
    return county_matrix.division_of(County.objects.get(code="510104"), t11())


def test_the_lead_office_gives_the_measure_a_lead_and_cooperating_departments(
    client_for, reporter, county_department, housing
):
    before = division()
    response = client_for(reporter).post(
        ASSIGN,
        {"lead": housing.pk, "cooperating": [fgj(county_department).pk], "token": before.token},
    )
    assert response.status_code == 302
    assert response.url == PAGE + "#division-T1-1"
    now = division()
    assert (now.lead, now.cooperating) == (housing, [fgj(county_department)])
    record = AuditRecord.objects.get(action="county_matrix.assign")
    assert record.changes["lead"] == ["锦江区发展和改革局", "锦江区住房和城乡建设局"]


def test_a_department_of_another_county_is_refused_with_its_name_and_nothing_changes(
    client_for, reporter, county_department, huili_department
):
    before = division()
    response = client_for(reporter).post(
        ASSIGN, {"lead": huili_department.pk, "token": before.token}
    )
    assert response.status_code == 400
    assert "“会理市发展和改革局”不是锦江区的部门" in response.text
    assert division().token == before.token


def test_a_division_changed_meanwhile_is_not_overwritten(
    client_for, reporter, county_department, housing
):
    shown = division()
    county_matrix.assign(
        user=reporter,
        county=County.objects.get(code="510104"),
        measure=t11(),
        lead=None,
        cooperating=[],
        started_from=shown.token,
    )
    response = client_for(reporter).post(ASSIGN, {"lead": housing.pk, "token": shown.token})
    assert response.status_code == 409
    assert "有人修改了T1.1的分工" in response.text
    # What the user chose is still selected in the row.
    assert f'<option value="{housing.pk}" selected>' in response.text
    assert division().lead is None


def test_reassigning_moves_the_open_draft_and_the_timeline_says_so(
    client_for, reporter, county_department, housing
):
    draft = saved_note("510104", "T1.1", State.DRAFT, author=county_department)
    draft.department = fgj(county_department)
    draft.save()
    approved = saved_note("510104", "T1.1", State.APPROVED, author=reporter, period="2026Q2")
    county_matrix.assign(
        user=reporter,
        county=County.objects.get(code="510104"),
        measure=t11(),
        lead=housing,
        cooperating=[],
        started_from=division().token,
    )
    draft.refresh_from_db()
    assert (draft.department, draft.version) == (housing, 2)
    assert draft.versions.get(event="reassign").department == housing
    assert ProgressNote.objects.get(pk=approved.pk).department is None  # approved: left as it was
    assert AuditRecord.objects.filter(action="note.reassign").count() == 1
    timeline = client_for(reporter).get("/counties/510104/measures/T1.1/")
    assert "分工调整:改由锦江区住房和城乡建设局承办" in timeline.text


def test_the_rule_refuses_an_inactive_department(reporter, housing):
    housing.is_active = False
    housing.save()
    with pytest.raises(AssignmentError, match="已停用"):
        county_matrix.assign(
            user=reporter,
            county=housing.county,
            measure=t11(),
            lead=housing,
            cooperating=[],
            started_from=division().token,
        )


def test_a_stale_token_is_its_own_error(reporter, county_department):
    with pytest.raises(StaleDivision):
        county_matrix.assign(
            user=reporter,
            county=County.objects.get(code="510104"),
            measure=t11(),
            lead=None,
            cooperating=[],
            started_from="-",
        )
    assert CountyMeasureDepartment.objects.filter(
        measure=t11(), responsibility=Responsibility.LEAD
    ).exists()


def test_the_page_shows_every_measure_in_a_fixed_number_of_queries(
    client_for, reporter, county_department, housing, django_assert_max_num_queries
):
    client = client_for(reporter)
    client.get(PAGE)
    with django_assert_max_num_queries(15):
        response = client.get(PAGE)
    assert response.status_code == 200
    assert response.text.count('class="card division"') == Measure.objects.count()
    assert "保存T1.1的分工" in response.text


def test_others_who_see_the_county_read_it_without_the_forms(
    client_for, county_department, prefecture_reviewer
):
    for user in (county_department, prefecture_reviewer):
        response = client_for(user).get(PAGE)
        assert response.status_code == 200
        assert "承办部门:锦江区发展和改革局" in response.text
        assert "保存T1.1的分工" not in response.text


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("county_department", 403),
        ("prefecture_reviewer", 403),
        ("provincial_reviewer", 403),
        ("other_reporter", 404),
        ("admin_user", 403),
    ],
)
def test_only_the_lead_office_sets_the_division(
    client_for, request, county_department, persona, status
):
    before = division()
    user = request.getfixturevalue(persona)
    response = client_for(user).post(ASSIGN, {"lead": "", "token": before.token})
    assert response.status_code == status
    assert division().token == before.token


def test_an_anonymous_change_goes_to_the_login_page(client, county_department):
    response = client.post(ASSIGN, {"lead": "", "token": division().token})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
