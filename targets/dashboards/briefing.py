"""The progress briefing (进展通报) of a round, written as an official document: completeness by
prefecture with the total of the scope, the county types summarised and their counties ranked
within each type (approved figures only), the counties most in need of attention, bottom-line
flags, indicators off pace in plain words (the figures in a note), the rectification of the
problem list by prefecture (问题整改, as of the day it is made), and highlights quoted from
approved notes.

What goes in, and what does not: the document is meant to be read and circulated, so it stays
a few pages long at Sichuan scale. Each county type names its first and last five counties
(every county when a type has ten or fewer ranked); the full ranking of every county is the
briefing's annex, a spreadsheet (``Briefing.annex``), not pages of the document. Of the
counties with a red light, the ten with the most measures unreported or behind are named, and
the prefecture table counts them all. Where no county type is set, the ranking section says so
in a sentence instead of listing every county as unclassified."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from plenum import replica
from targets.dashboards import figures, indicator_page
from targets.models import (
    REPORTED,
    County,
    CountyType,
    Indicator,
    Period,
    Practice,
    Prefecture,
    Problem,
    ProblemState,
    ProgressNote,
    State,
    SupervisionOrder,
)
from targets.models.localized import in_language
from targets.models.problems import OPEN
from targets.orders import listing
from targets.supervision import lights, pace

OFF_PACE = (pace.ACCELERATION_NEEDED, pace.LIMITED, pace.DETERIORATION)
HIGHLIGHTS = 8
NAMED_AT_EACH_END = 5  # of a county type's ranking: its first and its last five
ATTENTION = 10  # red-light counties named in the attention list


@dataclass
class CountyEntry:
    county: County  # with its prefecture and county type
    row: figures.UnitRow
    light: lights.Light
    rank: int | None = None  # None: no approved note this round, not ranked

    @property
    def problems(self) -> int:
        """Measures not submitted, and approved notes with a red status."""
        return self.row.missing + self.row.behind


@dataclass
class Summary:
    """The figures of a group of counties: a prefecture, a county type, or the whole scope.
    Counts are sums over the counties; the mean progress is that of all their approved notes."""

    label: str
    counties: int
    slots: int
    reported: int
    approved: int
    red: int
    mean_percent: float | None

    @property
    def missing(self) -> int:
        return self.slots - self.reported

    @property
    def reported_share(self) -> int:
        return round(100 * self.reported / self.slots) if self.slots else 0


def summarise(label: str, entries: list[CountyEntry]) -> Summary:
    approved = sum(e.row.approved for e in entries)
    # A county's mean is over its approved notes: weighted by their number, the means of the
    # counties give the mean of all the group's approved notes.
    weighted = sum(
        e.row.mean_percent * e.row.approved for e in entries if e.row.mean_percent is not None
    )
    return Summary(
        label=label,
        counties=len(entries),
        slots=sum(e.row.slots for e in entries),
        reported=sum(e.row.reported for e in entries),
        approved=approved,
        red=sum(e.light.colour == lights.RED for e in entries),
        mean_percent=weighted / approved if approved else None,
    )


@dataclass
class TypeRanking:
    """A county type's counties ranked by the mean percent of their approved notes."""

    county_type: CountyType
    summary: Summary
    members: list[CountyEntry]  # the ranked in their order, then those with no approved note

    @property
    def ranked(self) -> list[CountyEntry]:
        return [entry for entry in self.members if entry.rank is not None]

    @property
    def unranked(self) -> int:
        return len(self.members) - len(self.ranked)

    @property
    def shortened(self) -> bool:
        return len(self.ranked) > 2 * NAMED_AT_EACH_END

    @property
    def head(self) -> list[CountyEntry]:
        return self.ranked[:NAMED_AT_EACH_END] if self.shortened else self.ranked

    @property
    def tail(self) -> list[CountyEntry]:
        return self.ranked[-NAMED_AT_EACH_END:] if self.shortened else []

    @property
    def skipped(self) -> int:
        return len(self.ranked) - len(self.head) - len(self.tail)


