"""The audit trail and an object's history read in words: actions named, objects by kind and
name, each change as the field's label with its value before → after (the names behind ids
fetched in bulk), counts in words, and the reason given for a target revision."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import translation

from targets.audit import trail
from targets.audit.wording import describe
from targets.models import (
    AuditRecord,
    County,
    Indicator,
    IndicatorValue,
    Measure,
    Period,
    Prefecture,
    TaskArea,
)
from targets.plan.indicator_targets import set_target
from tests.querycount import queries_of

pytestmark = pytest.mark.django_db


def measure_moved(measure: Measure, to: TaskArea, actor) -> AuditRecord:
    return trail.record(
        "admin.change",
        actor=actor,
        obj=measure,
        changes={
            "task_area": [str(measure.task_area_id), str(to.pk)],
            "text_en": ["old words", "new words"],
        },
    )


def test_the_page_names_actions_objects_and_fields_in_chinese(client_for, audit_admin, admin_user):
    measure = Measure.objects.get(code="T1.1")
    other_area = TaskArea.objects.exclude(pk=measure.task_area_id).first()
    measure_moved(measure, other_area, admin_user)
    trail.record("auth.login", actor=admin_user)
    text = client_for(audit_admin).get("/audit/").text
    assert "<td>在管理后台修改</td>" in text
    assert "<td>登录</td>" in text
    assert f"<td>举措 {measure}</td>" in text
    assert "targets.Measure" not in text
    assert (
        f"<dt>重点任务</dt><dd><del>{measure.task_area}</del> → <ins>{other_area}</ins></dd>"
        in text
    )
    assert "<dt>英文释义</dt><dd><del>old words</del> → <ins>new words</ins></dd>" in text


def test_the_page_reads_in_english(client_for, audit_admin, admin_user):
    measure = Measure.objects.get(code="T1.1")
    measure_moved(measure, measure.task_area, admin_user)
    trail.record("auth.login", actor=admin_user)
    client = client_for(audit_admin)
    client.cookies["django_language"] = "en"
    text = client.get("/audit/", headers={"accept-language": "en"}).text
    assert "<td>Changed in the admin</td>" in text
    assert "<td>Signed in</td>" in text
    with translation.override("en"):
        kind, label = (
            str(Measure._meta.verbose_name),
            str(Measure._meta.get_field("text_en").verbose_name),
        )
    assert f"<td>{kind} {measure}</td>" in text
    assert f"<dt>{label}</dt>" in text


def test_an_action_the_catalogue_does_not_name_shows_its_code(client_for, audit_admin):
    trail.record("retired.action", actor_name="system")
    assert "<code>retired.action</code>" in client_for(audit_admin).get("/audit/").text


def test_counts_read_in_words(admin_user):
    imported = trail.record(
        "value.import",
        actor=admin_user,
        changes={
            "counts": [None, {"new": 3, "changed": 2, "unchanged": 0}],
            "values": [None, [7, 8]],
        },
    )
    loaded = trail.record(
        "data.load_plan", actor_name="system", changes={"counts": {"measure created": 4}}
    )
    both = AuditRecord.objects.filter(pk__in=[imported.pk, loaded.pk]).order_by("id")
    with translation.override("zh-hans"):
        imported, loaded = describe(both)
        assert [(line.label, line.text, line.before) for line in imported.lines] == [
            ("条数", "新增 3 条,更新 2 条,未变 0 条", None),
            ("写入的指标值", "2 条", None),
        ]
        assert loaded.lines[0].text == "举措:新增 4 条"
    with translation.override("en"):
        imported, _loaded = describe(both)
        assert imported.lines[0].text == "3 new, 2 updated, 0 unchanged"
        assert imported.lines[1].text == "2 records"


def test_choices_and_flags_read_as_their_labels(admin_user):
    county = County.objects.get(code="510104")
    trail.record(
        "admin.change",
        actor=admin_user,
        obj=county,
        changes={"is_pilot": ["False", "True"], "kind": ["市辖区", "县"], "gone": [None, "x"]},
    )
    with translation.override("zh-hans"):
        (entry,) = describe(AuditRecord.objects.filter(action="admin.change"))
    lines = {line.label: (line.before, line.text) for line in entry.lines}
    assert lines[str(County._meta.get_field("is_pilot").verbose_name)] == ("否", "是")
    assert lines["类别"] == ("市辖区", "县")
    assert lines["gone"] == (None, "x")


def test_the_target_history_shows_the_reason_given(client_for, audit_admin, admin_user, demo):
    indicator = Indicator.objects.get(code="D01")
    set_target(indicator, 2027, Decimal("65"), user=admin_user, reason="省里调整")
    trail_page = client_for(audit_admin).get("/audit/", {"action": "indicator.target_set"}).text
    assert "<td>调整指标目标值</td>" in trail_page
    assert f"<td>指标 {indicator}</td>" in trail_page
    assert "<dt>2027年目标值</dt><dd><del>63</del> → <ins>65</ins></dd>" in trail_page
    assert "<dt>调整理由</dt><dd>省里调整</dd>" in trail_page
    history = client_for(admin_user).get(f"/admin/targets/indicator/{indicator.pk}/history/").text
    assert "调整指标目标值" in history
    assert "<dt>调整理由</dt><dd>省里调整</dd>" in history


def test_a_value_imports_rows_read_in_words(admin_user, demo):
    trail.record(
        "value.import",
        actor=admin_user,
        changes={
            "rows": [
                None,
                [
                    ["510104 D01 2026Q3", None, ["63.5000", "统计局"]],
                    ["510104 D03 2026Q3", ["88.0000", "旧来源"], ["90", "新来源"]],
                ],
            ]
        },
    )
    records = AuditRecord.objects.filter(action="value.import")
    with translation.override("zh-hans"):
        (entry,) = describe(records)
        assert [(line.label, line.text) for line in entry.lines] == [
            (
                "导入的行",
                (
                    "锦江区 (510104) · D01 常住人口城镇化率 · 2026年第三季度:63.5(来源:统计局);"
                    "锦江区 (510104) · D03 农村卫生厕所普及率 · 2026年第三季度:"
                    "88(来源:旧来源) → 90(来源:新来源)"
                ),
            )
        ]
    with translation.override("en"):
        (entry,) = describe(records)
        assert entry.lines[0].text.startswith(
            "Jinjiang District (510104) · D01 Urbanisation rate of the resident population · "
            "Q3 2026: 63.5 (source: 统计局); Jinjiang District (510104) · D03 "
        )
        assert entry.lines[0].text.endswith(": 88 (source: 旧来源) → 90 (source: 新来源)")


def test_an_exports_filters_read_in_words(admin_user):
    area = TaskArea.objects.get(code="T1")
    trail.record(
        "export.notes",
        actor=admin_user,
        changes={
            "format": "xlsx",
            "rows": 3,
            "filters": {
                "flag": "pilot",
                "period": "2026Q3",
                "prefecture": "510100",
                "state": "approved",
                "task_area": "T1",
            },
        },
    )
    records = AuditRecord.objects.filter(action="export.notes")
    with translation.override("zh-hans"):
        (entry,) = describe(records)
        filters = {line.label: line.text for line in entry.lines}["筛选条件"]
        assert filters == (
            f"县域标记:试点示范县;填报周期:2026年第三季度;市州:成都市;状态:已审核通过;重点任务:T1 {area.text}"
        )
    with translation.override("en"):
        (entry,) = describe(records)
        filters = entry.lines[-1].text
        assert "Q3 2026" in filters
        assert "Chengdu City" in filters
        assert f"T1 {area.text_en}" in filters
        assert "2026Q3" not in filters
        assert "510100" not in filters
        assert "; " in filters


def test_a_target_version_is_named_without_trailing_zeros(admin_user, demo):
    indicator = Indicator.objects.get(code="D01")
    set_target(indicator, 2027, Decimal("65.5"), user=admin_user, reason="调整")
    target = indicator.targets.get(horizon=2027, version=2)
    value = IndicatorValue.objects.create(
        county=County.objects.get(code="510104"),
        indicator=indicator,
        period=Period.objects.get(code="2026Q3"),
        value=Decimal("60"),
        source="统计局",
        updated_by=admin_user,
    )
    trail.record(
        "admin.change",
        actor=admin_user,
        obj=value,
        changes={"target_2027": [None, str(target.pk)], "value": ["59.5000", "60.0000"]},
    )
    with translation.override("zh-hans"):
        (entry,) = describe(AuditRecord.objects.filter(action="admin.change"))
    lines = {line.label: (line.before, line.text) for line in entry.lines}
    assert lines["数值"] == ("59.5", "60")
    assert lines["对照的2027年目标"] == (None, "D01 2027 v2: 65.5")


def test_the_admin_history_reads_in_words(client_for, admin_user):
    measure = Measure.objects.get(code="T1.1")
    other_area = TaskArea.objects.exclude(pk=measure.task_area_id).first()
    measure_moved(measure, other_area, admin_user)
    history = client_for(admin_user).get(f"/admin/targets/measure/{measure.pk}/history/").text
    assert "<td>在管理后台修改</td>" in history
    assert (
        f"<dt>重点任务</dt><dd><del>{measure.task_area}</del> → <ins>{other_area}</ins></dd>"
        in history
    )


def test_the_action_filter_is_a_grouped_list_of_the_catalogue(client_for, audit_admin, admin_user):
    client = client_for(audit_admin)  # signing in records auth.login
    trail.record("auth.logout", actor=admin_user)
    trail.record("export.audit", actor=admin_user, changes={"format": "csv", "filters": {}})
    page = client.get("/audit/", {"action": "auth.logout"})
    assert '<select name="action"' in page.text
    assert '<optgroup label="登录与两步验证">' in page.text
    assert '<option value="auth.logout" selected>退出登录</option>' in page.text
    assert [r.action for r in page.context["page"]] == ["auth.logout"]
    group = client.get("/audit/", {"action": "sign_in"}).context["page"]
    assert {"auth.logout", "auth.login"} <= {r.action for r in group}
    assert all(r.action.startswith("auth.") for r in group)
    unknown = client.get("/audit/", {"action": "auth"})
    assert unknown.context["page"].paginator.count == 0
    assert unknown.context["form"].errors["action"]


def test_the_export_has_the_words_and_the_code(client_for, audit_admin, admin_user):
    measure = Measure.objects.get(code="T1.1")
    other_area = TaskArea.objects.exclude(pk=measure.task_area_id).first()
    measure_moved(measure, other_area, admin_user)
    response = client_for(audit_admin).get("/audit/export.csv", {"action": "admin.change"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(body)))
    found = dict(zip(header, row, strict=True))
    assert found["操作"] == "在管理后台修改"
    assert found["操作代码"] == "admin.change"
    assert found["对象"] == f"举措 {measure}"
    assert found["对象类型"] == "targets.Measure"
    assert f"重点任务:{measure.task_area} → {other_area}" in found["变更内容"]
    assert found["变更数据"].startswith("{")


def test_the_page_makes_as_many_queries_for_many_records_as_for_few(
    client_for, audit_admin, admin_user, demo
):
    client = client_for(audit_admin)
    areas = list(TaskArea.objects.all())
    counties = list(County.objects.order_by("code")[:30])
    prefectures = list(Prefecture.objects.all())

    def grow(n: int) -> None:
        for county, area, prefecture in zip(
            counties[:n], areas * 10, prefectures * 10, strict=False
        ):
            measure_moved(
                Measure.objects.filter(task_area=area).first() or Measure.objects.first(),
                area,
                admin_user,
            )
            trail.record(
                "admin.change",
                actor=admin_user,
                obj=county,
                changes={"prefecture": [str(county.prefecture_id), str(prefecture.pk)]},
            )
        indicator = Indicator.objects.order_by("?").first()
        set_target(indicator, 2027, Decimal(n + 100), user=admin_user, reason=f"第{n}次")

    grow(2)
    few = queries_of(client, "/audit/")
    grow(20)
    assert queries_of(client, "/audit/") == few
