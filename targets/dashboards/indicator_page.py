"""An indicator's page: the trend of approved values, the pace by Open SDG's method with the
inputs behind it, and the counties ranked within their county type. Quarters are placed on a year
axis at their end, a year's value at that year's end (an annual baseline for 2023 → 2023.0;
2026Q2, ending mid-2026, → 2025.5; 2026Q4 → 2026.0)."""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, F, OuterRef, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from targets.models import County, Indicator, IndicatorValue, Period, State
from targets.plan import county_targets
from targets.supervision import pace

# Where the province's line comes from.
PROVINCE = "province"  # the province-level values admins enter (统计公报)
WEIGHTED = "weighted"  # the counties' values, weighted by the indicator's weight indicator
MEAN = "mean"  # the counties' values, each county counting once


def period_time(period_end) -> float:
    return round(period_end.year - 1 + period_end.month / 12, 4)


@dataclass
class TrendPoint:
    period: str  # the code, for URLs and files
    label: str  # the round in words
    ends_on: date
    value: float
    counties: int  # how many counties the value averages (0 for a province-level value)

    @property
    def time(self) -> float:
        return period_time(self.ends_on)


def _round_name(cadence: str, starts_on: date) -> str:
    # The same words as Period.label, from the columns an aggregate query reads.
    return Period(cadence=cadence, starts_on=starts_on).label


def trends(
    indicators, counties: QuerySet[County], until: Period | None = None
) -> dict[int, list[TrendPoint]]:
    """Per indicator and period (up to ``until``, if given), the average of the approved county
    values, from one query: weighted by the same county's approved value of the indicator's
    weight indicator in that period (counties without one are left out), or else plain."""
    values = IndicatorValue.objects.filter(
        indicator__in=indicators, county__in=counties, state=State.APPROVED
    )
    if until is not None:
        values = values.filter(period__ends_on__lte=until.ends_on)
    weighted = {i.pk for i in indicators if i.weight_id is not None}
    sums = {"mean": Avg("value"), "n": Count("id")}
    if weighted:
        weight = IndicatorValue.objects.filter(
            indicator=OuterRef("indicator__weight"),
            county=OuterRef("county"),
            period=OuterRef("period"),
            state=State.APPROVED,
        ).values("value")[:1]
        values = values.alias(weight=Subquery(weight))
        sums |= {"products": Sum(F("value") * F("weight")), "weights": Sum("weight")}
        sums |= {"weighed": Count("weight")}
    rows: Iterable[Mapping[str, Any]] = (
        values.values(
            "indicator", "period__code", "period__cadence", "period__starts_on", "period__ends_on"
        )
        .annotate(**sums)
        .order_by("indicator", "period__ends_on")
    )
    found: dict[int, list[TrendPoint]] = {}
    for r in rows:
        if r["indicator"] in weighted:
            if not r["weights"]:
                continue
            value, n = float(r["products"] / r["weights"]), r["weighed"]
        else:
            value, n = float(r["mean"]), r["n"]
        name = _round_name(r["period__cadence"], r["period__starts_on"])
        point = TrendPoint(r["period__code"], name, r["period__ends_on"], value, n)
        found.setdefault(r["indicator"], []).append(point)
    return found


def province_values(indicator: Indicator) -> list[TrendPoint]:
    rows = indicator.province_values.select_related("period").order_by("period__ends_on")
    return [
        TrendPoint(v.period.code, v.period.label, v.period.ends_on, float(v.value), 0) for v in rows
    ]


@dataclass
class Trend:
    """The province's line of an indicator, and what it is drawn from."""

    indicator: Indicator
    points: list[TrendPoint]
    source: str
    # The counties' average, shown beside the province-level values for comparison.
    county_points: list[TrendPoint] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[TrendPoint, TrendPoint | None]]:
        """Each point of the line with the counties' average of the same period, if shown."""
        beside = {p.period: p for p in self.county_points}
        return [(point, beside.get(point.period)) for point in self.points]

    @property
    def name(self) -> str:
        if self.source == PROVINCE:
            return _("全省数值")
        return county_average_name(self.indicator)

    @property
    def explanation(self) -> str:
        if self.source == PROVINCE:
            return _("全省数值为管理员录入的全省统计数值;各县审核通过数值的平均值另列作对照。")
        if self.source == WEIGHTED and self.indicator.weight is not None:
            return _(
                "没有全省数值,全省线为各县审核通过数值按“%(weight)s”同期数值加权的平均值"
                "(只计两项都有审核通过数值的县)。"
            ) % {"weight": self.indicator.weight.label}
        return _("没有全省数值,全省线为各县审核通过数值的简单平均值:未加权,每县同等计入。")


