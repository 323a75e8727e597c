"""Warning lights (红黄绿灯) on each county × measure of a round, and on each county as a whole, by
the rules an admin sets (see ``supervision_rules``). Every light of the app is judged here.

A measure's light, with the default rules:

- red: the deadline has passed and nothing is submitted; or the note submitted says a red status
  (behind, at risk); or its percent is more than 20 points below 序时进度;
- yellow: the deadline is at most 5 days away and nothing is submitted; or the percent is below
  序时进度 by up to 20 points; or a return has gone unanswered for more than 5 days;
- green otherwise.

Three principles keep the lights truthful whatever the rules:

- 序时进度 is taken at today's date while the round is open, and at its deadline once it has
  passed (a note submitted in November for the fourth quarter is not held to the end of December).
- A note submitted is never judged more harshly than no note on the same day: its light is at most
  the colour that nothing submitted has then (green until the last days before the deadline). A
  county that reports early and honestly is not shown worse than one that stays silent.
- A draft or a returned note counts as nothing submitted, and an unanswered return adds its own
  warning: a return never makes a light greener.

A county's light follows the admins' county rule: red when N or more of its measures are red, or
(if they choose) a submitted note flags a bottom line at risk; yellow when M or more are yellow or
red; green otherwise. Judged on part of the plan (one task area), N and M are scaled to that part's
share of the plan's measures. Every county light carries its counts of red and yellow measures.

序时进度 runs from the first reporting year to the end of 2027 (the interim goals), and from 2028
to the end of 2035 after it. The judgement of one slot is a pure function; a scope's slots are read
in one query."""

import datetime
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from targets.applicability import rules as applicability
from targets.models import (
    REPORTED,
    County,
    Measure,
    Period,
    ProgressNote,
    State,
    StatusOption,
)
from targets.supervision import pace, rulebook
from targets.supervision.periods import FIRST_YEAR
from targets.supervision.rulebook import Rules

RED, YELLOW, GREEN = "red", "yellow", "green"
SEVERITY = {GREEN: 0, YELLOW: 1, RED: 2}
COLOUR_LABELS = {
    RED: gettext_lazy("红灯"),
    YELLOW: gettext_lazy("黄灯"),
    GREEN: gettext_lazy("绿灯"),
}
# The character each light carries besides its colour and shape, so that no one needs the colour.
COLOUR_MARKS = {
    RED: pgettext_lazy("warning light mark", "红"),
    YELLOW: pgettext_lazy("warning light mark", "黄"),
    GREEN: pgettext_lazy("warning light mark", "绿"),
}
INTERIM_END = datetime.date(2027, 12, 31)
FINAL_END = datetime.date(2035, 12, 31)

# Why a slot is not green, in the order a county's summary lists them.
OVERDUE = "overdue"
RED_STATUS = "red_status"
FAR_BEHIND = "far_behind"
DUE_SOON = "due_soon"
BEHIND = "behind"
RETURN_UNANSWERED = "return_unanswered"
BOTTOM_LINE = "bottom_line"  # a county's only: its notes that flag a bottom line at risk
REASON_ORDER = [BOTTOM_LINE, OVERDUE, RED_STATUS, FAR_BEHIND, DUE_SOON, BEHIND, RETURN_UNANSWERED]
REASON_SUMMARIES = {
    BOTTOM_LINE: gettext_lazy("标记底线风险"),
    OVERDUE: gettext_lazy("逾期未提交"),
    RED_STATUS: gettext_lazy("自评滞后或存在风险"),
    FAR_BEHIND: gettext_lazy("明显落后于序时进度"),
    DUE_SOON: gettext_lazy("临近截止未提交"),
    BEHIND: gettext_lazy("略低于序时进度"),
    RETURN_UNANSWERED: gettext_lazy("退回后未及时重报"),
}


@dataclass(frozen=True)
class Slot:
    """What the rules look at in one county × measure: the note's state (None: no note), its
    status, percent, the day it was returned, and whether it flags a bottom line."""

    state: str | None = None
    status_id: int | None = None
    status_label: str = ""
    percent: int = 0
    returned_on: datetime.date | None = None
    flagged: bool = False

    @classmethod
    def of(cls, note: ProgressNote | None) -> "Slot":
        if note is None:
            return cls()
        return cls.read(
            note.state,
            note.status_id,
            note.status.label,
            note.percent,
            note.reviewed_at,
            note.bottom_line_id is not None,
        )

    @classmethod
    def read(
        cls,
        state: str,
        status_id: int,
        status_label: str,
        percent: int,
        reviewed_at: datetime.datetime | None,
        bottom_line: bool = False,
    ) -> "Slot":
        """From a note's fields; the day of a return is the local day it was reviewed. A bottom
        line counts once the note is submitted, as its status does."""
        returned = state == State.RETURNED and reviewed_at is not None
        return cls(
            state,
            status_id,
            status_label,
            percent,
            timezone.localdate(reviewed_at) if returned else None,
            bottom_line and state in REPORTED,
        )


