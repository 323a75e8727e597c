"""County reporters import indicator values from Excel: the template of a period, the upload that
is checked row by row (every error reported with sheet, row and column), the preview, and the
confirmation that applies everything in one transaction or nothing."""

import datetime
import html
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from targets.models import (
    AuditRecord,
    County,
    Indicator,
    IndicatorValue,
    Period,
    PeriodReopening,
    Role,
    State,
)
from targets.reporting import value_import, workflow
from targets.spreadsheets import xlsx_input
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

IMPORT = "/values/import/"
TEMPLATE = "/values/template.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [
    "填报周期",
    "县(市、区)代码",
    "县(市、区)",
    "指标编号",
    "指标",
    "单位",
    "数值",
    "数据来源",
    "备注",
]
SHEET = "指标值"
JINJIANG, HUILI = "510104", "513402"


# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The pending uploads are stored under MEDIA_ROOT: a directory of this test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def line(
    county=JINJIANG, indicator="D01", value=61.5, source="县统计局", remark="", period="2026Q3"
):
    """A data row as a reporter fills it in (names left blank: only the codes count)."""
    return [period, county, "", indicator, "", "", value, source, remark]


def workbook_bytes(rows, header=HEADER, title=SHEET) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_upload(data: bytes, name="v.xlsx", content_type=XLSX) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def post_file(client, data: bytes, *, submit=False, name="v.xlsx", content_type=XLSX):
    payload = {"file": as_upload(data, name, content_type)}
    if submit:
        payload["submit"] = "on"
    return client.post(IMPORT, payload)


def hidden(response, name: str) -> str | None:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', response.text)
    return html.unescape(found.group(1)) if found else None


def confirm(client, preview, *, submit=None, follow=True, **override):
    """Press 确认导入 on the preview page (its hidden fields, optionally overridden)."""
    assert preview.status_code == 200, preview.text
    data = {"confirm": "1", "token": hidden(preview, "token"), "digest": hidden(preview, "digest")}
    if submit is None:
        submit = hidden(preview, "submit") == "on"  # as the preview's form posts it
    if submit:
        data["submit"] = "on"
    data.update(override)
    return client.post(IMPORT, data, follow=follow)


def errors(response) -> list[tuple[str, int, str, str]]:
    """The rows of the page's error table: (sheet, row, column, message)."""
    table = re.search(r'<table class="[^"]*import-errors[^"]*">(.*?)</table>', response.text, re.S)
    if table is None:
        return []
    body = table.group(1).split("<tbody>", 1)[1]
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        sheet, number, column, message = (
            html.unescape(re.sub(r"<[^>]+>", "", cell).strip())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        )
        found.append((sheet, int(number), column, message))
    return found


def refusal(response) -> str | None:
    found = re.search(r'<p class="form-error"[^>]*>(.*?)</p>', response.text, re.S)
    return html.unescape(found.group(1).strip()) if found else None


def page_messages(response) -> list[str]:
    return [
        html.unescape(m) for m in re.findall(r'<li class="message[^"]*">(.*?)</li>', response.text)
    ]


def download(client, period="2026Q3") -> bytes:
    """The template of the period as bytes (the file response closed)."""
    response = client.get(TEMPLATE, {"period": period})
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # read to the end, the file is closed


def template_rows(client, period="2026Q3") -> tuple[str, list[list]]:
    book = load_workbook(io.BytesIO(download(client, period)))
    sheet = book.worksheets[0]
    return sheet.title, [list(r) for r in sheet.iter_rows(values_only=True)]


def fill_template(client, values: dict, period="2026Q3") -> bytes:
    """Download the template and fill the rows named by (county, indicator) with
    (value, source[, remark]), as a reporter does in Excel."""
    book = load_workbook(io.BytesIO(download(client, period)))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        key = (row[1].value, row[3].value)
        if key in values:
            value, source, *remark = values[key]
            row[6].value, row[7].value = value, source
            row[8].value = remark[0] if remark else None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def counties_of(*codes):
    return County.objects.filter(code__in=codes)


def existing(county=JINJIANG, indicator="D01", state=State.DRAFT, value="60", source="县统计局"):
    """A value as the form saves it (draft, or submitted/approved/returned through the workflow)."""
    reporter = Role.objects.filter(county__code=county, kind=Role.Kind.COUNTY_REPORTER).first()
    user = reporter.user if reporter else make_user(f"saver_{county}")
    record = workflow.save_value(
        user=user,
        county=County.objects.get(code=county),
        indicator=Indicator.objects.get(code=indicator),
        period=Period.objects.get(code="2026Q3"),
        value=Decimal(value),
        source=source,
        remark="",
        started_from=None,
        submit=state != State.DRAFT,
    )
    if state in (State.APPROVED, State.RETURNED):
        reviewer = make_user(f"reviewer_{county}_{indicator}", Role.Kind.PROVINCIAL_REVIEWER)
        workflow.review(
            user=reviewer,
            items=[record],
            approve=state == State.APPROVED,
            comment="请核实",
        )
    record.refresh_from_db()
    assert record.state == state
    return record


def snapshot():
    return {
        (v.county.code, v.indicator.code, v.period.code): (v.value, v.source, v.version, v.state)
        for v in IndicatorValue.objects.select_related("county", "indicator", "period")
    }


