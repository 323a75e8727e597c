"""Audit records in words: the action named, the object by its kind and name, and each change as
the field's label with its value before → after.

The stored record is never touched (it is hashed): this only reads it. A page of records is
described at once, so that the names behind ids (a county, a period, a target version's reason)
are fetched with one query per kind of object, however many records the page shows.
"""

import contextlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from targets.audit.actions import ACTIONS, action_label
from targets.audit.trail import EXPORT_PREFIXES
from targets.models import (
    AuditRecord,
    County,
    CountyType,
    Horizon,
    Indicator,
    IndicatorTarget,
    Integration,
    Notification,
    Period,
    Prefecture,
    ProblemState,
    Region,
    State,
    StatusOption,
    TaskArea,
)
from targets.models.naming import record_name

NOTHING = "∅"
TARGET_KEY = re.compile(r"^target_(\d{4})$")
# The keys of changes that are not a field of the record's model.
KEY_LABELS = {
    "counts": gettext_lazy("条数"),
    "submitted": gettext_lazy("同时提交"),
    "rows": gettext_lazy("导入的行"),
    "values": gettext_lazy("写入的指标值"),
    "evidence": gettext_lazy("佐证材料"),
    "sent": gettext_lazy("发出提醒"),
    "day": gettext_lazy("日期"),
    "period": gettext_lazy("报告期"),
    "recipients": gettext_lazy("收件人"),
    "message": gettext_lazy("附言"),
    "records": gettext_lazy("记录数"),
    "up_to_id": gettext_lazy("截至记录编号"),
    "file": gettext_lazy("文件"),
    "sha256": gettext_lazy("文件哈希"),
    "role": gettext_lazy("角色"),
    "recovery_codes_left": gettext_lazy("剩余恢复码"),
    "two_factor": gettext_lazy("两步验证"),
    "username": gettext_lazy("账号"),
    "address": gettext_lazy("地址"),
    "version": gettext_lazy("版本"),
    "problems": gettext_lazy("发出整改提醒"),
}
# The filters an export records, by name: their labels, and the records their codes name or the
# words their values stand for.
FILTER_LABELS = {
    "period": gettext_lazy("填报周期"),
    "region": gettext_lazy("经济区"),
    "prefecture": gettext_lazy("市州"),
    "prefectures": gettext_lazy("市州"),
    "county": gettext_lazy("县(市、区)"),
    "counties": gettext_lazy("县(市、区)"),
    "county_type": gettext_lazy("县域类型"),
    "flag": gettext_lazy("县域标记"),
    "task_area": gettext_lazy("重点任务"),
    "integration": gettext_lazy("融合方向"),
    "horizon": gettext_lazy("目标年份"),
    "status": gettext_lazy("进展状态"),
    "state": gettext_lazy("状态"),
    "flagged": gettext_lazy("仅看标记底线风险的"),
    "stale_periods": gettext_lazy("连续几期未报算长期未报"),
    "show": gettext_lazy("显示"),
    "sort": gettext_lazy("排序"),
    "kind": gettext_lazy("类型"),
    "table": gettext_lazy("表格"),
    "actor": gettext_lazy("操作人"),
    "action": gettext_lazy("操作"),
    "object": gettext_lazy("对象"),
    "start": gettext_lazy("起始日期"),
    "end": gettext_lazy("截止日期"),
    "measure": gettext_lazy("举措"),
    "overdue": gettext_lazy("仅看逾期未整改"),
}
BY_CODE: dict[str, type[models.Model]] = {
    "period": Period,
    "region": Region,
    "prefecture": Prefecture,
    "prefectures": Prefecture,
    "county": County,
    "counties": County,
    "county_type": CountyType,
    "task_area": TaskArea,
    "integration": Integration,
    "status": StatusOption,
}
FILTER_WORDS: dict[str, dict] = {
    "flag": {
        "county_domain": gettext_lazy("县域"),
        "underdeveloped": gettext_lazy("欠发达县域"),
        "pilot": gettext_lazy("试点示范县"),
    },
    "horizon": dict(Horizon.choices),
    # A note's states, and a problem's (the problem list's filter; "returned" reads as a note's).
    "state": dict(ProblemState.choices) | dict(State.choices),
    "kind": dict(Notification.Kind.choices),
    "show": {"problems": gettext_lazy("有问题的县"), "all": gettext_lazy("全部县")},
    "sort": {
        "light": gettext_lazy("预警"),
        "county": gettext_lazy("县(市、区)"),
        "missing": gettext_lazy("未提交"),
        "returned": gettext_lazy("退回未重报"),
        "stale": gettext_lazy("长期未报"),
        "days": gettext_lazy("距上次提交天数"),
    },
    "table": {
        "units": gettext_lazy("按地区"),
        "task_areas": gettext_lazy("按重点任务"),
        "integrations": gettext_lazy("按四个融合"),
    },
}
# How a count reads, by the key it is stored under ("new" by value imports, "measure created"
# by the loaders).
COUNT_WORDS = {
    "new": gettext_lazy("新增 %(n)s 条"),
    "created": gettext_lazy("新增 %(n)s 条"),
    "changed": gettext_lazy("更新 %(n)s 条"),
    "updated": gettext_lazy("更新 %(n)s 条"),
    "unchanged": gettext_lazy("未变 %(n)s 条"),
}


