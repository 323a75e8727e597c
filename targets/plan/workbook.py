"""The plan as an Excel workbook that admins export, edit and import back: one sheet each for the
goals, task areas, integrations, measures and indicators (matched by code), and one for the
targets in force. Each row is checked by a model form of its record, so the rules are the admin's
own; a workbook with any error changes nothing. An unchanged export imports as no change; a changed
target becomes a new version of it (with the reason given). Records are not added or deleted here:
that stays in the admin, where the official text is quoted."""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.files.base import File
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from targets.audit import trail
from targets.models import Goal, Horizon, Indicator, Integration, Measure, TaskArea
from targets.plan.indicator_targets import set_target
from targets.spreadsheets.exports import Column, Table
from targets.spreadsheets.xlsx_input import (
    RowError,
    in_workbook_language,
    open_workbook,
    refuse_declared_span,
    rows_of,
    text,
)

type PlanRecord = Goal | TaskArea | Integration | Measure | Indicator

# sheet key: (model, the editable fields after the code, in column order)
SHEETS: dict[str, tuple[type[PlanRecord], list[str]]] = {
    "goals": (Goal, ["horizon", "text", "text_en", "order"]),
    "task_areas": (TaskArea, ["text", "text_en", "order"]),
    "integrations": (
        Integration,
        ["name", "name_en", "problem", "problem_en", "text", "text_en", "order"],
    ),
    "measures": (Measure, ["task_area", "integrations", "text", "text_en", "order"]),
    "indicators": (
        Indicator,
        [
            "name",
            "name_en",
            "unit",
            "direction",
            "level",
            "baseline_year",
            "baseline_value",
            "minimum",
            "maximum",
            "goals",
            "order",
        ],
    ),
}
TARGET_SHEET = "targets"
# Rows below the header, per sheet: the plan has a few dozen records; room to grow, and a bound on
# what one import reads.
MAX_ROWS = 2_000
SEPARATOR = re.compile(r"[,,、\s]+")


def _title(key: str) -> str:
    with in_workbook_language():
        if key == TARGET_SHEET:
            return _("目标值")
        return str(SHEETS[key][0]._meta.verbose_name_plural)


def _field(model: type[PlanRecord], name: str) -> "models.Field[Any, Any]":
    """One of the fields a sheet names: each is the model's own, none a reverse relation."""
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a field of its own")
    return model_field


def _headers(model: type[PlanRecord], fields: list[str]) -> list[str]:
    with in_workbook_language():
        return [str(_field(model, name).verbose_name) for name in ["code", *fields]]


def _cell(record: PlanRecord, name: str) -> object:
    """A field's value as the workbook shows it: codes for relations, labels for choices."""
    model_field = _field(type(record), name)
    if model_field.many_to_many:
        return ", ".join(sorted(getattr(record, name).values_list("code", flat=True)))
    if model_field.many_to_one:
        return getattr(record, name).code
    if model_field.choices:
        return str(getattr(record, f"get_{name}_display")())
    value = getattr(record, name)
    return value.normalize() if isinstance(value, Decimal) else value


def _target_headers() -> list[str]:
    with in_workbook_language():
        return [
            _("指标编号"),
            _("目标年份"),
            _("目标值"),
            _("现行版本"),
            _("调整理由(修改目标值时必填)"),
        ]


def _records(model: type[PlanRecord], fields: list[str]) -> list[list[object]]:
    with in_workbook_language():  # choices as their labels in the workbook's language
        return [
            [record.code, *(_cell(record, name) for name in fields)]
            for record in model.objects.order_by("order", "code")
        ]


def workbook() -> list[Table]:
    tables = [
        Table(
            "plan",
            _title(key),
            [Column(h) for h in _headers(model, fields)],
            _records(model, fields),
        )
        for key, (model, fields) in SHEETS.items()
    ]
    kinds = ["text", "int", "decimal", "int", "text"]
    target_columns = [Column(h, k) for h, k in zip(_target_headers(), kinds, strict=True)]

    def targets() -> Iterator[list[object]]:
        for indicator in Indicator.objects.prefetch_related("targets").order_by("order", "code"):
            for horizon in Horizon:
                target = indicator.target_in_force(horizon.value)
                yield [
                    indicator.code,
                    horizon.value,
                    target.value.normalize() if target else None,
                    target.version if target else None,
                    "",
                ]

    tables.append(Table("plan", _title(TARGET_SHEET), target_columns, targets()))
    return tables