@pytest.fixture
def county_indicators(demo):
    return list(
        Indicator.objects.filter(level=Indicator.Level.COUNTY)
        .order_by("code")
        .values_list("code", flat=True)
    )


@pytest.fixture
def reporter_client(client_for, reporter, period, demo):
    return client_for(reporter)


# --- the template ----------------------------------------------------------------------------


def test_the_template_has_the_reporters_county_times_the_county_level_indicators(
    reporter_client, county_indicators
):
    assert county_indicators == ["D01", "D03", "D04"]
    title, rows = template_rows(reporter_client)
    assert title == SHEET
    # The round's code is what is read back; its name, after the columns read, is for people.
    assert rows[0] == [*HEADER, "填报周期名称"]
    assert sorted((r[0], r[1], r[2], r[3], r[9]) for r in rows[1:]) == [
        ("2026Q3", JINJIANG, "锦江区", code, "2026年第三季度") for code in county_indicators
    ]
    names = {r[3]: (r[4], r[5]) for r in rows[1:]}
    assert names["D01"] == ("常住人口城镇化率", "%")
    assert all(r[6] is None and not r[7] for r in rows[1:])


def test_the_template_is_an_xlsx_attachment(reporter_client):
    response = reporter_client.get(TEMPLATE, {"period": "2026Q3"})
    assert load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert "values-2026Q3.xlsx" in response["Content-Disposition"]


def test_the_template_shows_the_current_values(reporter_client):
    existing(indicator="D03", value="91.25", source="县卫健局")
    _title, rows = template_rows(reporter_client)
    by_code = {r[3]: r for r in rows[1:]}
    assert Decimal(str(by_code["D03"][6])) == Decimal("91.25")
    assert by_code["D03"][7] == "县卫健局"
    assert by_code["D01"][6] is None


def test_the_template_of_a_reporter_of_several_counties_lists_them_all(client_for, period, demo):
    user = make_user(
        "two_counties", Role.Kind.COUNTY_REPORTER, county=County.objects.get(code=JINJIANG)
    )
    Role.objects.create(
        user=user, kind=Role.Kind.COUNTY_REPORTER, county=County.objects.get(code=HUILI)
    )
    _title, rows = template_rows(client_for(user))
    assert sorted({r[1] for r in rows[1:]}) == [JINJIANG, HUILI]
    assert len(rows) == 1 + 2 * 3


@pytest.mark.parametrize("query", [{}, {"period": ""}, {"period": "2099Q9"}, {"period": "x"}])
def test_the_template_without_a_valid_period_is_not_found(reporter_client, query):
    assert reporter_client.get(TEMPLATE, query).status_code == 404


def test_the_template_refuses_other_methods(reporter_client):
    assert reporter_client.post(TEMPLATE + "?period=2026Q3").status_code == 405
    assert reporter_client.put(TEMPLATE + "?period=2026Q3").status_code == 405


def test_the_import_page_offers_the_periods_and_the_upload_form(reporter_client):
    response = reporter_client.get(IMPORT)
    assert response.status_code == 200
    assert 'name="file"' in response.text
    assert 'value="2026Q3"' in response.text
    assert reporter_client.put(IMPORT).status_code == 405


# --- the round trip --------------------------------------------------------------------------


def test_a_filled_in_template_is_previewed_then_saved_as_drafts_and_reimports_unchanged(
    reporter_client, reporter, media
):
    data = fill_template(
        reporter_client,
        {
            (JINJIANG, "D01"): (61.5, "县统计局", "年中数"),
            (JINJIANG, "D03"): (90, "县卫健局"),
            (JINJIANG, "D04"): ("88.125", "县教育局"),
        },
    )
    preview = post_file(reporter_client, data)
    assert preview.status_code == 200
    assert "文件检查无误:新增 3 条,修改 0 条,未变 0 条。" in preview.text
    assert "导入后保存为草稿。" in preview.text
    assert "县教育局" in preview.text
    assert "88.125" in preview.text
    assert hidden(preview, "token")
    assert hidden(preview, "digest")
    assert not IndicatorValue.objects.exists()  # the preview saves nothing

    done = confirm(reporter_client, preview)
    assert done.redirect_chain == [("/values/import/", 302)]
    assert "已导入:新增 3 条,修改 0 条,未变 0 条。" in page_messages(done)
    values = {v.indicator.code: v for v in IndicatorValue.objects.select_related("indicator")}
    assert set(values) == {"D01", "D03", "D04"}
    assert values["D01"].value == Decimal("61.5")
    assert values["D01"].remark == "年中数"
    assert values["D04"].value == Decimal("88.125")
    assert values["D04"].source == "县教育局"
    for record in values.values():
        assert record.state == State.DRAFT
        assert record.version == 1
        assert record.county.code == JINJIANG
        assert record.period.code == "2026Q3"
        assert record.updated_by == reporter
        assert record.submitted_at is None
        target_2027, target_2035 = record.indicator.targets_in_force
        assert record.target_2027 == target_2027
        assert record.target_2027 is not None
        assert record.target_2035 == target_2035
        assert record.target_2035 is not None
    assert not list((media / "imports").iterdir())  # the pending file is gone

    # The template now shows these values; uploaded as it is, it changes nothing.
    before = snapshot()
    stamps = dict(IndicatorValue.objects.values_list("pk", "updated_at"))
    again = post_file(reporter_client, download(reporter_client))
    assert "文件检查无误:新增 0 条,修改 0 条,未变 3 条。" in again.text
    done = confirm(reporter_client, again)
    assert "已导入:新增 0 条,修改 0 条,未变 3 条。" in page_messages(done)
    assert snapshot() == before
    assert dict(IndicatorValue.objects.values_list("pk", "updated_at")) == stamps