@dataclass(frozen=True)
class Line:
    """One line of a record's details: a label and a value, or a value before → after."""

    label: str
    text: str
    before: str | None = None

    @property
    def is_change(self) -> bool:
        return self.before is not None


@dataclass
class Entry:
    """A record as people read it."""

    record: AuditRecord
    action: str
    known: bool
    object: str
    lines: list[Line] = field(default_factory=list)


def _model(record: AuditRecord) -> type[models.Model] | None:
    try:
        return apps.get_model(record.object_type) if record.object_type else None
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _label(model: type[models.Model] | None, key: str) -> str:
    found = _field(model, key)
    if found is not None:
        return str(found.verbose_name)
    if key in KEY_LABELS:
        return str(KEY_LABELS[key])
    if year := TARGET_KEY.match(key):
        return _("%(year)s年目标值") % {"year": year[1]}
    return key


def object_words(record: AuditRecord) -> str:
    """The object as its kind and name ("指标 1.1 城镇化率"); "" for a record of no object."""
    if not record.object_type:
        return ""
    model = _model(record)
    kind = str(model._meta.verbose_name) if model is not None else record.object_type
    return f"{kind} {record.object_repr or '#' + record.object_id}"


def counts_words(counts: dict) -> str:
    """``{"new": 3, "changed": 2}`` as "新增 3 条,更新 2 条"; a loader's "measure created" keys
    name the kind first ("举措:新增 3 条")."""
    parts = []
    for key, n in counts.items():
        kind, _space, how = key.rpartition(" ")
        words = COUNT_WORDS.get(how)
        text = str(words) % {"n": _grouped(n)} if words is not None else f"{how} {_grouped(n)}"
        if kind:
            with contextlib.suppress(LookupError):
                kind = str(apps.get_model("targets", kind)._meta.verbose_name)
            text = _("%(kind)s:%(counts)s") % {"kind": kind, "counts": text}
        parts.append(text)
    return _(",").join(parts)


def _grouped(value) -> str:
    return formats.number_format(value, force_grouping=True) if isinstance(value, int) else value


def _separator() -> str:
    return pgettext("list separator", ";")


def _enumeration() -> str:
    return pgettext("enumeration", "、")


