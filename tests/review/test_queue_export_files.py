"""The review queue's whole export made by the worker (导出全部): asked for with the filters on
screen, made with the asker's access when it runs, told once, listed among the asker's files,
downloaded (audited) by the asker alone until it expires; and the small export within the request,
with the lead department's opinion, as before."""

import csv
import datetime
import hashlib
import io
import os
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from targets.models import (
    AuditRecord,
    County,
    DepartmentOpinion,
    GeneratedFile,
    Indicator,
    IndicatorValue,
    Notification,
    Period,
    Role,
    State,
)
from targets.review import export_files, queue_export
from tests.jobs import run_jobs
from tests.notes import saved_note
from tests.querycount import queries_of

pytestmark = pytest.mark.django_db

SUBMITTED_AT = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def queue(reporter, other_reporter, department_user):
    """Three notes of 锦江区 (成都) and one of 会理市 (凉山) waiting, in that order, and a value of
    锦江区; the lead department's opinion on 锦江区's T1.1."""
    notes = [
        saved_note(
            county,
            measure,
            State.SUBMITTED,
            author=author,
            submitted_at=SUBMITTED_AT + datetime.timedelta(minutes=minute),
        )
        for minute, (county, measure, author) in enumerate(
            [
                ("510104", "T1.1", reporter),
                ("510104", "T1.2", reporter),
                ("510104", "T1.3", reporter),
                ("513402", "T1.1", other_reporter),
            ]
        )
    ]
    DepartmentOpinion.objects.create(
        note=notes[0],
        note_version=notes[0].version,
        department=department_user.roles.get().department,
        text="同意,建议补充资金到位情况。",
        by=department_user,
    )
    IndicatorValue.objects.create(
        county=County.objects.get(code="510104"),
        period=Period.objects.get(code="2026Q3"),
        indicator=Indicator.objects.create(
            plan=notes[0].measure.plan,
            code="X01",
            name="测试指标",
            unit="%",
            direction="higher",
            level="county",
            baseline_year=2023,
            baseline_value=Decimal("1"),
        ),
        value=Decimal("12.5000"),
        source="统计局",
        state=State.SUBMITTED,
        submitted_at=SUBMITTED_AT + datetime.timedelta(minutes=90),
        updated_by=reporter,
    )
    return notes


def ask(client, query: str = "", fmt: str = "csv"):
    return client.post("/review/export/", {"query": query, "fmt": fmt})


def rows_of_csv(content: bytes) -> list[dict]:
    assert content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def download(client, generated: GeneratedFile) -> bytes:
    response = client.get(f"/files/{generated.pk}/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_whole_export_is_queued_made_by_the_worker_told_once_and_downloaded(
    client_for, provincial_reviewer, queue
):
    client = client_for(provincial_reviewer)
    response = ask(client)
    assert response.status_code == 302
    assert response["Location"] == "/files/"
    generated = GeneratedFile.objects.get()
    assert (generated.kind, generated.state, generated.fmt) == ("review_queue", "queued", "csv")
    listing = client.get("/files/")
    assert "排队中" in listing.text
    assert 'data-hx-trigger="every 3s"' in listing.text
    # Asked again while on its way: the same file, not a second one.
    ask(client)
    assert GeneratedFile.objects.count() == 1
    assert AuditRecord.objects.filter(action="review_export.request").count() == 1

    run_jobs()
    generated.refresh_from_db()
    assert generated.state == "ready"
    assert generated.rows == 5
    assert generated.expires_at - generated.finished_at == datetime.timedelta(hours=72)
    [told] = Notification.objects.filter(kind=Notification.Kind.FILE_READY)
    assert told.recipient == provincial_reviewer
    assert told.generated_file == generated
    page = client.get("/notifications/")
    assert "待审核记录导出" in page.text
    assert "去下载" in page.text

    listing = client.get("/files/", headers={"HX-Request": "true"})
    assert "every 3s" not in listing.text
    assert f'href="/files/{generated.pk}/"' in listing.text
    assert "<h1" not in listing.text  # the list alone
    content = download(client, generated)
    assert hashlib.sha256(content).hexdigest() == generated.sha256
    assert len(content) == generated.size
    lines = rows_of_csv(content)
    assert [(li["县(市、区)代码"], li["内容"].split()[0]) for li in lines] == [
        ("510104", "T1.1"),
        ("510104", "T1.2"),
        ("510104", "T1.3"),
        ("513402", "T1.1"),
        ("510104", "X01"),
    ]
    assert lines[0]["部门意见"] == "省农业农村厅:同意,建议补充资金到位情况。"
    assert lines[1]["部门意见"] == ""
    assert lines[4]["类型"] == "指标值"
    assert lines[4]["数值"] == "12.5000"
    record = AuditRecord.objects.get(action="download.export")
    assert record.actor == provincial_reviewer
    assert record.changes == {
        "format": "csv",
        "filters": {},
        "rows": 5,
        "size": generated.size,
    }
    # The job run again (as after its worker was killed): nothing made or told twice.
    export_files.make_export.call(file_id=generated.pk)
    generated.refresh_from_db()
    assert generated.attempts == 1
    assert Notification.objects.filter(kind=Notification.Kind.FILE_READY).count() == 1