def test_with_submit_the_imported_values_are_submitted_for_review(reporter_client):
    preview = post_file(
        reporter_client, workbook_bytes([line(), line(indicator="D03", value=80)]), submit=True
    )
    assert "导入后直接提交审核。" in preview.text
    assert hidden(preview, "submit") == "on"
    done = confirm(reporter_client, preview)
    assert "已导入:新增 2 条,修改 0 条,未变 0 条。" in page_messages(done)
    for record in IndicatorValue.objects.all():
        assert record.state == State.SUBMITTED
        assert record.submitted_at is not None


def test_without_submit_on_the_confirmation_the_values_stay_drafts(reporter_client):
    preview = post_file(reporter_client, workbook_bytes([line()]), submit=True)
    confirm(reporter_client, preview, submit=False)
    assert IndicatorValue.objects.get().state == State.DRAFT


def test_a_second_file_with_a_changed_value_updates_the_existing_draft(reporter_client):
    rows = [line(value=61.5), line(indicator="D03", value=80, source="县卫健局")]
    confirm(reporter_client, post_file(reporter_client, workbook_bytes(rows)))
    first = {v.indicator.code: v for v in IndicatorValue.objects.select_related("indicator")}

    rows[0] = line(value=62.75, source="县统计局(修订)")
    preview = post_file(reporter_client, workbook_bytes(rows))
    assert "文件检查无误:新增 0 条,修改 1 条,未变 1 条。" in preview.text
    assert "61.5" in preview.text
    assert "62.75" in preview.text
    done = confirm(reporter_client, preview)
    assert "已导入:新增 0 条,修改 1 条,未变 1 条。" in page_messages(done)

    assert IndicatorValue.objects.count() == 2
    d01 = IndicatorValue.objects.get(indicator__code="D01")
    assert d01.pk == first["D01"].pk
    assert d01.value == Decimal("62.75")
    assert d01.source == "县统计局(修订)"
    assert d01.version == 2
    assert d01.state == State.DRAFT
    d03 = IndicatorValue.objects.get(indicator__code="D03")
    assert d03.version == 1
    assert d03.value == 80


def test_a_file_can_update_a_value_saved_with_the_form(reporter_client):
    record = existing(value="60")
    preview = post_file(reporter_client, workbook_bytes([line(value=65)]))
    assert "修改 1 条" in preview.text
    confirm(reporter_client, preview)
    record.refresh_from_db()
    assert record.value == 65
    assert record.version == 2
    assert IndicatorValue.objects.count() == 1


def test_a_returned_value_can_be_changed_by_a_file(reporter_client):
    record = existing(state=State.RETURNED)
    preview = post_file(reporter_client, workbook_bytes([line(value=70)]), submit=True)
    assert preview.status_code == 200
    confirm(reporter_client, preview)
    record.refresh_from_db()
    assert record.value == 70
    assert record.state == State.SUBMITTED


def test_codes_typed_as_numbers_and_padded_text_are_read(reporter_client):
    rows = [["2026Q3", int(JINJIANG), "", " D01 ", "", "", "1,234.5", "  县统计局 ", None]]
    # D01 is a percentage: 1,234.5 is out of range, but it was read as a number, not as text.
    response = post_file(reporter_client, workbook_bytes(rows))
    assert [(r, c) for _s, r, c, _m in errors(response)] == [(2, "G(数值)")]
    assert "超出合理范围" in errors(response)[0][3]
    ok = post_file(
        reporter_client,
        workbook_bytes([["2026Q3", 510104.0, "", "D01", "", "", "61", " 县统计局 "]]),
    )
    assert ok.status_code == 200
    confirm(reporter_client, ok)
    assert IndicatorValue.objects.get().source == "县统计局"


def test_blank_template_rows_are_skipped(reporter_client):
    data = fill_template(reporter_client, {(JINJIANG, "D03"): (75, "县卫健局")})
    preview = post_file(reporter_client, data)
    assert "新增 1 条,修改 0 条,未变 0 条" in preview.text
    confirm(reporter_client, preview)
    assert list(IndicatorValue.objects.values_list("indicator__code", flat=True)) == ["D03"]


# --- every error, with sheet, row and column --------------------------------------------------


ERROR_CASES = {
    "unknown county": (
        line(county="519999"),
        "B(县(市、区)代码)",
        "没有代码为“519999”的县(市、区)。",
    ),
    "county outside the scope": (
        line(county=HUILI),
        "B(县(市、区)代码)",
        "会理市 不在您的填报范围内。",
    ),
    "unknown indicator": (line(indicator="D99"), "D(指标编号)", "没有编号为“D99”的分县指标。"),
    "province-level indicator": (
        line(indicator="D02"),
        "D(指标编号)",
        "没有编号为“D02”的分县指标。",
    ),
    "unknown period": (line(period="2099Q1"), "A(填报周期)", "没有“2099Q1”这个填报周期。"),
    "text for a number": (line(value="约六成"), "G(数值)", "“约六成”不是数字。"),
    "percent sign": (line(value="61%"), "G(数值)", "“61%”不是数字。"),
    "a checkbox for a number": (line(value=True), "G(数值)", "不是数字"),
    "above the range": (line(value=100.5), "G(数值)", "超出合理范围"),
    "below the range": (line(value=-1), "G(数值)", "超出合理范围"),
    "too many decimals": (
        line(value="61.12345"),
        "G(数值)",
        "数值最多保留4位小数,整数部分不超过12位。",
    ),
    "missing value": (line(value=None), "G(数值)", "请填写数值。"),
    "missing source": (line(source=None), "H(数据来源)", "请填写数据来源。"),
    "blank source": (line(source="   "), "H(数据来源)", "请填写数据来源。"),
    "source too long": (line(source="来" * 201), "H(数据来源)", "数据来源最长200字。"),
    "remark too long": (line(remark="注" * 1001), "I(备注)", "备注最长1000字。"),
}


