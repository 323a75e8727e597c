"""Every export and download leaves one audit record: who (the account and its address), what (an
``export.<table>`` or ``download.<kind>`` action, and the object of a single file), which filters
chose the rows (as applied, normalised), the format and how many rows went out (or the file's
size). The anonymous visitor and a user of another county get no file and leave no record; a CSV
the client stops reading leaves a failure record, never a success."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections

from targets.audit import trail
from targets.models import (
    AuditRecord,
    Evidence,
    GeneratedFile,
    Indicator,
    Measure,
    Period,
    TaskArea,
)
from targets.spreadsheets import exports
from targets.spreadsheets.exports import Column, Table
from tests.jobs import run_jobs
from tests.spreadsheets import test_exports

# The round of notes and the reminder the export tests use.
round_, reminded = test_exports.round_, test_exports.reminded

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_29th_of_november")]

ADDRESS = "10.1.2.3"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def exported() -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action__regex=r"^(export|download)\.").order_by("id"))


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def rows_in(response, fmt: str) -> int:
    """The data rows of a downloaded table (its header not counted), all sheets together."""
    data = body(response)
    if fmt == "csv":
        return len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))) - 1
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    count = sum(1 for sheet in book.worksheets for _row in sheet.iter_rows(min_row=2))
    book.close()
    return count


def the_record(action: str, user) -> AuditRecord:
    """The one export record there is, checked for who and where from."""
    records = exported()
    assert [r.action for r in records] == [action]
    record = records[0]
    assert record.actor == user
    assert record.actor_name == user.username
    assert record.address == ADDRESS
    assert record.outcome == AuditRecord.Outcome.SUCCESS
    return record


# Each table export: its URL and query, who asks, the action, the filters recorded (the ones
# applied, with the period a page falls back to), and the object it is of.
TABLES = {
    "overview": (
        "/province/",
        {"prefecture": "510100"},
        "provincial_reviewer",
        "export.overview",
        {"period": "2026Q3", "prefecture": "510100", "table": "units"},
        None,
    ),
    "overview by task area": (
        "/province/",
        {"period": "2026Q2", "table": "task_areas", "region": "bogus"},
        "provincial_reviewer",
        "export.overview",
        {"period": "2026Q3", "table": "task_areas"},  # an invalid filter applies none of them
        None,
    ),
    "grid": (
        "/province/measures/T1.1/",
        {"period": "2026Q3", "prefecture": "510100"},
        "prefecture_reviewer",
        "export.grid",
        {"period": "2026Q3", "prefecture": "510100"},
        ("targets.Measure", "T1.1"),
    ),
    "task area grid": (
        "/province/task-areas/T1/",
        {"period": "2026Q3"},
        "provincial_reviewer",
        "export.task_area_grid",
        {"period": "2026Q3"},
        ("targets.TaskArea", "T1"),
    ),
    "notes": (
        "/province/notes/",
        {"period": "2026Q3", "state": "approved", "page": "2"},
        "provincial_reviewer",
        "export.notes",
        {"period": "2026Q3", "state": "approved"},
        None,
    ),
    "review queue": (
        "/review/",
        {"county": "510105", "flagged": "", "per_page": "20", "page": "3"},
        "prefecture_reviewer",
        "export.review_queue",
        {"county": "510105"},
        None,
    ),
    "late view": (
        "/review/late/",
        {"period": "2026Q3", "show": "all", "sort": "missing"},
        "prefecture_reviewer",
        "export.late",
        {"period": "2026Q3", "show": "all", "sort": "missing", "stale_periods": 2},
        None,
    ),
    "reminder log": (
        "/review/reminders/",
        {"period": "2026Q3", "county": " 510104 "},
        "prefecture_reviewer",
        "export.reminder_log",
        {"period": "2026Q3", "county": "510104"},
        None,
    ),
    "audit trail": (
        "/audit/export.{fmt}",
        {"action": "auth.login", "start": "2026-11-01"},
        "audit_admin",
        "export.audit",
        {"action": "auth.login", "start": "2026-11-01"},
        None,
    ),
}


def object_of(record: AuditRecord):
    if not record.object_type:
        return None
    model = {"targets.Measure": Measure, "targets.TaskArea": TaskArea}[record.object_type]
    return record.object_type, model.objects.get(pk=record.object_id).code


@pytest.mark.usefixtures("reminded")
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("name", TABLES)
def test_each_table_export_records_who_what_filters_format_and_rows(request, client_for, name, fmt):
    url, params, persona, action, filters, obj = TABLES[name]
    user = request.getfixturevalue(persona)
    client = client_for(user)
    query = params if "{fmt}" in url else {**params, "export": fmt}
    response = client.get(url.format(fmt=fmt), query, REMOTE_ADDR=ADDRESS)
    rows = rows_in(response, fmt)
    record = the_record(action, user)
    assert record.changes == {"format": fmt, "filters": filters, "rows": rows}
    assert object_of(record) == obj


def test_the_counts_are_the_rows_the_file_holds(client_for, provincial_reviewer, round_):
    client = client_for(provincial_reviewer)
    response = client.get("/province/notes/", {"period": "2026Q3", "export": "csv"})
    assert rows_in(response, "csv") == len(round_) == 7
    body(client.get("/province/notes/", {"period": "2026Q3", "state": "draft", "export": "xlsx"}))
    counts = [(r.changes["filters"].get("state"), r.changes["rows"]) for r in exported()]
    assert counts == [(None, 7), ("draft", 1)]


def test_the_indicator_ranking_export_is_recorded_with_its_indicator(
    client_for, prefecture_reviewer, demo
):
    url = "/province/indicators/D01/"
    response = client_for(prefecture_reviewer).get(
        url, {"period": "2026Q3", "prefecture": "510100", "export": "csv"}, REMOTE_ADDR=ADDRESS
    )
    assert rows_in(response, "csv") == 20
    record = the_record("export.indicator", prefecture_reviewer)
    # The ranking reads every period's values: no period chose its rows.
    assert record.changes == {"format": "csv", "filters": {"prefecture": "510100"}, "rows": 20}
    assert record.object_type == "targets.Indicator"
    assert record.object_id == str(Indicator.objects.get(code="D01").pk)


def test_the_values_template_is_recorded_with_its_period_and_counties(client_for, reporter, demo):
    response = client_for(reporter).get(
        "/values/template.xlsx", {"period": "2026Q3"}, REMOTE_ADDR=ADDRESS
    )
    rows = rows_in(response, "xlsx")
    assert rows == Indicator.objects.filter(level=Indicator.Level.COUNTY).count() > 0
    record = the_record("export.values_template", reporter)
    assert record.changes == {
        "format": "xlsx",
        "filters": {"counties": ["510104"], "period": "2026Q3"},
        "rows": rows,
    }


def test_the_plan_workbook_is_recorded_with_the_rows_of_all_its_sheets(client_for, admin_user):
    response = client_for(admin_user).get("/plan/workbook.xlsx", REMOTE_ADDR=ADDRESS)
    rows = rows_in(response, "xlsx")
    assert rows > Measure.objects.count()
    record = the_record("export.plan", admin_user)
    assert record.changes == {"format": "xlsx", "filters": {}, "rows": rows}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def evidence(media, client_for, reporter, period, note_data) -> Evidence:
    response = client_for(reporter).post(
        "/counties/510104/report/2026Q3/measures/T5.1/",
        {**note_data, "action": "save", "files": [SimpleUploadedFile("进展报告.pdf", PDF)]},
    )
    assert response.status_code == 302
    return Evidence.objects.get()


def test_an_evidence_download_is_recorded_with_its_file_and_size(
    client_for, prefecture_reviewer, evidence
):
    response = client_for(prefecture_reviewer).get(f"/evidence/{evidence.pk}/", REMOTE_ADDR=ADDRESS)
    assert body(response) == PDF
    record = the_record("download.evidence", prefecture_reviewer)
    assert (record.object_type, record.object_id) == ("targets.Evidence", str(evidence.pk))
    assert record.object_repr == "进展报告.pdf"
    assert record.changes == {"format": "application/pdf", "filters": {}, "size": len(PDF)}


@pytest.mark.parametrize("persona", [None, "other_reporter", "other_prefecture_reviewer"])
def test_whoever_may_not_see_the_note_gets_no_evidence_and_no_record(
    request, client_for, evidence, persona
):
    user = request.getfixturevalue(persona) if persona else None
    response = client_for(user).get(f"/evidence/{evidence.pk}/")
    assert response.status_code == (302 if user is None else 404)
    assert not response.streaming
    assert exported() == []


def test_a_missing_evidence_file_writes_no_record(client_for, reporter, evidence, media):
    (media / evidence.file.name).unlink()
    client = client_for(reporter)
    client.raise_request_exception = False
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 500
    assert exported() == []


# The briefing's PDF, made by the worker: one download per reader, recorded with the file's size.


@pytest.mark.parametrize(
    ("persona", "filters"),
    [
        ("provincial_reviewer", {"period": "2026Q3"}),
        ("prefecture_reviewer", {"period": "2026Q3", "prefectures": ["510100"]}),
    ],
)
def test_the_briefing_pdf_is_recorded_with_its_period_scope_and_size(
    request, client_for, round_, persona, filters
):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.post("/province/briefing/pdf/", {"period": "2026Q3"}).status_code == 302
    assert exported() == []  # asking for the file is not yet a download
    run_jobs()
    made = GeneratedFile.objects.get(kind="briefing")
    response = client.get(f"/province/briefing/files/{made.pk}.pdf", REMOTE_ADDR=ADDRESS)
    content = body(response)
    for close in response._resource_closers:  # the archived file, as the server closes it
        close()
    assert content.startswith(b"%PDF")
    record = the_record("download.briefing", user)
    assert (record.object_type, record.object_repr) == ("targets.Period", "2026年第三季度")
    assert record.object_id == str(Period.objects.get(code="2026Q3").pk)
    assert record.changes == {"format": "pdf", "filters": filters, "size": len(content)}


def test_the_briefing_page_itself_is_not_a_download(client_for, provincial_reviewer):
    assert client_for(provincial_reviewer).get("/province/briefing/").status_code == 200
    assert exported() == []


# Outsiders: no file, no record.

OUTSIDERS = [
    "/province/?export=xlsx",
    "/province/measures/T1.1/?export=csv",
    "/province/task-areas/T1/?export=xlsx",
    "/province/notes/?export=csv",
    "/province/indicators/D01/?export=csv",
    "/review/?export=xlsx",
    "/review/late/?export=csv",
    "/review/reminders/?export=xlsx",
    "/audit/export.csv",
    "/plan/workbook.xlsx",
    "/province/briefing/files/1.pdf",
]


@pytest.mark.usefixtures("demo", "round_")
@pytest.mark.parametrize("url", OUTSIDERS)
@pytest.mark.parametrize("persona", [None, "other_reporter"])
def test_the_anonymous_visitor_and_another_county_get_no_file_and_no_record(
    request, client_for, url, persona
):
    user = request.getfixturevalue(persona) if persona else None
    response = client_for(user).get(url)
    assert response.status_code == (302 if user is None else 403)
    assert "attachment" not in response.get("Content-Disposition", "")
    assert exported() == []


@pytest.mark.parametrize("persona", [None, "provincial_reviewer", "no_role_user"])
def test_only_a_county_s_reporter_gets_its_values_template(request, client_for, persona, demo):
    user = request.getfixturevalue(persona) if persona else None
    response = client_for(user).get("/values/template.xlsx?period=2026Q3")
    assert response.status_code == (302 if user is None else 403)
    assert exported() == []


def test_a_template_of_an_unknown_period_is_refused_without_a_record(client_for, reporter):
    assert client_for(reporter).get("/values/template.xlsx?period=1999Q1").status_code == 404
    assert exported() == []


def test_another_prefecture_s_reviewer_exports_only_their_own_counties(
    client_for, other_prefecture_reviewer, round_
):
    client = client_for(other_prefecture_reviewer)
    response = client.get("/review/", {"county": "510105", "export": "csv"})
    # 青羊 is not theirs: the filter is refused, and the export holds 会理's one submitted note.
    lines = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert len(lines) == 2
    assert "513402" in lines[1]
    (record,) = exported()
    assert record.changes == {"format": "csv", "filters": {}, "rows": 1}


def test_the_wrong_method_gets_no_file_and_no_record(client_for, provincial_reviewer, round_):
    client = client_for(provincial_reviewer)
    assert client.post("/province/notes/?export=csv").status_code == 405
    assert client.post("/province/briefing/files/1.pdf").status_code == 405
    assert exported() == []


# A CSV the client stops reading.


def test_a_csv_read_halfway_leaves_a_failure_record_of_what_was_sent(rf, provincial_reviewer):
    request = rf.get("/province/notes/", {"export": "csv"}, REMOTE_ADDR=ADDRESS)
    request.user = provincial_reviewer
    table = Table("notes", "进展", [Column("序号", "int")], ([n] for n in range(10)))
    record = trail.Export("export.notes", request, {"period": Period.objects.get(code="2026Q3")})
    response = exports.response(table, "csv", record)
    chunks = iter(response.streaming_content)
    next(chunks), next(chunks), next(chunks)  # the header and two rows
    assert exported() == []  # nothing recorded before the file is complete
    # The client went away: the server closes the response. (Without closing the test's database
    # connection, as the test client does.)
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    (failed,) = exported()
    assert failed.action == "export.notes"
    assert failed.actor == provincial_reviewer
    assert failed.outcome == AuditRecord.Outcome.FAILURE
    assert failed.address == ADDRESS
    assert failed.changes == {"format": "csv", "filters": {"period": "2026Q3"}, "rows": 2}


# openpyxl leaves the temporary file of a sheet it stopped writing to the garbage collector.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_export_that_fails_midway_writes_no_record(
    client_for, provincial_reviewer, round_, monkeypatch
):
    from targets.spreadsheets import export_tables

    def broken(period, rows):
        table = original(period, rows)

        def failing():
            yield from []
            raise RuntimeError("the database went away")

        table.rows = failing()
        return table

    original = export_tables.notes
    monkeypatch.setattr(export_tables, "notes", broken)
    client = client_for(provincial_reviewer)
    client.raise_request_exception = False
    assert client.get("/province/notes/", {"export": "xlsx"}).status_code == 500
    response = client.get("/province/notes/", {"export": "csv"})
    with pytest.raises(RuntimeError):
        b"".join(response.streaming_content)
    assert exported() == []


# The audit page.


def test_the_audit_page_finds_exports_and_shows_them_readably(
    client_for, provincial_reviewer, audit_admin, round_, evidence
):
    client = client_for(provincial_reviewer)
    body(client.get("/province/notes/", {"period": "2026Q3", "state": "approved", "export": "csv"}))
    body(client.get(f"/evidence/{evidence.pk}/"))
    page = client_for(audit_admin).get("/audit/", {"action": "export.notes"})
    assert [r.action for r in page.context["page"]] == ["export.notes"]
    text = page.text
    assert "<dt>格式</dt><dd>csv</dd>" in text
    assert "<dt>行数</dt><dd>3</dd>" in text
    assert "<dt>筛选条件</dt><dd>填报周期:2026年第三季度;状态:已审核通过</dd>" in text
    downloads = client_for(audit_admin).get("/audit/", {"action": "download.evidence"})
    assert [r.action for r in downloads.context["page"]] == ["download.evidence"]
    assert f"<dt>大小</dt><dd>{len(PDF)}\xa0字节</dd>" in downloads.text
    assert "<dt>筛选条件</dt><dd>无(全部)</dd>" in downloads.text
    both = client_for(audit_admin).get("/audit/", {"action": "exports"})
    assert {r.action for r in both.context["page"]} == {"export.notes", "download.evidence"}
