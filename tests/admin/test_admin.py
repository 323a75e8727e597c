"""The Django admin: open to the admin role only; every change audited with before and after."""

from decimal import Decimal

import pytest

from targets.models import (
    AuditRecord,
    County,
    CountyType,
    Indicator,
    IndicatorTarget,
    Measure,
    Period,
    ProvinceValue,
    Role,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "persona",
    [
        "reporter",
        "prefecture_reviewer",
        "provincial_reviewer",
        "department_user",
        "no_role_user",
        "audit_admin",
    ],
)
def test_only_the_system_and_security_admins_open_the_admin(request, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).get("/admin/")
    assert response.status_code == 403


def test_the_anonymous_visitor_is_sent_to_the_one_login_page(client):
    response = client.get("/admin/targets/measure/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/admin/targets/measure/")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/targets/measure/",
        "/admin/targets/county/",
        "/admin/targets/indicator/",
        "/admin/targets/goal/",
        "/admin/targets/clause/",
        "/admin/auth/user/",
        "/admin/targets/indicator/add/",
        "/admin/targets/county/?prefecture__region__id__exact=1",
    ],
)
def test_an_admin_opens_every_list_in_chinese(client_for, admin_user, url):
    response = client_for(admin_user).get(url)
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in response.text


def test_editing_a_measure_records_who_and_what_changed(client_for, admin_user):
    measure = Measure.objects.get(code="T1.1")
    client = client_for(admin_user)
    form = client.get(f"/admin/targets/measure/{measure.pk}/change/").context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None}
    data.update(
        {
            "departments-TOTAL_FORMS": "0",
            "departments-INITIAL_FORMS": "0",
            "departments-MIN_NUM_FORMS": "0",
            "departments-MAX_NUM_FORMS": "1000",
        }
    )
    data["text_en"] = "Expand county powers"
    response = client.post(f"/admin/targets/measure/{measure.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = AuditRecord.objects.get(action="admin.change", object_id=str(measure.pk))
    assert record.actor == admin_user
    assert record.changes["text_en"][1] == "Expand county powers"
    assert set(record.changes) == {"text_en"}
    history = client.get(f"/admin/targets/measure/{measure.pk}/history/")
    assert "Expand county powers" in history.text
    assert "plan_admin" in history.text


def test_county_type_and_flags_are_edited_in_the_list(client_for, admin_user):
    county = County.objects.get(code="510104")
    county_type = CountyType.objects.get(code="urban-core")
    client = client_for(admin_user)
    page = client.get("/admin/targets/county/?q=510104")
    assert page.status_code == 200
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(county.pk),
        "form-0-county_type": str(county_type.pk),
        "form-0-is_county_domain": "",
        "form-0-is_underdeveloped": "",
        "form-0-is_pilot": "on",
        "_save": "1",
    }
    response = client.post("/admin/targets/county/?q=510104", data)
    assert response.status_code == 302
    county.refresh_from_db()
    assert county.county_type == county_type
    assert county.is_pilot
    record = AuditRecord.objects.get(action="admin.change", object_id=str(county.pk))
    assert record.changes["is_pilot"] == ["False", "True"]


def _indicator_form(client, indicator):
    form = client.get(f"/admin/targets/indicator/{indicator.pk}/change/").context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = value
    data.update(
        {
            "targets-TOTAL_FORMS": "0",
            "targets-INITIAL_FORMS": "0",
            "targets-MIN_NUM_FORMS": "0",
            "targets-MAX_NUM_FORMS": "1000",
            "province_values-TOTAL_FORMS": "0",
            "province_values-INITIAL_FORMS": "0",
            "province_values-MIN_NUM_FORMS": "0",
            "province_values-MAX_NUM_FORMS": "1000",
        }
    )
    return data


def test_revising_a_target_keeps_the_old_version_with_who_and_when(client_for, admin_user, demo):
    indicator = Indicator.objects.get(code="D01")
    client = client_for(admin_user)
    data = _indicator_form(client, indicator)
    data["target_2027"] = "65"
    data["target_reason"] = "省里调整"
    response = client.post(f"/admin/targets/indicator/{indicator.pk}/change/", data)
    assert response.status_code == 302
    versions = list(
        IndicatorTarget.objects.filter(indicator=indicator, horizon=2027)
        .order_by("version")
        .values_list("version", "value", "set_by__username")
    )
    assert [(v, str(value.normalize()), who) for v, value, who in versions] == [
        (1, "63", None),
        (2, "65", "plan_admin"),
    ]
    assert indicator.target_in_force(2027).value == 65
    assert IndicatorTarget.objects.filter(indicator=indicator, horizon=2035).count() == 1
    record = AuditRecord.objects.get(action="indicator.target_set", actor=admin_user)
    assert record.changes["target_2027"] == ["63.0000", "65"]
    page = client.get(f"/admin/targets/indicator/{indicator.pk}/change/").text
    assert "省里调整" in page


def test_revising_a_target_without_a_reason_is_refused_and_changes_nothing(
    client_for, admin_user, demo
):
    indicator = Indicator.objects.get(code="D01")
    client = client_for(admin_user)
    data = _indicator_form(client, indicator)
    data["target_2027"] = "65"
    response = client.post(f"/admin/targets/indicator/{indicator.pk}/change/", data)
    assert response.status_code == 200
    assert "修改已有目标值时须填写理由" in response.text
    assert IndicatorTarget.objects.filter(indicator=indicator, horizon=2027).count() == 1


def test_admins_enter_the_province_values_of_an_indicator_and_the_audit_keeps_them(
    client_for, admin_user, demo
):
    indicator = Indicator.objects.get(code="D01")
    client = client_for(admin_user)
    data = _indicator_form(client, indicator)
    data.update(
        {
            "province_values-TOTAL_FORMS": "1",
            "province_values-0-period": str(Period.objects.get(code="2025Q4").pk),
            "province_values-0-value": "61.2",
            "province_values-0-source": "2025年四川省国民经济和社会发展统计公报",
        }
    )
    response = client.post(f"/admin/targets/indicator/{indicator.pk}/change/", data)
    assert response.status_code == 302
    entered = ProvinceValue.objects.get(indicator=indicator)
    assert (entered.value, entered.recorded_by) == (Decimal("61.2"), admin_user)
    record = AuditRecord.objects.get(action="admin.change", object_id=str(indicator.pk))
    assert record.changes["province_values"][1] == [str(entered)]


def test_an_indicator_cannot_be_its_own_weight(client_for, admin_user, demo):
    indicator = Indicator.objects.get(code="D01")
    client = client_for(admin_user)
    data = _indicator_form(client, indicator)
    data["weight"] = str(indicator.pk)
    response = client.post(f"/admin/targets/indicator/{indicator.pk}/change/", data)
    assert response.status_code == 200
    assert "指标不能以自身为权重" in response.text
    indicator.refresh_from_db()
    assert indicator.weight is None


def test_a_role_without_its_scope_is_refused_by_the_database():
    from django.contrib.auth import get_user_model
    from django.db import IntegrityError, transaction

    user = get_user_model().objects.create_user("scopeless")
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=user, kind=Role.Kind.COUNTY_REPORTER)