def _number(value) -> str:
    """A stored decimal as people read it: 63.0000 → 63, 12345.50 → 12,345.5; text that is no
    number stays as it is."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    return formats.number_format(number.normalize(), force_grouping=True)


def _required_relations(model: type[models.Model]) -> list[str]:
    """The foreign keys a record always has: fetched with it, as its name may use them (a target
    version is named by its indicator's code)."""
    return [f.name for f in model._meta.concrete_fields if f.many_to_one and not f.null]


class _Names:
    """The names behind the ids in a page of records' changes, and behind the codes of its
    exports' filters and value imports' rows, in the request's language: one query per model."""

    def __init__(
        self,
        wanted: dict[type[models.Model], set[str]],
        codes: dict[type[models.Model], set[str]] | None = None,
    ):
        self.names: dict[tuple[type[models.Model], str], str] = {}
        for model, ids in wanted.items():
            related = _required_relations(model)
            found = model._default_manager.all()
            if related:  # select_related() with no field names is deprecated
                found = found.select_related(*related)
            for pk, obj in found.in_bulk(sorted(ids)).items():
                self.names[model, str(pk)] = record_name(obj)
        self.by_code: dict[tuple[type[models.Model], str], str] = {}
        for model, chosen in (codes or {}).items():
            for obj in model._default_manager.filter(code__in=sorted(chosen)):
                self.by_code[model, obj.serializable_value("code")] = record_name(obj)

    def of(self, model: type[models.Model], pk: str) -> str:
        return self.names.get((model, pk), f"#{pk}")

    def coded(self, model: type[models.Model], code: str) -> str:
        return self.by_code.get((model, code), code)


def _related(model: type[models.Model] | None, key: str) -> type[models.Model] | None:
    """The model a foreign key among the record's fields points to (its value is an id)."""
    found = _field(model, key)
    if found is None or not (found.many_to_one or found.one_to_one):
        return None
    return found.related_model


def _value(value, *, model, key: str, names: _Names) -> str:
    if value is None:
        return NOTHING
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dict):
        if value and all(isinstance(n, int) for n in value.values()):
            return counts_words(value)
        return _separator().join(
            f"{k}: {_value(v, model=None, key=k, names=names)}" for k, v in value.items()
        )
    if isinstance(value, list):
        if key == "values":
            return ngettext("%(n)s 条", "%(n)s 条", len(value)) % {"n": _grouped(len(value))}
        parts = [_value(v, model=None, key="", names=names) for v in value]
        joiner = _separator() if any(isinstance(v, list) for v in value) else _enumeration()
        return joiner.join(parts)
    found = _field(model, key)
    related = _related(model, key)
    if related is not None:
        return names.of(related, str(value))
    if isinstance(found, models.DecimalField) or (found is None and TARGET_KEY.match(key)):
        return _number(value)
    if found is not None and found.choices:
        shown = {str(k): v for k, v in found.flatchoices}
        return str(shown.get(str(value), value))
    if isinstance(found, models.BooleanField) and value in ("True", "False"):
        return _("是") if value == "True" else _("否")
    return str(value)