@dataclass(frozen=True)
class Light:
    colour: str
    reasons: tuple[str, ...]  # in words
    codes: tuple[str, ...] = ()  # the reasons' codes, for a county's summary
    flagged: bool = False  # a measure's: its note flags a bottom line (no colour of its own)

    @property
    def label(self) -> str:
        return str(COLOUR_LABELS[self.colour])

    @property
    def text(self) -> str:
        return pgettext("list separator", ";").join(self.reasons) or _("无预警")

    @property
    def severity(self) -> int:
        return SEVERITY[self.colour]


@dataclass(frozen=True)
class CountyLight(Light):
    """A county's light, with how many of its measures are red and yellow."""

    red: int = 0
    yellow: int = 0

    @property
    def counts(self) -> str:
        return _("红灯举措 %(red)d · 黄灯举措 %(yellow)d") % {
            "red": self.red,
            "yellow": self.yellow,
        }


def judged_on(period: Period, today: datetime.date) -> datetime.date:
    """The day 序时进度 is taken at: today while the round is open, its deadline once closed."""
    return min(today, period.deadline)


def expected_progress(period: Period, today: datetime.date) -> float:
    """序时进度 of the period's span on the day it is judged at, in percent."""
    if period.ends_on <= INTERIM_END:
        start, end = datetime.date(FIRST_YEAR, 1, 1), INTERIM_END
    else:
        start, end = INTERIM_END + datetime.timedelta(days=1), FINAL_END
    return pace.expected_progress(start, end, judged_on(period, today))


def county_threshold(measures: int, of_plan: int, plan_size: int) -> int:
    """A county rule's number of measures (set for the whole plan) for a part of ``of_plan`` of
    the plan's ``plan_size`` measures: scaled to the part's share, rounded up, at least one."""
    if of_plan >= plan_size or plan_size == 0:
        return measures
    return max(1, math.ceil(measures * of_plan / plan_size))


class Judge:
    """The lights of one period's slots on one day, by the rules in force."""

    def __init__(self, period: Period, today: datetime.date, rules: Rules | None = None) -> None:
        self.period, self.today = period, today
        self.rules = rules or rulebook.current()
        self.expected = expected_progress(period, today)
        self._plan_size: int | None = None
        self._seen: dict[Slot, Light] = {}
        self._read: dict[tuple[str, int, int, datetime.datetime | None, bool], Light] = {}
        # Translated once: a province's counties each summarise their reasons in these words.
        self._summaries = {code: str(words) for code, words in REASON_SUMMARIES.items()}
        self._count_words = str(_("%(reason)s %(count)d项"))

    @property
    def plan_size(self) -> int:
        """How many measures the plan has: the county rule's numbers are set for all of them."""
        if self._plan_size is None:
            self._plan_size = Measure.objects.count()
        return self._plan_size

    def slot(self, slot: Slot) -> Light:
        light = self._seen.get(slot)
        if light is None:
            light = self._seen[slot] = self._judge(slot)
        return light

    def fields(
        self,
        state: str,
        status_id: int,
        status_label: str,
        percent: int,
        reviewed_at: datetime.datetime | None,
        bottom_line: bool = False,
    ) -> Light:
        """The light of a note's fields (as Slot.read takes them). Most notes of a round share
        them with many others, and only a return's moment matters: each set is read once."""
        key = (
            state,
            status_id,
            percent,
            reviewed_at if state == State.RETURNED else None,
            bottom_line,
        )
        light = self._read.get(key)
        if light is None:
            slot = Slot.read(state, status_id, status_label, percent, reviewed_at, bottom_line)
            light = self._read[key] = self.slot(slot)
        return light

    def _unsubmitted(self) -> list[tuple[str, str, str]]:
        """What nothing submitted is warned of today: (colour, code, words), or nothing."""
        days_left = (self.period.deadline - self.today).days
        if days_left < 0:
            return [(RED, OVERDUE, _("已逾期%(days)d天,尚未提交") % {"days": -days_left})]
        if days_left <= self.rules.yellow_days_before_deadline:
            words = _("距截止日期还有%(days)d天,尚未提交") % {"days": days_left}
            return [(YELLOW, DUE_SOON, words)]
        return []

    def _reported(self, slot: Slot) -> list[tuple[str, str, str]]:
        """What a submitted or approved note is warned of: its status and its pace."""
        rules, found = self.rules, []
        if slot.status_id in rules.red_status_ids:
            words = _("自评为“%(status)s”") % {"status": slot.status_label}
            found.append((RED, RED_STATUS, words))
        gap = pace.measure_pace(
            slot.percent, self.expected, pace.MeasureThresholds(rules.red_points_behind)
        )
        if gap.status != pace.AHEAD_OR_ON:
            words = _("完成进度%(percent)d%%,低于序时进度%(expected).0f%%") % {
                "percent": slot.percent,
                "expected": self.expected,
            }
            far = gap.status == pace.FAR_BEHIND
            found.append((RED, FAR_BEHIND, words) if far else (YELLOW, BEHIND, words))
        # Never harsher than nothing submitted: capped at that colour, green dropping them all.
        ceiling = _worst(self._unsubmitted())
        return [
            (min(colour, ceiling, key=SEVERITY.__getitem__), code, words)
            for colour, code, words in found
        ]

    def _judge(self, slot: Slot) -> Light:
        if slot.state in REPORTED:
            found = [item for item in self._reported(slot) if item[0] != GREEN]
        else:
            found = self._unsubmitted()
        if slot.returned_on is not None:
            waited = (self.today - slot.returned_on).days
            if waited > self.rules.yellow_days_after_return:
                words = _("退回%(days)d天仍未重新提交") % {"days": waited}
                found.append((YELLOW, RETURN_UNANSWERED, words))
        return Light(
            _worst(found),
            tuple(words for _colour, _code, words in found),
            tuple(code for _colour, code, _words in found),
            slot.flagged,
        )

    def county(self, lights: Iterable[Light], unreported: int = 0) -> CountyLight:
        """A county's light from its slots' lights (and ``unreported`` more, with no note)."""
        summary = CountySummary()
        for light in lights:
            summary.add(light)
        return self.summarise(summary, unreported)

    def summarise(self, summary: "CountySummary", unreported: int = 0) -> CountyLight:
        """A county's light by the county rule, from the summary of its notes' lights, with how
        many slots each reason concerns."""
        counts, red, yellow = summary.counts, summary.red, summary.yellow
        if unreported:
            empty = self.slot(Slot())
            red += unreported if empty.colour == RED else 0
            yellow += unreported if empty.colour == YELLOW else 0
            counts = dict(counts)
            for code in empty.codes:
                counts[code] = counts.get(code, 0) + unreported
        rules, size = self.rules, summary.size + unreported
        if summary.flagged:
            counts = {**counts, BOTTOM_LINE: summary.flagged}
        flagged = summary.flagged and rules.county_red_on_bottom_line
        if flagged or red >= county_threshold(rules.county_red_measures, size, self.plan_size):
            colour = RED
        elif red + yellow >= county_threshold(rules.county_yellow_measures, size, self.plan_size):
            colour = YELLOW
        else:
            colour = GREEN
        codes = tuple(code for code in REASON_ORDER if code in counts)
        reasons = tuple(
            self._count_words % {"reason": self._summaries[code], "count": counts[code]}
            for code in codes
        )
        return CountyLight(colour, reasons, codes, red=red, yellow=yellow)


