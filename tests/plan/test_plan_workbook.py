"""The plan as an Excel workbook: exported, edited and imported back by the system admin."""

import html
import io
import re
import time
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from targets.models import AuditRecord, Goal, Indicator, IndicatorTarget, Measure, TaskArea
from targets.plan import workbook as plan_workbook
from targets.plan.indicator_targets import set_target

pytestmark = pytest.mark.django_db
EXPORT, IMPORT = "/plan/workbook.xlsx", "/plan/import/"


@pytest.fixture
def admin(client_for, admin_user, demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return client_for(admin_user)


def exported(client) -> bytes:
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="plan-')
    return b"".join(response.streaming_content)


def edited(data: bytes, edit) -> bytes:
    book = load_workbook(io.BytesIO(data))
    edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes):
    return client.post(IMPORT, {"file": SimpleUploadedFile("plan.xlsx", data)})


def confirm(client, response):
    token, digest = response.context["token"], response.context["checked"].digest
    return client.post(IMPORT, {"confirm": "1", "token": token, "digest": digest}, follow=True)


def test_the_export_has_a_sheet_for_each_part_of_the_plan(admin):
    book = load_workbook(io.BytesIO(exported(admin)))
    assert book.sheetnames == ["目标", "重点任务", "融合方向", "举措", "指标", "目标值"]
    measures = book["举措"]
    assert [c.value for c in measures[1]] == [
        "编号",
        "重点任务",
        "融合方向",
        "原文表述",
        "英文释义",
        "顺序",
    ]
    assert measures.max_row == 1 + Measure.objects.count()
    first = Measure.objects.order_by("order", "code").first()
    assert [c.value for c in measures[2]][:3] == [
        first.code,
        first.task_area.code,
        ", ".join(sorted(first.integrations.values_list("code", flat=True))),
    ]
    assert book["目标"]["B2"].value == "到2027年"  # choices as their labels
    assert book["目标值"].max_row == 1 + 2 * Indicator.objects.count()


def test_an_unchanged_export_imports_as_no_change(admin):
    data = exported(admin)  # the export's own record comes before
    before = (AuditRecord.objects.count(), IndicatorTarget.objects.count())
    response = upload(admin, data)
    assert response.status_code == 200
    assert response.context["checked"].unchanged
    assert "没有需要导入的修改" in response.text
    assert "token" not in response.context
    assert (AuditRecord.objects.count(), IndicatorTarget.objects.count()) == before


def test_edits_are_previewed_then_applied_and_recorded(admin, admin_user):
    measure = Measure.objects.order_by("order", "code").first()
    indicator = Indicator.objects.order_by("order", "code").first()

    def edit(book):
        book["举措"]["E2"].value = "A revised English gloss"
        book["指标"]["E2"].value = "越低越好"

    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 200
    changes = {c.form.instance.code: c.changed for c in response.context["checked"].records}
    assert changes == {measure.code: ["text_en"], indicator.code: ["direction"]}
    measure.refresh_from_db()
    assert measure.text_en != "A revised English gloss"  # nothing before the confirmation

    page = confirm(admin, response)
    assert "已导入:修改 2 条记录,新增 0 个目标值版本。" in page.text
    measure.refresh_from_db()
    indicator.refresh_from_db()
    assert measure.text_en == "A revised English gloss"
    assert indicator.direction == Indicator.Direction.LOWER
    record = AuditRecord.objects.get(
        action="plan.import", object_type="targets.Measure", object_id=str(measure.pk)
    )
    assert record.actor == admin_user
    assert record.changes["text_en"][1] == "A revised English gloss"


def test_the_preview_names_a_changed_relation_by_its_field(admin):
    measure = Measure.objects.order_by("order", "code").first()
    other_area = TaskArea.objects.exclude(pk=measure.task_area_id).order_by("code").first()

    def edit(book):
        book["举措"]["B2"].value = other_area.code

    response = upload(admin, edited(exported(admin), edit))
    [change] = response.context["checked"].records
    assert change.labels == ["重点任务"]
    assert f"{measure}:重点任务" in html.unescape(response.text)


def test_a_changed_target_becomes_a_new_version_with_its_reason(admin, admin_user):
    indicator = Indicator.objects.prefetch_related("targets").order_by("order", "code").first()
    before = indicator.target_in_force(2027)

    def edit(book):
        sheet = book["目标值"]
        assert (sheet["A2"].value, sheet["B2"].value) == (indicator.code, 2027)
        sheet["C2"].value = float(before.value) + 1
        sheet["E2"].value = "中期评估后调整"

    confirm(admin, upload(admin, edited(exported(admin), edit)))
    latest = IndicatorTarget.objects.filter(indicator=indicator, horizon=2027).latest("version")
    assert latest.version == before.version + 1
    assert latest.value == before.value + 1
    assert (latest.reason, latest.set_by) == ("中期评估后调整", admin_user)
    assert IndicatorTarget.objects.filter(pk=before.pk).exists()  # the old version is kept


