"""Is it on track? The pace of an indicator against its target, and of a measure against the
time elapsed (序时进度).

Pure Python: no models, no database. Inputs may be Decimal or float (or int); everything is
computed in float, because the method takes fractional powers. Every result keeps its inputs and
intermediate values so that a page can show what a status rests on.

Indicators follow Open SDG's progress measure (Statistics Canada, after Eurostat), as the design
notes state it (domain.md, "Is an indicator on track?"):

    CAGR_o = (y_t / y_0) ** (1 / (t - t0)) - 1      observed growth, base year to latest year
    CAGR_r = (y_T / y_0) ** (1 / (T - t0)) - 1      growth required to reach the target on time
    R      = d * CAGR_o / |CAGR_r|                  d = +1 higher is better, -1 lower is better

target already met → achieved; else R ≥ 0.95 on track, 0.60 ≤ R < 0.95 acceleration needed,
0 ≤ R < 0.60 limited, R < 0 deterioration. The two thresholds are parameters (PaceThresholds).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

type Number = Decimal | float | int

# Indicator statuses.
ACHIEVED = "achieved"
ON_TRACK = "on_track"
ACCELERATION_NEEDED = "acceleration_needed"
LIMITED = "limited"
DETERIORATION = "deterioration"
INSUFFICIENT_DATA = "insufficient_data"

# Measure statuses (against 序时进度).
AHEAD_OR_ON = "ahead_or_on"
SLIGHTLY_BEHIND = "slightly_behind"
FAR_BEHIND = "far_behind"

INDICATOR_STATUSES = (
    ACHIEVED,
    ON_TRACK,
    ACCELERATION_NEEDED,
    LIMITED,
    DETERIORATION,
    INSUFFICIENT_DATA,
)
MEASURE_STATUSES = (AHEAD_OR_ON, SLIGHTLY_BEHIND, FAR_BEHIND)

STATUS_LABELS = {
    ACHIEVED: _("已达标"),
    ON_TRACK: _("进度正常"),
    ACCELERATION_NEEDED: _("需加快进度"),
    LIMITED: _("进展有限"),
    DETERIORATION: _("逆向变化"),
    INSUFFICIENT_DATA: _("数据不足"),
    AHEAD_OR_ON: _("达到序时进度"),
    SLIGHTLY_BEHIND: _("略低于序时进度"),
    FAR_BEHIND: _("明显落后于序时进度"),
}

# The method's stand-in for a zero base or target value (an exponential model cannot start from
# or aim at zero).
ZERO_REPLACEMENT = 0.001

# The Decision's horizons: an interim target for 2027 and a final one for 2035.
INTERIM_YEAR = 2027
FINAL_YEAR = 2035

# Ratios and gaps are compared after rounding to this many decimal places, so that a value which
# is exactly on a threshold in decimal terms (R = 0.95, a gap of 20 points) is not pushed to the
# other side of it by binary floating-point noise (0.9499999999999999).
_COMPARE_PLACES = 9


@dataclass(frozen=True)
class PaceThresholds:
    """Lower bounds of R for "on track" and for "acceleration needed" (below it: "limited")."""

    on_track: float = 0.95
    limited: float = 0.60

    def __post_init__(self) -> None:
        if not 0 <= self.limited <= self.on_track:
            raise ValueError("Thresholds must satisfy 0 ≤ limited ≤ on_track.")


@dataclass(frozen=True)
class IndicatorPace:
    """The status of an indicator and everything it was computed from.

    Values are the inputs as given (a zero base or target is shown as zero, although the growth
    rates use 0.001 in its place). direction is +1 when higher is better, -1 when lower is.
    observed_growth, required_growth and ratio are None when they could not be computed.
    """

    base_year: float | None  # in years; a period's end is a fraction of one (2025.25)
    base_value: float | None
    latest_year: float | None
    latest_value: float | None
    target_year: int | None
    target_value: float | None
    direction: int
    observed_growth: float | None
    required_growth: float | None
    ratio: float | None
    status: str

    @property
    def label(self) -> Promise:
        return STATUS_LABELS[self.status]


def _float(value: Number | None) -> float | None:
    return None if value is None else float(value)


def indicator_pace(
    *,
    base_year: float | None,
    base_value: Number | None,
    latest_year: float | None,
    latest_value: Number | None,
    target_year: int | None,
    target_value: Number | None,
    higher_is_better: bool,
    thresholds: PaceThresholds = PaceThresholds(),
) -> IndicatorPace:
    """Judge the latest value against the target by Open SDG's method.

    Any missing input (one reading only, no target) gives "insufficient_data", as do a latest year
    not after the base year and a target year not after the base year.
    """
    y0, yt, y_target = _float(base_value), _float(latest_value), _float(target_value)
    d = 1 if higher_is_better else -1

    def result(
        status: str,
        observed: float | None = None,
        required: float | None = None,
        ratio: float | None = None,
    ) -> IndicatorPace:
        return IndicatorPace(
            base_year=base_year,
            base_value=y0,
            latest_year=latest_year,
            latest_value=yt,
            target_year=target_year,
            target_value=y_target,
            direction=d,
            observed_growth=observed,
            required_growth=required,
            ratio=ratio,
            status=status,
        )

    if (
        base_year is None
        or latest_year is None
        or target_year is None
        or y0 is None
        or yt is None
        or y_target is None
    ):
        return result(INSUFFICIENT_DATA)
    if latest_year <= base_year or target_year <= base_year:
        return result(INSUFFICIENT_DATA)

    # The method is valid only when all values have one sign; a zero base or target is first
    # replaced by 0.001 (so a zero next to negative values makes a mixed series). A zero latest
    # value is allowed on either side: the ratio y_t / y_0 is then 0 and CAGR_o = -1, a fall
    # to zero, which the formula handles.
    base = y0 or ZERO_REPLACEMENT
    target = y_target or ZERO_REPLACEMENT
    if base > 0 and target > 0 and yt >= 0:
        sign = 1
    elif base < 0 and target < 0 and yt <= 0:
        sign = -1
    else:
        return result(INSUFFICIENT_DATA)

    # Both-negative series: the ratios y_t / y_0 and y_T / y_0 are positive, so the formula
    # applies unchanged, but a ratio above 1 now means the value moved down (-4 → -8 is a ratio
    # of 2). As the method prescribes ("if all values are negative, the desired direction of
    # progress is flipped"), d is flipped in the calculation; IndicatorPace.direction still
    # reports the indicator's own direction.
    d_calc = d * sign
    observed = (yt / base) ** (1 / (latest_year - base_year)) - 1
    required = (target / base) ** (1 / (target_year - base_year)) - 1
    # Target equal to base: R = d·CAGR_o / 0 is undefined (see below).
    ratio = None if required == 0 else d_calc * observed / abs(required)

    # Whether the target is met is a plain comparison of the values as reported; the growth
    # rates are still returned for the page to show.
    if (yt >= y_target) if higher_is_better else (yt <= y_target):
        return result(ACHIEVED, observed, required, ratio)

    if ratio is None:
        # Target equals base and is not met. Moving away from the target is deterioration;
        # holding or moving towards it is on track. "Moving away" is read from the reported
        # values, d·(y_t − y_0) < 0, which has the sign of d·CAGR_o except when a zero base was
        # replaced by 0.001: base 0, target 0, lower is better, latest 0.0005 moves away from the
        # target although 0.0005 < 0.001 makes CAGR_o negative.
        moving_away = d * (yt - y0) < 0
        return result(DETERIORATION if moving_away else ON_TRACK, observed, required)

    return result(_ratio_status(ratio, thresholds), observed, required, ratio)


def _ratio_status(ratio: float, thresholds: PaceThresholds) -> str:
    r = round(ratio, _COMPARE_PLACES)
    if r >= thresholds.on_track:
        return ON_TRACK
    if r >= thresholds.limited:
        return ACCELERATION_NEEDED
    if r >= 0:
        return LIMITED
    return DETERIORATION


def target_for(
    year: int, target_2027: Number | None, target_2035: Number | None
) -> tuple[int, Number] | None:
    """The target a value of this year is judged against: the interim 2027 target up to and
    including 2027, the 2035 target after it. None when that target is not set (no falling back to
    the other one: 2027 is judged against its own interim target)."""
    if year <= INTERIM_YEAR:
        return None if target_2027 is None else (INTERIM_YEAR, target_2027)
    return None if target_2035 is None else (FINAL_YEAR, target_2035)


# Measures without numbers: the reported percent against expected progress to date.


@dataclass(frozen=True)
class MeasureThresholds:
    """How many percentage points below 序时进度 still count as "slightly behind" (the province's
    warning rules use 20)."""

    behind: float = 20.0

    def __post_init__(self) -> None:
        if self.behind < 0:
            raise ValueError("The 'behind' threshold cannot be negative.")


@dataclass(frozen=True)
class MeasurePace:
    """percent: reported completion; expected: 序时进度, both in percent. gap = expected − percent,
    the percentage points behind expected progress (negative when ahead)."""

    percent: float
    expected: float
    gap: float
    status: str

    @property
    def label(self) -> Promise:
        return STATUS_LABELS[self.status]


def expected_progress(period_start: date, period_end: date, today: date) -> float:
    """序时进度: the share of the period already elapsed, in percent, 0 to 100.

    period_end is the period's last day (inclusive, as Period.ends_on). Only whole days before
    today count as elapsed: on the first day it is 0, on the last day just under 100, from the day
    after the end 100. Before the start it is 0.
    """
    if period_end < period_start:
        raise ValueError("The period ends before it starts.")
    total_days = (period_end - period_start).days + 1
    elapsed_days = (today - period_start).days
    return min(max(elapsed_days / total_days, 0.0), 1.0) * 100


def measure_pace(
    percent: Number,
    expected: Number,
    thresholds: MeasureThresholds = MeasureThresholds(),
) -> MeasurePace:
    """Compare a measure's reported percent with 序时进度: at or above it, at most
    `thresholds.behind` points below it, or further behind."""
    percent, expected = float(percent), float(expected)
    gap = expected - percent
    rounded_gap = round(gap, _COMPARE_PLACES)
    if rounded_gap <= 0:
        status = AHEAD_OR_ON
    elif rounded_gap <= thresholds.behind:
        status = SLIGHTLY_BEHIND
    else:
        status = FAR_BEHIND
    return MeasurePace(percent=percent, expected=expected, gap=gap, status=status)
