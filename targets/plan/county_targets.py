"""Each county's own targets for the county-level indicators (目标分解): kept in versions like the
province's (who, when, why), exported as a workbook of every county and indicator and imported
back. A workbook with any error changes nothing; a value that differs from the one in force is a
new version, and changing a target already set needs a reason."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.files.base import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from targets.audit import trail
from targets.models import County, CountyTarget, Horizon, Indicator
from targets.spreadsheets.exports import Column, Table
from targets.spreadsheets.xlsx_input import (
    ImportRefused,
    RowError,
    in_workbook_language,
    open_workbook,
    refuse_declared_span,
    rows_of,
    text,
)

INTERIM_YEAR = Horizon.Y2027
YEARS = range(2024, 2036)  # the plan's years, to 2035
# Every county × indicator × a few years, with room: national scale has 2,883 county units.
MAX_ROWS = 100_000

COLUMNS = [
    ("county", gettext_lazy("县代码")),
    ("county_name", gettext_lazy("县(市、区)")),
    ("indicator", gettext_lazy("指标编号")),
    ("indicator_name", gettext_lazy("指标名称")),
    ("unit", gettext_lazy("单位")),
    ("year", gettext_lazy("目标年份")),
    ("value", gettext_lazy("目标值")),
    ("reason", gettext_lazy("调整理由")),
]
KEYS = [key for key, _label in COLUMNS]

type Key = tuple[int, int, int]  # county, indicator, year


def in_force(
    indicators: QuerySet[Indicator], counties: QuerySet[County]
) -> dict[Key, CountyTarget]:
    """The version in force of each county's target, by (county, indicator, year)."""
    found: dict[Key, CountyTarget] = {}
    for target in CountyTarget.objects.filter(
        indicator__in=indicators, county__in=counties
    ).order_by("version"):
        found[(target.county_id, target.indicator_id, target.year)] = target  # the latest wins
    return found


def for_pace(
    indicator: Indicator, counties: QuerySet[County]
) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """Each county's own targets for 2027 and 2035 where it has either, by county pk: (value for
    2027 or None, value for 2035 or None)."""
    found: dict[int, list[Decimal | None]] = {}
    kept = in_force(Indicator.objects.filter(pk=indicator.pk), counties)
    for (county, _indicator, year), target in kept.items():
        if year in Horizon.values:
            pair = found.setdefault(county, [None, None])
            pair[0 if year == INTERIM_YEAR else 1] = target.value
    return {county: (pair[0], pair[1]) for county, pair in found.items()}


def template(counties: QuerySet[County]) -> Table:
    """Every county × county-level indicator with its 2027 target (blank where none is set), and
    each other year's target in force: the workbook to fill in and import back."""
    indicators = Indicator.objects.filter(level=Indicator.Level.COUNTY).order_by("order", "code")
    kept = in_force(indicators, counties)
    other_years: dict[tuple[int, int], list[CountyTarget]] = {}
    for (county, indicator, year), target in sorted(kept.items()):
        if year != INTERIM_YEAR:
            other_years.setdefault((county, indicator), []).append(target)

    def line(
        county: County, indicator: Indicator, year: int, target: CountyTarget | None
    ) -> list[object]:
        value = target.value if target else None
        return [
            county.code,
            county.label,
            indicator.code,
            indicator.label,
            indicator.unit_label,
            year,
            value,
            "",
        ]

    def lines() -> Iterator[list[object]]:
        for county in counties.order_by("code"):
            for indicator in indicators:
                key = (county.pk, indicator.pk, INTERIM_YEAR)
                yield line(county, indicator, INTERIM_YEAR, kept.get(key))
                for target in other_years.get((county.pk, indicator.pk), []):
                    yield line(county, indicator, target.year, target)

    with in_workbook_language():
        columns = [Column(str(label)) for _key, label in COLUMNS]
    return Table("county-targets", _("分县目标"), columns, lines())


@dataclass
class Change:
    county: County
    indicator: Indicator
    year: int
    value: Decimal
    reason: str
    current: CountyTarget | None