@dataclass
class OffPace:
    """An indicator off pace across the scope, with the figures its judgement rests on."""

    indicator: Indicator
    pace: pace.IndicatorPace
    latest: indicator_page.TrendPoint

    @property
    def latest_period(self) -> str:
        """The round of the latest values, in words."""
        return self.latest.label

    @property
    def words(self) -> str:
        """The judgement in plain words, without the figures (they go in the note)."""
        year = self.pace.target_year
        if self.pace.status == pace.ACCELERATION_NEEDED:
            return _("有进展,但速度不够:照目前的速度,到%(year)d年达不到目标,需要加快。") % {
                "year": year
            }
        if self.pace.status == pace.LIMITED:
            return _("进展缓慢:照目前的速度,到%(year)d年离目标还差得远。") % {"year": year}
        return _("不进反退:最新值比基期离目标更远。")


@dataclass(frozen=True)
class Rectification:
    """The problem list of a prefecture (or of the whole scope): how many problems were raised,
    how many are closed, await verification, are still owed, and owed past their deadline."""

    label: str
    raised: int
    closed: int
    reported: int
    owed: int
    overdue: int


def _rectification(
    counties: QuerySet[County], today: datetime.date, total_label: str
) -> list[Rectification]:
    """By prefecture, in code order, then the total; empty when the scope has no problems."""
    rows = (
        Problem.objects.filter(county__in=counties)
        .values(
            "county__prefecture__code", "county__prefecture__name", "county__prefecture__name_en"
        )
        .annotate(
            raised=Count("pk"),
            closed=Count("pk", filter=Q(state=ProblemState.CLOSED)),
            reported=Count("pk", filter=Q(state=ProblemState.REPORTED)),
            owed=Count("pk", filter=Q(state__in=OPEN)),
            overdue=Count("pk", filter=Q(state__in=OPEN, deadline__lt=today)),
        )
        .order_by("county__prefecture__code")
    )
    found = [
        Rectification(
            in_language(row["county__prefecture__name"], row["county__prefecture__name_en"]),
            row["raised"],
            row["closed"],
            row["reported"],
            row["owed"],
            row["overdue"],
        )
        for row in rows
    ]
    if not found:
        return []
    total = Rectification(
        total_label,
        *(
            sum(getattr(r, name) for r in found)
            for name in ("raised", "closed", "reported", "owed", "overdue")
        ),
    )
    return [*found, total]


@dataclass
class Briefing:
    period: Period
    made_at: datetime.datetime
    whole_province: bool
    entries: list[CountyEntry]  # every county of the scope, by code
    completeness: figures.Completeness
    prefectures: list[Summary]
    total: Summary
    types: list[TypeRanking]
    untyped: int  # counties whose county type is not set: not ranked
    red: list[CountyEntry]  # the red-light counties with the most problems, at most ATTENTION
    red_total: int
    flagged: list[ProgressNote]
    off_pace: list[OffPace]
    curated: list[Practice]  # the round's curated cases (典型经验), before the automatic picks
    highlights: list[ProgressNote]
    rectification: list[Rectification]  # by prefecture, then the total; empty: no problems
    thresholds: pace.PaceThresholds  # the limits of R, stated in the notes
    orders: listing.RoundOrders | None = None  # supervision orders (督办单) of the scope

    @property
    def title(self) -> str:
        return _("%(period)s进展通报") % {"period": self.period.label}

    @property
    def scope_name(self) -> str:
        """The prefectures a prefecture reviewer's briefing covers, by name."""
        return _("、").join(p.label for p in self.prefectures)  # English: ", "

    @property
    def counties(self) -> int:
        return self.total.counties

    def annex(self) -> list[tuple[str, CountyEntry]]:
        """Every county with its type's name: each type's counties in rank order (those not
        ranked after them), then the counties with no type."""
        rows = [(t.county_type.label, entry) for t in self.types for entry in t.members]
        unclassified = _("未分类")
        rows += [(unclassified, e) for e in self.entries if e.county.county_type is None]
        return rows


def _entries(scope: figures.Scope, judge: lights.Judge) -> list[CountyEntry]:
    rows = {row.key: row for row in figures.by_unit(scope, "county")}
    county_lights = lights.county_lights(judge, scope.counties, scope.measures, scope.notes)
    counties = scope.counties.select_related("prefecture", "county_type").order_by("code")
    return [CountyEntry(c, rows[c.code], county_lights[c.pk]) for c in counties]