@pytest.mark.parametrize("case", ERROR_CASES)
def test_each_error_is_reported_with_sheet_row_and_column_and_nothing_is_saved(
    reporter_client, case
):
    bad, column, message = ERROR_CASES[case]
    data = workbook_bytes([line(indicator="D03", value=80), bad, line(indicator="D04", value=90)])
    response = post_file(reporter_client, data)
    assert response.status_code == 400
    found = errors(response)
    assert [(s, r, c) for s, r, c, _m in found] == [(SHEET, 3, column)]
    assert message in found[0][3]
    assert "发现1处错误,文件没有导入" in response.text
    assert hidden(response, "token") is None
    assert not IndicatorValue.objects.exists()


def test_the_sheet_named_in_an_error_is_the_files_own(reporter_client):
    response = post_file(reporter_client, workbook_bytes([line(value="x")], title="锦江区数据"))
    assert errors(response) == [("锦江区数据", 2, "G(数值)", "“x”不是数字。")]


def test_a_row_with_several_problems_reports_each_of_them(reporter_client):
    response = post_file(
        reporter_client,
        workbook_bytes([line(county="519999", indicator="D99", value="abc", source="")]),
    )
    assert [c for _s, _r, c, _m in errors(response)] == [
        "B(县(市、区)代码)",
        "D(指标编号)",
        "G(数值)",
        "H(数据来源)",
    ]


def test_the_range_in_the_message_is_the_indicators(reporter_client):
    response = post_file(reporter_client, workbook_bytes([line(value=101)]))
    assert "101 超出合理范围" in errors(response)[0][3]
    assert "%" in errors(response)[0][3]


def test_the_range_in_the_message_is_written_as_plain_numbers(reporter_client):
    response = post_file(reporter_client, workbook_bytes([line(value=101)]))
    assert "(0 至 100 %)" in errors(response)[0][3]


def test_a_value_with_four_decimals_is_accepted(reporter_client):
    preview = post_file(reporter_client, workbook_bytes([line(value="61.1234")]))
    assert preview.status_code == 200
    confirm(reporter_client, preview)
    assert IndicatorValue.objects.get().value == Decimal("61.1234")


@pytest.mark.parametrize("text", ["NaN", "sNaN"])
def test_not_a_number_spelled_nan_is_a_row_error(reporter_client, text):
    response = post_file(reporter_client, workbook_bytes([line(value=text)]))
    assert response.status_code == 400
    assert errors(response) == [(SHEET, 2, "G(数值)", f"“{text}”不是数字。")]


def test_infinity_is_a_row_error_even_without_a_maximum(reporter_client):
    Indicator.objects.filter(code="D01").update(maximum=None)
    response = post_file(reporter_client, workbook_bytes([line(value="Infinity")]))
    assert response.status_code == 400
    assert [(r, c) for _s, r, c, _m in errors(response)] == [(2, "G(数值)")]


def test_a_duplicate_row_names_the_first_row(reporter_client):
    rows = [line(), line(indicator="D03", value=80), line(value=62, source="另一来源")]
    response = post_file(reporter_client, workbook_bytes(rows))
    assert response.status_code == 400
    assert errors(response) == [(SHEET, 4, "D(指标编号)", "与第2行重复(同一县、指标和周期)。")]
    assert not IndicatorValue.objects.exists()


def test_the_same_indicator_in_two_periods_is_no_duplicate(reporter_client):
    preview = post_file(reporter_client, workbook_bytes([line(), line(period="2026Q2")]))
    assert preview.status_code == 200
    assert "新增 2 条" in preview.text


def test_a_locked_period_is_an_error(reporter_client, period):
    period.locked = True
    period.save()
    response = post_file(reporter_client, workbook_bytes([line(), line(period="2026Q2")]))
    assert response.status_code == 400
    assert errors(response) == [(SHEET, 2, "A(填报周期)", "2026年第三季度 已锁定,不能再修改。")]
    assert not IndicatorValue.objects.exists()


def reopen(period, county_code, until):
    return PeriodReopening.objects.create(
        period=period,
        county=County.objects.get(code=county_code),
        until=until,
        reason="补报",
        opened_by=make_user(f"opener_{county_code}_{until}"),
    )


def test_a_locked_period_reopened_for_the_county_can_be_imported(reporter_client, period):
    period.locked = True
    period.save()
    reopen(period, JINJIANG, timezone.localdate())  # in force through its last day
    preview = post_file(reporter_client, workbook_bytes([line()]))
    assert preview.status_code == 200
    done = confirm(reporter_client, preview)
    assert "已导入:新增 1 条,修改 0 条,未变 0 条。" in page_messages(done)
    assert IndicatorValue.objects.get().value == Decimal("61.5")


