"""Good practice (典型经验): reviewers mark approved notes as cases or write them up, edit and
withdraw them; each user sees the cases of their scope; every step is audited."""

import pytest

from targets.models import AuditRecord, Integration, Measure, Practice, State, TaskArea
from targets.practice.curation import PracticeError, PracticeInput, mark_note
from tests.notes import saved_note
from tests.querycount import queries_of

pytestmark = pytest.mark.django_db

MARK = "/counties/510104/report/2026Q3/measures/T1.1/practice/"


@pytest.fixture
def approved(reporter):
    return saved_note(
        "510104", "T1.1", State.APPROVED, author=reporter, narrative="推行“一窗通办”,办结时间减半。"
    )


def case_data(**changes):
    measure = Measure.objects.get(code="T1.1")
    data = {
        "title": "锦江区一窗通办",
        "summary": "做法与成效",
        "task_area": measure.task_area.code,
        "integrations": [i.pk for i in measure.integrations.all()],
        "county_type": "",
        "version": "",
    }
    data["task_area"] = measure.task_area.pk
    data.update(changes)
    return data


def make_case(user, county="510104", measure="T1.1", period="2026Q3", title="案例", **fields):
    from targets.models import County, Period

    measure = Measure.objects.get(code=measure)
    return Practice.objects.create(
        title=title,
        summary="做法",
        county=County.objects.get(code=county),
        measure=measure,
        period=Period.objects.get(code=period),
        task_area=measure.task_area,
        curated_by=user,
        updated_by=user,
        **fields,
    )


def test_the_mark_form_is_prefilled_from_the_note(client_for, prefecture_reviewer, approved):
    page = client_for(prefecture_reviewer).get(MARK)
    assert page.status_code == 200
    html = page.content.decode()
    assert "推行“一窗通办”,办结时间减半。" in html
    form = page.context["form"]
    assert form.initial["summary"] == approved.narrative
    assert form.initial["task_area"] == approved.measure.task_area_id
    assert set(form.initial["integrations"]) == set(
        approved.measure.integrations.values_list("pk", flat=True)
    )
    assert form.initial["title"].startswith("锦江区")


def test_a_prefecture_reviewer_marks_an_approved_note(client_for, prefecture_reviewer, approved):
    response = client_for(prefecture_reviewer).post(MARK, case_data())
    assert response.status_code == 302
    case = Practice.objects.get()
    assert (case.note, case.county.code, case.period.code) == (approved, "510104", "2026Q3")
    assert case.curated_by == prefecture_reviewer
    assert set(case.integrations.all()) == set(approved.measure.integrations.all())
    record = AuditRecord.objects.get(action="practice.curate")
    assert record.actor == prefecture_reviewer
    assert record.changes["title"] == [None, "锦江区一窗通办"]
    timeline = client_for(prefecture_reviewer).get("/counties/510104/measures/T1.1/")
    assert f"/practice/{case.pk}/" in timeline.content.decode()


def test_the_timeline_offers_the_mark_to_reviewers_only(
    client_for, reporter, approved, provincial_reviewer
):
    assert (
        MARK
        in client_for(provincial_reviewer).get("/counties/510104/measures/T1.1/").content.decode()
    )
    assert MARK not in client_for(reporter).get("/counties/510104/measures/T1.1/").content.decode()


def test_a_note_not_approved_cannot_be_marked(client_for, prefecture_reviewer, reporter):
    saved_note("510104", "T1.1", State.SUBMITTED, author=reporter)
    response = client_for(prefecture_reviewer).post(MARK, case_data())
    assert response.status_code == 400
    assert "只有审核通过的进展才能标为典型经验。" in response.content.decode()
    assert not Practice.objects.exists()
    assert not AuditRecord.objects.filter(action="practice.curate").exists()


def test_a_title_is_required(client_for, prefecture_reviewer, approved):
    response = client_for(prefecture_reviewer).post(MARK, case_data(title=""))
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode()
    assert not Practice.objects.exists()


def test_the_rule_refuses_a_blank_title_and_a_second_case_of_a_note(prefecture_reviewer, approved):
    data = PracticeInput("  ", "做法", approved.measure.task_area, None)
    with pytest.raises(PracticeError, match="请填写标题"):
        mark_note(user=prefecture_reviewer, note=approved, data=data)
    data.title = "案例"
    mark_note(user=prefecture_reviewer, note=approved, data=data)
    with pytest.raises(PracticeError, match="已经标为典型经验"):
        mark_note(user=prefecture_reviewer, note=approved, data=data)
    assert Practice.objects.count() == 1


def test_out_of_scope_is_not_found_and_others_are_refused(
    client_for, other_prefecture_reviewer, reporter, department_user, approved
):
    assert client_for(other_prefecture_reviewer).post(MARK, case_data()).status_code == 404
    assert client_for(reporter).post(MARK, case_data()).status_code == 403
    assert client_for(department_user).post(MARK, case_data()).status_code == 403
    assert not Practice.objects.exists()


def test_a_case_written_up_from_scratch(client_for, provincial_reviewer):
    data = case_data(county="513402", measure="T1.1", period="2026Q3")
    response = client_for(provincial_reviewer).post("/practice/new/", data)
    assert response.status_code == 302
    case = Practice.objects.get()
    assert case.note is None
    assert case.county.code == "513402"