def county_average_name(indicator: Indicator) -> str:
    if indicator.weight is not None:
        return _("各县加权平均值(按%(weight)s加权)") % {"weight": indicator.weight.label}
    return _("各县简单平均值(未加权)")


def trend(indicator: Indicator, counties: QuerySet[County], whole_province: bool) -> Trend:
    """The province's line: its own values where admins entered them and the page shows the
    whole province, else the counties' average (weighted where the indicator names a weight)."""
    average = trends([indicator], counties).get(indicator.pk, [])
    own = province_values(indicator) if whole_province else []
    if own:
        return Trend(indicator, own, PROVINCE, county_points=average)
    return Trend(indicator, average, WEIGHTED if indicator.weight_id else MEAN)


def _targets(indicator: Indicator) -> tuple:
    return tuple(t.value if t else None for t in indicator.targets_in_force)


def pace_of(
    indicator: Indicator,
    base_time,
    base_value,
    latest: TrendPoint | None,
    thresholds: pace.PaceThresholds,
    targets: tuple | None = None,
) -> pace.IndicatorPace:
    """The pace from the base to the latest value, against ``targets`` (for 2027 and 2035) where
    given, else the province's targets in force."""
    latest_time = latest.time if latest else None
    t27, t35 = targets if targets is not None else _targets(indicator)
    chosen = pace.target_for(int(latest_time) if latest_time else pace.INTERIM_YEAR, t27, t35)
    if chosen is None and t35 is not None:
        chosen = (pace.FINAL_YEAR, t35)  # no 2027 target set: judge against 2035
    target_year, target_value = chosen if chosen else (None, None)
    return pace.indicator_pace(
        base_year=base_time,
        base_value=base_value,
        latest_year=latest_time,
        latest_value=latest.value if latest else None,
        target_year=target_year,
        target_value=target_value,
        higher_is_better=indicator.direction == Indicator.Direction.HIGHER,
        thresholds=thresholds,
    )


def province_pace(
    indicator: Indicator, points: list[TrendPoint], thresholds: pace.PaceThresholds
) -> pace.IndicatorPace:
    return pace_of(
        indicator,
        indicator.baseline_year,
        indicator.baseline_value,
        points[-1] if points else None,
        thresholds,
    )


@dataclass
class CountyRow:
    county: County
    latest: TrendPoint | None
    pace: pace.IndicatorPace
    rank: int | None = None
    # Judged against the county's own targets (目标分解), not the province's.
    own_target: bool = False


