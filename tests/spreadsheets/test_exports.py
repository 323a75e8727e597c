"""Every table on screen downloads as .xlsx and as CSV: Chinese bold headers, a frozen header row,
filters on, number formats, real datetimes and column widths that fit in the workbook; a UTF-8 CSV
with a byte-order mark holding the same rows; the rows of a filtered page (every one, not only
the page on screen), within the user's scope; streamed, with memory flat however many rows; and
the page's download links carry its filters."""

import csv
import datetime
import gc
import io
import re
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
import time_machine
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from targets.audit import trail as audit
from targets.models import (
    AuditRecord,
    County,
    Indicator,
    IndicatorValue,
    Measure,
    Notification,
    Period,
    Prefecture,
    ProgressNote,
    State,
)
from targets.spreadsheets import exports
from targets.spreadsheets.exports import Column, Table
from tests import two_factor
from tests.notes import new_note

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_29th_of_november")]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LONG_NARRATIVE = "本季度完成了县城综合承载能力提升项目的全部前期工作并已开工建设"  # 29 characters
UNIT_HEADER = [
    "代码",
    "名称",
    "填报周期",
    "预警",
    "预警原因",
    "红灯举措",
    "黄灯举措",
    "应填报",
    "已填报",
    "填报率",
    "审核通过",
    "未填报",
    "滞后/风险",
    "平均进度",
    "评定不一致",
]
SLICE_HEADER = [h for h in UNIT_HEADER if h not in ("预警", "预警原因", "红灯举措", "黄灯举措")]
REGION_HEADER = [h for h in UNIT_HEADER if h not in ("红灯举措", "黄灯举措")]


def at(day: int, hour: int = 9) -> datetime.datetime:
    """A time in November 2026, Beijing time."""
    return datetime.datetime(2026, 11, day, hour, tzinfo=timezone.get_current_timezone())


def note(county, measure, state, status="on_schedule", percent=50, *, submitted_at=None, **fields):
    """A note submitted on 20 November unless it is a draft or told otherwise."""
    if state != State.DRAFT and submitted_at is None:
        submitted_at = at(20)
    return new_note(county, measure, state, status, percent, submitted_at=submitted_at, **fields)


def save(*notes) -> list[ProgressNote]:
    return ProgressNote.objects.bulk_create(notes)


@pytest.fixture
def round_(reporter):
    """A few notes of 2026Q3 in 成都 (锦江, 青羊, 金牛) and 凉山 (会理)."""
    return save(
        note("510104", "T1.1", State.APPROVED, "behind", 30, author=reporter),
        note(
            "510104",
            "T1.2",
            State.APPROVED,
            "on_schedule",
            70,
            reviewer_status="at_risk",
            author=reporter,
        ),
        note(
            "510105",
            "T1.1",
            State.SUBMITTED,
            "completed",
            100,
            narrative=LONG_NARRATIVE,
            submitted_at=at(21, 15),
            author=reporter,
        ),
        note("510106", "T1.1", State.RETURNED, author=reporter),
        note("510106", "T1.2", State.DRAFT, author=reporter),
        note("513402", "T1.1", State.SUBMITTED, "behind", 20, author=reporter),
        note("513402", "T2.1", State.APPROVED, "completed", 100, author=reporter),
    )


@pytest.fixture
def reminded(round_, client_for, prefecture_reviewer):
    """A reminder (催办) sent by hand to 锦江's reporter, so that the reminder log has a row."""
    response = client_for(prefecture_reviewer).post(
        "/review/late/remind/", {"period": "2026Q3", "counties": ["510104"], "message": "请尽快"}
    )
    assert response.status_code == 302
    assert Notification.objects.filter(county__code="510104").exists()


# --- reading a download ---------------------------------------------------------------------


