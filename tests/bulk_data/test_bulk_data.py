"""A closed round's bulk data file: a zip of its approved notes and values (CSV with a byte-order
mark), a README with the fields and the notice that the data is the province's, and a manifest of
each file's sha256; made by the worker when a provincial reviewer or the system admin asks, or by
the daily command; the same data makes the same bytes and no second record; listed with size,
hash and date, and downloaded (audited) by those who read them."""

import csv
import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command

from targets.models import (
    AuditRecord,
    County,
    GeneratedFile,
    Indicator,
    IndicatorValue,
    Period,
    Plan,
    State,
)
from tests.jobs import run_jobs
from tests.notes import saved_note
from tests.querycount import queries_of

pytestmark = pytest.mark.django_db

PAGE = "/province/data-files/"


@pytest.fixture
def approved(reporter, other_reporter):
    """2026Q3: two approved notes (会理市's before 锦江区's, to be sorted), one submitted, and an
    approved value of a demonstration indicator."""
    saved_note("513402", "T1.1", State.APPROVED, author=other_reporter, narrative="=SUM(A1)")
    saved_note("510104", "T1.2", State.APPROVED, author=reporter, narrative="修路,\n通车")
    saved_note("510104", "T1.1", State.SUBMITTED, author=reporter)
    indicator = Indicator.objects.create(
        plan=Plan.objects.get(),
        code="X01",
        name="测试指标",
        unit="%",
        direction="higher",
        level="county",
        baseline_year=2023,
        baseline_value=Decimal("1"),
        is_demo=True,
    )
    IndicatorValue.objects.create(
        county=County.objects.get(code="510104"),
        period=Period.objects.get(code="2026Q3"),
        indicator=indicator,
        value=Decimal("12.5000"),
        source="统计局",
        state=State.APPROVED,
        updated_by=reporter,
    )


def make(client, code: str = "2026Q3"):
    return client.post(f"{PAGE}make/", {"period": code})


def made_zip(client) -> tuple[GeneratedFile, bytes]:
    generated = GeneratedFile.objects.get(kind="bulk_data")
    response = client.get(f"/province/data-files/{generated.pk}.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return generated, b"".join(response.streaming_content)


def entries(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_closed_rounds_file_holds_its_approved_data_readme_and_manifest(
    client_for, provincial_reviewer, approved
):
    client = client_for(provincial_reviewer)
    assert make(client).status_code == 302
    assert AuditRecord.objects.filter(action="bulk_data.request").count() == 1
    assert "排队中" in client.get(PAGE).text
    run_jobs()
    generated, content = made_zip(client)
    assert hashlib.sha256(content).hexdigest() == generated.sha256
    assert generated.size == len(content)
    assert generated.rows == 3
    assert generated.expires_at is None  # kept, not an export that expires
    files = entries(content)
    assert sorted(files) == ["README.txt", "manifest.sha256", "notes.csv", "values.csv"]
    assert files["notes.csv"].startswith("\ufeff".encode())
    notes = list(csv.DictReader(io.StringIO(files["notes.csv"].decode("utf-8-sig"))))
    assert [(n["county_code"], n["measure_code"]) for n in notes] == [
        ("510104", "T1.2"),
        ("513402", "T1.1"),
    ]  # approved only, by county code
    assert notes[0]["narrative"] == "修路,\n通车"
    assert notes[1]["narrative"] == "'=SUM(A1)"  # never a formula in Excel
    assert notes[0]["period_name"] == "2026年第三季度"
    assert notes[0]["prefecture"] == "成都市"
    assert notes[0]["demo"] == "0"
    values = list(csv.DictReader(io.StringIO(files["values.csv"].decode("utf-8-sig"))))
    assert [(v["indicator_code"], v["value"], v["demo"]) for v in values] == [
        ("X01", "12.5000", "1")
    ]
    readme = files["README.txt"].decode()
    assert "本数据属四川省所有" in readme
    assert "This data is the property of Sichuan Province" in readme
    assert "本文件含演示数据" in readme
    assert "bottom_line_code" in readme
    manifest = files["manifest.sha256"].decode().splitlines()
    assert manifest == [
        f"{hashlib.sha256(files[name]).hexdigest()}  {name}"
        for name in ("notes.csv", "values.csv", "README.txt")
    ]
    record = AuditRecord.objects.get(action="download.bulk_data")
    assert record.object_id == str(generated.period_id)
    assert record.changes["size"] == len(content)
    page = client.get(PAGE).text
    assert generated.sha256 in page
    assert f"/province/data-files/{generated.pk}.zip" in page
    assert "含演示数据" in page


def test_made_twice_the_same_bytes_and_no_second_record(client_for, admin_user, approved):
    client = client_for(admin_user)
    make(client)
    run_jobs()
    first = GeneratedFile.objects.get()
    make(client)
    assert GeneratedFile.objects.get().state == "queued"
    run_jobs()
    again = GeneratedFile.objects.get()
    assert again.pk == first.pk
    assert again.sha256 == first.sha256
    assert again.attempts == 2


def test_asked_again_while_on_its_way_it_is_queued_once(client_for, provincial_reviewer, approved):
    client = client_for(provincial_reviewer)
    make(client)
    make(client)
    assert GeneratedFile.objects.count() == 1
    assert AuditRecord.objects.filter(action="bulk_data.request").count() == 1
    assert len(run_jobs()) == 1


def test_a_round_still_open_gets_no_file(client_for, provincial_reviewer):
    client = client_for(provincial_reviewer)
    response = make(client, "2026Q4")
    assert response.status_code == 302
    assert not GeneratedFile.objects.exists()
    assert "只能为截止日期已过的填报周期生成" in client.get(PAGE).text


def test_the_daily_command_queues_each_closed_round_once(db):
    out = io.StringIO()
    call_command("make_bulk_data", stdout=out)
    closed = GeneratedFile.objects.filter(kind="bulk_data").count()
    assert closed >= 1
    assert "2026Q3" in out.getvalue()
    call_command("make_bulk_data", stdout=io.StringIO())
    assert GeneratedFile.objects.filter(kind="bulk_data").count() == closed
    run_jobs()
    assert set(GeneratedFile.objects.values_list("state", flat=True)) == {"ready"}


def test_prefecture_reviewers_and_departments_do_not_read_them(
    client_for, prefecture_reviewer, department_user, provincial_reviewer, approved
):
    make(client_for(provincial_reviewer))
    run_jobs()
    generated = GeneratedFile.objects.get()
    for user in (prefecture_reviewer, department_user):
        client = client_for(user)
        assert client.get(PAGE).status_code == 403
        assert client.get(f"/province/data-files/{generated.pk}.zip").status_code == 403
        assert make(client).status_code == 403
    assert not AuditRecord.objects.filter(action="download.bulk_data").exists()


def test_the_page_takes_the_same_queries_however_many_files(client_for, provincial_reviewer):
    client = client_for(provincial_reviewer)
    make(client, "2026Q3")
    run_jobs()
    few = queries_of(client, PAGE)
    make(client, "2026Q2")
    make(client, "2026Q1")
    run_jobs()
    assert queries_of(client, PAGE) == few
