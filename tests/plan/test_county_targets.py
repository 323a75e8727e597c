"""Each county's own targets (目标分解): a workbook of every county and county-level indicator,
exported and imported back by the system admin, kept in versions; the indicator's ranking judges a
county against its own target where it has one and says so."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from targets.dashboards import indicator_page
from targets.models import AuditRecord, County, CountyTarget, Indicator
from targets.plan import county_targets

pytestmark = pytest.mark.django_db
EXPORT, IMPORT = "/plan/county-targets.xlsx", "/plan/county-targets/"
HEADER = ["县代码", "县(市、区)", "指标编号", "指标名称", "单位", "目标年份", "目标值", "调整理由"]


@pytest.fixture
def admin(client_for, admin_user, demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return client_for(admin_user)


@pytest.fixture
def indicator(demo) -> Indicator:
    return Indicator.objects.filter(level=Indicator.Level.COUNTY).order_by("order", "code").first()


def exported(client) -> bytes:
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="county-targets-')
    return b"".join(response.streaming_content)


def workbook(rows, header=HEADER) -> bytes:
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes):
    return client.post(IMPORT, {"file": SimpleUploadedFile("targets.xlsx", data)})


def confirm(client, response):
    token, digest = response.context["token"], response.context["checked"].digest
    return client.post(IMPORT, {"confirm": "1", "token": token, "digest": digest}, follow=True)


def row(indicator, county="510104", year=2027, value=70, reason=""):
    return [county, "", indicator.code, "", "", year, value, reason]


def test_the_export_lists_every_county_and_county_level_indicator_for_2027(admin, indicator):
    book = load_workbook(io.BytesIO(exported(admin)))
    sheet = book.active
    assert [c.value for c in sheet[1]] == HEADER
    indicators = Indicator.objects.filter(level=Indicator.Level.COUNTY).count()
    assert sheet.max_row == 1 + County.objects.count() * indicators
    first = [c.value for c in sheet[2]]
    assert first[0] == County.objects.order_by("code").first().code
    assert (first[5], first[6]) == (2027, None)  # no target of its own yet
    assert AuditRecord.objects.filter(action="export.county_targets").count() == 1


def test_a_filled_workbook_is_previewed_then_saved_as_first_versions(admin, admin_user, indicator):
    data = workbook(
        [row(indicator, value=70), row(indicator, county="513402", year=2026, value=55)]
    )
    preview = upload(admin, data)
    assert preview.status_code == 200
    assert len(preview.context["checked"].changes) == 2
    assert CountyTarget.objects.count() == 0  # nothing before the confirmation
    done = confirm(admin, preview)
    assert "已导入:新增 2 个分县目标值版本。" in done.text
    saved = CountyTarget.objects.get(county__code="510104", indicator=indicator, year=2027)
    assert (saved.version, saved.value, saved.set_by) == (1, Decimal("70"), admin_user)
    record = AuditRecord.objects.get(action="plan.county_targets")
    assert record.changes["targets"][1][0] == [f"510104 {indicator.code} 2027", None, "70"]
    # The export now shows the county's targets, the other year's on a line of its own.
    sheet = load_workbook(io.BytesIO(exported(admin))).active
    lines = [[c.value for c in line] for line in sheet.iter_rows(min_row=2)]
    assert [cells[6] for cells in lines if cells[:3:2] == ["510104", indicator.code]] == [70]
    assert [
        (cells[5], cells[6]) for cells in lines if cells[:3:2] == ["513402", indicator.code]
    ] == [
        (2027, None),
        (2026, 55),
    ]


def test_changing_a_target_needs_a_reason_and_adds_a_version(admin, indicator):
    confirm(admin, upload(admin, workbook([row(indicator, value=70)])))
    refused = upload(admin, workbook([row(indicator, value=75)]))
    assert refused.status_code == 400
    [error] = refused.context["checked"].errors
    assert (error.row, error.column) == (2, "H(调整理由)")
    assert error.message == "修改已设定的目标值须填写调整理由。"
    confirm(admin, upload(admin, workbook([row(indicator, value=75, reason="经市州复核上调")])))
    versions = CountyTarget.objects.filter(county__code="510104").order_by("version")
    assert [(t.version, t.value, t.reason) for t in versions] == [
        (1, Decimal("70"), ""),
        (2, Decimal("75"), "经市州复核上调"),
    ]
    # The same value again is no change.
    same = upload(admin, workbook([row(indicator, value=75)]))
    assert same.context["checked"].changes == []
    assert "没有需要导入的修改" in same.text


def test_every_bad_row_is_named_and_nothing_is_saved(admin, indicator):
    data = workbook(
        [
            row(indicator, value=70),
            row(indicator, county="999999"),
            row(indicator, year=2040),
            row(indicator, county="510105", value="很多"),
            row(indicator, value=71),  # the first row again
        ]
    )
    response = upload(admin, data)
    assert response.status_code == 400
    found = [(e.row, e.column) for e in response.context["checked"].errors]
    assert found == [(3, "A(县代码)"), (4, "F(目标年份)"), (5, "G(目标值)"), (6, "F(目标年份)")]
    assert "与第2行重复" in response.text
    assert CountyTarget.objects.count() == 0


def test_a_sheet_with_other_columns_is_refused_as_a_whole(admin, indicator):
    response = upload(admin, workbook([row(indicator)], header=HEADER[:6]))
    assert response.status_code == 400
    assert "列与模板不一致" in response.context["refused"]
    assert CountyTarget.objects.count() == 0


def test_a_confirmation_after_someone_else_changed_the_target_is_refused(admin, indicator):
    preview = upload(admin, workbook([row(indicator, value=70)]))
    county_targets.apply(
        county_targets.check(
            SimpleUploadedFile("t.xlsx", workbook([row(indicator, value=60)])),
            County.objects.all(),
        ),
        user=preview.wsgi_request.user,
    )
    done = confirm(admin, preview)
    assert "已有变化" in done.text
    assert list(CountyTarget.objects.values_list("value", flat=True)) == [Decimal("60")]


def test_a_county_with_its_own_target_is_judged_against_it(indicator, admin_user):
    CountyTarget.objects.create(
        county=County.objects.get(code="510104"), indicator=indicator, year=2027, version=1,
        value=Decimal("99"), set_by=admin_user,
    )  # fmt: skip
    groups = indicator_page.county_rows(
        indicator, County.objects.all(), indicator_page.thresholds()
    )
    rows = {row.county.code: row for _type, rows in groups for row in rows}
    assert rows["510104"].own_target
    assert rows["510104"].pace.target_value == 99
    assert not rows["510105"].own_target
    province_2027 = indicator.targets_in_force[0]
    expected = float(province_2027.value) if province_2027 else None
    assert rows["510105"].pace.target_value == expected


def test_the_indicator_page_says_which_target_a_county_is_judged_against(
    client_for, provincial_reviewer, indicator, admin_user
):
    CountyTarget.objects.create(
        county=County.objects.get(code="510104"), indicator=indicator, year=2027, version=1,
        value=Decimal("99"), set_by=admin_user,
    )  # fmt: skip
    response = client_for(provincial_reviewer).get(f"/province/indicators/{indicator.code}/")
    assert "本县目标 99(2027)" in response.text
    assert "全省目标" in response.text
