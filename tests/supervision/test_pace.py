"""Pace: an indicator against its target by Open SDG's method, and a measure against 序时进度
(expected progress to date). Pure functions: no database."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from targets.supervision import pace
from targets.supervision.pace import (
    MeasureThresholds,
    PaceThresholds,
    expected_progress,
    indicator_pace,
    measure_pace,
    target_for,
)


def judge(**overrides):
    """domain.md's worked example, with any input replaced."""
    inputs = {
        "base_year": 2023,
        "base_value": 2.26,
        "latest_year": 2025,
        "latest_value": 2.19,
        "target_year": 2035,
        "target_value": 2.0,
        "higher_is_better": False,
    }
    return indicator_pace(**(inputs | overrides))


def one_year(base, latest, target, *, higher_is_better=True, **kwargs):
    """Base 2023, latest and target 2024: the growths are plain ratios minus one, so R is chosen
    exactly: R = d · (latest/base − 1) / |target/base − 1|."""
    return indicator_pace(
        base_year=2023,
        base_value=base,
        latest_year=2024,
        latest_value=latest,
        target_year=2024,
        target_value=target,
        higher_is_better=higher_is_better,
        **kwargs,
    )


# The worked example.


def test_the_worked_example_is_on_track_with_r_1_54():
    result = judge()
    assert round(result.ratio, 2) == 1.54
    assert result.status == pace.ON_TRACK
    assert result.observed_growth == pytest.approx((2.19 / 2.26) ** 0.5 - 1)
    assert result.required_growth == pytest.approx((2.0 / 2.26) ** (1 / 12) - 1)
    assert result.observed_growth < 0
    assert result.required_growth < 0


def test_the_result_shows_every_input():
    result = judge()
    assert (result.base_year, result.base_value) == (2023, 2.26)
    assert (result.latest_year, result.latest_value) == (2025, 2.19)
    assert (result.target_year, result.target_value) == (2035, 2.0)
    assert result.direction == -1
    assert judge(higher_is_better=True).direction == 1


def test_decimal_inputs_give_the_same_result_as_floats():
    result = judge(
        base_value=Decimal("2.26"), latest_value=Decimal("2.19"), target_value=Decimal("2.0")
    )
    assert result == judge()
    assert isinstance(result.base_value, float)


def test_the_result_cannot_be_changed():
    with pytest.raises(AttributeError):
        judge().status = pace.ACHIEVED


# Target already met.


@pytest.mark.parametrize("latest", [10.0, 12.0])
def test_higher_is_better_reaching_or_passing_the_target_is_achieved(latest):
    result = judge(base_value=5, latest_value=latest, target_value=10, higher_is_better=True)
    assert result.status == pace.ACHIEVED
    assert result.ratio is not None  # the growth behind it is still shown


@pytest.mark.parametrize("latest", [2.0, 1.8])
def test_lower_is_better_reaching_or_going_below_the_target_is_achieved(latest):
    assert judge(latest_value=latest).status == pace.ACHIEVED


def test_a_target_met_at_the_base_and_still_met_is_achieved_even_if_the_value_fell():
    result = judge(base_value=12, latest_value=11, target_value=10, higher_is_better=True)
    assert result.status == pace.ACHIEVED


def test_a_target_met_at_the_base_but_lost_since_is_deterioration():
    result = judge(base_value=12, latest_value=9, target_value=10, higher_is_better=True)
    assert result.ratio < 0
    assert result.status == pace.DETERIORATION


# Not enough data.


@pytest.mark.parametrize(
    "overrides",
    [
        {"latest_year": None, "latest_value": None},  # one value only
        {"latest_year": 2023},  # latest year is the base year
        {"latest_year": 2022},  # latest year before the base year
        {"target_year": 2023},  # target year is the base year
        {"target_year": None, "target_value": None},  # no target
        {"base_year": None, "base_value": None},  # no base
    ],
)
def test_without_a_base_a_later_value_and_a_target_the_data_is_insufficient(overrides):
    result = judge(**overrides)
    assert result.status == pace.INSUFFICIENT_DATA
    assert result.ratio is None
    assert result.observed_growth is None
    assert result.required_growth is None


