"""Warning lights (红黄绿灯) on each county × measure of a round, and on each county as a whole, by
the rules an admin sets (see ``supervision_rules``). With the default rules:

- red: the deadline has passed and nothing is submitted; or the note submitted says a red status
  (behind, at risk); or its percent is more than 20 points below 序时进度;
- yellow: the deadline is at most 5 days away and nothing is submitted; or the percent is below
  序时进度 by up to 20 points; or a return has gone unanswered for more than 5 days;
- green otherwise. A county shows the worst light of its measures.

What a county has reported (status, percent) is judged once it is submitted or approved; a draft
or a returned note counts as nothing submitted. 序时进度 is the share of the span elapsed by the end
of the period, the span running from the first reporting year to the end of 2027 (the interim
goals), and from 2028 to the end of 2035 after it. The judgement of one slot is a pure function;
a scope's slots are read in one query."""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

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
INTERIM_END = datetime.date(2027, 12, 31)
FINAL_END = datetime.date(2035, 12, 31)

# Why a slot is not green, in the order a county's summary lists them.
OVERDUE = "overdue"
RED_STATUS = "red_status"
FAR_BEHIND = "far_behind"
DUE_SOON = "due_soon"
BEHIND = "behind"
RETURN_UNANSWERED = "return_unanswered"
REASON_ORDER = [OVERDUE, RED_STATUS, FAR_BEHIND, DUE_SOON, BEHIND, RETURN_UNANSWERED]
REASON_SUMMARIES = {
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
    status, percent, and the day it was returned."""

    state: str | None = None
    status_id: int | None = None
    status_label: str = ""
    percent: int = 0
    returned_on: datetime.date | None = None

    @classmethod
    def of(cls, note: ProgressNote | None) -> "Slot":
        if note is None:
            return cls()
        return cls.read(
            note.state, note.status_id, note.status.label, note.percent, note.reviewed_at
        )

    @classmethod
    def read(
        cls,
        state: str,
        status_id: int,
        status_label: str,
        percent: int,
        reviewed_at: datetime.datetime | None,
    ) -> "Slot":
        """From a note's fields; the day of a return is the local day it was reviewed."""
        returned = state == State.RETURNED and reviewed_at is not None
        return cls(
            state,
            status_id,
            status_label,
            percent,
            timezone.localdate(reviewed_at) if returned else None,
        )


@dataclass(frozen=True)
class Light:
    colour: str
    reasons: tuple[str, ...]  # in words
    codes: tuple[str, ...] = ()  # the reasons' codes, for a county's summary

    @property
    def label(self) -> str:
        return str(COLOUR_LABELS[self.colour])

    @property
    def text(self) -> str:
        return pgettext("list separator", ";").join(self.reasons) or _("无预警")

    @property
    def severity(self) -> int:
        return SEVERITY[self.colour]


def expected_progress(period: Period) -> float:
    """序时进度 at the end of the period, in percent."""
    if period.ends_on <= INTERIM_END:
        start, end = datetime.date(FIRST_YEAR, 1, 1), INTERIM_END
    else:
        start, end = INTERIM_END + datetime.timedelta(days=1), FINAL_END
    return pace.expected_progress(start, end, period.ends_on + datetime.timedelta(days=1))


class Judge:
    """The lights of one period's slots on one day, by the rules in force."""

    def __init__(self, period: Period, today: datetime.date, rules: Rules | None = None) -> None:
        self.period, self.today = period, today
        self.rules = rules or rulebook.current()
        self.expected = expected_progress(period)
        self._seen: dict[Slot, Light] = {}
        self._read: dict[tuple[str, int, int, datetime.datetime | None], Light] = {}
        # Translated once: a province's counties each summarise their reasons in these words.
        self._summaries = {code: str(words) for code, words in REASON_SUMMARIES.items()}
        self._count_words = str(_("%(reason)s %(count)d项"))

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
    ) -> Light:
        """The light of a note's fields (as Slot.read takes them). Most notes of a round share
        them with many others, and only a return's moment matters: each set is read once."""
        key = (state, status_id, percent, reviewed_at if state == State.RETURNED else None)
        light = self._read.get(key)
        if light is None:
            slot = Slot.read(state, status_id, status_label, percent, reviewed_at)
            light = self._read[key] = self.slot(slot)
        return light

    def _judge(self, slot: Slot) -> Light:
        rules = self.rules
        found: list[tuple[str, str, str]] = []  # (colour, code, words)
        days_left = (self.period.deadline - self.today).days
        if slot.state in REPORTED:
            if slot.status_id in rules.red_status_ids:
                found.append(
                    (RED, RED_STATUS, _("自评为“%(status)s”") % {"status": slot.status_label})
                )
            gap = pace.measure_pace(
                slot.percent, self.expected, pace.MeasureThresholds(rules.red_points_behind)
            )
            if gap.status != pace.AHEAD_OR_ON:
                far = gap.status == pace.FAR_BEHIND
                words = _("完成进度%(percent)d%%,低于序时进度%(expected).0f%%") % {
                    "percent": slot.percent,
                    "expected": self.expected,
                }
                found.append((RED, FAR_BEHIND, words) if far else (YELLOW, BEHIND, words))
        elif days_left < 0:
            found.append((RED, OVERDUE, _("已逾期%(days)d天,尚未提交") % {"days": -days_left}))
        elif days_left <= rules.yellow_days_before_deadline:
            found.append(
                (YELLOW, DUE_SOON, _("距截止日期还有%(days)d天,尚未提交") % {"days": days_left})
            )
        if slot.returned_on is not None:
            waited = (self.today - slot.returned_on).days
            if waited > rules.yellow_days_after_return:
                found.append(
                    (
                        YELLOW,
                        RETURN_UNANSWERED,
                        _("退回%(days)d天仍未重新提交") % {"days": waited},
                    )
                )
        if not found:
            return Light(GREEN, ())
        worst = max(found, key=lambda item: SEVERITY[item[0]])[0]
        return Light(
            worst,
            tuple(words for _colour, _code, words in found),
            tuple(code for _colour, code, _words in found),
        )

    def county(self, lights: Iterable[Light], unreported: int = 0) -> Light:
        """The worst light of the county's slots (and of ``unreported`` more, with no note), with
        how many slots each reason concerns."""
        summary = CountySummary()
        for light in lights:
            summary.add(light)
        return self.summarise(summary, unreported)

    def summarise(self, summary: "CountySummary", unreported: int = 0) -> Light:
        """A county's light from the summary of its notes' lights."""
        colour, counts = summary.colour, summary.counts
        if unreported:
            empty = self.slot(Slot())
            colour = max(colour, empty.colour, key=SEVERITY.__getitem__)
            counts = dict(counts)
            for code in empty.codes:
                counts[code] = counts.get(code, 0) + unreported
        codes = tuple(code for code in REASON_ORDER if code in counts)
        reasons = tuple(
            self._count_words % {"reason": self._summaries[code], "count": counts[code]}
            for code in codes
        )
        return Light(colour, reasons, codes)