@pytest.mark.parametrize("where", ["another county", "expired", "another period"])
def test_a_reopening_elsewhere_or_expired_does_not_open_the_period(reporter_client, period, where):
    period.locked = True
    period.save()
    today = timezone.localdate()
    if where == "another county":
        reopen(period, HUILI, today)
    elif where == "expired":
        reopen(period, JINJIANG, today - datetime.timedelta(days=1))
    else:
        other = Period.objects.get(code="2026Q2")
        other.locked = True
        other.save()
        reopen(other, JINJIANG, today)
    response = post_file(reporter_client, workbook_bytes([line()]))
    assert [(r, c) for _s, r, c, _m in errors(response)] == [(2, "A(填报周期)")]


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED])
def test_a_submitted_or_approved_value_cannot_be_changed_by_a_file(reporter_client, state):
    record = existing(state=state, value="60")
    response = post_file(
        reporter_client, workbook_bytes([line(indicator="D03", value=80), line(value=65)])
    )
    assert response.status_code == 400
    found = errors(response)
    assert [(s, r, c) for s, r, c, _m in found] == [(SHEET, 3, "G(数值)")]
    assert "不能再修改" in found[0][3]
    assert "退回" in found[0][3]
    record.refresh_from_db()
    assert record.value == 60
    assert record.state == state
    assert IndicatorValue.objects.count() == 1


def test_the_message_for_a_submitted_value_reads_correctly(reporter_client):
    existing(state=State.SUBMITTED)
    response = post_file(reporter_client, workbook_bytes([line(value=65)]))
    message = errors(response)[0][3]
    assert "已已" not in message
    assert "已提交" in message


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED])
def test_a_submitted_value_the_file_leaves_as_it_is_is_unchanged_not_an_error(
    reporter_client, state
):
    record = existing(state=state, value="60", source="县统计局")
    preview = post_file(
        reporter_client, workbook_bytes([line(value=60), line(indicator="D03", value=80)])
    )
    assert "新增 1 条,修改 0 条,未变 1 条" in preview.text
    confirm(reporter_client, preview)
    version = record.version
    record.refresh_from_db()
    assert record.version == version
    assert record.state == state


# --- whole-file refusals ---------------------------------------------------------------------


def a_pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def a_zip_without_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "不是工作簿")
    return out.getvalue()