# Zero and negative values.


def test_a_zero_base_is_replaced_by_0_001():
    result = judge(
        base_value=0, latest_value=5, target_year=2027, target_value=10, higher_is_better=True
    )
    assert result.base_value == 0  # shown as reported
    assert result.observed_growth == pytest.approx((5 / 0.001) ** (1 / 2) - 1)
    assert result.required_growth == pytest.approx((10 / 0.001) ** (1 / 4) - 1)
    assert result.status == pace.ON_TRACK


def test_a_zero_target_is_replaced_by_0_001():
    result = judge(base_value=10, latest_value=5, target_value=0)
    assert result.target_value == 0
    assert result.required_growth == pytest.approx((0.001 / 10) ** (1 / 12) - 1)
    assert result.ratio == pytest.approx((1 - 0.5**0.5) / (1 - 10 ** (-1 / 3)))
    assert round(result.ratio, 2) == 0.55
    assert result.status == pace.LIMITED


def test_a_latest_value_of_zero_is_a_fall_to_zero():
    result = judge(base_value=4, latest_value=0, target_value=8, higher_is_better=True)
    assert result.observed_growth == -1
    assert result.status == pace.DETERIORATION


def test_both_negative_rising_towards_a_higher_target_is_progress():
    # -10 → -5 with -2 to reach: the value rises, as it should.
    result = judge(
        base_value=-10, latest_value=-5, target_year=2027, target_value=-2, higher_is_better=True
    )
    assert result.ratio == pytest.approx((1 - 0.5**0.5) / (1 - 0.2**0.25))
    assert round(result.ratio, 2) == 0.88
    assert result.status == pace.ACCELERATION_NEEDED


def test_both_negative_falling_towards_a_lower_target_is_progress():
    result = judge(base_value=-10, latest_value=-15, target_year=2027, target_value=-20)
    assert result.ratio == pytest.approx((1.5**0.5 - 1) / (2**0.25 - 1))
    assert result.status == pace.ON_TRACK


def test_both_negative_moving_the_wrong_way_is_deterioration():
    result = judge(base_value=-10, latest_value=-12, target_value=-2, higher_is_better=True)
    assert result.ratio < 0
    assert result.status == pace.DETERIORATION


def test_both_negative_reaching_the_target_is_achieved():
    result = judge(base_value=-10, latest_value=-1, target_value=-2, higher_is_better=True)
    assert result.status == pace.ACHIEVED


@pytest.mark.parametrize(
    ("base", "latest", "target"),
    [
        (-1, 1, 3),  # base negative, the rest positive
        (2, -1, 3),  # latest negative
        (2, 1, -3),  # target negative
        (-5, -4, 0),  # a zero target becomes +0.001 next to negative values
    ],
)
def test_values_of_mixed_sign_are_insufficient_data(base, latest, target):
    result = judge(base_value=base, latest_value=latest, target_value=target, higher_is_better=True)
    assert result.status == pace.INSUFFICIENT_DATA
    assert result.ratio is None


# Target equal to base: R is undefined.


def test_target_equal_to_base_moving_away_is_deterioration():
    result = judge(base_value=5, latest_value=4, target_value=5, higher_is_better=True)
    assert result.required_growth == 0
    assert result.ratio is None
    assert result.status == pace.DETERIORATION


def test_zero_base_and_zero_target_moving_away_is_deterioration():
    # Lower is better, 0 → 0.0005 with 0 to keep: both zeros become 0.001, so 0.0005 looks like a
    # fall; it is a move away from the target all the same.
    result = judge(base_value=0, latest_value=0.0005, target_value=0)
    assert result.ratio is None
    assert result.status == pace.DETERIORATION