def test_every_error_is_listed_by_sheet_row_and_column_and_nothing_changes(admin):
    def edit(book):
        book["目标值"]["C2"].value = 5  # changed without a reason
        book["目标值"]["C3"].value = "abc"
        book["举措"]["B3"].value = "T9"  # no such task area
        book["举措"].append(["X9.9", "T1", "", "新举措", "", 1])  # not added here
        book["目标"]["E2"].value = "first"  # order is a number

    data = edited(exported(admin), edit)  # the export's own record comes before
    before = (Measure.objects.count(), IndicatorTarget.objects.count(), AuditRecord.objects.count())
    response = upload(admin, data)
    assert response.status_code == 400
    found = {(e.sheet, e.row, e.column[0]) for e in response.context["checked"].errors}
    assert found == {
        ("目标值", 2, "E"),
        ("目标值", 3, "C"),
        ("举措", 3, "B"),
        ("举措", 1 + Measure.objects.count() + 1, "A"),
        ("目标", 2, "E"),
    }
    assert "发现5处错误,文件没有导入" in response.text
    assert "修改已有目标值时须填写理由。" in response.text
    assert before == (
        Measure.objects.count(),
        IndicatorTarget.objects.count(),
        AuditRecord.objects.count(),
    )


def test_a_missing_sheet_or_a_file_that_is_not_excel_is_refused(admin):
    def drop(book):
        del book["融合方向"]

    response = upload(admin, edited(exported(admin), drop))
    assert response.status_code == 400
    assert [(e.sheet, e.message) for e in response.context["checked"].errors] == [
        ("融合方向", "缺少这个工作表。")
    ]
    response = upload(admin, b"%PDF-1.4 not a workbook")
    assert response.status_code == 400
    assert "这不是Excel文件" in response.context["refused"]


def test_a_confirmation_needs_the_token_of_this_session(admin, client, admin_user):
    def edit(book):
        book["目标"]["D2"].value = "Changed"

    response = upload(admin, edited(exported(admin), edit))
    goal = Goal.objects.order_by("order", "code").first()
    assert admin.post(IMPORT, {"confirm": "1", "token": "0" * 32}).status_code == 404
    goal.refresh_from_db()
    assert goal.text_en != "Changed"
    confirm(admin, response)
    goal.refresh_from_db()
    assert goal.text_en == "Changed"


