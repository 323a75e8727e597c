"""The units and the province's division of the measures as an Excel workbook: exported, edited
and imported back by the system admin; row errors, nothing saved from a file with any."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from targets.models import (
    AuditRecord,
    CountyDepartment,
    CountyMeasureDepartment,
    Department,
    Measure,
    MeasureDepartment,
    Responsibility,
)

pytestmark = pytest.mark.django_db
EXPORT, IMPORT = "/units/workbook.xlsx", "/units/import/"


@pytest.fixture
def admin(client_for, admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return client_for(admin_user)


@pytest.fixture
def units(db):
    """Three provincial departments, T1.1 led by 发改委 with 财政厅 cooperating, and a county
    department of 锦江区."""
    fagai = Department.objects.create(code="fagai", name="省发展改革委", name_en="DRC")
    caizheng = Department.objects.create(code="caizheng", name="省财政厅")
    Department.objects.create(code="ziran", name="省自然资源厅")
    measure = Measure.objects.get(code="T1.1")
    MeasureDepartment.objects.create(
        measure=measure, department=fagai, responsibility=Responsibility.LEAD
    )
    MeasureDepartment.objects.create(
        measure=measure, department=caizheng, responsibility=Responsibility.COOPERATING
    )
    CountyDepartment.objects.create(county_id=_county("510104"), code="jyj", name="锦江区教育局")
    return fagai


def _county(code: str) -> int:
    from targets.models import County

    return County.objects.get(code=code).pk


def exported(client) -> bytes:
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="units-')
    return b"".join(response.streaming_content)


def edited(data: bytes, edit) -> bytes:
    book = load_workbook(io.BytesIO(data))
    edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes):
    return client.post(IMPORT, {"file": SimpleUploadedFile("units.xlsx", data)})


def confirm(client, response):
    token, digest = response.context["token"], response.context["checked"].digest
    return client.post(IMPORT, {"confirm": "1", "token": token, "digest": digest}, follow=True)


def matrix_row(book, code: str) -> int:
    sheet = book["省级分工"]
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == code)


def division(code: str) -> set[tuple[str, str]]:
    return set(
        MeasureDepartment.objects.filter(measure__code=code).values_list(
            "department__code", "responsibility"
        )
    )


def state() -> tuple:
    """Everything an import may change."""
    return (
        sorted(Department.objects.values_list("code", "name", "name_en", "is_active")),
        sorted(CountyDepartment.objects.values_list("county__code", "code", "name", "is_active")),
        sorted(
            MeasureDepartment.objects.values_list(
                "measure__code", "department__code", "responsibility"
            )
        ),
    )


def errors(response) -> list[tuple[str, int, str, str]]:
    return [(e.sheet, e.row, e.column, e.message) for e in response.context["checked"].errors]


def test_the_export_has_the_units_and_each_measures_division(admin, units):
    book = load_workbook(io.BytesIO(exported(admin)))
    assert book.sheetnames == ["省直部门", "县级部门", "省级分工"]
    assert [c.value for c in book["省直部门"][1]] == ["代码", "名称", "英文名称", "启用", "成员数"]
    assert [c.value for c in book["省直部门"][2]][:4] == ["caizheng", "省财政厅", None, "是"]
    assert [c.value for c in book["县级部门"][2]][:6] == [
        "510104",
        "锦江区",
        "jyj",
        "锦江区教育局",
        None,
        "是",
    ]
    sheet = book["省级分工"]
    assert [c.value for c in sheet[1]] == ["举措编号", "举措", "牵头单位", "配合单位"]
    assert sheet.max_row == 1 + Measure.objects.count()
    row = matrix_row(book, "T1.1")
    assert (sheet.cell(row, 3).value, sheet.cell(row, 4).value) == ("省发展改革委", "省财政厅")


def test_an_unchanged_export_imports_as_no_change(admin, units):
    data = exported(admin)
    before = (AuditRecord.objects.count(), state())
    response = upload(admin, data)
    assert response.status_code == 200
    assert response.context["checked"].unchanged
    assert "没有需要导入的修改" in response.text
    assert (AuditRecord.objects.count(), state()) == before


def test_the_matrix_round_trips_edited_with_openpyxl(admin, admin_user, units):
    """Export → edit → import → the division as edited, each measure's change in its history."""

    def edit(book):
        sheet = book["省级分工"]
        row = matrix_row(book, "T1.1")
        sheet.cell(row, 3).value = "caizheng"  # by code
        sheet.cell(row, 4).value = "省发展改革委、省自然资源厅"  # by name
        row = matrix_row(book, "T1.2")
        sheet.cell(row, 3).value = "省自然资源厅"

    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 200, errors(response)
    assert {d.measure.code for d in response.context["checked"].divisions} == {"T1.1", "T1.2"}
    assert division("T1.1") == {("fagai", "lead"), ("caizheng", "cooperating")}  # not yet

    page = confirm(admin, response)
    assert "已导入:单位 0 个,举措分工 2 项。" in page.text
    assert division("T1.1") == {
        ("caizheng", "lead"),
        ("fagai", "cooperating"),
        ("ziran", "cooperating"),
    }
    assert division("T1.2") == {("ziran", "lead")}
    measure = Measure.objects.get(code="T1.1")
    record = AuditRecord.objects.get(
        action="matrix.import", object_type="targets.Measure", object_id=str(measure.pk)
    )
    assert record.actor == admin_user
    before, after = record.changes["departments"]
    assert "T1.1 省发展改革委 (牵头)" in before
    assert "T1.1 省财政厅 (牵头)" in after

    # and the export shows it back: the round trip closes
    again = upload(admin, exported(admin))
    assert again.context["checked"].unchanged