def truncated_xlsx() -> bytes:
    data = workbook_bytes([line()])
    return data[: len(data) // 2]


NOT_EXCEL = "这不是Excel文件(.xlsx)。请使用下载的模板填写后上传。"
DAMAGED = "无法读取这个Excel文件,文件可能已损坏。"
EMPTY = "文件中没有填写任何数值。"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("v.txt", "填报周期,县(市、区)代码\n2026Q3,510104\n".encode, NOT_EXCEL),
        ("v.xlsx", lambda: b"2026Q3,510104,D01,61.5\n", NOT_EXCEL),
        ("v.xlsx", a_pdf, NOT_EXCEL),
        ("v.xlsx", truncated_xlsx, NOT_EXCEL),
        ("v.xlsx", a_zip_without_a_workbook, DAMAGED),
        ("v.xlsx", lambda: workbook_bytes([]), EMPTY),
        (
            "v.xlsx",
            lambda: workbook_bytes([[None] * 9, ["2026Q3", JINJIANG, "锦江区", "D01"]]),
            EMPTY,
        ),
        (
            "v.xlsx",
            lambda: workbook_bytes([line()], header=HEADER[:7] + HEADER[8:]),
            "缺少:数据来源。",
        ),
        (
            "v.xlsx",
            lambda: workbook_bytes([line()], header=list(reversed(HEADER))),
            "列与模板不一致",
        ),
        ("v.xlsx", lambda: workbook_bytes([line()], header=None), "列与模板不一致"),
        ("v.xlsx", lambda: workbook_bytes([], header=None), "列与模板不一致"),
    ],
    ids=[
        "txt",
        "csv renamed xlsx",
        "pdf renamed xlsx",
        "truncated zip",
        "zip that is no workbook",
        "only the header",
        "nothing filled in",
        "a column missing",
        "columns in another order",
        "no header",
        "empty sheet",
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_as_a_whole(
    reporter_client, name, content, message
):
    response = post_file(
        reporter_client, content(), name=name, content_type="application/octet-stream"
    )
    assert response.status_code == 400
    assert message in refusal(response)
    assert errors(response) == []
    assert hidden(response, "token") is None
    assert not IndicatorValue.objects.exists()


def test_the_wrong_columns_refusal_names_the_expected_columns(reporter_client):
    response = post_file(reporter_client, workbook_bytes([line()], header=["period", "county"]))
    message = refusal(response)
    assert "、".join(HEADER) in message
    assert "请下载模板后填写" in message


def test_the_unfilled_template_is_refused_as_empty(reporter_client):
    refused = post_file(reporter_client, download(reporter_client))
    assert refused.status_code == 400
    assert refusal(refused) == EMPTY


def test_a_file_over_the_size_limit_is_refused(reporter_client, monkeypatch):
    data = workbook_bytes([line()])
    monkeypatch.setattr(xlsx_input, "MAX_BYTES", len(data) - 1)
    response = post_file(reporter_client, data)
    assert response.status_code == 400
    assert "文件太大" in refusal(response)
    monkeypatch.setattr(xlsx_input, "MAX_BYTES", len(data))
    assert post_file(reporter_client, data).status_code == 200


def test_a_file_over_five_megabytes_is_refused_before_it_is_read(reporter_client):
    data = b"PK" + b"\0" * (5 * 1024 * 1024)
    response = post_file(reporter_client, data)
    assert response.status_code == 400
    assert refusal(response) == "文件太大(5.0 MB),上限为 5 MB。"


def test_a_file_with_too_many_rows_is_refused(reporter_client, monkeypatch):
    monkeypatch.setattr(value_import, "MAX_ROWS", 2)
    data = workbook_bytes([line(), line(indicator="D03"), line(indicator="D04")])
    response = post_file(reporter_client, data)
    assert response.status_code == 400
    assert refusal(response) == "数据行太多,一个文件最多 2 行。"
    monkeypatch.setattr(value_import, "MAX_ROWS", 3)
    assert post_file(reporter_client, data).status_code == 200


def test_an_upload_without_a_file_or_with_an_empty_one_is_a_form_error(reporter_client):
    response = reporter_client.post(IMPORT, {"submit": "on"})
    assert response.status_code == 400
    assert 'class="field-error"' in response.text
    response = post_file(reporter_client, b"")
    assert response.status_code == 400
    assert 'class="field-error"' in response.text
    assert hidden(response, "token") is None
    assert not IndicatorValue.objects.exists()


def damaged_sheet_xlsx() -> bytes:
    """A well-formed zip whose worksheet XML is cut off half-way."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([line(), line(indicator="D03")])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            archive.writestr(name, data)
    return out.getvalue()


def test_a_workbook_with_a_damaged_sheet_is_refused(reporter_client):
    response = post_file(reporter_client, damaged_sheet_xlsx())
    assert response.status_code == 400
    assert refusal(response) == DAMAGED
    assert not IndicatorValue.objects.exists()


# --- atomicity -------------------------------------------------------------------------------


def test_a_file_whose_last_row_has_an_error_saves_nothing(reporter_client):
    existing(indicator="D04", value="50")
    before = snapshot()
    rows = [line(), line(indicator="D03", value=80), line(indicator="D04", value=101)]
    response = post_file(reporter_client, workbook_bytes(rows))
    assert response.status_code == 400
    assert [(r, c) for _s, r, c, _m in errors(response)] == [(4, "G(数值)")]
    assert snapshot() == before
    assert IndicatorValue.objects.count() == 1
    assert not AuditRecord.objects.filter(action="value.import").exists()


def preview_changing_d01(client):
    """A preview of a file that changes 锦江's D01 (60 → 65) and adds D03."""
    existing(value="60")
    preview = post_file(client, workbook_bytes([line(value=65), line(indicator="D03", value=80)]))
    assert "新增 1 条,修改 1 条,未变 0 条" in preview.text
    return preview


def test_a_confirmation_after_the_value_was_saved_again_is_refused(reporter_client, reporter):
    preview = preview_changing_d01(reporter_client)
    record = IndicatorValue.objects.get()
    workflow.save_value(
        user=reporter,
        county=record.county,
        indicator=record.indicator,
        period=record.period,
        value=Decimal("63"),
        source="县统计局",
        remark="",
        started_from=record.version,
        submit=False,
    )
    before = snapshot()
    done = confirm(reporter_client, preview)
    assert done.redirect_chain == [("/values/import/", 302)]
    assert "预览之后这些指标值已被修改,请重新上传文件核对。" in page_messages(done)
    assert snapshot() == before
    assert IndicatorValue.objects.get().value == 63
    assert not AuditRecord.objects.filter(action="value.import").exists()


def test_a_confirmation_after_only_the_version_moved_is_refused(reporter_client):
    preview = preview_changing_d01(reporter_client)
    IndicatorValue.objects.update(version=5)
    done = confirm(reporter_client, preview)
    assert "预览之后这些指标值已被修改,请重新上传文件核对。" in page_messages(done)
    assert IndicatorValue.objects.get().value == 60
    assert IndicatorValue.objects.count() == 1


def test_a_confirmation_after_the_value_was_submitted_is_refused(reporter_client, reporter):
    preview = preview_changing_d01(reporter_client)
    record = IndicatorValue.objects.get()
    workflow.save_value(
        user=reporter,
        county=record.county,
        indicator=record.indicator,
        period=record.period,
        value=record.value,
        source=record.source,
        remark="",
        started_from=record.version,
        submit=True,
    )
    before = snapshot()
    done = confirm(reporter_client, preview)
    assert "预览之后数据已有变化,请重新上传文件核对。" in page_messages(done)
    assert snapshot() == before


def test_a_confirmation_after_a_new_row_was_entered_elsewhere_is_refused(reporter_client):
    preview = preview_changing_d01(reporter_client)
    existing(indicator="D03", value="70")
    before = snapshot()
    done = confirm(reporter_client, preview)
    assert any("请重新上传文件核对" in m for m in page_messages(done))
    assert snapshot() == before


def test_a_confirmation_after_the_period_was_locked_is_refused(reporter_client, period):
    preview = preview_changing_d01(reporter_client)
    period.locked = True
    period.save()
    before = snapshot()
    done = confirm(reporter_client, preview)
    assert "预览之后数据已有变化,请重新上传文件核对。" in page_messages(done)
    assert snapshot() == before


def test_a_confirmation_with_another_digest_is_refused(reporter_client):
    preview = preview_changing_d01(reporter_client)
    before = snapshot()
    done = confirm(reporter_client, preview, digest="0" * 64)
    assert "预览之后这些指标值已被修改,请重新上传文件核对。" in page_messages(done)
    assert snapshot() == before


def test_the_service_refuses_a_moved_version_and_rolls_back(reporter, demo, period):
    existing(value="60")
    upload = as_upload(workbook_bytes([line(indicator="D03", value=80), line(value=65)]))
    checked = value_import.check(upload, counties_of(JINJIANG))
    assert checked.errors == []
    assert [c.kind for c in checked.changes] == ["new", "changed"]
    digest = checked.digest
    IndicatorValue.objects.update(version=2)
    with pytest.raises(value_import.ImportChanged):
        value_import.apply(checked, digest, user=reporter, submit=False)
    assert IndicatorValue.objects.count() == 1
    assert IndicatorValue.objects.get().value == 60


def test_the_service_never_applies_a_file_with_errors(reporter, demo, period):
    checked = value_import.check(
        as_upload(workbook_bytes([line(), line(value="x", indicator="D03")])), counties_of(JINJIANG)
    )
    assert checked.errors == [value_import.RowError(SHEET, 3, "G(数值)", "“x”不是数字。")]
    with pytest.raises(ValueError, match="never applied"):
        value_import.apply(checked, checked.digest, user=reporter, submit=False)
    assert not IndicatorValue.objects.exists()


def test_the_service_refuses_a_file_that_is_not_excel(demo, period):
    with pytest.raises(value_import.ImportRefused, match="不是Excel"):
        value_import.check(as_upload(b"hello", "v.txt", "text/plain"), counties_of(JINJIANG))


# --- many errors, all of them ----------------------------------------------------------------


@pytest.fixture
def many_counties_reporter(period, demo):
    user = make_user("many_counties")
    Role.objects.bulk_create(
        Role(user=user, kind=Role.Kind.COUNTY_REPORTER, county=county)
        for county in County.objects.all()
    )
    return user


def many_rows():
    """Every county × county-level indicator in two periods; 300 of them (rows whose number is a
    multiple of three) out of range."""
    codes = list(County.objects.order_by("code").values_list("code", flat=True))
    rows, bad = [], []
    for period in ("2026Q2", "2026Q3"):
        for code in codes:
            for indicator in ("D01", "D03", "D04"):
                number = len(rows) + 2
                if len(bad) < 300 and number % 3 == 0:
                    rows.append(line(county=code, indicator=indicator, value=150, period=period))
                    bad.append(number)
                else:
                    rows.append(line(county=code, indicator=indicator, value=50, period=period))
    return rows, bad


def test_every_error_of_a_large_file_is_reported(client_for, many_counties_reporter):
    assert County.objects.count() == 183
    rows, bad = many_rows()
    assert len(bad) == 300
    assert len(rows) - len(bad) > 300
    response = post_file(client_for(many_counties_reporter), workbook_bytes(rows))
    assert response.status_code == 400
    found = errors(response)
    assert len(found) == 300
    assert [r for _s, r, _c, _m in found] == bad
    assert {c for _s, _r, c, _m in found} == {"G(数值)"}
    assert "发现300处错误,文件没有导入" in response.text
    assert not IndicatorValue.objects.exists()


def test_a_large_file_without_errors_is_imported_in_one_go(client_for, many_counties_reporter):
    rows = [[*r[:6], 50, *r[7:]] for r in many_rows()[0]]
    client = client_for(many_counties_reporter)
    preview = post_file(client, workbook_bytes(rows), submit=True)
    assert f"新增 {len(rows):,} 条" in preview.text  # grouped in thousands
    assert "只列出前200条。" in preview.text
    done = confirm(client, preview)
    assert f"已导入:新增 {len(rows)} 条,修改 0 条,未变 0 条。" in page_messages(done)
    assert IndicatorValue.objects.filter(state=State.SUBMITTED).count() == len(rows) == 183 * 3 * 2


# --- scope and permissions -------------------------------------------------------------------


def test_a_reporter_cannot_import_into_another_county(
    client_for, reporter, other_reporter, period, demo
):
    _title, rows = template_rows(client_for(other_reporter))
    assert {r[1] for r in rows[1:]} == {HUILI}
    filled = [[*r[:6], 50, "县统计局", None] for r in rows[1:]]
    response = post_file(client_for(reporter), workbook_bytes(filled))
    assert response.status_code == 400
    assert [(r, c, m) for _s, r, c, m in errors(response)] == [
        (n, "B(县(市、区)代码)", "会理市 不在您的填报范围内。") for n in (2, 3, 4)
    ]
    assert not IndicatorValue.objects.exists()


def test_the_service_checks_against_the_counties_given(demo, period):
    checked = value_import.check(as_upload(workbook_bytes([line()])), counties_of(HUILI))
    assert [(e.row, e.column) for e in checked.errors] == [(2, "B(县(市、区)代码)")]
    assert checked.changes == []


def test_anonymous_users_are_sent_to_sign_in(client, period, demo):
    for response in (
        client.get(TEMPLATE, {"period": "2026Q3"}),
        client.get(IMPORT),
        client.post(IMPORT, {"file": as_upload(workbook_bytes([line()]))}),
        client.post(IMPORT, {"confirm": "1", "token": "x", "digest": "y"}),
    ):
        assert response.status_code == 302
        assert "/login" in response["Location"]
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    "persona",
    ["prefecture_reviewer", "provincial_reviewer", "admin_user", "department_user", "no_role_user"],
)
def test_reviewers_and_admins_are_forbidden(request, client_for, period, demo, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(TEMPLATE, {"period": "2026Q3"}).status_code == 403
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"file": as_upload(workbook_bytes([line()]))}).status_code == 403
    assert not IndicatorValue.objects.exists()