def _filter_words(name: str, value, names: _Names) -> str:
    """One filter's value in words: the records its codes name, or what its value stands for."""
    if isinstance(value, list):
        return _enumeration().join(_filter_words(name, v, names) for v in value)
    if name in BY_CODE:
        return names.coded(BY_CODE[name], str(value))
    if name == "action":
        return action_label(str(value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(FILTER_WORDS.get(name, {}).get(value, value))


def _export_lines(changes: dict, names: _Names) -> list[Line]:
    """An export's or a download's details: format, rows or size, and the filters in words."""
    lines = [Line(_("格式"), str(changes.get("format", "")))]
    if "rows" in changes:
        lines.append(Line(_("行数"), _grouped(changes["rows"])))
    if "size" in changes:
        lines.append(Line(_("大小"), str(filesizeformat(changes["size"]))))
    filters = changes.get("filters") or {}
    chosen = _separator().join(
        _("%(name)s:%(value)s")
        % {"name": FILTER_LABELS.get(name, name), "value": _filter_words(name, v, names)}
        for name, v in sorted(filters.items())
    )
    lines.append(Line(_("筛选条件"), chosen or _("无(全部)")))
    return lines


def _import_rows(rows: list, names: _Names) -> str:
    """A value import's rows, each as the county, indicator and period it wrote, and the value
    and source before → after (the record keeps them as codes and plain text)."""
    described = []
    for row in rows:
        where, before, after = row
        county, indicator, period = _row_codes(where)
        subject = " · ".join(
            [
                names.coded(County, county),
                names.coded(Indicator, indicator),
                names.coded(Period, period),
            ]
        )
        value = _value_and_source(after)
        if before:
            value = f"{_value_and_source(before)} → {value}"
        described.append(_("%(name)s:%(value)s") % {"name": subject, "value": value})
    return _separator().join(described)


def _row_codes(where) -> tuple[str, str, str]:
    """The county's, indicator's and period's codes of an imported row ("510104 D01 2026Q3")."""
    county, indicator, period, *_rest = [*str(where).split(" "), "", "", ""]
    return county, indicator, period


def _value_and_source(pair: list) -> str:
    value, source, *_rest = [*pair, "", ""]
    return _("%(value)s(来源:%(source)s)") % {"value": _number(value), "source": source}


def _is_import_rows(record: AuditRecord, key: str, value) -> bool:
    return record.action == "value.import" and key == "rows" and isinstance(value, list)


def _change_lines(record: AuditRecord, names: _Names) -> list[Line]:
    """Each change as its label and value before → after; a value that is only set (a count,
    the rows an import wrote) as its label and value."""
    model = _model(record)
    lines = []
    for key, value in (record.changes or {}).items():
        label = _label(model, key)
        if _is_import_rows(record, key, value):
            lines.append(Line(label, _import_rows(value[-1] or [], names)))
        elif isinstance(value, list) and len(value) == 2:
            before, after = (_value(v, model=model, key=key, names=names) for v in value)
            lines.append(Line(label, after, None if value[0] is None else before))
        else:
            lines.append(Line(label, _value(value, model=model, key=key, names=names)))
    return lines


def _wanted_codes(records: list[AuditRecord]) -> dict[type[models.Model], set[str]]:
    """The codes that exports' filters and value imports' rows name, by model."""
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for record in records:
        changes = record.changes or {}
        if record.action.startswith(EXPORT_PREFIXES):
            for name, value in (changes.get("filters") or {}).items():
                if name in BY_CODE:
                    values = value if isinstance(value, list) else [value]
                    wanted[BY_CODE[name]].update(str(v) for v in values)
        elif _is_import_rows(record, "rows", changes.get("rows")):
            for row in changes["rows"][-1] or []:
                county, indicator, period = _row_codes(row[0])
                wanted[County].add(county)
                wanted[Indicator].add(indicator)
                wanted[Period].add(period)
    return wanted


def _wanted_ids(records: list[AuditRecord]) -> dict[type[models.Model], set[str]]:
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for record in records:
        model = _model(record)
        if model is None or record.action.startswith(EXPORT_PREFIXES):
            continue
        for key, value in (record.changes or {}).items():
            related = _related(model, key)
            if related is not None and isinstance(value, list):
                wanted[related].update(str(v) for v in value if v is not None)
    return wanted


def _target_reasons(records: list[AuditRecord]) -> dict[int, str]:
    """The reason given for each target revision on the page, by record id: it is kept with the
    target's version (the record names the indicator, the year and the version)."""
    revisions = {}
    for record in records:
        if record.action != "indicator.target_set":
            continue
        version = (record.changes or {}).get("version")
        years = [m[1] for key in record.changes or {} if (m := TARGET_KEY.match(key))]
        if years and isinstance(version, list) and len(version) == 2:
            revisions[record.id] = (record.object_id, int(years[0]), version[1])
    if not revisions:
        return {}
    query = Q()
    for indicator, horizon, version in revisions.values():
        query |= Q(indicator_id=indicator, horizon=horizon, version=version)
    found = {
        (str(i), h, v): reason
        for i, h, v, reason in IndicatorTarget.objects.filter(query).values_list(
            "indicator_id", "horizon", "version", "reason"
        )
    }
    return {rid: found[key] for rid, key in revisions.items() if found.get(key)}


def describe(records: Iterable[AuditRecord]) -> list[Entry]:
    """The records in words, in their order; a bounded number of queries for any number."""
    records = list(records)
    names = _Names(_wanted_ids(records), _wanted_codes(records))
    reasons = _target_reasons(records)
    entries = []
    for record in records:
        if record.action.startswith(EXPORT_PREFIXES):
            lines = _export_lines(record.changes or {}, names)
        else:
            lines = _change_lines(record, names)
        if record.id in reasons:
            lines.append(Line(_("调整理由"), reasons[record.id]))
        entries.append(
            Entry(
                record=record,
                action=action_label(record.action),
                known=record.action in ACTIONS,
                object=object_words(record),
                lines=lines,
            )
        )
    return entries


def lines_text(entry: Entry) -> str:
    """An entry's details on one line, for a spreadsheet cell."""
    return _separator().join(
        _("%(name)s:%(value)s")
        % {
            "name": line.label,
            "value": f"{line.before} → {line.text}" if line.is_change else line.text,
        }
        for line in entry.lines
    )