def download(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def sheet_of(response):
    """The only sheet of an .xlsx response."""
    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == XLSX_TYPE
    book = openpyxl.load_workbook(io.BytesIO(download(response)))
    assert len(book.worksheets) == 1
    return book.worksheets[0]


def csv_of(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    assert not isinstance(response, FileResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = download(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def canonical(text: str) -> str:
    """Numbers compared as numbers ("1234.5000" is 1234.5), everything else as text."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return format(number.normalize(), "f") if number.is_finite() else text


def as_text(cell) -> str:
    """A cell as the CSV writes it."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        date_only = cell.number_format == "yyyy-mm-dd"
        return value.strftime("%Y-%m-%d" if date_only else "%Y-%m-%d %H:%M:%S")
    return canonical(str(value))


def sheet_rows(sheet) -> list[list[str]]:
    return [[as_text(cell) for cell in row] for row in sheet.iter_rows()]


def by_header(sheet) -> dict[str, int]:
    """Column letters' indexes (1-based) by header."""
    return {cell.value: cell.column for cell in sheet[1]}


def records(rows: list[list[str]]) -> list[dict[str, str]]:
    header, *lines = rows
    return [dict(zip(header, line, strict=True)) for line in lines]


def csv_records(client, url, params) -> list[dict[str, str]]:
    return records(csv_of(client.get(url, {**params, "export": "csv"})))


def filename(response) -> str:
    found = re.fullmatch(r'attachment; filename="([^"]+)"', response["Content-Disposition"])
    assert found, response["Content-Disposition"]
    return found.group(1)


class _ExportLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "a" and "data-export" in found:
            self.links.append((found["data-export"], found["href"]))


def export_links(response) -> list[tuple[str, dict[str, list[str]]]]:
    """The page's download links: (format, parsed query)."""
    parser = _ExportLinks()
    parser.feed(response.text)
    found = []
    for fmt, href in parser.links:
        parts = urlsplit(href)
        assert parts.path == ""
        assert not parts.netloc
        found.append((fmt, parse_qs(parts.query, keep_blank_values=True)))
    return found


# --- the workbook ---------------------------------------------------------------------------


def test_the_xlsx_has_bold_chinese_headers_a_frozen_filtered_header_row_and_number_formats(
    client_for, provincial_reviewer, round_
):
    response = client_for(provincial_reviewer).get(
        "/province/", {"period": "2026Q3", "prefecture": "510100", "export": "xlsx"}
    )
    assert re.fullmatch(r"county-2026Q3-\d{8}-\d{4}\.xlsx", filename(response))
    sheet = sheet_of(response)
    assert sheet.title == "各县(市、区)"
    assert [cell.value for cell in sheet[1]] == UNIT_HEADER
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 21  # the header and 成都's 20 counties
    assert sheet.auto_filter.ref == "A1:O21"
    column = by_header(sheet)
    jinjiang = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "510104")
    assert jinjiang[column["名称"] - 1].value == "锦江区"
    assert jinjiang[column["名称"] - 1].number_format == "General"
    slots = jinjiang[column["应填报"] - 1]
    assert (slots.value, slots.number_format) == (24, "0")
    share = jinjiang[column["填报率"] - 1]
    assert (share.value, share.number_format) == (8, '0"%"')  # 2 of 24, as a whole percent
    mean = jinjiang[column["平均进度"] - 1]
    assert (mean.value, mean.number_format) == (50, '0"%"')
    assert jinjiang[column["评定不一致"] - 1].value == 1
    assert jinjiang[column["预警"] - 1].value in {"红灯", "黄灯", "绿灯"}
    red, yellow = jinjiang[column["红灯举措"] - 1], jinjiang[column["黄灯举措"] - 1]
    assert isinstance(red.value, int)
    assert isinstance(yellow.value, int)
    assert red.number_format == "0"
    # A county without approved notes has no mean: an empty cell, not a formatted zero.
    longquan = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "510112")
    assert longquan[column["平均进度"] - 1].value is None


def test_columns_are_as_wide_as_their_text_with_chinese_counted_double(
    client_for, provincial_reviewer, round_
):
    response = client_for(provincial_reviewer).get(
        "/province/notes/", {"period": "2026Q3", "export": "xlsx"}
    )
    sheet = sheet_of(response)
    column = by_header(sheet)
    widths = {
        header: sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width
        for header, index in column.items()
    }
    assert all(width and width > 0 for width in widths.values())
    # 29 Chinese characters take 58 columns (capped at 60); a six-digit code far fewer.
    assert 58 <= widths["进展情况"] <= 60
    assert widths["县(市、区)代码"] < widths["进展情况"]
    # A header of Chinese is wider than a short value under it (4 characters, 8 columns).
    assert widths["进展状态"] >= 8


def test_datetime_columns_hold_real_local_datetimes(client_for, provincial_reviewer, round_):
    response = client_for(provincial_reviewer).get(
        "/province/measures/T1.1/", {"period": "2026Q3", "export": "xlsx"}
    )
    sheet = sheet_of(response)
    column = by_header(sheet)
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert len(rows) == 183
    saved = rows["510105"][column["最近填报时间"] - 1]
    # Saved "now" (10:00 Beijing time): a naive local datetime Excel shows as it is on screen.
    assert saved.value == datetime.datetime(2026, 11, 29, 10, 0)
    assert saved.is_date
    assert saved.number_format == "yyyy-mm-dd hh:mm:ss"
    assert rows["510112"][column["最近填报时间"] - 1].value is None
    approved = rows["510104"]
    assert approved[column["完成进度"] - 1].value == 30
    assert approved[column["完成进度"] - 1].number_format == '0"%"'
    assert approved[column["进展状态(审核通过)"] - 1].value == "滞后"
    # A note not yet approved shows no progress.
    assert rows["510105"][column["完成进度"] - 1].value is None


def test_the_review_export_has_submission_times_and_decimal_values(
    client_for, prefecture_reviewer, reporter, round_, demo
):
    IndicatorValue.objects.create(
        county=County.objects.get(code="510104"),
        period=Period.objects.get(code="2026Q3"),
        indicator=Indicator.objects.get(code="D01"),
        value=Decimal("1234.5000"),
        source="统计局",
        state=State.SUBMITTED,
        submitted_at=at(22, 8),
        updated_by=reporter,
    )
    sheet = sheet_of(client_for(prefecture_reviewer).get("/review/", {"export": "xlsx"}))
    column = by_header(sheet)
    rows = list(sheet.iter_rows(min_row=2))
    assert [row[column["县(市、区)代码"] - 1].value for row in rows] == ["510105", "510104"]
    value = rows[1][column["数值"] - 1]
    assert value.value == 1234.5
    assert value.number_format == "#,##0.####"
    assert rows[1][column["类型"] - 1].value == "指标值"
    submitted = rows[0][column["提交时间"] - 1]
    assert submitted.value == datetime.datetime(2026, 11, 21, 15, 0)
    assert submitted.number_format == "yyyy-mm-dd hh:mm:ss"
    assert rows[0][column["完成进度"] - 1].value == 100
    assert rows[0][column["数值"] - 1].value is None


def test_an_empty_table_is_a_header_with_its_filter(client_for, provincial_reviewer):
    response = client_for(provincial_reviewer).get("/review/", {"export": "xlsx"})
    sheet = sheet_of(response)
    assert sheet.max_row == 1
    assert sheet[1][0].value == "类型"
    assert sheet.auto_filter.ref == "A1:R1"
    assert csv_of(client_for(provincial_reviewer).get("/review/", {"export": "csv"})) == [
        [cell.value for cell in sheet[1]]
    ]


def submit_note(client, narrative: str, note_data) -> None:
    """锦江's reporter submits T1.1 through the form."""
    response = client.post(
        "/counties/510104/report/2026Q3/measures/T1.1/",
        {**note_data, "narrative": narrative, "action": "submit"},
    )
    assert response.status_code == 302
    assert ProgressNote.objects.get(county__code="510104", measure__code="T1.1").narrative == (
        narrative
    )


def notes_sheet(client):
    """The notes as .xlsx; a writer abandoned half-way is collected here, not in a later test."""
    try:
        return sheet_of(client.get("/province/notes/", {"period": "2026Q3", "export": "xlsx"}))
    finally:
        gc.collect()


def test_text_that_looks_like_a_formula_stays_text(
    client_for, reporter, prefecture_reviewer, note_data
):
    formula = '=HYPERLINK("http://example.com","点击")'
    submit_note(client_for(reporter), formula, note_data)
    save(note("510105", "T1.1", State.APPROVED, narrative=formula, author=reporter))
    sheet = notes_sheet(client_for(prefecture_reviewer))
    cells = [sheet.cell(row=r, column=by_header(sheet)["进展情况"]) for r in (2, 3)]
    assert [(cell.data_type, cell.value) for cell in cells] == [("s", formula)] * 2


def test_text_with_control_characters_still_exports(
    client_for, reporter, prefecture_reviewer, note_data
):
    submit_note(client_for(reporter), "第一段\x0b第二段", note_data)
    sheet = notes_sheet(client_for(prefecture_reviewer))
    assert sheet.cell(row=2, column=by_header(sheet)["进展情况"]).value.startswith("第一段")


# --- the CSV --------------------------------------------------------------------------------

PAGES = {
    "overview units": ("/province/", {"period": "2026Q3", "prefecture": "510100"}),
    "overview regions": ("/province/", {"period": "2026Q3", "table": "units"}),
    "overview task areas": ("/province/", {"period": "2026Q3", "table": "task_areas"}),
    "overview integrations": ("/province/", {"period": "2026Q3", "table": "integrations"}),
    "measure grid": ("/province/measures/T1.1/", {"period": "2026Q3"}),
    "task area grid": ("/province/task-areas/T1/", {"period": "2026Q3"}),
    "notes": ("/province/notes/", {"period": "2026Q3"}),
    "review queue": ("/review/", {}),
    "late": ("/review/late/", {"show": "all"}),
    "reminders": ("/review/reminders/", {}),
}


@pytest.mark.parametrize("page", PAGES)
def test_the_csv_has_a_bom_and_the_same_header_and_rows_as_the_xlsx(
    client_for, provincial_reviewer, reminded, page
):
    url, params = PAGES[page]
    client = client_for(provincial_reviewer)
    workbook = client.get(url, {**params, "export": "xlsx"})
    text = client.get(url, {**params, "export": "csv"})
    assert filename(text).removesuffix(".csv") == filename(workbook).removesuffix(".xlsx")
    assert filename(text).endswith(".csv")
    assert filename(workbook).endswith(".xlsx")
    sheet = sheet_of(workbook)
    rows = csv_of(text)
    assert len(rows) > 1
    assert rows[0] == [cell.value for cell in sheet[1]]
    assert all(re.search(r"[\u4e00-\u9fff]", header) for header in rows[0][:3])
    assert [[canonical(value) for value in row] for row in rows] == sheet_rows(sheet)


def test_the_csv_writes_datetimes_and_empty_values_as_excel_reads_them(
    client_for, provincial_reviewer, round_
):
    lines = csv_records(
        client_for(provincial_reviewer), "/province/measures/T1.1/", {"period": "2026Q3"}
    )
    by_code = {line["县(市、区)代码"]: line for line in lines}
    assert by_code["510105"]["最近填报时间"] == "2026-11-29 10:00:00"
    assert by_code["510105"]["本轮"] == "已提交"
    assert by_code["510105"]["完成进度"] == ""
    assert by_code["510104"]["完成进度"] == "30"
    assert by_code["510112"]["本轮"] == "未填报"
    assert by_code["510112"]["最近填报时间"] == ""


# --- the rows on screen ---------------------------------------------------------------------


def test_the_overview_export_lists_the_units_on_screen(client_for, provincial_reviewer, round_):
    client = client_for(provincial_reviewer)
    query = {"period": "2026Q3", "prefecture": "510100"}
    screen = client.get("/province/", query).context
    lines = csv_records(client, "/province/", query)
    assert [(line["代码"], line["名称"]) for line in lines] == [
        (row.key, row.label) for row in screen["units"]
    ]
    assert len(lines) == 20
    for line, row in zip(lines, screen["units"], strict=True):
        assert line["应填报"] == str(row.slots)
        assert line["已填报"] == str(row.reported)
        assert line["填报率"] == str(row.reported_share)
        assert line["审核通过"] == str(row.approved)
        assert line["未填报"] == str(row.missing)
        assert line["滞后/风险"] == str(row.behind)
        assert line["评定不一致"] == str(row.disagreements)
        assert (line["预警"], line["预警原因"]) == (row.light.label, row.light.text)
        assert (line["红灯举措"], line["黄灯举措"]) == (str(row.light.red), str(row.light.yellow))
    areas = csv_records(client, "/province/", {**query, "table": "task_areas"})
    assert [(line["代码"], line["名称"], line["已填报"]) for line in areas] == [
        (row.key, row.label, str(row.reported)) for row in screen["task_areas"]
    ]
    assert list(areas[0]) == SLICE_HEADER
    integrations = csv_records(client, "/province/", {**query, "table": "integrations"})
    assert [(line["代码"], line["名称"]) for line in integrations] == [
        (row.key, row.label) for row in screen["integration_rows"]
    ]


def test_the_overview_export_of_regions_gives_each_its_light_tally(
    client_for, provincial_reviewer, round_
):
    client = client_for(provincial_reviewer)
    screen = client.get("/province/", {"period": "2026Q3"}).context
    lines = csv_records(client, "/province/", {"period": "2026Q3"})
    assert [line["代码"] for line in lines] == [row.key for row in screen["units"]]
    assert len(lines) == 5
    for line, row in zip(lines, screen["units"], strict=True):
        red, yellow, green = (row.lights.get(c, 0) for c in ("red", "yellow", "green"))
        assert line["预警"] == f"红灯 {red} · 黄灯 {yellow} · 绿灯 {green}"
    assert list(lines[0]) == REGION_HEADER  # counts of measures are a county's


def test_the_exported_mean_progress_is_the_one_on_screen(client_for, provincial_reviewer, reporter):
    save(
        note("510104", "T1.1", State.APPROVED, percent=30, author=reporter),
        note("510104", "T1.2", State.APPROVED, percent=55, author=reporter),
    )
    client = client_for(provincial_reviewer)
    query = {"period": "2026Q3", "prefecture": "510100"}
    screen = client.get("/province/", query)
    jinjiang = next(row for row in screen.context["units"] if row.key == "510104")
    assert jinjiang.mean_percent == 42.5
    assert re.search(r">\s*43%\s*<", screen.text)  # as the page rounds it
    lines = {line["代码"]: line for line in csv_records(client, "/province/", query)}
    assert lines["510104"]["平均进度"] == "43"


def test_the_grid_export_lists_the_counties_on_screen(client_for, provincial_reviewer, round_):
    client = client_for(provincial_reviewer)
    query = {"period": "2026Q3", "prefecture": "510100"}
    screen = client.get("/province/measures/T1.1/", query).context
    lines = csv_records(client, "/province/measures/T1.1/", query)
    on_screen = [
        (cell.county.code, cell.county.name, prefecture.name)
        for prefecture, cells in screen["groups"]
        for cell in cells
    ]
    assert [(li["县(市、区)代码"], li["县(市、区)"], li["市州"]) for li in lines] == on_screen
    assert len(lines) == 20
    states = {line["县(市、区)代码"]: line["本轮"] for line in lines}
    assert states["510104"] == "已审核通过"
    assert states["510106"] == "已退回"
    cells = [cell for _prefecture, group in screen["groups"] for cell in group]
    assert [(li["本县红灯举措"], li["本县黄灯举措"]) for li in lines] == [
        (str(cell.county_light.red), str(cell.county_light.yellow)) for cell in cells
    ]


def test_the_task_area_grid_export_has_a_column_per_measure(
    client_for, provincial_reviewer, round_
):
    client = client_for(provincial_reviewer)
    query = {"period": "2026Q3", "prefecture": "510100"}
    screen = client.get("/province/task-areas/T1/", query).context
    rows = csv_of(client.get("/province/task-areas/T1/", {**query, "export": "csv"}))
    assert rows[0][3:8] == ["填报周期", "预警", "预警原因", "红灯举措", "黄灯举措"]
    assert rows[0][8:] == [measure.code for measure in screen["measures"]]
    assert [row[0] for row in rows[1:]] == [
        county.code for _prefecture, group in screen["groups"] for county, _light, _n in group
    ]
    line = dict(zip(rows[0], next(row for row in rows if row[0] == "510104"), strict=True))
    assert line["T1.1"] == "滞后 30%"
    [(_county, light, _notes)] = [
        row for _p, group in screen["groups"] for row in group if row[0].code == "510104"
    ]
    assert (line["红灯举措"], line["黄灯举措"]) == (str(light.red), str(light.yellow))
    assert dict(zip(rows[0], rows[2], strict=True))["T1.1"] == "待审核"  # 青羊 510105


def test_the_notes_export_has_every_matching_note_not_only_the_page(
    client_for, provincial_reviewer, reporter, round_
):
    codes = list(Measure.objects.order_by("order").values_list("code", flat=True))
    save(
        *(
            note(county, code, State.APPROVED, percent=60, author=reporter)
            for county in ("510107", "510108", "510112")
            for code in codes
        )
    )
    client = client_for(provincial_reviewer)
    query = {"period": "2026Q3", "state": "approved"}
    screen = client.get("/province/notes/", query).context
    expected = ProgressNote.objects.filter(period__code="2026Q3", state=State.APPROVED).count()
    assert expected == 3 + 3 * 24
    assert screen["page"].paginator.count == expected
    assert len(screen["rows"]) == 50
    lines = csv_records(client, "/province/notes/", query)
    assert len(lines) == expected
    assert {line["状态"] for line in lines} == {"已审核通过"}
    assert [(li["县(市、区)代码"], li["举措"].split()[0]) for li in lines[:50]] == [
        (n.county.code, n.measure.code) for n, _light in screen["rows"]
    ]
    jinjiang = csv_records(
        client, "/province/notes/", {**query, "prefecture": "510100", "status": "behind"}
    )
    assert [(li["县(市、区)代码"], li["进展状态"], li["完成进度"]) for li in jinjiang] == [
        ("510104", "滞后", "30")
    ]


@pytest.fixture
def long_queue(reporter):
    """61 submitted notes: 20 in each of 锦江, 青羊 and 金牛 (成都), one in 会理 (凉山), submitted
    one minute apart, 会理's first."""
    codes = list(Measure.objects.order_by("order").values_list("code", flat=True))[:20]
    start = at(1)
    notes = [note("513402", "T1.1", State.SUBMITTED, submitted_at=start, author=reporter)]
    for county in ("510104", "510105", "510106"):
        for code in codes:
            minute = len(notes)
            notes.append(
                note(
                    county,
                    code,
                    State.SUBMITTED,
                    submitted_at=start + datetime.timedelta(minutes=minute),
                    author=reporter,
                )
            )
    return save(*notes)


def test_the_review_export_has_every_item_the_filters_select_not_only_the_page(
    client_for, provincial_reviewer, long_queue
):
    client = client_for(provincial_reviewer)
    chengdu = Prefecture.objects.get(code="510100")
    query = {"prefecture": chengdu.pk}
    screen = client.get("/review/", query).context
    assert screen["page"].paginator.count == 60
    assert len(screen["items"]) == 20
    lines = csv_records(client, "/review/", query)
    assert len(lines) == 60
    assert {line["市州"] for line in lines} == {"成都市"}
    assert [(li["县(市、区)代码"], li["内容"].split()[0]) for li in lines[:20]] == [
        (item.record.county.code, item.record.measure.code) for item in screen["items"]
    ]
    assert lines[0]["提交时间"] == "2026-11-01 09:01:00"
    everything = csv_records(client, "/review/", {})
    assert len(everything) == 61
    assert everything[0]["县(市、区)代码"] == "513402"
    jinjiang = csv_records(client, "/review/", {"county": "510104"})
    assert {line["县(市、区)代码"] for line in jinjiang} == {"510104"}
    assert len(jinjiang) == 20


def test_the_late_export_lists_the_rows_on_screen_in_their_order(
    client_for, prefecture_reviewer, round_
):
    client = client_for(prefecture_reviewer)
    query = {"prefecture": "510100", "sort": "missing", "stale_periods": "3", "show": "all"}
    screen = client.get("/review/late/", query).context
    rows = csv_of(client.get("/review/late/", {**query, "export": "csv"}))
    assert "连续3期未报" in rows[0]
    lines = records(rows)
    assert [line["县(市、区)代码"] for line in lines] == [r.county.code for r in screen["rows"]]
    assert len(lines) == 20
    for line, row in zip(lines, screen["rows"], strict=True):
        assert line["未提交"] == str(row.missing)
        assert line["已提交"] == str(row.reported)
        assert line["预警"] == row.light.label
        assert (line["红灯举措"], line["黄灯举措"]) == (str(row.light.red), str(row.light.yellow))
    problems = csv_records(client, "/review/late/", {"prefecture": "510100"})
    assert len(problems) == len(
        client.get("/review/late/", {"prefecture": "510100"}).context["rows"]
    )


def test_the_reminder_log_export_lists_the_reminders_sent(
    client_for, prefecture_reviewer, reminded
):
    client = client_for(prefecture_reviewer)
    screen = client.get("/review/reminders/").context
    lines = csv_records(client, "/review/reminders/", {})
    assert len(lines) == len(screen["entries"]) >= 1
    assert [(line["县(市、区)"], line["内容"]) for line in lines] == [
        (n.county.name, text) for n, text in screen["entries"]
    ]
    assert lines[0]["发送时间"] == "2026-11-29 10:00:00"
    assert lines[0]["催办人"] == "chengdu_reviewer"
    assert lines[0]["填报周期"] == "2026年第三季度"


# --- scope and permissions ------------------------------------------------------------------

SCOPED = [
    ("/province/measures/T1.1/", {"period": "2026Q3"}, "县(市、区)代码"),
    ("/province/task-areas/T1/", {"period": "2026Q3"}, "县(市、区)代码"),
    ("/province/notes/", {"period": "2026Q3"}, "县(市、区)代码"),
    ("/review/", {}, "县(市、区)代码"),
    ("/review/late/", {"show": "all"}, "县(市、区)代码"),
]
CHENGDU_COUNTIES = 20
LIANGSHAN_COUNTIES = 17


@pytest.mark.parametrize(("url", "params", "code"), SCOPED)
def test_a_prefecture_reviewer_exports_only_their_prefecture(
    client_for, prefecture_reviewer, other_prefecture_reviewer, round_, url, params, code
):
    chengdu = {line[code] for line in csv_records(client_for(prefecture_reviewer), url, params)}
    liangshan = {
        line[code] for line in csv_records(client_for(other_prefecture_reviewer), url, params)
    }
    assert chengdu
    assert all(c.startswith("5101") for c in chengdu)
    assert liangshan
    assert all(c.startswith("5134") for c in liangshan)
    if url in ("/province/measures/T1.1/", "/province/task-areas/T1/", "/review/late/"):
        assert len(chengdu) == CHENGDU_COUNTIES
        assert len(liangshan) == LIANGSHAN_COUNTIES


def test_asking_for_another_prefecture_does_not_widen_the_export(
    client_for, prefecture_reviewer, round_
):
    client = client_for(prefecture_reviewer)
    liangshan = {"period": "2026Q3", "prefecture": "513400"}
    for url in ("/province/measures/T1.1/", "/province/notes/", "/province/"):
        lines = csv_records(client, url, liangshan)
        codes = {line.get("县(市、区)代码") or line.get("代码") for line in lines}
        assert not {c for c in codes if c.startswith("5134")}, url
    lines = csv_records(client, "/province/", {"period": "2026Q3"})
    assert [line["名称"] for line in lines] == ["成都平原经济区"]
    assert lines[0]["应填报"] == str(CHENGDU_COUNTIES * 24)


EXPORTS = [
    "/province/?period=2026Q3&export=xlsx",
    "/province/?period=2026Q3&table=task_areas&export=csv",
    "/province/measures/T1.1/?period=2026Q3&export=xlsx",
    "/province/task-areas/T1/?period=2026Q3&export=csv",
    "/province/notes/?period=2026Q3&state=approved&export=csv",
    "/review/?export=xlsx",
    "/review/late/?export=csv",
    "/review/reminders/?export=csv",
]


@pytest.mark.parametrize("url", EXPORTS)
def test_the_anonymous_visitor_is_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("url", EXPORTS)
def test_a_reporter_gets_no_export(client_for, reporter, url):
    response = client_for(reporter).get(url)
    assert response.status_code == 403
    assert not response.streaming


@pytest.fixture
def trail(reporter, admin_user):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 2, 0, tzinfo=datetime.UTC)):
        audit.record("auth.login", actor=reporter)
    with time_machine.travel(datetime.datetime(2026, 3, 5, 2, 0, tzinfo=datetime.UTC)):
        audit.record("admin.change", actor=admin_user, obj=Measure.objects.get(code="T1.1"))


