"""Indicator values from Excel: a template for a period (the user's counties × the county-level
indicators, codes and names filled in, current values shown), then the filled-in file checked row
by row and, if nothing is wrong, applied in one transaction after the user saw what changes.

Every error is reported by sheet, row and column; a file with any error changes nothing. A row
for a county, indicator and period that already has a value updates it (never a duplicate)."""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl.utils import get_column_letter

from targets.audit import trail
from targets.models import (
    County,
    Indicator,
    IndicatorValue,
    Period,
    PeriodReopening,
    State,
)
from targets.reporting.workflow import ROW_ONLY
from targets.spreadsheets.exports import Column, Table
from targets.spreadsheets.numbers import plain
from targets.spreadsheets.xlsx_input import (
    ImportRefused,
    RowError,
    in_workbook_language,
    open_workbook,
    rows_of,
    text,
)

MAX_ROWS = 20_000
# (key, header): the template's columns, in order.
COLUMNS = [
    ("period", gettext_lazy("填报周期")),
    ("county", gettext_lazy("县(市、区)代码")),
    ("county_name", gettext_lazy("县(市、区)")),
    ("indicator", gettext_lazy("指标编号")),
    ("indicator_name", gettext_lazy("指标")),
    ("unit", gettext_lazy("单位")),
    ("value", gettext_lazy("数值")),
    ("source", gettext_lazy("数据来源")),
    ("remark", gettext_lazy("备注")),
]
KEYS = [key for key, _header in COLUMNS]
# The round in words, after the columns that are read back: the code in column A is what counts,
# and files made from earlier templates, without this column, still read.
ROUND_NAME = gettext_lazy("填报周期名称")


@dataclass
class Change:
    county: County
    indicator: Indicator
    period: Period
    value: Decimal
    source: str
    remark: str
    current: IndicatorValue | None

    @property
    def kind(self) -> str:
        if self.current is None:
            return "new"
        same = (
            self.current.value == self.value
            and self.current.source == self.source
            and self.current.remark == self.remark
        )
        return "unchanged" if same else "changed"


