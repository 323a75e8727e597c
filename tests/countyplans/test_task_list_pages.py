"""The task list's pages: the lead office adds and edits tasks in place (what was typed is kept on
an error), submits the list; the prefecture's reviewer returns or approves it; the versions can be
read; the reviewers see which counties of their scope have filed. The pages' queries do not grow
with the tasks."""

import datetime

import pytest
import time_machine

from targets.countyplans import workflow
from targets.models import County, Measure, PlanYear, State, Task, TaskList
from tests.countyplans.helpers import YEAR, task_input
from tests.querycount import queries_of

pytestmark = pytest.mark.django_db

PAGE = f"/counties/510104/plan/{YEAR}/"
NEW = PAGE + "tasks/new/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def posted(title="承接下放事项", weights=("40", "60"), **changes) -> dict:
    data = {
        "measure": Measure.objects.get(code="T1.1").pk,
        "title": title,
        "content": "梳理下放事项清单。",
        "department": "",
        "expected_result": "全部承接到位。",
        "target_value": "",
        "target_unit": "",
        "indicator": "",
        "version": "",
        "milestone_title": ["节点一", "节点二", ""],
        "milestone_due_on": [f"{YEAR}-03-31", f"{YEAR}-09-30", ""],
        "milestone_weight": [*weights, ""],
    }
    data.update(changes)
    return data


def add(user, county, title="承接下放事项"):
    return workflow.save_task(
        user=user,
        county=county,
        year=YEAR,
        task_id=None,
        data=task_input(title=title),
        started_from=None,
    )