def test_the_audit_export_is_filtered_formatted_and_itself_recorded(client_for, audit_admin, trail):
    client = client_for(audit_admin)
    screen = client.get("/audit/", {"actor": "reporter"}).context["page"]
    response = client.get("/audit/export.xlsx", {"actor": "reporter"})
    assert re.fullmatch(r"audit-\d{8}-\d{4}\.xlsx", filename(response))
    sheet = sheet_of(response)
    column = by_header(sheet)
    assert sheet.title == "审计记录"
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2))
    assert [row[column["操作代码"] - 1].value for row in rows] == [r.action for r in screen]
    assert [row[column["操作代码"] - 1].value for row in rows] == ["auth.login"]
    assert [row[column["操作"] - 1].value for row in rows] == ["登录"]
    when = rows[0][column["时间"] - 1]
    assert when.value == datetime.datetime(2026, 3, 1, 10, 0)  # 02:00 UTC is 10:00 in Sichuan
    assert when.number_format == "yyyy-mm-dd hh:mm:ss"
    export = AuditRecord.objects.get(action="export.audit")
    assert export.actor == audit_admin
    assert export.changes == {"format": "xlsx", "filters": {"actor": "reporter"}, "rows": 1}
    lines = records(csv_of(client.get("/audit/export.csv", {"object": "T1.1"})))
    assert [line["操作代码"] for line in lines] == ["admin.change"]
    assert [line["操作"] for line in lines] == ["在管理后台修改"]
    assert lines[0]["时间"] == "2026-03-05 10:00:00"
    assert AuditRecord.objects.filter(action="export.audit").count() == 2