def _worst(found: list[tuple[str, str, str]]) -> str:
    return max((item[0] for item in found), key=SEVERITY.__getitem__, default=GREEN)


class CountySummary:
    """A county's lights so far: how many are red and yellow, how many slots each reason
    concerns, how many notes flag a bottom line, and how many lights were added."""

    __slots__ = ("counts", "flagged", "red", "size", "yellow")

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.red = self.yellow = self.flagged = self.size = 0

    def add(self, light: Light) -> None:
        self.size += 1
        if light.colour == RED:
            self.red += 1
        elif light.colour == YELLOW:
            self.yellow += 1
        self.flagged += light.flagged
        for code in light.codes:
            self.counts[code] = self.counts.get(code, 0) + 1


def county_lights(
    judge: Judge,
    counties: QuerySet[County],
    measures: QuerySet[Measure],
    notes: QuerySet[ProgressNote] | None = None,
) -> dict[int, CountyLight]:
    """Each county's light, from one query over the round's notes (and a few small ones), on
    the slots that apply to it.
    ``notes``: the round's notes of these counties and measures, where the caller has them (a
    dashboard's scope needs no filter when it is the whole province)."""
    labels = {s.pk: s.label for s in StatusOption.objects.all()}
    if notes is None:
        notes = ProgressNote.objects.filter(
            period=judge.period, county__in=counties, measure__in=measures
        )
    # Only a return's moment is read: converting every note's review time would cost more. In
    # no order: the notes' own (period, county, measure) would join three tables to sort them.
    # Slots that do not apply are not lit: left out of the notes and of the slots unreported.
    off = applicability.inapplicable(counties, measures)
    rows = (
        off.excluding(notes)
        .order_by()
        .values_list(
            "county_id",
            "state",
            "status_id",
            "percent",
            Case(When(state=State.RETURNED, then="reviewed_at")),
            "bottom_line_id",
        )
    )
    by_county: dict[int, CountySummary] = {}
    for county_id, state, status_id, percent, reviewed_at, bottom_line in rows:
        summary = by_county.get(county_id)
        if summary is None:
            summary = by_county[county_id] = CountySummary()
        label = labels.get(status_id, "")
        flagged = bottom_line is not None
        summary.add(judge.fields(state, status_id, label, percent, reviewed_at, flagged))
    slots, none = measures.count(), CountySummary()
    result: dict[int, CountyLight] = {}
    for county_id in counties.values_list("pk", flat=True):
        summary = by_county.get(county_id, none)
        unreported = slots - off.count_of(county_id) - summary.size
        result[county_id] = judge.summarise(summary, unreported=unreported)
    return result


def tally(lights: Iterable[Light]) -> Counter[str]:
    """How many lights of each colour."""
    return Counter(light.colour for light in lights)