def test_a_county_out_of_scope_cannot_be_written_up(client_for, prefecture_reviewer):
    data = case_data(county="513402", measure="T1.1", period="2026Q3")
    response = client_for(prefecture_reviewer).post("/practice/new/", data)
    assert response.status_code == 400
    assert "只能为本辖区的县(市、区)选编典型经验。" in response.content.decode()
    assert not Practice.objects.exists()


def test_two_reviewers_editing_at_once(
    client_for, client, prefecture_reviewer, provincial_reviewer
):
    from django.test import Client

    from tests import two_factor

    case = make_case(prefecture_reviewer)
    first = client_for(prefecture_reviewer)
    second = two_factor.sign_in(Client(), provincial_reviewer)
    assert (
        first.post(f"/practice/{case.pk}/", case_data(title="先存的", version="1")).status_code
        == 302
    )
    response = second.post(f"/practice/{case.pk}/", case_data(title="后存的", version="1"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "在您打开后已修改了这条典型经验" in html
    assert 'value="后存的"' in html  # what they typed stays in the form
    assert 'name="version" value="2"' in html
    case.refresh_from_db()
    assert (case.title, case.version) == ("先存的", 2)
    # Having compared, the second saves deliberately.
    assert (
        second.post(f"/practice/{case.pk}/", case_data(title="后存的", version="2")).status_code
        == 302
    )
    case.refresh_from_db()
    assert (case.title, case.version) == ("后存的", 3)
    assert AuditRecord.objects.filter(action="practice.edit").count() == 2


def test_withdraw_removes_the_case_and_is_audited(client_for, prefecture_reviewer, approved):
    case = make_case(prefecture_reviewer, note=approved)
    client = client_for(prefecture_reviewer)
    assert client.post(f"/practice/{case.pk}/withdraw/", {"version": "0"}).status_code == 409
    assert Practice.objects.exists()
    assert client.post(f"/practice/{case.pk}/withdraw/", {"version": "1"}).status_code == 302
    assert not Practice.objects.exists()
    record = AuditRecord.objects.get(action="practice.withdraw")
    assert record.changes["title"] == ["案例", None]
    approved.refresh_from_db()
    assert approved.state == State.APPROVED


def test_each_user_sees_the_cases_of_their_scope(
    client_for, reporter, other_reporter, prefecture_reviewer, department_user, provincial_reviewer
):
    make_case(provincial_reviewer, title="锦江区T1.1")
    make_case(provincial_reviewer, county="513402", title="会理市T1.1")
    make_case(provincial_reviewer, measure="T2.1", title="锦江区T2.1")

    def titles(user):
        page = client_for(user).get("/practice/")
        return {case.title for case in page.context["page"].object_list}

    assert titles(provincial_reviewer) == {"锦江区T1.1", "会理市T1.1", "锦江区T2.1"}
    assert titles(prefecture_reviewer) == {"锦江区T1.1", "锦江区T2.1"}
    assert titles(reporter) == {"锦江区T1.1", "锦江区T2.1"}
    assert titles(other_reporter) == {"会理市T1.1"}
    assert titles(department_user) == {"锦江区T1.1", "会理市T1.1"}


def test_the_filters(client_for, provincial_reviewer):
    make_case(provincial_reviewer, title="T1")
    other = make_case(provincial_reviewer, measure="T2.1", title="T2", period="2026Q2")
    other.integrations.set([Integration.objects.first()])
    client = client_for(provincial_reviewer)

    def titles(query):
        return {c.title for c in client.get(f"/practice/?{query}").context["page"].object_list}

    area = TaskArea.objects.get(pk=other.task_area_id).code
    assert titles(f"task_area={area}") == {"T2"}
    assert titles("period=2026Q3") == {"T1"}
    assert titles(f"integration={Integration.objects.first().code}") == {"T2"}
    assert titles("county=510104") == {"T1", "T2"}


def test_demo_cases_and_publishable_are_marked(client_for, provincial_reviewer):
    make_case(provincial_reviewer, is_demo=True, publishable=True)
    html = client_for(provincial_reviewer).get("/practice/").content.decode()
    assert "演示数据" in html
    assert "可公开" in html


def test_the_export_is_audited(client_for, provincial_reviewer):
    make_case(provincial_reviewer)
    response = client_for(provincial_reviewer).get("/practice/?export=xlsx&period=2026Q3")
    assert response.status_code == 200
    assert b"".join(response).startswith(b"PK")  # a workbook, complete before it is recorded
    record = AuditRecord.objects.get(action="export.practice")
    assert record.changes["filters"] == {"period": "2026Q3"}


def test_the_list_query_count_does_not_grow(
    client_for, provincial_reviewer, django_assert_max_num_queries
):
    client = client_for(provincial_reviewer)
    make_case(provincial_reviewer)
    few = queries_of(client, "/practice/")
    for code in ("T1.2", "T1.3", "T2.1", "T2.2"):
        make_case(provincial_reviewer, measure=code).integrations.set(Integration.objects.all())
    with django_assert_max_num_queries(few + 2):  # the session's save and the savepoints aside
        client.get("/practice/")
    assert queries_of(client, "/practice/") == few


@pytest.mark.parametrize("path", [MARK, "/practice/new/", "/practice/1/"])
def test_wrong_methods(client_for, provincial_reviewer, path):
    assert client_for(provincial_reviewer).delete(path).status_code == 405