@pytest.mark.parametrize(
    "persona", ["provincial_reviewer", "prefecture_reviewer", "admin_user", "reporter"]
)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_only_the_audit_admin_exports_the_audit_trail(request, client_for, persona, fmt, trail):
    response = client_for(request.getfixturevalue(persona)).get(f"/audit/export.{fmt}")
    assert response.status_code == 403
    assert not AuditRecord.objects.filter(action="export.audit").exists()


def test_the_audit_export_needs_a_known_format_and_a_signed_in_user(client, audit_admin):
    assert client.get("/audit/export.xlsx").status_code == 302
    two_factor.sign_in(client, audit_admin)
    assert client.get("/audit/export.pdf").status_code == 404


def test_an_unknown_export_format_shows_the_page(client_for, provincial_reviewer):
    response = client_for(provincial_reviewer).get("/province/", {"export": "pdf"})
    assert response.status_code == 200
    assert not response.streaming
    assert "<html" in response.text


# --- streaming, memory flat -----------------------------------------------------------------


@pytest.fixture
def recorded(rf, provincial_reviewer):
    """The audit record of a test export, asked for by the provincial reviewer."""
    request = rf.get("/big/")
    request.user = provincial_reviewer
    return audit.Export("export.big", request)


def test_a_large_xlsx_is_written_row_by_row_through_a_temporary_file(monkeypatch, recorded):
    total = 50_000
    read = 0
    appended: list[int] = []  # how many rows had been read at each row written
    original = WriteOnlyWorksheet.append

    def append(sheet, row):
        appended.append(read)
        original(sheet, row)

    monkeypatch.setattr(WriteOnlyWorksheet, "append", append)

    def rows():
        nonlocal read
        for number in range(total):
            read += 1
            yield [f"县{number}", number, number % 101]

    table = Table(
        "big",
        "大表",
        [Column("名称"), Column("序号", "int"), Column("完成进度", "percent")],
        rows(),
    )
    response = exports.response(table, "xlsx", recorded)
    try:
        assert isinstance(response, FileResponse)
        assert response.file_to_stream.fileno() >= 0  # a file on disk, not bytes in memory
        # The header went out after a sample of rows only; each later row as soon as read.
        assert appended[0] <= exports.SAMPLE_ROWS
        assert len(appended) == total + 1
        assert appended[-1] == total
        assert all(n == row for row, n in enumerate(appended[-1000:], start=total - 999))
        # Recorded once the workbook is written, before it goes out.
        assert AuditRecord.objects.get(action="export.big").changes["rows"] == total
        data = b"".join(response.streaming_content)
    finally:
        response.close()
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    sheet = book.worksheets[0]
    count, last = 0, None
    for row in sheet.iter_rows(min_row=2, values_only=True):
        count, last = count + 1, row
    assert count == total
    assert last == (f"县{total - 1}", total - 1, (total - 1) % 101)
    book.close()