def _form_field(model_field: "models.Field[Any, Any]") -> forms.Field | None:
    """A row form's field: relations given by the related records' codes; the others as a model
    form makes them."""
    if model_field.is_relation:
        return model_field.formfield(to_field_name="code")
    return model_field.formfield()


def _form_class(model: type[PlanRecord], fields: list[str]) -> "type[forms.ModelForm[PlanRecord]]":
    """A model form of the fields, relations given by code and choices by label or value."""
    return forms.modelform_factory(model, fields=fields, formfield_callback=_form_field)


def _form_data(
    model: type[PlanRecord], fields: list[str], cells: list[object]
) -> dict[str, object]:
    data: dict[str, object] = {}
    for name, cell in zip(fields, cells, strict=False):
        model_field = _field(model, name)
        shown = text(cell)
        if model_field.many_to_many:
            data[name] = [code for code in SEPARATOR.split(shown) if code]
        elif model_field.choices:
            with in_workbook_language():
                labels = {str(label): value for value, label in model_field.choices}
            data[name] = labels.get(shown, shown)
        else:
            data[name] = shown
    return data


@dataclass
class PlanChange:
    form: "forms.ModelForm[PlanRecord]"
    changed: list[str]

    @property
    def labels(self) -> list[str]:
        return [str(self.form.fields[name].label) for name in self.changed]


@dataclass
class TargetChange:
    indicator: Indicator
    horizon: int
    value: Decimal
    reason: str


@dataclass
class CheckedPlan:
    records: list[PlanChange] = field(default_factory=list)
    targets: list[TargetChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.records or self.targets)

    @property
    def digest(self) -> str:
        """What applying would do: a confirmation names this, so that nothing is applied that
        the preview did not show (another admin may have edited the plan meanwhile)."""
        parts = [
            f"{c.form.instance._meta.label}:{c.form.instance.pk}:"
            + ";".join(f"{n}={c.form.cleaned_data[n]}" for n in c.changed)
            for c in self.records
        ]
        parts += [f"{t.indicator.pk}:{t.horizon}:{t.value}:{t.reason}" for t in self.targets]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def check(upload: "File[bytes]") -> CheckedPlan:
    """Read every sheet (by title) and check every row."""
    book = open_workbook(upload)
    sheets = {sheet.title: sheet for sheet in book.worksheets}
    for sheet in sheets.values():  # every sheet's size before any row is read
        refuse_declared_span(sheet, MAX_ROWS)
    result = CheckedPlan()
    for key, (model, fields) in SHEETS.items():
        title = _title(key)
        if title not in sheets:
            result.errors.append(RowError(title, 0, "", _("缺少这个工作表。")))
            continue
        _check_sheet(result, title, sheets[title], model, fields)
    title = _title(TARGET_SHEET)
    if title in sheets:
        _check_targets(result, title, sheets[title])
    else:
        result.errors.append(RowError(title, 0, "", _("缺少这个工作表。")))
    return result


def _column(fields: list[str], name: str, headers: list[str]) -> str:
    index = (["code", *fields]).index(name) if name in ["code", *fields] else 0
    return f"{get_column_letter(index + 1)}({headers[index]})"


