"""The tables of the pages, as they are on screen, for export (see ``exports``): each function
takes what its page shows and gives the same rows and columns."""

import itertools
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from targets.audit import wording
from targets.models import MeasureUnits, units_by_measure
from targets.spreadsheets.exports import Column, Table


def _stamp(name: str) -> str:
    return f"{name}-{timezone.localtime():%Y%m%d-%H%M}"


def _light(light) -> tuple[str, str]:
    return (light.label, light.text) if light else ("", "")


def _units(units: dict[int, MeasureUnits], measure_id: int) -> tuple[str, str]:
    """A measure's lead unit and cooperating units, as two cells (演示 marked)."""
    found = units.get(measure_id)
    return (found.lead_text, found.cooperating_text) if found else ("", "")


def _counts(light) -> tuple[int, int]:
    """A county light's red and yellow measures."""
    return light.red, light.yellow


def units(rows, *, period, name: str, title: str, lit: bool, level: str = "") -> Table:
    """A table of the overview: regions, prefectures or counties (``level``; with their lights,
    and a county's counts of red and yellow measures), task areas or integrations."""
    round_name = period.label
    columns = [Column(_("代码")), Column(_("名称")), Column(_("填报周期"))]
    counties = lit and level == "county"
    if lit:
        columns += [Column(_("预警")), Column(_("预警原因"))]
    if counties:
        columns += [Column(_("红灯举措"), "int"), Column(_("黄灯举措"), "int")]
    columns += [
        Column(_("应填报"), "int"),
        Column(_("已填报"), "int"),
        Column(_("填报率"), "percent"),
        Column(pgettext("how many approved", "审核通过"), "int"),
        Column(_("未填报"), "int"),
        Column(_("滞后/风险"), "int"),
        Column(_("平均进度"), "percent"),
        Column(_("评定不一致"), "int"),
    ]

    def lines():
        for row in rows:
            light = []
            if counties:
                light = [*_light(row.light), *_counts(row.light)]
            elif lit:
                tally = row.lights or {}
                light = [
                    _("红灯 %(red)d · 黄灯 %(yellow)d · 绿灯 %(green)d")
                    % {k: tally.get(k, 0) for k in ("red", "yellow", "green")},
                    "",
                ]
            mean = None
            if row.mean_percent is not None:  # rounded half up, as the page shows it
                mean = int(Decimal(str(row.mean_percent)).quantize(Decimal(1), ROUND_HALF_UP))
            yield [
                row.key,
                row.label,
                round_name,
                *light,
                row.slots,
                row.reported,
                row.reported_share,
                row.approved,
                row.missing,
                row.behind,
                mean,
                row.disagreements,
            ]

    return Table(_stamp(name), title, columns, lines())


def measure_grid(measure, period, groups) -> Table:
    round_name = period.label
    columns = [
        Column(_("县(市、区)代码")),
        Column(_("县(市、区)")),
        Column(_("市州")),
        Column(_("填报周期")),
        Column(_("本轮")),
        Column(_("预警")),
        Column(_("预警原因")),
        Column(_("进展状态(审核通过)")),
        Column(_("完成进度"), "percent"),
        Column(_("最近填报时间"), "datetime"),
        Column(_("审核人评定")),
        Column(_("本县红灯举措"), "int"),
        Column(_("本县黄灯举措"), "int"),
    ]

    def lines():
        for prefecture, cells in groups:
            for cell in cells:
                note = cell.note
                if cell.not_applicable is not None:
                    yield _not_applicable_line(cell, prefecture, round_name)
                    continue
                yield [
                    cell.county.code,
                    cell.county.label,
                    prefecture.label,
                    round_name,
                    note.get_state_display() if note else _("未填报"),
                    *_light(cell.light),
                    note.status.label if cell.approved else "",
                    note.percent if cell.approved else None,
                    cell.last_saved,
                    note.reviewer_status.label if note and note.disagreement else "",
                    cell.county_light.red,
                    cell.county_light.yellow,
                ]

    return Table(_stamp(f"{measure.code}-{period.code}"), measure.code, columns, lines())