def test_zero_base_and_zero_target_held_is_achieved():
    assert judge(base_value=0, latest_value=0, target_value=0).status == pace.ACHIEVED


# Threshold boundaries (R built exactly from one-year growths).


@pytest.mark.parametrize(
    ("latest", "ratio", "status"),
    [
        (1.95, 0.95, pace.ON_TRACK),
        (1.9499, 0.9499, pace.ACCELERATION_NEEDED),
        (1.6, 0.60, pace.ACCELERATION_NEEDED),
        (1.5999, 0.5999, pace.LIMITED),
        (1.0, 0.0, pace.LIMITED),
        (0.9999, -0.0001, pace.DETERIORATION),
    ],
)
def test_each_threshold_boundary_higher_is_better(latest, ratio, status):
    result = one_year(1, latest, 2)
    assert result.ratio == pytest.approx(ratio)
    assert result.status == status


@pytest.mark.parametrize(
    ("latest", "ratio", "status"),
    [
        (1.05, 0.95, pace.ON_TRACK),
        (1.0502, 0.9498, pace.ACCELERATION_NEEDED),
        (1.4, 0.60, pace.ACCELERATION_NEEDED),
        (1.4002, 0.5998, pace.LIMITED),
        (2.0, 0.0, pace.LIMITED),
        (2.0002, -0.0002, pace.DETERIORATION),
    ],
)
def test_each_threshold_boundary_lower_is_better(latest, ratio, status):
    result = one_year(2, latest, 1, higher_is_better=False)
    assert result.ratio == pytest.approx(ratio)
    assert result.status == status


@pytest.mark.parametrize(
    ("base", "latest", "target", "status"),
    [("0.9", "1.755", "1.8", pace.ON_TRACK), ("0.1", "0.16", "0.2", pace.ACCELERATION_NEEDED)],
)
def test_a_ratio_exactly_on_a_threshold_in_decimals_is_not_pushed_below_it(
    base, latest, target, status
):
    # In binary floating point these give R = 0.9499999999999997 and 0.5999999999999999.
    result = one_year(Decimal(base), Decimal(latest), Decimal(target))
    assert round(result.ratio, 2) in (0.95, 0.60)
    assert result.status == status


def test_custom_thresholds_move_the_boundaries():
    thresholds = PaceThresholds(on_track=0.8, limited=0.5)
    assert one_year(1, 1.85, 2).status == pace.ACCELERATION_NEEDED
    assert one_year(1, 1.85, 2, thresholds=thresholds).status == pace.ON_TRACK
    assert one_year(1, 1.8, 2, thresholds=thresholds).status == pace.ON_TRACK
    assert one_year(1, 1.55, 2).status == pace.LIMITED
    assert one_year(1, 1.55, 2, thresholds=thresholds).status == pace.ACCELERATION_NEEDED
    assert one_year(1, 1.5, 2, thresholds=thresholds).status == pace.ACCELERATION_NEEDED
    assert one_year(1, 1.49, 2, thresholds=thresholds).status == pace.LIMITED


def test_the_default_thresholds_are_the_methods():
    assert PaceThresholds() == PaceThresholds(on_track=0.95, limited=0.60)


@pytest.mark.parametrize(("on_track", "limited"), [(0.5, 0.6), (0.9, -0.1)])
def test_thresholds_out_of_order_are_refused(on_track, limited):
    with pytest.raises(ValueError, match="0 ≤ limited ≤ on_track"):
        PaceThresholds(on_track=on_track, limited=limited)


# Which target a year is judged against.


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2024, (2027, 60)), (2027, (2027, 60)), (2028, (2035, 70)), (2035, (2035, 70))],
)
def test_2027_is_judged_against_the_interim_target_and_later_years_against_2035(year, expected):
    assert target_for(year, 60, 70) == expected


def test_a_missing_target_gives_none_without_falling_back_to_the_other():
    assert target_for(2027, None, 70) is None
    assert target_for(2028, 60, None) is None