def test_the_export_keeps_the_filters_on_screen_and_is_a_workbook_if_asked(
    client_for, provincial_reviewer, queue
):
    client = client_for(provincial_reviewer)
    ask(client, "county=510104&task_area=&page=2&per_page=50", fmt="xlsx")
    generated = GeneratedFile.objects.get()
    assert generated.params["filters"] == {"county": "510104"}
    run_jobs()
    generated.refresh_from_db()
    sheet = load_workbook(io.BytesIO(download(client, generated))).active
    header = [cell.value for cell in sheet[1]]
    counties = [row[header.index("县(市、区)代码")] for row in sheet.iter_rows(2, values_only=True)]
    assert counties == ["510104"] * 4  # three notes and the value, not 会理市's note
    assert "县(市、区) 510104" in client.get("/files/").text


def test_the_job_reads_the_askers_access_when_it_runs(
    client_for, prefecture_reviewer, provincial_reviewer, queue
):
    ask(client_for(prefecture_reviewer))
    ask(client_for(provincial_reviewer), "county=513402")
    mine, theirs = GeneratedFile.objects.order_by("pk")
    Role.objects.filter(user=prefecture_reviewer).delete()  # no longer a reviewer
    run_jobs()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.state == "failed"
    assert not mine.file
    assert not Notification.objects.filter(recipient=prefecture_reviewer).exists()
    assert theirs.state == "ready"
    assert theirs.rows == 1


def test_a_prefecture_reviewer_gets_their_counties_only(client_for, prefecture_reviewer, queue):
    client = client_for(prefecture_reviewer)
    ask(client)
    run_jobs()
    lines = rows_of_csv(download(client, GeneratedFile.objects.get()))
    assert {line["市州"] for line in lines} == {"成都市"}
    assert len(lines) == 4


def test_a_county_outside_the_reviewers_scope_queues_nothing(
    client_for, prefecture_reviewer, queue
):
    client = client_for(prefecture_reviewer)
    response = ask(client, "county=513402")
    assert response.status_code == 302
    assert response["Location"] == "/review/?county=513402"
    assert not GeneratedFile.objects.exists()
    page = client.get(response["Location"])
    assert "筛选条件无效,没有加入导出队列" in page.text


def test_an_unknown_format_queues_nothing(client_for, provincial_reviewer, queue):
    ask(client_for(provincial_reviewer), fmt="pdf")
    assert not GeneratedFile.objects.exists()


def test_a_user_downloads_only_their_own_files(
    client_for, provincial_reviewer, prefecture_reviewer, queue
):
    ask(client_for(provincial_reviewer))
    run_jobs()
    generated = GeneratedFile.objects.get()
    other = client_for(prefecture_reviewer)
    assert other.get(f"/files/{generated.pk}/").status_code == 404
    assert f"/files/{generated.pk}/" not in other.get("/files/").text
    assert not AuditRecord.objects.filter(action="download.export").exists()


def test_an_expired_file_is_not_downloaded_and_the_daily_run_removes_it(
    client_for, provincial_reviewer, queue
):
    client = client_for(provincial_reviewer)
    ask(client)
    run_jobs()
    generated = GeneratedFile.objects.get()
    path = generated.file.path
    GeneratedFile.objects.filter(pk=generated.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client.get(f"/files/{generated.pk}/")
    assert response.status_code == 302
    assert "这个文件已过期" in client.get("/files/").text
    assert "已过期" in client.get("/files/").text
    call_command("clear_expired_files", stdout=io.StringIO())
    generated.refresh_from_db()
    assert generated.state == "expired"
    assert not generated.file
    assert not os.path.exists(path)
    # The notification stays, and says so.
    assert "已过期删除" in client.get("/notifications/").text


def test_the_small_export_is_made_within_the_request_with_the_opinion(
    client_for, provincial_reviewer, queue
):
    response = client_for(provincial_reviewer).get("/review/", {"export": "csv"})
    lines = rows_of_csv(b"".join(response.streaming_content))
    assert len(lines) == 5
    assert lines[0]["部门意见"] == "省农业农村厅:同意,建议补充资金到位情况。"
    assert not GeneratedFile.objects.exists()


def test_a_long_queue_is_exported_by_the_worker_not_within_the_request(
    client_for, provincial_reviewer, queue, monkeypatch
):
    monkeypatch.setattr(queue_export, "INLINE_ROWS", 3)
    client = client_for(provincial_reviewer)
    response = client.get("/review/", {"export": "xlsx", "county": "510104"})
    assert response.status_code == 302
    assert response["Location"] == "/review/?county=510104"
    page = client.get(response["Location"])
    assert "不能直接下载" in page.text
    assert "export=xlsx" not in page.text  # no link to the export within the request
    assert "超过3条的导出由后台生成" in page.text
    assert "导出全部 Excel" in page.text
    assert not AuditRecord.objects.filter(action="export.review_queue").exists()
    # Under the limit, the links are there.
    assert "export=xlsx" in client.get("/review/", {"county": "513402"}).text


def test_my_files_take_the_same_queries_however_many(client_for, provincial_reviewer, queue):
    client = client_for(provincial_reviewer)
    ask(client)
    run_jobs()
    few = queries_of(client, "/files/")
    for county in ("510104", "513402", "510105"):
        ask(client, f"county={county}")
    run_jobs()
    assert queries_of(client, "/files/") == few
