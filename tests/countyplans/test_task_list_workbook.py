"""The task list in Excel: the template holds the county's tasks (one row per milestone) and
imports back unchanged; errors are named by row and column and any of them saves nothing; a sheet
with the wrong columns or another county's rows is refused; the ledger (台账) is the approved
list's, and each download is audited."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from targets.countyplans import workflow
from targets.models import AuditRecord, Task, TaskList
from tests.countyplans.helpers import YEAR, task_input

pytestmark = pytest.mark.django_db

PAGE = f"/counties/510104/plan/{YEAR}/"
HEADERS = [
    "县代码",
    "举措编号",
    "任务序号",
    "任务名称",
    "任务内容",
    "责任部门",
    "预期成效",
    "目标值",
    "计量单位",
    "关联指标编号",
    "节点内容",
    "完成时限",
    "权重(%)",
]


def upload(client, rows, headers=HEADERS, token=None):
    book = Workbook()
    sheet = book.active
    sheet.title = "任务清单"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    if token is None:
        page = client.get(PAGE + "import/").content.decode()
        token = page.split('name="token" value="')[1].split('"')[0]
    file = SimpleUploadedFile("tasks.xlsx", data.getvalue())
    return client.post(PAGE + "import/", {"file": file, "token": token})


def row(
    number=1,
    measure="T1.1",
    title="承接下放事项",
    m_title="节点一",
    due="2026-03-31",
    weight=100,
    county="510104",
):
    return [county, measure, number, title, "内容", "", "成效", None, "", "", m_title, due, weight]


def test_a_filled_template_imports_and_is_audited(client_for, reporter):
    client = client_for(reporter)
    response = upload(
        client,
        [
            row(1, weight=40),
            row(1, m_title="节点二", due="2026-09-30", weight=60),
            row(2, measure="T2.1", title="第二项", m_title="", due="", weight=""),
        ],
    )
    assert response.status_code == 302
    tasks = Task.objects.order_by("measure__order")
    assert [(t.title, t.milestones.count()) for t in tasks] == [("承接下放事项", 2), ("第二项", 0)]
    assert AuditRecord.objects.filter(action="countyplan.import").get().changes["tasks"] == [0, 2]


def test_the_template_round_trips(client_for, reporter, jinjiang):
    workflow.save_task(
        user=reporter,
        county=jinjiang,
        year=YEAR,
        task_id=None,
        data=task_input(),
        started_from=None,
    )
    client = client_for(reporter)
    download = client.get(PAGE + "template.xlsx")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["任务清单"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) == 3
    assert AuditRecord.objects.filter(action="export.countyplan_template").exists()
    book = Workbook()
    copy = book.active
    copy.title = "任务清单"
    for values in rows:
        copy.append(values)
    data = io.BytesIO()
    book.save(data)
    page = client.get(PAGE + "import/").content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    response = client.post(
        PAGE + "import/", {"file": SimpleUploadedFile("t.xlsx", data.getvalue()), "token": token}
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert [m.weight for m in task.milestones.all()] == [40, 60]


def test_row_errors_are_named_by_row_and_column_and_nothing_is_saved(client_for, reporter):
    response = upload(
        client_for(reporter),
        [
            row(1, weight=40),
            row(1, m_title="节点二", due="2027-01-10", weight=50),
            row(2, measure="T9.9"),
            row(3, county="513402"),
        ],
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "M(权重(%))" in text
    assert "合计为 90" in text
    assert "L(完成时限)" in text
    assert "不在2026年内" in text
    assert "B(举措编号)" in text
    assert "T9.9" in text
    assert "A(县代码)" in text
    assert "513402" in text
    assert not Task.objects.exists()
    assert not AuditRecord.objects.filter(action="countyplan.import").exists()


def test_a_sheet_with_the_wrong_columns_is_refused(client_for, reporter):
    response = upload(client_for(reporter), [row()], headers=[*HEADERS[:4], "备注", *HEADERS[5:]])
    assert response.status_code == 400
    assert "表头与模板不符(从第 E 列起)" in response.content.decode()
    assert not TaskList.objects.exists()


def test_an_import_over_a_list_changed_meanwhile_is_refused(client_for, reporter, jinjiang):
    client = client_for(reporter)
    token = workflow.token(None)
    workflow.save_task(
        user=reporter,
        county=jinjiang,
        year=YEAR,
        task_id=None,
        data=task_input(),
        started_from=None,
    )
    response = upload(client, [row(1, title="文件里的任务")], token=token)
    assert response.status_code == 409
    assert list(Task.objects.values_list("title", flat=True)) == ["承接下放事项"]


def test_the_ledger_is_the_approved_list(client_for, reporter, prefecture_reviewer, jinjiang):
    workflow.save_task(
        user=reporter,
        county=jinjiang,
        year=YEAR,
        task_id=None,
        data=task_input(),
        started_from=None,
    )
    client = client_for(reporter)
    assert client.get(PAGE + "ledger.xlsx").status_code == 404
    workflow.submit(user=reporter, county=jinjiang, year=YEAR, started_from=1)
    workflow.review(
        user=prefecture_reviewer,
        county=jinjiang,
        year=YEAR,
        approve=True,
        comment="",
        started_from=2,
    )
    response = client.get(PAGE + "ledger.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][3] == "承接下放事项"
    assert "2026-03-28 节点1(40%)" in rows[1][10]
    assert AuditRecord.objects.filter(action="export.countyplan_ledger").exists()