def county_rows(
    indicator: Indicator, counties: QuerySet[County], thresholds: pace.PaceThresholds
) -> list[tuple[object, list[CountyRow]]]:
    """Each county's first and latest approved values and its pace from the first to the latest,
    ranked within its county type (by pace ratio, then by the latest value in the better
    direction); counties without a type are grouped as unclassified."""
    values = (
        IndicatorValue.objects.filter(
            indicator=indicator, county__in=counties, state=State.APPROVED
        )
        .select_related("period")
        .order_by("county_id", "period__ends_on")
    )
    series = {county: list(rows) for county, rows in groupby(values, key=lambda v: v.county_id)}
    higher = indicator.direction == Indicator.Direction.HIGHER
    province = _targets(indicator)
    own_targets = county_targets.for_pace(indicator, counties)
    rows = []
    for county in counties.select_related("county_type", "prefecture").order_by("code"):
        own = series.get(county.pk, [])
        first = own[0] if own else None
        last = own[-1].period if own else None
        latest = (
            TrendPoint(last.code, last.label, last.ends_on, float(own[-1].value), 1)
            if last
            else None
        )
        base_time = period_time(first.period.ends_on) if first else None
        mine = own_targets.get(county.pk, (None, None))
        targets = tuple(o if o is not None else p for o, p in zip(mine, province, strict=True))
        judged = pace_of(
            indicator, base_time, first.value if first else None, latest, thresholds, targets
        )
        chosen = {pace.INTERIM_YEAR: mine[0], pace.FINAL_YEAR: mine[1]}.get(judged.target_year or 0)
        rows.append(CountyRow(county, latest, judged, own_target=chosen is not None))

    def order(row: CountyRow):
        ratio = row.pace.ratio if row.pace.ratio is not None else float("-inf")
        value = row.latest.value if row.latest else None
        by_value = (value if higher else -value) if value is not None else float("-inf")
        return (-ratio, -by_value)

    groups = []
    for county_type, members in groupby(
        sorted(rows, key=lambda r: r.county.county_type.order if r.county.county_type else 99),
        key=lambda r: r.county.county_type,
    ):
        ranked = sorted(members, key=order)
        for position, row in enumerate(ranked, start=1):
            row.rank = position if row.latest else None
        groups.append((county_type, ranked))
    return groups


def axis_bounds(levels: list[float], ticks: int = 5) -> tuple[float, float, float]:
    """Bounds and interval of a value axis that hold ``levels`` with round numbers: a step of
    1, 2, 2.5 or 5 times a power of ten, about ``ticks`` of them, the bounds on whole steps
    (58.44 … 71.05 → 55 … 75 by 5)."""
    low, high = min(levels), max(levels)
    if low == high:
        spread = abs(low) * 0.1 or 1
        low, high = low - spread, high + spread
    rough = (high - low) / ticks
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)
    places = max(0, -math.floor(math.log10(step)) + 1)
    # (a hair of tolerance: 0.3 / 0.1 is 2.9999999999999996 in binary floating point)
    bottom = round(math.floor(low / step + 1e-9) * step, places)
    top = round(math.ceil(high / step - 1e-9) * step, places)
    return bottom, top, round(step, places)


def _dated(points: list[TrendPoint]) -> list[list]:
    """Points on a time axis: each period at the date it ends, with its name for the tooltip."""
    return [[p.ends_on.isoformat(), round(p.value, 2), p.label] for p in points]


def chart_data(line: Trend) -> dict:
    """What the trend chart needs (passed to the page with json_script): the series on a time
    axis from the start of the baseline's year (or the first period's) to the start of the year
    after the latest period, and the baseline and targets as level lines."""
    indicator = line.indicator
    t27, t35 = _targets(indicator)
    levels: list[dict[str, Any]] = [
        {
            "name": _("基期值(%(year)s年)") % {"year": indicator.baseline_year},
            "value": float(indicator.baseline_value),
            "kind": "baseline",
        },
    ]
    for year, target in ((2027, t27), (2035, t35)):
        if target is not None:
            name = _("%(year)s年目标") % {"year": year}
            levels.append({"name": name, "value": float(target), "kind": f"target{year}"})
    series = [{"name": line.name, "source": line.source, "points": _dated(line.points)}]
    if line.county_points:
        series.append(
            {
                "name": county_average_name(indicator),
                "source": WEIGHTED if indicator.weight_id else MEAN,
                "points": _dated(line.county_points),
            }
        )
    everything = [p for s in series for p in s["points"]]
    low, high, step = axis_bounds([level["value"] for level in levels] + [p[1] for p in everything])
    first_year = min([indicator.baseline_year] + [int(p[0][:4]) for p in everything])
    last_year = max([indicator.baseline_year] + [int(p[0][:4]) for p in everything])
    return {
        "type": "trend",
        "series": series,
        "levels": levels,
        "unit": indicator.unit_label,
        "time": {"min": f"{first_year}-01-01", "max": f"{last_year + 1}-01-01"},
        "value": {"min": low, "max": high, "interval": step},
    }


def thresholds() -> pace.PaceThresholds:
    return pace.PaceThresholds(on_track=settings.PACE_ON_TRACK, limited=settings.PACE_LIMITED)