@dataclass
class Checked:
    title: str = ""
    errors: list[RowError] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def digest(self) -> str:
        """What the user saw and confirmed: the same digest means the same changes."""
        lines = sorted(
            f"{c.county.pk}:{c.indicator.pk}:{c.year}:{c.value}:{c.reason}:"
            f"{c.current.version if c.current else 0}"
            for c in self.changes
        )
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def check(upload: "File[bytes]", counties: QuerySet[County]) -> Checked:
    """Read and check every row of the first sheet; ``counties`` are those the user may set
    targets for. A row with no value is left as it is (a county without its own target)."""
    book = open_workbook(upload)
    sheet = book.worksheets[0]
    refuse_declared_span(sheet, MAX_ROWS)
    rows = rows_of(sheet, max_rows=MAX_ROWS)
    header = [text(h) for h in next(rows, ())]
    with in_workbook_language():
        expected = [str(label) for _key, label in COLUMNS]
    if header[: len(expected)] != expected:
        raise ImportRefused(
            _("列与模板不一致(应为:%(expected)s)。请下载模板后填写。")
            % {"expected": "、".join(expected)}
        )
    result = Checked(title=sheet.title)
    by_code = {c.code: c for c in counties}
    indicators = {i.code: i for i in Indicator.objects.filter(level=Indicator.Level.COUNTY)}
    kept = in_force(Indicator.objects.filter(level=Indicator.Level.COUNTY), counties)
    seen: dict[Key, int] = {}

    def error(row: int, key: str, message: str) -> None:
        column = f"{get_column_letter(KEYS.index(key) + 1)}({dict(COLUMNS)[key]})"
        result.errors.append(RowError(result.title, row, column, message))

    for number, cells in enumerate(rows, start=2):
        values = dict(zip(KEYS, [*cells, *[None] * len(KEYS)], strict=False))
        if not text(values["value"]):
            continue
        county = by_code.get(text(values["county"]))
        if county is None:
            error(
                number,
                "county",
                _("“%(code)s”不是您可设定目标的县。") % {"code": text(values["county"])},
            )
        indicator = indicators.get(text(values["indicator"]))
        if indicator is None:
            error(
                number,
                "indicator",
                _("没有编号为“%(code)s”的分县指标。") % {"code": text(values["indicator"])},
            )
        year = _year(text(values["year"]))
        if year is None:
            error(
                number,
                "year",
                _("目标年份应为%(first)d至%(last)d年之间的年份。")
                % {"first": YEARS[0], "last": YEARS[-1]},
            )
        value = _value(values["value"])
        if value is None:
            error(number, "value", _("“%(text)s”不是数字。") % {"text": text(values["value"])})
        elif indicator is not None and not _in_range(indicator, value):
            error(number, "value", _("目标值超出该指标的合理范围。"))
            value = None
        reason = text(values["reason"])
        if len(reason) > 1000:
            error(number, "reason", _("调整理由最长1000字。"))
        if county is None or indicator is None or year is None or value is None:
            continue
        key = (county.pk, indicator.pk, year)
        if key in seen:
            error(number, "year", _("与第%(row)d行重复(同一县、指标和年份)。") % {"row": seen[key]})
            continue
        seen[key] = number
        current = kept.get(key)
        if current is not None and current.value == value:
            continue
        if current is not None and not reason:
            error(number, "reason", _("修改已设定的目标值须填写调整理由。"))
            continue
        result.changes.append(Change(county, indicator, year, value, reason, current))
    return result


def _year(cell: str) -> int | None:
    try:
        year = int(cell)
    except ValueError:
        return None
    return year if year in YEARS else None


def _value(cell: object) -> Decimal | None:
    try:
        value = Decimal(text(cell))
    except InvalidOperation:
        return None
    if not value.is_finite() or value.as_tuple().exponent < -4 or value.adjusted() >= 12:  # type: ignore[operator]
        return None
    return value


def _in_range(indicator: Indicator, value: Decimal) -> bool:
    low, high = indicator.minimum, indicator.maximum
    return (low is None or value >= low) and (high is None or value <= high)


class TargetsChanged(Exception):
    """A target changed between the preview and the confirmation."""


def apply(checked: Checked, *, user: User, request: HttpRequest | None = None) -> int:
    """Write the checked changes as new versions, all or none; the number written."""
    if checked.errors:
        raise ValueError("a file with errors is never applied")
    with transaction.atomic():
        # One importer at a time per indicator: versions are numbered from the latest.
        list(
            Indicator.objects.select_for_update(no_key=True)
            .filter(pk__in={c.indicator.pk for c in checked.changes})
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        latest = in_force(
            Indicator.objects.filter(pk__in={c.indicator.pk for c in checked.changes}),
            County.objects.filter(pk__in={c.county.pk for c in checked.changes}),
        )
        made = []
        for change in checked.changes:
            now = latest.get((change.county.pk, change.indicator.pk, change.year))
            if (now.version if now else 0) != (change.current.version if change.current else 0):
                raise TargetsChanged
            made.append(
                CountyTarget(
                    county=change.county,
                    indicator=change.indicator,
                    year=change.year,
                    version=(now.version + 1) if now else 1,
                    value=change.value,
                    reason=change.reason,
                    set_by=user,
                )
            )
        CountyTarget.objects.bulk_create(made, batch_size=1000)
        trail.record(
            "plan.county_targets",
            request=request,
            actor=user,
            changes={
                "targets": [
                    None,
                    [
                        [
                            f"{c.county.code} {c.indicator.code} {c.year}",
                            str(c.current.value) if c.current else None,
                            str(c.value),
                        ]
                        for c in checked.changes
                    ],
                ]
            },
        )
    return len(made)