@dataclass
class Checked:
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def new_count(self) -> int:
        return len(self.of_kind("new"))

    @property
    def changed_count(self) -> int:
        return len(self.of_kind("changed"))

    @property
    def unchanged_count(self) -> int:
        return len(self.of_kind("unchanged"))

    @property
    def digest(self) -> str:
        """What applying would do, and to which versions: a confirmation names this, so that
        nothing else is applied than what the user saw."""
        parts = [
            f"{c.county.pk}:{c.indicator.pk}:{c.period.pk}:"
            f"{c.current.version if c.current else 0}:{c.value}:{c.source}:{c.remark}"
            for c in self.changes
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def template(period: Period, counties) -> Table:
    """The file to fill in: one row per county × county-level indicator, current values shown."""
    indicators = list(
        Indicator.objects.filter(level=Indicator.Level.COUNTY).order_by("order", "code")
    )
    current = {
        (v.county_id, v.indicator_id): v
        for v in IndicatorValue.objects.filter(period=period, county__in=counties)
    }
    kinds = {"value": "decimal"}
    with in_workbook_language():
        columns = [Column(str(header), kinds.get(key, "text")) for key, header in COLUMNS]
        columns.append(Column(str(ROUND_NAME)))
        title = str(_("指标值"))
        round_name = period.label

    def lines():
        for county in counties.order_by("code"):
            for indicator in indicators:
                value = current.get((county.pk, indicator.pk))
                yield [
                    period.code,
                    county.code,
                    county.name,
                    indicator.code,
                    indicator.name,
                    indicator.unit,
                    value.value.normalize() if value else None,
                    value.source if value else "",
                    value.remark if value else "",
                    round_name,
                ]

    return Table(f"values-{period.code}", title, columns, lines())


def _number(cell) -> Decimal | None:
    """The cell's number, None when empty; InvalidOperation for text, NaN and infinities."""
    if isinstance(cell, bool):
        raise InvalidOperation
    if isinstance(cell, int | float | Decimal):
        number = Decimal(str(cell))
    else:
        written = text(cell).replace(",", "")
        if not written:
            return None
        number = Decimal(written)
    if not number.is_finite():
        raise InvalidOperation
    return number


def _first_sheet(upload):
    """The first sheet's title and its rows (header first)."""
    sheet = open_workbook(upload).worksheets[0]
    return sheet.title, rows_of(sheet)


def check(upload, counties) -> Checked:
    """Read and check every row; ``counties`` are those the user may report for."""
    title, rows = _first_sheet(upload)
    header = [text(h) for h in next(rows, ())]
    with in_workbook_language():
        expected = [str(h) for _k, h in COLUMNS]
    if header[: len(expected)] != expected:
        missing = [h for h in expected if h not in header]
        raise ImportRefused(
            _("列与模板不一致(应为:%(expected)s)。%(missing)s请下载模板后填写。")
            % {
                "expected": pgettext("enumeration", "、").join(expected),
                "missing": _("缺少:%(names)s。")
                % {"names": pgettext("enumeration", "、").join(missing)}
                if missing
                else "",
            }
        )
    lines = []
    for number, row in enumerate(rows, start=2):
        # Counted as read, blank or not: a small file can unpack to a huge sheet.
        if number - 1 > MAX_ROWS:
            raise ImportRefused(_("数据行太多,一个文件最多 %(limit)d 行。") % {"limit": MAX_ROWS})
        cells = dict(zip(KEYS, list(row) + [None] * len(KEYS), strict=False))
        # A template row left blank (no value, source or remark) is not to be imported.
        if any(text(cells[k]) for k in ("value", "source", "remark")):
            lines.append((number, cells))
    if not lines:
        raise ImportRefused(_("文件中没有填写任何数值。"))
    return _check_lines(title, lines, counties)


def _check_lines(title: str, lines, counties) -> Checked:
    result = Checked()
    by_code = {c.code: c for c in County.objects.all()}
    mine = set(counties.values_list("pk", flat=True))
    indicators = {i.code: i for i in Indicator.objects.filter(level=Indicator.Level.COUNTY)}
    periods = {p.code: p for p in Period.objects.all()}
    today = timezone.localdate()
    reopened = set(
        PeriodReopening.objects.filter(until__gte=today).values_list("period_id", "county_id")
    )
    wanted = {(text(c["period"]), text(c["county"])) for _n, c in lines}
    current = {
        (v.county_id, v.indicator_id, v.period_id): v
        for v in IndicatorValue.objects.filter(
            period__code__in={p for p, _c in wanted}, county__code__in={c for _p, c in wanted}
        )
    }
    seen: dict[tuple, int] = {}

    def error(row: int, key: str, message: str) -> None:
        column = f"{get_column_letter(KEYS.index(key) + 1)}({dict(COLUMNS)[key]})"
        result.errors.append(RowError(title, row, column, message))

    for row, cells in lines:
        county = by_code.get(text(cells["county"]))
        indicator = indicators.get(text(cells["indicator"]))
        period = periods.get(text(cells["period"]))
        if county is None:
            error(
                row,
                "county",
                _("没有代码为“%(code)s”的县(市、区)。") % {"code": text(cells["county"])},
            )
        elif county.pk not in mine:
            error(row, "county", _("%(county)s 不在您的填报范围内。") % {"county": county.label})
            county = None
        if indicator is None:
            error(
                row,
                "indicator",
                _("没有编号为“%(code)s”的分县指标。") % {"code": text(cells["indicator"])},
            )
        if period is None:
            error(
                row, "period", _("没有“%(code)s”这个填报周期。") % {"code": text(cells["period"])}
            )
        elif county is not None and period.locked and (period.pk, county.pk) not in reopened:
            error(row, "period", _("%(period)s 已锁定,不能再修改。") % {"period": period.label})
        try:
            value = _number(cells["value"])
        except InvalidOperation:
            error(row, "value", _("“%(text)s”不是数字。") % {"text": text(cells["value"])})
            value = None
        else:
            if value is None:
                error(row, "value", _("请填写数值。"))
            elif indicator is not None and not _in_range(indicator, value):
                error(
                    row,
                    "value",
                    _("%(value)s 超出合理范围(%(low)s 至 %(high)s %(unit)s)。")
                    % {
                        "value": plain(value),
                        "low": plain(indicator.minimum) or "—",
                        "high": plain(indicator.maximum) or "—",
                        "unit": indicator.unit_label,
                    },
                )
                value = None
            # A finite number's exponent is an int (_number refuses NaN and infinities).
            elif value.as_tuple().exponent < -4 or value.adjusted() >= 12:  # type: ignore[operator]
                error(row, "value", _("数值最多保留4位小数,整数部分不超过12位。"))
                value = None
        source, remark = text(cells["source"]), text(cells["remark"])
        if not source:
            error(row, "source", _("请填写数据来源。"))
        elif len(source) > 200:
            error(row, "source", _("数据来源最长200字。"))
        if len(remark) > 1000:
            error(row, "remark", _("备注最长1000字。"))
        if county is None or indicator is None or period is None:
            continue
        key = (county.pk, indicator.pk, period.pk)
        if key in seen:
            error(
                row,
                "indicator",
                _("与第%(row)d行重复(同一县、指标和周期)。") % {"row": seen[key]},
            )
            continue
        seen[key] = row
        if value is None or not source:
            continue
        change = Change(county, indicator, period, value, source, remark, current.get(key))
        if change.current is not None and change.kind == "changed" and not change.current.editable:
            error(
                row,
                "value",
                _("这个指标值%(state)s,不能再修改;如需修改,请审核人先退回。")
                % {"state": change.current.get_state_display()},
            )
            continue
        result.changes.append(change)
    return result


def _in_range(indicator: Indicator, value: Decimal) -> bool:
    low, high = indicator.minimum, indicator.maximum
    return (low is None or value >= low) and (high is None or value <= high)


class ImportChanged(Exception):
    """The values changed between the preview and the confirmation."""


def apply(checked: Checked, digest: str, *, user, submit: bool, request=None) -> dict[str, int]:
    """Apply the checked changes in one transaction, if they are still what the user saw. With
    ``submit``, rows left as they were but still in draft (or returned) are submitted too."""
    if checked.errors:
        raise ValueError("a file with errors is never applied")
    unchanged = [c for c in checked.changes if c.kind == "unchanged"]
    todo = [c for c in checked.changes if c.kind != "unchanged"]
    if submit:
        todo += [
            c for c in unchanged if c.current and c.current.state in (State.DRAFT, State.RETURNED)
        ]
    now = timezone.now()
    changed_meanwhile = ImportChanged(_("预览之后这些指标值已被修改,请重新上传文件核对。"))
    try:
        with transaction.atomic():
            locked = IndicatorValue.objects.select_for_update(**ROW_ONLY).in_bulk(
                [c.current.pk for c in todo if c.current]
            )
            moved = [
                c
                for c in todo
                if c.current
                and (
                    c.current.pk not in locked or locked[c.current.pk].version != c.current.version
                )
            ]
            if checked.digest != digest or moved or _newly_locked(todo):
                raise changed_meanwhile
            return _write(todo, len(checked.changes), user, submit, now, request)
    except IntegrityError:  # someone created one of the new values at the same moment
        raise changed_meanwhile from None


def _newly_locked(todo: list[Change]) -> bool:
    """A period of the file locked (and not reopened for the county) since it was checked."""
    today = timezone.localdate()
    locked = set(
        Period.objects.filter(pk__in={c.period.pk for c in todo}, locked=True).values_list(
            "pk", flat=True
        )
    )
    reopened = set(
        PeriodReopening.objects.filter(period__in=locked, until__gte=today).values_list(
            "period_id", "county_id"
        )
    )
    return any(c.period.pk in locked and (c.period.pk, c.county.pk) not in reopened for c in todo)


def _write(todo: list[Change], rows: int, user, submit: bool, now, request) -> dict[str, int]:
    targets = {i.pk: i.targets_in_force for i in {c.indicator for c in todo}}
    new: list[IndicatorValue] = []
    changed: list[IndicatorValue] = []
    audit_rows = []
    for c in todo:
        record = c.current or IndicatorValue(
            county=c.county, indicator=c.indicator, period=c.period, version=0
        )
        before = [str(record.value), record.source] if c.current else None
        record.value, record.source, record.remark = c.value, c.source, c.remark
        record.target_2027, record.target_2035 = targets[c.indicator.pk]
        record.version += 1
        record.updated_by, record.updated_at = user, now
        if submit:
            record.state, record.submitted_at = State.SUBMITTED, now
        elif c.current is None:
            record.state = State.DRAFT
        (changed if c.current else new).append(record)
        audit_rows.append(
            [
                f"{c.county.code} {c.indicator.code} {c.period.code}",
                before,
                [str(c.value), c.source],
            ]
        )
    IndicatorValue.objects.bulk_create(new, batch_size=1000)
    # The changed rows (locked above) written back as one INSERT … ON CONFLICT DO UPDATE per
    # thousand: bulk_update's CASE per field and row took 44 s for 20,000 values (bench/README.md).
    IndicatorValue.objects.bulk_create(
        changed,
        update_conflicts=True,
        unique_fields=["county", "indicator", "period"],
        update_fields=[
            "value",
            "source",
            "remark",
            "target_2027",
            "target_2035",
            "version",
            "updated_by",
            "updated_at",
            "state",
            "submitted_at",
        ],
        batch_size=1000,
    )
    counts = {"new": len(new), "changed": len(changed), "unchanged": rows - len(todo)}
    trail.record(
        "value.import",
        request=request,
        actor=user,
        changes={
            "counts": [None, counts],
            "submitted": [None, submit],
            "rows": [None, audit_rows],
            # The values written, by id: who wrote a value never reviews it (accounts.four_eyes).
            "values": [None, sorted(record.pk for record in new + changed)],
        },
    )
    return counts