def test_a_large_csv_is_produced_as_the_client_reads_it(recorded):
    read = 0

    def rows():
        nonlocal read
        for number in range(50_000):
            read += 1
            yield [f"县{number}", number]

    response = exports.response(
        Table("big", "大表", [Column("名称"), Column("序号", "int")], rows()), "csv", recorded
    )
    assert isinstance(response, StreamingHttpResponse)
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="big.csv"'
    chunks = iter(response.streaming_content)
    assert read == 0  # nothing read before the client asks
    assert next(chunks).decode("utf-8") == "\ufeff名称,序号\r\n"
    assert read == 0
    assert next(chunks).decode("utf-8") == "县0,0\r\n"
    assert read == 1
    assert not AuditRecord.objects.filter(action="export.big").exists()
    rest = list(chunks)
    assert len(rest) == 49_999
    assert read == 50_000
    # Recorded when the last row has gone out.
    export = AuditRecord.objects.get(action="export.big")
    assert export.changes == {"format": "csv", "filters": {}, "rows": 50_000}
    response.close()


def test_the_views_answer_with_streamed_responses(client_for, provincial_reviewer, round_):
    client = client_for(provincial_reviewer)
    for url, params in PAGES.values():
        workbook = client.get(url, {**params, "export": "xlsx"})
        assert isinstance(workbook, FileResponse), url
        assert workbook.streaming, url
        download(workbook)
        text = client.get(url, {**params, "export": "csv"})
        assert type(text) is StreamingHttpResponse, url
        download(text)


