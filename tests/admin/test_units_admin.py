"""The admin of the units: members shown (roles stay with the security admin), deactivation and
deletion refused while a unit answers for work, and a measure's division kept on the measure's
page and recorded in the measure's history."""

import pytest

from targets.models import (
    AuditRecord,
    CountyDepartment,
    CountyMeasureDepartment,
    Department,
    Measure,
    MeasureDepartment,
    Period,
    ProgressNote,
    Responsibility,
    Role,
    State,
    StatusOption,
)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def form_data(response) -> dict:
    """What the change page would post back as it is: the object's fields and every inline's."""
    form = response.context["adminform"].form
    data: dict = {}

    def put(prefix_name, value):
        if isinstance(value, list):
            data[prefix_name] = [str(v) for v in value]
        elif value is not None and value is not False:
            data[prefix_name] = "on" if value is True else str(value)

    for name in form.fields:
        put(name, form[name].value())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management[name].html_name] = management[name].value()
        for each in formset.forms:
            for name in each.fields:
                put(each[name].html_name, each[name].value())
    return data


@pytest.fixture
def fagai(db):
    department = Department.objects.create(code="fagai", name="省发展改革委")
    MeasureDepartment.objects.create(
        measure=Measure.objects.get(code="T1.1"),
        department=department,
        responsibility=Responsibility.LEAD,
    )
    return department


@pytest.fixture
def caizheng(db):
    return Department.objects.create(code="caizheng", name="省财政厅")


def test_a_department_shows_its_members_read_only(client_for, admin_user, fagai):
    member = make_user("fagai_clerk", Role.Kind.DEPARTMENT, department=fagai)
    member.first_name = "张三"
    member.save()
    response = client_for(admin_user).get(f"/admin/targets/department/{fagai.pk}/change/")
    assert response.status_code == 200
    [members] = response.context["inline_admin_formsets"]
    assert [f.instance.user for f in members.formset.forms] == [member]
    assert "张三" in response.text
    assert not members.has_add_permission
    assert not members.has_change_permission
    role = Role.objects.get(user=member)
    # the role is the security admin's: the system admin gets no link to it
    assert f"/admin/targets/role/{role.pk}/change/" not in response.text


def test_the_security_admin_follows_a_member_to_the_role(client_for, security_admin, fagai):
    member = make_user("fagai_clerk", Role.Kind.DEPARTMENT, department=fagai)
    role = Role.objects.get(user=member)
    client = client_for(security_admin)
    page = client.get(f"/admin/targets/department/{fagai.pk}/change/")
    assert page.status_code == 200
    assert f"/admin/targets/role/{role.pk}/change/" in page.text
    # and sees the unit without changing it
    data = form_data(page)
    data["name"] = "改名"
    assert client.post(f"/admin/targets/department/{fagai.pk}/change/", data).status_code == 403
    assert Department.objects.get(pk=fagai.pk).name == "省发展改革委"


def test_a_county_department_shows_its_members(client_for, admin_user, county_department):
    unit = CountyDepartment.objects.get(code="fgj", county__code="510104")
    response = client_for(admin_user).get(f"/admin/targets/countydepartment/{unit.pk}/change/")
    [members] = response.context["inline_admin_formsets"]
    assert [f.instance.user for f in members.formset.forms] == [county_department]


def test_deactivating_a_department_that_leads_is_refused_naming_the_work(
    client_for, admin_user, fagai
):
    client = client_for(admin_user)
    url = f"/admin/targets/department/{fagai.pk}/change/"
    data = form_data(client.get(url))
    del data["is_active"]
    response = client.post(url, data)
    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["is_active"]
    assert "“省发展改革委”仍有在办的工作" in message
    assert "牵头举措 T1.1" in message
    assert Department.objects.get(pk=fagai.pk).is_active
    assert not AuditRecord.objects.filter(action="admin.change").exists()


def test_deactivating_a_department_without_work_is_done_and_recorded(
    client_for, admin_user, caizheng
):
    client = client_for(admin_user)
    url = f"/admin/targets/department/{caizheng.pk}/change/"
    data = form_data(client.get(url))
    del data["is_active"]
    assert client.post(url, data).status_code == 302
    assert not Department.objects.get(pk=caizheng.pk).is_active
    record = AuditRecord.objects.get(action="admin.change", object_id=str(caizheng.pk))
    assert record.changes["is_active"] == ["True", "False"]


def test_deleting_a_department_that_cooperates_is_refused(client_for, admin_user, caizheng):
    MeasureDepartment.objects.create(
        measure=Measure.objects.get(code="T1.2"),
        department=caizheng,
        responsibility=Responsibility.COOPERATING,
    )
    client = client_for(admin_user)
    url = f"/admin/targets/department/{caizheng.pk}/delete/"
    page = client.get(url)
    assert "配合举措 T1.2" in page.text
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert Department.objects.filter(pk=caizheng.pk).exists()