def _not_applicable_line(cell, prefecture, round_name) -> list:
    """A county the measure does not apply to: 不适用 in the round's column, why in the
    light's reason, nothing lit."""
    verdict = cell.not_applicable
    return [
        cell.county.code,
        cell.county.label,
        prefecture.label,
        round_name,
        verdict.label,
        "",
        f"{verdict.source_label}{_(':')}{verdict.reason}",
        "",
        None,
        cell.last_saved,
        "",
        cell.county_light.red,
        cell.county_light.yellow,
    ]


def _note_cell(note) -> str:
    if getattr(note, "not_applicable", False):
        return str(_("不适用"))
    if note and note.state == "approved":
        return f"{note.status.label} {note.percent}%"
    if note and note.state == "submitted":
        return str(_("待审核"))
    return str(_("未填报"))


def task_area_grid(area, period, measures, groups) -> Table:
    round_name = period.label
    columns = [
        Column(_("县(市、区)代码")),
        Column(_("县(市、区)")),
        Column(_("市州")),
        Column(_("填报周期")),
        Column(_("预警")),
        Column(_("预警原因")),
        Column(_("红灯举措"), "int"),
        Column(_("黄灯举措"), "int"),
        *[Column(m.code) for m in measures],
    ]

    def lines():
        for prefecture, rows in groups:
            for county, light, notes in rows:
                yield [
                    county.code,
                    county.label,
                    prefecture.label,
                    round_name,
                    *_light(light),
                    *_counts(light),
                    *[_note_cell(n) for n in notes],
                ]

    return Table(_stamp(f"{area.code}-{period.code}"), area.code, columns, lines())


def indicator_ranking(indicator, groups) -> Table:
    """The indicator's counties ranked within their county type, as on its page."""
    columns = [
        Column(_("县域类型")),
        Column(_("排名"), "int"),
        Column(_("县(市、区)代码")),
        Column(_("县(市、区)")),
        Column(_("市州")),
        Column(_("最新值"), "decimal"),
        Column(_("周期")),
        Column(_("进度判断")),
        Column("R", "decimal"),
        Column(_("对照目标")),
        Column(_("目标值"), "decimal"),
    ]

    def lines():
        for county_type, rows in groups:
            for row in rows:
                ratio = row.pace.ratio
                yield [
                    county_type.label if county_type else _("未分类"),
                    row.rank,
                    row.county.code,
                    row.county.label,
                    row.county.prefecture.label,
                    row.latest.value if row.latest else None,
                    row.latest.period if row.latest else "",
                    row.pace.label,
                    round(ratio, 4) if ratio is not None else None,
                    _("本县目标") if row.own_target else _("全省目标"),
                    row.pace.target_value,
                ]

    return Table(_stamp(indicator.code), indicator.code, columns, lines())


def briefing_annex(period, rows) -> Table:
    """The briefing's annex: every county with its rank within its county type, as the briefing
    ranks them (``rows``: the type's name and the county's entry, in order)."""
    columns = [
        Column(_("县域类型")),
        Column(_("名次"), "int"),
        Column(_("县(市、区)代码")),
        Column(_("县(市、区)")),
        Column(_("市州")),
        Column(_("平均进度(%)"), "decimal"),
        Column(_("审核通过"), "int"),
        Column(_("已提交"), "int"),
        Column(_("应填报"), "int"),
        Column(_("预警")),
        Column(_("预警原因")),
    ]

    def lines():
        for type_name, entry in rows:
            mean = entry.row.mean_percent
            yield [
                type_name,
                entry.rank,
                entry.county.code,
                entry.county.label,
                entry.county.prefecture.label,
                round(mean, 1) if mean is not None else None,
                entry.row.approved,
                entry.row.reported,
                entry.row.slots,
                *_light(entry.light),
            ]

    return Table(_stamp(f"briefing-annex-{period.code}"), period.label, columns, lines())