# --- the links on the page ------------------------------------------------------------------


def test_the_overview_links_each_table_s_download_with_the_current_filters(
    client_for, provincial_reviewer, round_
):
    client = client_for(provincial_reviewer)
    query = {"period": "2026Q3", "prefecture": "510100", "county_type": "", "page": "2"}
    response = client.get("/province/", query)
    links = export_links(response)
    assert {(fmt, found["table"][0]) for fmt, found in links} == {
        (fmt, table) for fmt in ("xlsx", "csv") for table in ("units", "task_areas", "integrations")
    }
    for fmt, found in links:
        assert found.pop("export") == [fmt]
        found.pop("table")
        assert found == {"period": ["2026Q3"], "prefecture": ["510100"], "county_type": [""]}
    # Following a link downloads the table on screen.
    parser = _ExportLinks()
    parser.feed(response.text)
    href = next(h for fmt, h in parser.links if fmt == "csv" and "table=units" in h)
    lines = records(csv_of(client.get("/province/" + href)))
    assert [line["代码"] for line in lines] == [row.key for row in response.context["units"]]


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/province/measures/T1.1/", {"period": "2026Q3", "prefecture": "510100"}),
        ("/province/task-areas/T1/", {"period": "2026Q3", "county_type": ""}),
        ("/province/notes/", {"period": "2026Q3", "state": "approved", "status": "behind"}),
        ("/review/", {"county": "510105"}),
        ("/review/late/", {"prefecture": "510100", "sort": "missing", "show": "all"}),
        ("/review/reminders/", {"period": "2026Q3"}),
    ],
)
def test_each_page_links_its_download_with_its_filters_but_not_its_page(
    client_for, provincial_reviewer, reminded, url, params
):
    response = client_for(provincial_reviewer).get(url, {**params, "page": "1"})
    assert response.status_code == 200
    links = export_links(response)
    assert sorted(fmt for fmt, _query in links) == ["csv", "xlsx"]
    for fmt, found in links:
        assert found.pop("export") == [fmt]
        assert found == {name: [value] for name, value in params.items()}
    assert 'data-export="xlsx"' in response.text


def test_without_filters_the_links_ask_only_for_the_format(client_for, provincial_reviewer, round_):
    response = client_for(provincial_reviewer).get("/review/")
    parser = _ExportLinks()
    parser.feed(response.text)
    assert sorted(parser.links) == [("csv", "?export=csv"), ("xlsx", "?export=xlsx")]


def test_the_indicator_ranking_export_lists_the_counties_as_ranked_on_screen(
    client_for, provincial_reviewer, prefecture_reviewer, demo
):
    url = "/province/indicators/D01/"
    screen = client_for(provincial_reviewer).get(url)
    shown = [
        (row.county.code, str(row.rank or ""))
        for _t, rows in screen.context["groups"]
        for row in rows
    ]
    exported = csv_records(client_for(provincial_reviewer), url, {})
    assert [(r["县(市、区)代码"], r["排名"]) for r in exported] == shown
    assert len(exported) == 183
    sheet = sheet_of(client_for(prefecture_reviewer).get(url, {"export": "xlsx"}))
    codes = [row[by_header(sheet)["县(市、区)代码"] - 1] for row in sheet_rows(sheet)[1:]]
    assert len(codes) == 20
    assert all(code.startswith("5101") for code in codes)