def test_units_are_added_and_changed_by_code(admin, units):
    def edit(book):
        departments = book["省直部门"]
        departments.append(["jiaoyu", "省教育厅", "Department of Education", "是"])
        departments["C2"].value = "Department of Finance"
        book["县级部门"].append(["513402", "", "mzj", "会理市民政局", "", "是"])
        row = matrix_row(book, "T4.3")
        book["省级分工"].cell(row, 3).value = "省教育厅"  # a unit added in the same file

    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 200, errors(response)
    confirm(admin, response)
    assert Department.objects.get(code="caizheng").name_en == "Department of Finance"
    assert Department.objects.get(code="jiaoyu").is_active
    assert CountyDepartment.objects.filter(county__code="513402", code="mzj").exists()
    assert division("T4.3") == {("jiaoyu", "lead")}
    assert AuditRecord.objects.filter(action="units.import").count() == 3


def test_a_file_with_other_columns_is_refused_whole(admin, units):
    def edit(book):
        book["省直部门"]["B1"].value = "部门名称"

    before = state()
    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 400
    [(sheet, row, _column, message)] = errors(response)
    assert (sheet, row) == ("省直部门", 1)
    assert "列与导出的不一致" in message
    assert state() == before


def test_a_workbook_without_the_sheets_names_them(admin, units):
    book = Workbook()
    book.active.title = "Sheet1"
    out = io.BytesIO()
    book.save(out)
    response = upload(admin, out.getvalue())
    assert response.status_code == 400
    assert {e[0] for e in errors(response)} == {"省直部门", "县级部门", "省级分工"}


def test_an_unknown_department_is_a_row_error_and_nothing_is_saved(admin, units):
    def edit(book):
        book["省直部门"]["C2"].value = "changed too"  # a good change beside the bad one
        row = matrix_row(book, "T1.2")
        book["省级分工"].cell(row, 3).value = "省不存在厅"

    before = state()
    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 400
    row = matrix_row(load_workbook(io.BytesIO(exported(admin))), "T1.2")
    assert errors(response) == [
        ("省级分工", row, "C(牵头单位)", "没有名为或代码为“省不存在厅”的省直部门。")
    ]
    assert "发现1处错误,文件没有导入" in response.text
    assert "token" not in response.context
    assert state() == before


def test_two_leads_for_a_measure_are_refused(admin, units):
    def edit(book):
        row = matrix_row(book, "T1.1")
        book["省级分工"].cell(row, 3).value = "省发展改革委、省自然资源厅"

    before = state()
    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 400
    [(_sheet, _row, column, message)] = errors(response)
    assert column == "C(牵头单位)"
    assert message == "一项举措只能有一个牵头单位。"
    assert state() == before


def test_a_measure_on_two_rows_is_refused(admin, units):
    def edit(book):
        book["省级分工"].append(["T1.1", "", "省自然资源厅", ""])

    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 400
    [(_sheet, _row, column, message)] = errors(response)
    assert column == "A(举措编号)"
    assert "重复" in message


def test_cooperating_units_need_a_lead_and_are_not_the_lead(admin, units):
    def edit(book):
        sheet = book["省级分工"]
        sheet.cell(matrix_row(book, "T1.2"), 4).value = "省财政厅"
        row = matrix_row(book, "T1.3")
        sheet.cell(row, 3).value = "省财政厅"
        sheet.cell(row, 4).value = "caizheng"

    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 400
    assert sorted(m for *_r, m in errors(response)) == [
        "有配合单位的举措须有牵头单位。",
        "牵头单位不能同时是配合单位。",
    ]