class CountySummary:
    """The worst colour of a county's lights so far, how many slots each reason concerns, and
    how many lights were added."""

    __slots__ = ("colour", "counts", "size")

    def __init__(self) -> None:
        self.colour = GREEN
        self.counts: dict[str, int] = {}
        self.size = 0

    def add(self, light: Light) -> None:
        self.size += 1
        if SEVERITY[light.colour] > SEVERITY[self.colour]:
            self.colour = light.colour
        for code in light.codes:
            self.counts[code] = self.counts.get(code, 0) + 1


def county_lights(
    judge: Judge,
    counties: QuerySet[County],
    measures: QuerySet[Measure],
    notes: QuerySet[ProgressNote] | None = None,
) -> dict[int, Light]:
    """Each county's light, from one query over the round's notes (and three small ones).
    ``notes``: the round's notes of these counties and measures, where the caller has them (a
    dashboard's scope needs no filter when it is the whole province)."""
    labels = {s.pk: s.label for s in StatusOption.objects.all()}
    if notes is None:
        notes = ProgressNote.objects.filter(
            period=judge.period, county__in=counties, measure__in=measures
        )
    # Only a return's moment is read: converting every note's review time would cost more. In
    # no order: the notes' own (period, county, measure) would join three tables to sort them.
    rows = notes.order_by().values_list(
        "county_id",
        "state",
        "status_id",
        "percent",
        Case(When(state=State.RETURNED, then="reviewed_at")),
    )
    by_county: dict[int, CountySummary] = {}
    for county_id, state, status_id, percent, reviewed_at in rows:
        summary = by_county.get(county_id)
        if summary is None:
            summary = by_county[county_id] = CountySummary()
        summary.add(judge.fields(state, status_id, labels.get(status_id, ""), percent, reviewed_at))
    slots, none = measures.count(), CountySummary()
    result: dict[int, Light] = {}
    for county_id in counties.values_list("pk", flat=True):
        summary = by_county.get(county_id, none)
        result[county_id] = judge.summarise(summary, unreported=slots - summary.size)
    return result


def tally(lights: Iterable[Light]) -> Counter[str]:
    """How many lights of each colour."""
    return Counter(light.colour for light in lights)