def test_the_chosen_target_feeds_the_pace():
    target_year, target_value = target_for(2027, Decimal("60"), Decimal("70"))
    result = indicator_pace(
        base_year=2023,
        base_value=Decimal("50"),
        latest_year=2027,
        latest_value=Decimal("61"),
        target_year=target_year,
        target_value=target_value,
        higher_is_better=True,
    )
    assert (result.target_year, result.target_value) == (2027, 60.0)
    assert result.status == pace.ACHIEVED


# Expected progress to date (序时进度).

TEN_DAYS = (date(2024, 1, 1), date(2024, 1, 10))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2023, 12, 31), 0.0),  # before the start
        (date(2024, 1, 1), 0.0),  # on the first day nothing has elapsed yet
        (date(2024, 1, 6), 50.0),  # five of ten days
        (date(2024, 1, 10), 90.0),  # the last day is not over
        (date(2024, 1, 11), 100.0),  # the day after the end
        (date(2030, 6, 1), 100.0),  # long after
    ],
)
def test_expected_progress_is_the_elapsed_share_clamped(today, expected):
    assert expected_progress(*TEN_DAYS, today) == pytest.approx(expected)


def test_expected_progress_over_a_year():
    assert expected_progress(date(2025, 1, 1), date(2025, 12, 31), date(2025, 7, 2)) == (
        pytest.approx(182 / 365 * 100)
    )


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends before it starts"):
        expected_progress(date(2024, 2, 1), date(2024, 1, 1), date(2024, 1, 15))


# Measure pace.


@pytest.mark.parametrize(
    ("percent", "expected", "gap", "status"),
    [
        (60, 50, -10, pace.AHEAD_OR_ON),
        (50, 50, 0, pace.AHEAD_OR_ON),
        (49.9, 50, 0.1, pace.SLIGHTLY_BEHIND),
        (30, 50, 20, pace.SLIGHTLY_BEHIND),  # exactly 20 points behind
        (29.9, 50, 20.1, pace.FAR_BEHIND),
        (0, 100, 100, pace.FAR_BEHIND),
    ],
)
def test_measure_pace_against_expected_progress(percent, expected, gap, status):
    result = measure_pace(percent, expected)
    assert result.percent == percent
    assert result.expected == expected
    assert result.gap == pytest.approx(gap)
    assert result.status == status


def test_measure_pace_at_the_20_point_boundary_with_computed_expected_progress():
    # 序时进度 of 70% computed from dates; a report of 50% is exactly 20 points behind.
    expected = expected_progress(date(2024, 1, 1), date(2024, 1, 10), date(2024, 1, 8))
    assert measure_pace(Decimal("50"), expected).status == pace.SLIGHTLY_BEHIND
    assert measure_pace(Decimal("49.9"), expected).status == pace.FAR_BEHIND


def test_measure_pace_with_a_custom_warning_threshold():
    strict = MeasureThresholds(behind=10)
    assert measure_pace(40, 50, strict).status == pace.SLIGHTLY_BEHIND
    assert measure_pace(39, 50, strict).status == pace.FAR_BEHIND
    assert measure_pace(39, 50).status == pace.SLIGHTLY_BEHIND


def test_a_negative_warning_threshold_is_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        MeasureThresholds(behind=-1)


# Labels.


def test_every_status_has_a_chinese_label():
    statuses = pace.INDICATOR_STATUSES + pace.MEASURE_STATUSES
    assert set(pace.STATUS_LABELS) == set(statuses)
    with translation.override("zh-hans"):
        assert str(judge().label) == "进度正常"
        assert str(measure_pace(10, 50).label) == "明显落后于序时进度"
        assert {str(pace.STATUS_LABELS[s]) for s in statuses} == {
            "已达标",
            "进度正常",
            "需加快进度",
            "进展有限",
            "逆向变化",
            "数据不足",
            "达到序时进度",
            "略低于序时进度",
            "明显落后于序时进度",
        }