def test_a_county_department_of_a_county_that_does_not_exist_saves_nothing(admin, units):
    def edit(book):
        book["省直部门"].append(["jiaoyu", "省教育厅", "", "是"])  # good, but not saved
        book["县级部门"].append(["519999", "", "fgj", "某县发展和改革局", "", "是"])

    before = state()
    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 400
    assert errors(response) == [
        ("县级部门", 3, "A(县(市、区)代码)", "没有代码为“519999”的县(市、区)。")
    ]
    assert state() == before


def test_bad_cells_are_named_by_row_and_column(admin, units):
    def edit(book):
        book["省直部门"].append(["", "省教育厅", "", "是"])
        book["省直部门"].append(["jiaotong", "", "", "也许"])
        book["县级部门"].append(["510104", "", "x", "锦江区教育局", "", "是"])  # its name is taken

    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 400
    assert [(s, r, c) for s, r, c, _m in errors(response)] == [
        ("省直部门", 5, "A(代码)"),
        ("省直部门", 6, "B(名称)"),
        ("省直部门", 6, "D(启用)"),
        ("县级部门", 3, "D(名称)"),
    ]


def test_deactivating_a_unit_that_still_leads_is_refused_with_its_work(admin, units):
    def edit(book):
        book["省直部门"]["D3"].value = "否"  # fagai (rows by code: caizheng, fagai, ziran)

    before = state()
    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 400
    [(sheet, row, column, message)] = errors(response)
    assert (sheet, row, column) == ("省直部门", 3, "D(启用)")
    assert "“省发展改革委”仍有在办的工作" in message
    assert "牵头举措 T1.1" in message
    assert state() == before


def test_a_unit_handing_over_its_work_in_the_same_file_is_deactivated(admin, units):
    def edit(book):
        book["省直部门"]["D3"].value = "否"
        sheet = book["省级分工"]
        row = matrix_row(book, "T1.1")
        sheet.cell(row, 3).value = "省财政厅"
        sheet.cell(row, 4).value = ""

    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 200, errors(response)
    confirm(admin, response)
    assert not Department.objects.get(code="fagai").is_active
    assert division("T1.1") == {("caizheng", "lead")}


def test_a_stopped_unit_takes_no_measure(admin, units):
    Department.objects.filter(code="ziran").update(is_active=False)

    def edit(book):
        book["省级分工"].cell(matrix_row(book, "T1.2"), 3).value = "省自然资源厅"

    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 400
    assert errors(response)[0][3] == "“省自然资源厅”已停用,不能承担举措。"


def test_deactivating_a_county_department_with_assignments_is_refused(admin, units, jinjiang):
    department = CountyDepartment.objects.get(code="jyj")
    CountyMeasureDepartment.objects.create(
        county=jinjiang,
        measure=Measure.objects.get(code="T4.3"),
        department=department,
        responsibility=Responsibility.LEAD,
    )

    def edit(book):
        book["县级部门"]["F2"].value = "否"

    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 400
    [(_s, _r, column, message)] = errors(response)
    assert column == "F(启用)"
    assert "承办举措 T4.3" in message
    assert CountyDepartment.objects.get(code="jyj").is_active


def test_a_change_made_after_the_preview_is_not_applied(admin, units):
    def edit(book):
        book["省级分工"].cell(matrix_row(book, "T1.2"), 3).value = "省自然资源厅"

    response = upload(admin, edited(exported(admin), edit))
    assert response.status_code == 200
    MeasureDepartment.objects.create(
        measure=Measure.objects.get(code="T1.2"),
        department=Department.objects.get(code="caizheng"),
        responsibility=Responsibility.LEAD,
    )
    page = confirm(admin, response)
    assert "预览之后单位或分工已有变化" in page.text
    assert division("T1.2") == {("caizheng", "lead")}


def test_a_file_that_is_not_excel_is_refused(admin, units):
    response = upload(admin, b"code,name\n")
    assert response.status_code == 400
    assert "这不是Excel文件" in response.context["refused"]


@pytest.mark.parametrize(
    "persona",
    [
        "reporter",
        "prefecture_reviewer",
        "provincial_reviewer",
        "department_user",
        "cooperating_department",
        "county_department",
        "security_admin",
        "audit_admin",
    ],
)
def test_only_the_system_admin_exports_and_imports(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(EXPORT).status_code == 403
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {}).status_code == 403


def test_the_anonymous_visitor_is_sent_to_sign_in(client):
    for url in (EXPORT, IMPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_wrong_methods_are_refused(admin):
    assert admin.post(EXPORT).status_code == 405
    assert admin.put(IMPORT).status_code == 405


def test_the_export_is_recorded(admin, units):
    exported(admin)
    assert AuditRecord.objects.filter(action="export.units").count() == 1