def notes(period, rows) -> Table:
    """``rows``: (note, light) pairs."""
    round_name = period.label
    columns = [
        Column(_("县(市、区)代码")),
        Column(_("县(市、区)")),
        Column(_("市州")),
        Column(_("填报周期")),
        Column(_("举措")),
        Column(_("牵头单位")),
        Column(_("配合单位")),
        Column(_("状态")),
        Column(_("进展状态")),
        Column(_("完成进度"), "percent"),
        Column(_("预警")),
        Column(_("预警原因")),
        Column(_("进展情况")),
        Column(_("存在问题")),
        Column(_("下步打算")),
    ]

    units = units_by_measure()

    def lines():
        for note, light in rows:
            yield [
                note.county.code,
                note.county.label,
                note.county.prefecture.label,
                round_name,
                f"{note.measure.code} {note.measure.label}",
                *_units(units, note.measure_id),
                note.get_state_display(),
                note.status.label,
                note.percent,
                *_light(light),
                note.narrative,
                note.problems,
                note.next_steps,
            ]

    return Table(_stamp(f"notes-{period.code}"), round_name, columns, lines())


def review_queue(rows) -> Table:
    """``rows``: the queue's items as flat rows in these columns, all those the filters select
    (not only the page on screen), as ``review.queue_export`` reads them."""
    columns = [
        Column(_("类型")),
        Column(_("县(市、区)代码")),
        Column(_("县(市、区)")),
        Column(_("市州")),
        Column(_("填报周期")),
        Column(_("内容")),
        Column(_("牵头单位")),
        Column(_("配合单位")),
        Column(_("进展状态")),
        Column(_("完成进度"), "percent"),
        Column(_("数值"), "decimal"),
        Column(_("预警")),
        Column(_("预警原因")),
        Column(_("部门意见")),
        Column(_("提交时间"), "datetime"),
        Column(_("提交人")),
        Column(_("存在问题")),
        Column(_("下步打算")),
    ]
    return Table(_stamp("review"), _("待审核"), columns, rows)


def late(period, rows, stale_periods: int) -> Table:
    round_name = period.label
    columns = [
        Column(_("市州")),
        Column(_("县(市、区)代码")),
        Column(_("县(市、区)")),
        Column(_("填报周期")),
        Column(_("预警")),
        Column(_("预警原因")),
        Column(_("红灯举措"), "int"),
        Column(_("黄灯举措"), "int"),
        Column(_("举措数"), "int"),
        Column(_("已提交"), "int"),
        Column(_("未提交"), "int"),
        Column(_("退回未重报"), "int"),
        Column(_("退回最久天数"), "int"),
        Column(_("连续%(n)d期未报") % {"n": stale_periods}, "int"),
        Column(_("最近提交时间"), "datetime"),
        Column(_("距上次提交天数"), "int"),
        Column(_("最近催办日期"), "date"),
    ]

    def lines():
        for row in rows:
            yield [
                row.county.prefecture.label,
                row.county.code,
                row.county.label,
                round_name,
                *_light(row.light),
                *_counts(row.light),
                row.slots,
                row.reported,
                row.missing,
                row.returned,
                row.oldest_return_days,
                row.stale,
                row.last_submitted,
                row.days_since,
                row.last_reminder,
            ]

    return Table(_stamp(f"late-{period.code}"), round_name, columns, lines())


def reminder_log(entries) -> Table:
    """``entries``: (notification, text) pairs."""
    columns = [
        Column(_("发送时间"), "datetime"),
        Column(_("类型")),
        Column(_("县(市、区)")),
        Column(_("填报周期")),
        Column(_("内容")),
        Column(_("接收人")),
        Column(_("催办人")),
        Column(_("已发邮件")),
        Column(_("阅读时间"), "datetime"),
    ]

    def person(user) -> str:
        return (user.get_full_name() or user.get_username()) if user else str(_("系统"))

    def lines():
        for n, text in entries:
            yield [
                n.created_at,
                n.get_kind_display(),
                n.county.label,
                n.period.label,
                text,
                person(n.recipient),
                person(n.sender),
                _("是") if n.emailed else _("否"),
                n.read_at,
            ]

    return Table(_stamp("reminders"), _("催办记录"), columns, lines())