def _check_sheet(
    result: CheckedPlan,
    title: str,
    sheet: ReadOnlyWorksheet,
    model: type[PlanRecord],
    fields: list[str],
) -> None:
    rows = rows_of(sheet, max_rows=MAX_ROWS)
    headers = _headers(model, fields)
    if [text(h) for h in next(rows, ())][: len(headers)] != headers:
        result.errors.append(
            RowError(title, 1, "", _("列与导出的不一致(应为:%(h)s)。") % {"h": "、".join(headers)})
        )
        return
    records = {r.code: r for r in model.objects.all()}
    form_class = _form_class(model, fields)
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        cells = list(row)
        code = text(cells[0] if cells else None)
        if not any(text(c) for c in cells):
            continue
        column = _column(fields, "code", headers)
        record = records.get(code)
        if record is None or code in seen:
            message = (
                _("编号“%(code)s”重复。")
                if code in seen
                else _("没有编号为“%(code)s”的记录;新增记录请在管理后台中进行。")
            )
            result.errors.append(RowError(title, number, column, message % {"code": code}))
            continue
        seen.add(code)
        # Relations start from the related records (their codes), as the workbook shows them.
        initial = {n: getattr(record, n) for n in fields if model._meta.get_field(n).many_to_one}
        form = form_class(_form_data(model, fields, cells[1:]), instance=record, initial=initial)
        if not form.is_valid():
            for name, messages in form.errors.items():
                where = _column(fields, name if name in fields else "code", headers)
                result.errors.extend(RowError(title, number, where, str(m)) for m in messages)
        elif form.has_changed():
            result.records.append(PlanChange(form, form.changed_data))


def _check_targets(result: CheckedPlan, title: str, sheet: ReadOnlyWorksheet) -> None:
    rows = rows_of(sheet, max_rows=MAX_ROWS)
    next(rows, None)
    indicators = {i.code: i for i in Indicator.objects.prefetch_related("targets")}
    columns = [f"{letter}({h})" for letter, h in zip("ABCDE", _target_headers(), strict=True)]
    number_field = forms.DecimalField(max_digits=16, decimal_places=4)
    seen: set[tuple[int, str]] = set()
    for number, row in enumerate(rows, start=2):
        cells = [*row, None, None, None, None, None][:5]
        if not any(text(c) for c in cells):
            continue
        indicator = indicators.get(text(cells[0]))
        horizon = text(cells[1])
        if indicator is None:
            result.errors.append(
                RowError(
                    title,
                    number,
                    columns[0],
                    _("没有编号为“%(code)s”的指标。") % {"code": text(cells[0])},
                )
            )
            continue
        if horizon not in {str(h.value) for h in Horizon}:
            result.errors.append(RowError(title, number, columns[1], _("目标年份应为2027或2035。")))
            continue
        if (indicator.pk, horizon) in seen:
            result.errors.append(
                RowError(title, number, columns[0], _("同一指标和年份出现了两次。"))
            )
            continue
        seen.add((indicator.pk, horizon))
        current = indicator.target_in_force(int(horizon))
        if text(cells[2]) == "":
            if current is not None:
                result.errors.append(RowError(title, number, columns[2], _("目标值不能清空。")))
            continue
        try:
            value = number_field.clean(text(cells[2]).replace(",", ""))
        except forms.ValidationError as problem:
            result.errors.extend(RowError(title, number, columns[2], m) for m in problem.messages)
            continue
        shown = text(cells[3])
        if current is not None and shown != str(current.version):
            result.errors.append(
                RowError(
                    title,
                    number,
                    columns[3],
                    _("导出之后目标值已有新版本(现行第%(version)d版),请重新导出后修改。")
                    % {"version": current.version},
                )
            )
            continue
        if current is not None and current.value == value:
            continue
        reason = text(cells[4])
        if current is not None and not reason:
            result.errors.append(
                RowError(title, number, columns[4], _("修改已有目标值时须填写理由。"))
            )
            continue
        result.targets.append(TargetChange(indicator, int(horizon), value, reason))


def apply(
    checked: CheckedPlan, *, user: User, request: HttpRequest | None = None
) -> dict[str, int]:
    """Save the changed records and the new target versions, all or nothing."""
    if checked.errors:
        raise ValueError("a workbook with errors is never applied")
    with in_workbook_language():
        default_reason = _("Excel导入")
    with transaction.atomic():
        for change in checked.records:
            stored = type(change.form.instance).objects.get(pk=change.form.instance.pk)
            before = trail.snapshot(stored)
            record = change.form.save()
            trail.record(
                "plan.import",
                request=request,
                actor=user,
                obj=record,
                changes=trail.diff(before, trail.snapshot(record)),
            )
        for target in checked.targets:
            set_target(
                target.indicator,
                target.horizon,
                target.value,
                user=user,
                reason=target.reason or default_reason,
                request=request,
            )
    return {"records": len(checked.records), "targets": len(checked.targets)}