def test_the_confirmation_token_of_another_session_is_not_found(
    client_for, reporter, other_reporter, period, demo
):
    owner = client_for(reporter)
    preview = post_file(owner, workbook_bytes([line()]))
    data = {"confirm": "1", "token": hidden(preview, "token"), "digest": hidden(preview, "digest")}

    same_user_elsewhere = Client()
    same_user_elsewhere.force_login(reporter)
    assert same_user_elsewhere.post(IMPORT, data).status_code == 404
    someone_else = Client()
    someone_else.force_login(other_reporter)
    assert someone_else.post(IMPORT, data).status_code == 404
    assert not IndicatorValue.objects.exists()

    # The session that previewed it can still confirm it, once.
    done = confirm(owner, preview)
    assert "已导入:新增 1 条,修改 0 条,未变 0 条。" in page_messages(done)
    assert owner.post(IMPORT, data).status_code == 404
    assert IndicatorValue.objects.count() == 1


def test_a_confirmation_without_a_token_is_not_found(reporter_client):
    post_file(reporter_client, workbook_bytes([line()]))
    assert reporter_client.post(IMPORT, {"confirm": "1", "digest": "x"}).status_code == 404
    assert reporter_client.post(IMPORT, {"confirm": "1", "token": "x" * 32}).status_code == 404
    assert not IndicatorValue.objects.exists()