@pytest.mark.parametrize(
    "persona", ["reporter", "prefecture_reviewer", "provincial_reviewer", "security_admin"]
)
def test_only_the_system_admin_exports_and_imports_the_plan(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(EXPORT).status_code == 403
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(EXPORT)["Location"].startswith("/login/")
    assert client.post(IMPORT)["Location"].startswith("/login/")
    assert client.delete(IMPORT).status_code == 405


def test_the_workbook_round_trips_through_the_service(demo):
    tables = plan_workbook.workbook()
    assert [t.title for t in tables][-1] == "目标值"
    assert all(len(row) == len(t.columns) for t in tables for row in t.rows)


def test_a_confirmation_after_another_edit_of_the_plan_applies_nothing(admin):
    """Admin A previews a workbook; admin B then edits a goal in the admin; A's confirmation would
    now also undo B's edit, which A never saw: it is refused."""
    goal = Goal.objects.order_by("order", "code").first()

    def edit(book):
        book["重点任务"]["C2"].value = "A new gloss"

    response = upload(admin, edited(exported(admin), edit))
    Goal.objects.filter(pk=goal.pk).update(text_en="Edited meanwhile")
    page = confirm(admin, response)
    assert "预览之后决定已有变化" in page.text
    goal.refresh_from_db()
    assert goal.text_en == "Edited meanwhile"
    assert not AuditRecord.objects.filter(action="plan.import").exists()


def test_a_target_revised_after_the_export_is_not_overwritten(admin, admin_user):
    indicator = Indicator.objects.prefetch_related("targets").order_by("order", "code").first()
    data = exported(admin)
    set_target(indicator, 2027, Decimal("77"), user=admin_user, reason="先行调整")

    def edit(book):
        book["目标值"]["C2"].value = 80
        book["目标值"]["E2"].value = "再次调整"

    response = upload(admin, edited(data, edit))
    assert response.status_code == 400
    assert [(e.row, e.column[0]) for e in response.context["checked"].errors] == [(2, "D")]
    assert "现行第2版" in response.text


@pytest.mark.parametrize("written", ["NaN", "1e30", "1.123456"])
def test_a_target_that_is_not_a_plain_number_of_four_decimals_is_an_error(admin, written):
    def edit(book):
        book["目标值"]["C2"].value = written
        book["目标值"]["E2"].value = "理由"

    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 400
    assert [(e.row, e.column[0]) for e in response.context["checked"].errors] == [(2, "C")]


def test_the_workbook_is_in_chinese_whatever_the_pages_language(admin):
    admin.cookies["django_language"] = "en"
    data = exported(admin)
    assert load_workbook(io.BytesIO(data)).sheetnames[0] == "目标"
    response = upload(admin, data)
    assert response.status_code == 200
    assert response.context["checked"].unchanged


def with_sheet_xml(data: bytes, title: str, rewrite) -> bytes:
    """The workbook with the XML of the sheet titled ``title`` rewritten (as another program
    might have written it)."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    part = f"xl/worksheets/sheet{book.sheetnames.index(title) + 1}.xml"
    book.close()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == part:
                content = rewrite(content.decode()).encode()
            target.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def declaring(span: str):
    return lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{span}"/>', xml)


def without_dimension(xml: str) -> str:
    return re.sub(r'<dimension ref="[^"]*"\s*/>', "", xml)


def nothing_kept_or_changed(admin, response, media, before) -> None:
    assert "token" not in response.context
    assert "checked" not in response.context
    assert not [p for p in media.rglob("*") if p.is_file()]
    assert Measure.objects.order_by("order", "code").first().text_en == before


@pytest.mark.parametrize(
    ("span", "message"),
    [
        (
            "A1:XFD1048576",
            (
                "工作表“举措”的范围是 A1:XFD1048576,共 16384 列,最多 100 列。"
                "请删除多余的列(包括空白但设置了格式的列)后再上传。"
            ),
        ),
        (
            "A1:F1048576",
            (
                "工作表“举措”的范围是 A1:F1048576,共 1048576 行,最多 2000 行数据。"
                "请删除多余的行(包括空白但设置了格式的行)后再上传。"
            ),
        ),
    ],
)
def test_a_small_file_declaring_a_huge_sheet_is_refused_at_once(admin, tmp_path, span, message):
    before = Measure.objects.order_by("order", "code").first().text_en

    def edit(book):
        book["举措"]["E2"].value = "A revised English gloss"

    data = with_sheet_xml(edited(exported(admin), edit), "举措", declaring(span))
    assert len(data) < 30_000
    started = time.monotonic()
    response = upload(admin, data)
    assert time.monotonic() - started < 10  # it kept a worker busy for a minute
    assert response.status_code == 400
    assert response.context["refused"] == message
    assert message in html.unescape(response.text)
    nothing_kept_or_changed(admin, response, tmp_path, before)


def test_a_sheet_with_too_many_rows_is_refused_whether_or_not_it_says_so(admin, tmp_path):
    before = Measure.objects.order_by("order", "code").first().text_en

    def edit(book):
        book["举措"]["E2"].value = "A revised English gloss"
        for n in range(plan_workbook.MAX_ROWS):
            book["目标值"].append([f"X{n}", 2027, 1, 1, ""])

    data = edited(exported(admin), edit)
    response = upload(admin, data)
    assert response.status_code == 400
    assert response.context["refused"].startswith("工作表“目标值”的范围是 A1:E")
    nothing_kept_or_changed(admin, response, tmp_path, before)

    response = upload(admin, with_sheet_xml(data, "目标值", without_dimension))
    assert response.status_code == 400
    assert response.context["refused"] == "工作表“目标值”的数据行太多,最多 2000 行。"
    nothing_kept_or_changed(admin, response, tmp_path, before)


def test_a_row_wider_than_the_cap_is_refused_even_when_the_sheet_does_not_say(admin, tmp_path):
    before = Measure.objects.order_by("order", "code").first().text_en

    def edit(book):
        book["举措"]["E2"].value = "A revised English gloss"
        book["举措"]["XFD3"].value = "far away"

    data = with_sheet_xml(edited(exported(admin), edit), "举措", without_dimension)
    response = upload(admin, data)
    assert response.status_code == 400
    assert response.context["refused"] == "工作表“举措”第3行的列太多,最多 100 列。"
    nothing_kept_or_changed(admin, response, tmp_path, before)


def test_a_sheet_at_the_caps_is_read(admin):
    def edit(book):
        book["举措"]["E2"].value = "A revised English gloss"
        book["举措"]["CV1"].value = ""  # the sheet reaches column 100

    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 200
    assert response.context["checked"].records