def audit_records(records) -> Table:
    """The trail in words (action, object, changes), beside the raw action code, object type and
    id and the stored changes, so that the file also stays machine-readable."""
    columns = [
        Column(_("时间"), "datetime"),
        Column(_("操作人")),
        Column(_("地址")),
        Column(_("操作")),
        Column(_("操作代码")),
        Column(_("对象")),
        Column(_("对象类型")),
        Column(_("对象编号")),
        Column(_("结果")),
        Column(_("变更内容")),
        Column(_("变更数据")),
        Column(_("哈希")),
    ]

    def lines():
        for batch in itertools.batched(records.iterator(chunk_size=2000), 2000):
            for entry in wording.describe(batch):
                record = entry.record
                yield [
                    record.at,
                    record.actor_name,
                    record.address or "",
                    entry.action,
                    record.action,
                    entry.object,
                    record.object_type,
                    record.object_id,
                    record.get_outcome_display(),
                    wording.lines_text(entry),
                    record.changes or "",
                    record.hash,
                ]

    return Table(_stamp("audit"), _("审计记录"), columns, lines())


def practice(cases) -> Table:
    """The curated cases (典型经验) as the list shows them, each with its tags and marks."""
    columns = [
        Column(_("标题")),
        Column(_("县(市、区)代码")),
        Column(_("县(市、区)")),
        Column(_("市州")),
        Column(_("填报周期")),
        Column(_("举措")),
        Column(_("重点任务")),
        Column(_("融合方向")),
        Column(_("县域类型")),
        Column(_("经验做法")),
        Column(_("来源进展")),
        Column(_("选编人")),
        Column(_("选编时间")),
        Column(_("可公开")),
        Column(_("演示数据")),
    ]

    def lines():
        yes, no = _("是"), _("否")
        for case in cases:
            by = case.curated_by
            yield [
                case.title,
                case.county.code,
                case.county.label,
                case.county.prefecture.label,
                case.period.label,
                f"{case.measure.code} {case.measure.label}",
                f"{case.task_area.code} {case.task_area.label}",
                _("、").join(i.name_label for i in case.integrations.all()),
                case.county_type.label if case.county_type else "",
                case.summary,
                case.note.narrative if case.note else "",
                by.get_full_name() or by.get_username(),
                case.curated_at,
                yes if case.publishable else no,
                yes if case.is_demo else no,
            ]

    return Table(_stamp("practice"), _("典型经验"), columns, lines())


def problems(rows) -> Table:
    """The problem list as the page shows it: ``rows`` are (problem, light) pairs."""
    columns = [
        Column(_("县(市、区)代码")),
        Column(_("县(市、区)")),
        Column(_("市州")),
        Column(_("举措")),
        Column(_("问题描述")),
        Column(_("来源")),
        Column(_("发现周期")),
        Column(_("整改责任单位")),
        Column(_("整改时限"), "date"),
        Column(_("整改状态")),
        Column(_("预警")),
        Column(_("预警原因")),
        Column(_("整改情况")),
        Column(_("核实意见")),
        Column(_("提出人")),
        Column(_("提出时间"), "datetime"),
        Column(_("演示数据")),
    ]

    def lines():
        yes, no = _("是"), _("否")
        for problem, light in rows:
            by = problem.raised_by
            yield [
                problem.county.code,
                problem.county.label,
                problem.county.prefecture.label,
                f"{problem.measure.code} {problem.measure.label}",
                problem.description,
                problem.get_source_display(),
                problem.period.label if problem.period else "",
                problem.owner.label if problem.owner else _("县牵头办"),
                problem.deadline,
                problem.get_state_display(),
                *_light(light),
                problem.rectification,
                problem.verify_comment,
                by.get_full_name() or by.get_username(),
                problem.raised_at,
                yes if problem.is_demo else no,
            ]

    return Table(_stamp("problems"), _("问题清单"), columns, lines())