def test_deleting_a_department_without_work_is_done(client_for, admin_user, caizheng):
    url = f"/admin/targets/department/{caizheng.pk}/delete/"
    assert client_for(admin_user).post(url, {"post": "yes"}).status_code == 302
    assert not Department.objects.filter(pk=caizheng.pk).exists()
    assert AuditRecord.objects.filter(action="admin.delete", object_id=str(caizheng.pk)).exists()


def test_a_county_department_with_an_open_note_is_not_deactivated(
    client_for, admin_user, county_department, jinjiang
):
    unit = CountyDepartment.objects.get(code="fgj", county=jinjiang)
    ProgressNote.objects.create(
        county=jinjiang,
        measure=Measure.objects.get(code="T1.1"),
        period=Period.objects.get(code="2026Q3"),
        status=StatusOption.objects.first(),
        percent=10,
        narrative="起草中",
        state=State.DRAFT,
        updated_by=county_department,
    )
    client = client_for(admin_user)
    url = f"/admin/targets/countydepartment/{unit.pk}/change/"
    data = form_data(client.get(url))
    del data["is_active"]
    response = client.post(url, data)
    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["is_active"]
    assert "承办举措 T1.1" in message
    assert "未办结的进展 T1.1 2026年第三季度(草稿)" in message
    assert CountyDepartment.objects.get(pk=unit.pk).is_active
    assert CountyMeasureDepartment.objects.filter(department=unit).exists()


def _measure_page(client, measure):
    return client.get(f"/admin/targets/measure/{measure.pk}/change/")


def _add_row(data: dict, department: Department, responsibility: str) -> None:
    total = int(data["departments-TOTAL_FORMS"])
    data[f"departments-{total}-department"] = str(department.pk)
    data[f"departments-{total}-responsibility"] = responsibility
    data["departments-TOTAL_FORMS"] = str(total + 1)


def test_a_measures_division_is_kept_inline_and_recorded_in_its_history(
    client_for, admin_user, fagai, caizheng
):
    measure = Measure.objects.get(code="T1.1")
    client = client_for(admin_user)
    data = form_data(_measure_page(client, measure))
    _add_row(data, caizheng, Responsibility.COOPERATING)
    response = client.post(f"/admin/targets/measure/{measure.pk}/change/", data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert measure.units.lead == fagai
    assert measure.units.cooperating == [caizheng]
    record = AuditRecord.objects.get(
        action="admin.change", object_type="targets.Measure", object_id=str(measure.pk)
    )
    assert record.changes["departments"] == [
        ["T1.1 省发展改革委 (牵头)"],
        ["T1.1 省发展改革委 (牵头)", "T1.1 省财政厅 (配合)"],
    ]
    history = client.get(f"/admin/targets/measure/{measure.pk}/history/")
    assert "省财政厅" in history.text


def test_a_second_lead_is_refused_and_nothing_changes(client_for, admin_user, fagai, caizheng):
    measure = Measure.objects.get(code="T1.1")
    client = client_for(admin_user)
    data = form_data(_measure_page(client, measure))
    _add_row(data, caizheng, Responsibility.LEAD)
    response = client.post(f"/admin/targets/measure/{measure.pk}/change/", data)
    assert response.status_code == 200
    [formset] = [f.formset for f in response.context["inline_admin_formsets"]]
    assert formset.non_form_errors() == ["一项举措只能有一个牵头单位。"]
    assert MeasureDepartment.objects.filter(measure=measure).count() == 1
    assert not AuditRecord.objects.filter(action="admin.change").exists()


def test_the_lead_passes_to_a_cooperating_unit_in_one_save(client_for, admin_user, fagai, caizheng):
    measure = Measure.objects.get(code="T1.1")
    MeasureDepartment.objects.create(
        measure=measure, department=caizheng, responsibility=Responsibility.COOPERATING
    )
    client = client_for(admin_user)
    data = form_data(_measure_page(client, measure))
    rows = {data[f"departments-{i}-department"]: i for i in range(2)}
    data[f"departments-{rows[str(fagai.pk)]}-responsibility"] = Responsibility.COOPERATING
    data[f"departments-{rows[str(caizheng.pk)]}-responsibility"] = Responsibility.LEAD
    response = client.post(f"/admin/targets/measure/{measure.pk}/change/", data)
    assert response.status_code == 302
    assert measure.units.lead == caizheng
    assert measure.units.cooperating == [fagai]


def test_a_stopped_department_is_not_offered(client_for, admin_user, fagai, caizheng):
    caizheng.is_active = False
    caizheng.save()
    measure = Measure.objects.get(code="T1.2")
    page = _measure_page(client_for(admin_user), measure)
    [formset] = [f.formset for f in page.context["inline_admin_formsets"]]
    offered = set(formset.empty_form.fields["department"].queryset)
    assert fagai in offered
    assert caizheng not in offered


def test_the_matrix_list_is_read_only(client_for, admin_user, fagai):
    client = client_for(admin_user)
    assert client.get("/admin/targets/measuredepartment/").status_code == 200
    assert client.get("/admin/targets/measuredepartment/add/").status_code == 403
