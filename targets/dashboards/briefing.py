"""The quarterly briefing (季度通报) of a period across the province: reporting completeness by
prefecture, the counties ranked within their county type (approved figures only), red lights and
bottom-line flags, indicators off pace, and highlights quoted from approved notes."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from targets.dashboards import figures, indicator_page
from targets.models import REPORTED, County, CountyType, Indicator, Period, ProgressNote, State
from targets.supervision import lights, pace

OFF_PACE = (pace.ACCELERATION_NEEDED, pace.LIMITED, pace.DETERIORATION)
HIGHLIGHTS = 8
QUOTE_CHARS = 160


@dataclass
class Ranked:
    rank: int | None  # None: no approved note this round, not ranked
    row: figures.UnitRow


@dataclass
class Briefing:
    period: Period
    made_at: datetime.datetime
    completeness: figures.Completeness
    prefectures: list[figures.UnitRow]
    rankings: list[tuple[CountyType | None, list[Ranked]]]
    red: list[tuple[County, lights.CountyLight]]
    flagged: list[ProgressNote]
    off_pace: list[tuple[Indicator, pace.IndicatorPace]]
    highlights: list[ProgressNote]


def _rankings(scope: figures.Scope) -> list[tuple[CountyType | None, list[Ranked]]]:
    """Counties by the mean percent of their approved notes, ranked within their county type."""
    rows = {row.key: row for row in figures.by_unit(scope, "county")}
    groups: dict = {}
    for county in scope.counties.select_related("county_type").order_by("code"):
        groups.setdefault(county.county_type, []).append(rows[county.code])
    result = []
    for county_type, members in sorted(
        groups.items(), key=lambda item: (item[0] is None, item[0] and item[0].order)
    ):
        scored = sorted(
            (r for r in members if r.mean_percent is not None),
            key=lambda r: (-r.mean_percent, r.key),
        )
        ranked = [Ranked(place, row) for place, row in enumerate(scored, start=1)]
        ranked += [Ranked(None, r) for r in members if r.mean_percent is None]
        result.append((county_type, ranked))
    return result


def build(
    period: Period, today: datetime.date, counties: QuerySet[County], whole_province: bool
) -> Briefing:
    """The briefing of the counties a user may see: the province's, or a prefecture's."""
    scope = figures.scope_from({}, counties, period, whole_province=whole_province)
    completeness, _statuses = figures.completeness_and_statuses(scope)
    county_lights = lights.county_lights(lights.Judge(period, today), counties, scope.measures)
    names = {c.pk: c for c in counties.select_related("prefecture")}
    red = sorted(
        ((names[pk], light) for pk, light in county_lights.items() if light.colour == lights.RED),
        key=lambda item: item[0].code,
    )
    notes = scope.notes.select_related("county", "measure", "status", "bottom_line")
    limits = indicator_page.thresholds()
    indicators = list(Indicator.objects.prefetch_related("targets").order_by("order"))
    points = indicator_page.trends(indicators, counties, until=period)
    off_pace = []
    for indicator in indicators:
        result = indicator_page.province_pace(indicator, points.get(indicator.pk, []), limits)
        if result.status in OFF_PACE:
            off_pace.append((indicator, result))
    return Briefing(
        period=period,
        made_at=timezone.now(),
        completeness=completeness,
        prefectures=figures.by_unit(scope, "prefecture"),
        rankings=_rankings(scope),
        red=red,
        flagged=list(
            notes.filter(bottom_line__isnull=False, state__in=REPORTED).order_by(
                "county__code", "measure__order"
            )
        ),
        off_pace=off_pace,
        highlights=list(
            notes.filter(state=State.APPROVED, status__code__in=["completed", "on_schedule"])
            .exclude(narrative="")
            .order_by("-percent", "county__code", "measure__order")[:HIGHLIGHTS]
        ),
    )