def test_a_new_upload_replaces_the_pending_one(reporter_client, media):
    first = post_file(reporter_client, workbook_bytes([line()]))
    second = post_file(reporter_client, workbook_bytes([line(indicator="D03", value=80)]))
    assert len(list((media / "imports").iterdir())) == 1
    confirm(reporter_client, second)
    assert list(IndicatorValue.objects.values_list("indicator__code", flat=True)) == ["D03"]
    stale = {"confirm": "1", "token": hidden(first, "token"), "digest": hidden(first, "digest")}
    assert reporter_client.post(IMPORT, stale).status_code == 404
    assert IndicatorValue.objects.count() == 1


def test_a_wrong_token_leaves_the_pending_import_to_be_confirmed(reporter_client):
    preview = post_file(reporter_client, workbook_bytes([line()]))
    wrong = {"confirm": "1", "token": "0" * 32, "digest": hidden(preview, "digest")}
    assert reporter_client.post(IMPORT, wrong).status_code == 404
    done = confirm(reporter_client, preview)
    assert "已导入:新增 1 条,修改 0 条,未变 0 条。" in page_messages(done)


# --- audit -----------------------------------------------------------------------------------


def test_applying_a_file_writes_one_audit_record(reporter_client, reporter):
    existing(value="60")
    preview = post_file(
        reporter_client,
        workbook_bytes([line(value=65), line(indicator="D03", value=80)]),
        submit=True,
    )
    assert not AuditRecord.objects.filter(action="value.import").exists()
    confirm(reporter_client, preview)
    record = AuditRecord.objects.get(action="value.import")
    assert record.actor == reporter
    assert record.outcome == AuditRecord.Outcome.SUCCESS
    assert record.changes["counts"] == [None, {"new": 1, "changed": 1, "unchanged": 0}]
    assert record.changes["submitted"] == [None, True]
    rows = {row[0]: row[1:] for row in record.changes["rows"][1]}
    assert rows[f"{JINJIANG} D01 2026Q3"] == [["60.0000", "县统计局"], ["65", "县统计局"]]
    assert rows[f"{JINJIANG} D03 2026Q3"] == [None, ["80", "县统计局"]]


def test_a_huge_number_is_a_row_error_not_a_crash(client_for, reporter, demo):
    """Even for an indicator without a maximum, and for one that does not exist."""
    Indicator.objects.filter(code="D01").update(maximum=None)
    rows = [
        ["2026Q3", "510104", "锦江区", "D01", "x", "%", "1e30", "统计局", ""],
        ["2026Q3", "510104", "锦江区", "NOPE", "x", "%", "1e30", "统计局", ""],
    ]
    response = post_file(client_for(reporter), workbook_bytes(rows))
    assert response.status_code == 400
    found = {(sheet, row, column) for sheet, row, column, _m in errors(response)}
    assert (SHEET, 2, "G(数值)") in found
    assert (SHEET, 3, "D(指标编号)") in found


def test_importing_unchanged_drafts_with_submit_submits_them(client_for, reporter, demo):
    client = client_for(reporter)
    filled = fill_template(client, {("510104", "D01"): (61.5, "县统计局")})
    confirm(client, post_file(client, filled))
    assert list(IndicatorValue.objects.values_list("state", flat=True)) == [State.DRAFT]
    confirm(client, post_file(client, filled, submit=True))
    assert list(IndicatorValue.objects.values_list("state", flat=True)) == [State.SUBMITTED]