def test_the_lead_office_adds_a_task_in_place(client_for, reporter):
    client = client_for(reporter)
    form = client.get(NEW + "?measure=T1.1", **HTMX)
    assert form.status_code == 200
    assert b'name="milestone_weight"' in form.content
    assert b"<html" not in form.content
    response = client.post(NEW, posted(), **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#plan-tasks"
    assert "承接下放事项" in response.content.decode()
    assert Task.objects.get().milestones.count() == 2


def test_weights_that_do_not_add_up_keep_what_was_typed_and_save_nothing(client_for, reporter):
    response = client_for(reporter).post(
        NEW, posted(title="我写的任务", weights=("40", "50")), **HTMX
    )
    text = response.content.decode()
    assert "合计为 90,须为 100" in text
    assert 'value="我写的任务"' in text
    assert 'value="50"' in text
    assert "HX-Retarget" not in response
    assert not Task.objects.exists()


def test_a_date_outside_the_year_is_named_on_its_row(client_for, reporter):
    data = posted()
    data["milestone_due_on"] = [f"{YEAR}-03-31", f"{YEAR + 1}-01-10", ""]
    response = client_for(reporter).post(NEW, data)
    assert response.status_code == 400
    assert f"节点2:完成时限 {YEAR + 1}-01-10 不在{YEAR}年内" in response.content.decode()
    assert not Task.objects.exists()


def test_a_plain_post_goes_back_to_the_page_at_the_task(client_for, reporter):
    response = client_for(reporter).post(NEW, posted())
    assert response.status_code == 302
    assert response["Location"].startswith(PAGE + "#task-")


def test_an_edit_from_a_stale_form_is_refused_with_409_keeping_the_input(
    client_for, reporter, jinjiang
):
    task = add(reporter, jinjiang)
    Task.objects.filter(pk=task.pk).update(version=task.version + 1)
    response = client_for(reporter).post(
        f"{PAGE}tasks/{task.pk}/", posted(title="我的修改", version=str(task.version))
    )
    assert response.status_code == 409
    assert 'value="我的修改"' in response.content.decode()
    assert Task.objects.get(pk=task.pk).title == "承接下放事项"


def test_submit_then_the_prefecture_returns_then_approves(
    client_for, reporter, prefecture_reviewer, jinjiang
):
    add(reporter, jinjiang)
    county = client_for(reporter)
    version = TaskList.objects.get().version
    assert county.post(PAGE + "submit/", {"version": version}).status_code == 302
    page = county.get(PAGE).content.decode()
    assert "正在等待市州审核" in page
    assert "审核通过</button>" not in page

    reviewer = client_for(prefecture_reviewer)
    assert "审核通过</button>" in reviewer.get(PAGE).content.decode()
    version = TaskList.objects.get().version
    refused = reviewer.post(PAGE + "review/", {"version": version, "action": "return"})
    assert refused.status_code == 400
    assert "退回时须填写审核意见" in refused.content.decode()
    reviewer.post(
        PAGE + "review/", {"version": version, "action": "return", "comment": "请细化节点。"}
    )
    assert TaskList.objects.get().state == State.RETURNED
    assert "请细化节点。" in client_for(reporter).get(PAGE).content.decode()

    client_for(reporter).post(PAGE + "submit/", {"version": TaskList.objects.get().version})
    reviewer = client_for(prefecture_reviewer)
    reviewer.post(
        PAGE + "review/", {"version": TaskList.objects.get().version, "action": "approve"}
    )
    assert TaskList.objects.get().state == State.APPROVED
    versions = client_for(reporter).get(PAGE).content.decode()
    assert "查看第2版" in versions
    assert "请细化节点。" in versions
    filed = client_for(reporter).get(PAGE + "versions/2/").content.decode()
    assert "承接下放事项" in filed
    assert "节点1" in filed


def test_a_change_without_a_reason_is_refused(client_for, reporter, prefecture_reviewer, jinjiang):
    add(reporter, jinjiang)
    workflow.submit(user=reporter, county=jinjiang, year=YEAR, started_from=1)
    workflow.review(
        user=prefecture_reviewer,
        county=jinjiang,
        year=YEAR,
        approve=True,
        comment="",
        started_from=2,
    )
    response = client_for(reporter).post(PAGE + "change/", {"version": 3, "reason": ""})
    assert response.status_code == 400
    assert "请填写变更理由" in response.content.decode()
    assert TaskList.objects.get().state == State.APPROVED


def test_the_reviewer_of_another_prefecture_does_not_see_the_list(
    client_for, other_prefecture_reviewer
):
    assert client_for(other_prefecture_reviewer).get(PAGE).status_code == 404


def test_the_county_may_not_review_its_own_list(client_for, reporter, jinjiang):
    add(reporter, jinjiang)
    workflow.submit(user=reporter, county=jinjiang, year=YEAR, started_from=1)
    response = client_for(reporter).post(PAGE + "review/", {"version": 2, "action": "approve"})
    assert response.status_code == 403
    assert TaskList.objects.get().state == State.SUBMITTED


def test_the_page_reads_the_same_number_of_queries_however_many_tasks(
    client_for, reporter, jinjiang
):
    add(reporter, jinjiang)
    client = client_for(reporter)
    few = queries_of(client, PAGE)
    for n in range(12):
        add(reporter, jinjiang, title=f"任务{n}")
    assert queries_of(client, PAGE) == few


def test_the_standing_lists_the_prefectures_counties_and_marks_the_late(
    client_for, reporter, prefecture_reviewer, jinjiang
):
    PlanYear.objects.create(year=YEAR, deadline=datetime.date(YEAR, 1, 31))
    add(reporter, jinjiang)
    with time_machine.travel(datetime.datetime(YEAR, 2, 5, 10), tick=False):
        workflow.submit(user=reporter, county=jinjiang, year=YEAR, started_from=1)
        page = client_for(prefecture_reviewer).get(f"/plans/{YEAR}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("<tr>") == 1 + 20  # the header and 成都市's 20 counties
    assert "共 20 个县(市、区):已提交 1 个,审核通过 0 个,逾期 20 个。" in text
    assert "逾期提交" in text
    assert "逾期未报" in text
    late = client_for(prefecture_reviewer).get(f"/plans/{YEAR}/?state=submitted").content.decode()
    assert late.count("<tr>") == 2
    assert "锦江区" in late


def test_the_standing_reads_the_same_number_of_queries_however_many_lists(
    client_for, provincial_reviewer, reporter
):
    client = client_for(provincial_reviewer)
    none = queries_of(client, f"/plans/{YEAR}/")
    for county in County.objects.order_by("code")[:15]:
        add(reporter, county, title=f"{county.name}的任务")
    assert queries_of(client, f"/plans/{YEAR}/") == none