def _by_prefecture(entries: list[CountyEntry]) -> list[Summary]:
    groups: dict[Prefecture, list[CountyEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.county.prefecture, []).append(entry)
    return [
        summarise(prefecture.label, members)
        for prefecture, members in sorted(groups.items(), key=lambda item: item[0].code)
    ]


def _rankings(entries: list[CountyEntry]) -> list[TypeRanking]:
    """The county types in their order, each with its counties ranked within it."""
    groups: dict[CountyType, list[CountyEntry]] = {}
    for entry in entries:
        if entry.county.county_type is not None:
            groups.setdefault(entry.county.county_type, []).append(entry)
    result = []
    for county_type, members in sorted(groups.items(), key=lambda item: item[0].order):
        scored = [e for e in members if e.row.mean_percent is not None]
        scored.sort(key=lambda e: (-(e.row.mean_percent or 0.0), e.county.code))
        for place, entry in enumerate(scored, start=1):
            entry.rank = place
        unscored = [e for e in members if e.rank is None]
        result.append(
            TypeRanking(county_type, summarise(county_type.label, members), scored + unscored)
        )
    return result


def _off_pace(period: Period, counties: QuerySet[County]) -> list[OffPace]:
    limits = indicator_page.thresholds()
    indicators = list(Indicator.objects.prefetch_related("targets").order_by("order"))
    points = indicator_page.trends(indicators, counties, until=period)
    found = []
    for indicator in indicators:
        series = points.get(indicator.pk, [])
        result = indicator_page.province_pace(indicator, series, limits)
        if result.status in OFF_PACE:
            found.append((indicator, result, series[-1]))
    return [OffPace(i, result, latest) for i, result, latest in found]


def build(
    period: Period, today: datetime.date, counties: QuerySet[County], whole_province: bool
) -> Briefing:
    """The briefing of the counties a user may see: the province's, or a prefecture's."""
    scope = figures.scope_from({}, counties, period, whole_province=whole_province)
    completeness, _statuses = figures.completeness_and_statuses(scope)
    entries = _entries(scope, lights.Judge(period, today))
    red = [e for e in entries if e.light.colour == lights.RED]
    notes = scope.notes.select_related("county__prefecture", "measure", "status", "bottom_line")
    types = _rankings(entries)
    curated = list(
        Practice.objects.in_briefing(period.pk, counties).select_related(
            "county__prefecture", "measure"
        )[:HIGHLIGHTS]
    )
    return Briefing(
        period=period,
        made_at=replica.as_of(),
        whole_province=whole_province,
        entries=entries,
        completeness=completeness,
        prefectures=_by_prefecture(entries),
        total=summarise(_("全省") if whole_province else _("合计"), entries),
        types=types,
        untyped=sum(e.county.county_type is None for e in entries),
        red=sorted(red, key=lambda e: (-e.problems, e.county.code))[:ATTENTION],
        red_total=len(red),
        flagged=list(
            notes.filter(bottom_line__isnull=False, state__in=REPORTED).order_by(
                "county__code", "measure__order"
            )
        ),
        off_pace=_off_pace(period, counties),
        curated=curated,
        highlights=list(
            notes.filter(state=State.APPROVED, status__code__in=["completed", "on_schedule"])
            .exclude(narrative="")
            .exclude(pk__in=[case.note_id for case in curated if case.note_id])
            .order_by("-percent", "county__code", "measure__order")[: HIGHLIGHTS - len(curated)]
        ),
        rectification=_rectification(counties, today, _("全省") if whole_province else _("合计")),
        thresholds=indicator_page.thresholds(),
        orders=_orders(period, today, counties, whole_province),
    )


def _orders(
    period: Period, today: datetime.date, counties: QuerySet[County], whole_province: bool
) -> listing.RoundOrders:
    """The orders to the briefing's counties (and to the provincial departments, in the
    province's briefing) over the round."""
    to_counties = Q(county__in=counties)
    chosen = to_counties | Q(department__isnull=False) if whole_province else to_counties
    orders = SupervisionOrder.objects.filter(chosen)
    return listing.in_round(orders, period.starts_on, period.ends_on, today)
