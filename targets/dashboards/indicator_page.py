"""An indicator's page: the trend of approved values, the pace by Open SDG's method with the
inputs behind it, and the counties ranked within their county type. Quarters are placed on a year
axis at their end, a year's value at that year's end (an annual baseline for 2023 → 2023.0;
2026Q2, ending mid-2026, → 2025.5; 2026Q4 → 2026.0)."""

from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.db.models import Avg, Count, QuerySet
from django.utils.translation import gettext as _

from targets.models import County, Indicator, IndicatorValue, Period, State
from targets.supervision import pace


def period_time(period_end) -> float:
    return round(period_end.year - 1 + period_end.month / 12, 4)


@dataclass
class TrendPoint:
    period: str
    time: float
    value: float
    counties: int


def trends(
    indicators, counties: QuerySet[County], until: Period | None = None
) -> dict[int, list[TrendPoint]]:
    """Per indicator and period (up to ``until``, if given), the mean of the approved county
    values, from one query."""
    values = IndicatorValue.objects.filter(
        indicator__in=indicators, county__in=counties, state=State.APPROVED
    )
    if until is not None:
        values = values.filter(period__ends_on__lte=until.ends_on)
    rows = (
        values.values("indicator", "period__code", "period__ends_on")
        .annotate(mean=Avg("value"), n=Count("id"))
        .order_by("indicator", "period__ends_on")
    )
    found: dict[int, list[TrendPoint]] = {}
    for r in rows:
        point = TrendPoint(
            r["period__code"], period_time(r["period__ends_on"]), float(r["mean"]), r["n"]
        )
        found.setdefault(r["indicator"], []).append(point)
    return found


def trend(indicator: Indicator, counties: QuerySet[County]) -> list[TrendPoint]:
    """Per period, the mean of the approved county values of one indicator."""
    return trends([indicator], counties).get(indicator.pk, [])


def _targets(indicator: Indicator) -> tuple:
    return tuple(t.value if t else None for t in indicator.targets_in_force)


def pace_of(
    indicator: Indicator,
    base_time,
    base_value,
    latest: TrendPoint | None,
    thresholds: pace.PaceThresholds,
) -> pace.IndicatorPace:
    latest_time = latest.time if latest else None
    t27, t35 = _targets(indicator)
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
    rows = []
    for county in counties.select_related("county_type", "prefecture").order_by("code"):
        own = series.get(county.pk, [])
        first = own[0] if own else None
        latest = (
            TrendPoint(
                own[-1].period.code, period_time(own[-1].period.ends_on), float(own[-1].value), 1
            )
            if own
            else None
        )
        base_time = period_time(first.period.ends_on) if first else None
        rows.append(
            CountyRow(
                county,
                latest,
                pace_of(indicator, base_time, first.value if first else None, latest, thresholds),
            )
        )

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


def chart_data(indicator: Indicator, points: list[TrendPoint]) -> dict:
    """What the trend chart needs (passed to the page with json_script)."""
    t27, t35 = _targets(indicator)
    return {
        "type": "trend",
        "periods": [p.period for p in points],
        "values": [round(p.value, 2) for p in points],
        "baseline": float(indicator.baseline_value),
        "target2027": float(t27) if t27 is not None else None,
        "target2035": float(t35) if t35 is not None else None,
        "unit": indicator.unit_label,
        "names": {
            "values": str(_("各县平均值")),
            "baseline": str(_("基期值")),
            "target2027": str(_("2027年目标")),
            "target2035": str(_("2035年目标")),
        },
    }


def thresholds() -> pace.PaceThresholds:
    return pace.PaceThresholds(on_track=settings.PACE_ON_TRACK, limited=settings.PACE_LIMITED)
