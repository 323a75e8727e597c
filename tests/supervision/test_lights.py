"""Warning lights (红黄绿灯): each rule at its boundaries on a fixed day; 序时进度 taken at today
while a round is open and at its deadline once closed; a note submitted never judged more harshly
than no note, and a return never greener; a county's light by the county rule, with its counts of
red and yellow measures; the rules an admin sets; the lights read from the database in one go; and
the pages that show them."""

import dataclasses
import datetime
import math
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from targets.caching import shared_pages
from targets.demo.seed import seed_demo
from targets.models import County, Measure, Period, ProgressNote, State, StatusOption
from targets.supervision import lights, rulebook
from targets.supervision.lights import (
    GREEN,
    RED,
    YELLOW,
    CountyLight,
    Judge,
    Light,
    Slot,
    county_lights,
    county_threshold,
    expected_progress,
)

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2026, 10, 15)  # 2026Q3's
EARLY = datetime.date(2026, 9, 1)  # long before the deadline: no deadline rule applies
CLOSED = datetime.date(2026, 11, 4)  # 20 days after it: the round is closed, every rule applies
NOT_SUBMITTED = ["none", "draft", "returned"]


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def status(code: str) -> StatusOption:
    return StatusOption.objects.get(code=code)


def reported(
    state: str, percent: float = 100, code: str = "on_schedule", returned_on=None, flagged=False
):
    """A slot as the rules see it, with the status's real id and label."""
    option = status(code)
    return Slot(state, option.pk, option.label, percent, returned_on, flagged)


def at_deadline(period: Period) -> float:
    """序时进度 of a closed round."""
    return expected_progress(period, period.deadline)


def elapsed_share(start: datetime.date, day: datetime.date, end: datetime.date) -> float:
    return (day - start).days / ((end - start).days + 1) * 100


def unsubmitted(kind: str, today: datetime.date) -> Slot:
    """Nothing submitted: no note, a draft, or a note returned today (so the return itself is not
    yet overdue)."""
    if kind == "none":
        return Slot()
    if kind == "draft":
        return reported(State.DRAFT)
    return reported(State.RETURNED, returned_on=today)


def note(county, measure, state, status="on_schedule", percent=50, reviewed_at=None, **extra):
    return ProgressNote.objects.create(
        county=County.objects.get(code=county),
        measure=Measure.objects.get(code=measure),
        period=Period.objects.get(code="2026Q3"),
        state=state,
        status=StatusOption.objects.get(code=status),
        percent=percent,
        narrative="x",
        reviewed_at=reviewed_at,
        updated_by=get_user_model().objects.get_or_create(username="lights-author")[0],
        **extra,
    )


def by_hand(judge: Judge, county: County, measures) -> Light:
    """A county's light, judging each of its slots one by one."""
    notes = {
        n.measure_id: n
        for n in ProgressNote.objects.filter(period=judge.period, county=county).select_related(
            "status"
        )
    }
    return judge.county(judge.slot(Slot.of(notes.get(m.pk))) for m in measures)


def overdue_days() -> int:
    return (timezone.localdate() - DEADLINE).days


# 序时进度


def test_expected_progress_of_an_open_round_is_taken_at_today(period):
    start, end = datetime.date(2024, 1, 1), datetime.date(2027, 12, 31)
    assert expected_progress(period, EARLY) == pytest.approx(elapsed_share(start, EARLY, end))
    after_the_quarter = datetime.date(2026, 10, 1)
    assert expected_progress(period, after_the_quarter) == pytest.approx(68.72, abs=0.01)
    assert Judge(period, EARLY).expected == expected_progress(period, EARLY)


@pytest.mark.parametrize("later", [0, 1, 20, 400])
def test_expected_progress_of_a_closed_round_is_taken_at_its_deadline(period, later):
    start, end = datetime.date(2024, 1, 1), datetime.date(2027, 12, 31)
    on = DEADLINE + days(later)
    assert expected_progress(period, on) == pytest.approx(elapsed_share(start, DEADLINE, end))
    assert Judge(period, on).expected == pytest.approx(69.68, abs=0.01)


def test_expected_progress_reaches_the_whole_span_at_its_end_and_after_2027_restarts():
    q4 = Period.objects.get(code="2027Q4")
    assert expected_progress(q4, q4.deadline) == pytest.approx(100)
    q1 = Period.objects.get(code="2028Q1")
    start, end = datetime.date(2028, 1, 1), datetime.date(2035, 12, 31)
    assert expected_progress(q1, q1.deadline) == pytest.approx(
        elapsed_share(start, q1.deadline, end)
    )


def test_a_note_submitted_in_november_for_the_fourth_quarter_is_held_to_november_s_pace():
    """The case that turned a county red in November: 45% against the pace of the quarter's end
    (75%). In November the pace is November's, and nothing is due yet."""
    q4 = Period.objects.get(code="2026Q4")
    november = datetime.date(2026, 11, 20)
    judge = Judge(q4, november)
    assert judge.expected == pytest.approx(72.1, abs=0.1)
    assert judge.slot(reported(State.SUBMITTED, 45)) == Light(GREEN, ())
    assert judge.slot(Slot()) == Light(GREEN, ())

    closing = Judge(q4, q4.deadline - days(2)).slot(reported(State.SUBMITTED, 45))
    assert closing.colour == YELLOW  # as nothing submitted is, two days before the deadline
    assert closing.reasons == ("完成进度45%,低于序时进度76%",)
    closed = Judge(q4, q4.deadline + days(30)).slot(reported(State.SUBMITTED, 45))
    assert closed.colour == RED
    assert closed.reasons == (f"完成进度45%,低于序时进度{at_deadline(q4):.0f}%",)


# The deadline


@pytest.mark.parametrize("kind", NOT_SUBMITTED)
def test_on_the_deadline_day_nothing_submitted_is_yellow_with_zero_days_left(period, kind):
    assert period.deadline == DEADLINE
    light = Judge(period, DEADLINE).slot(unsubmitted(kind, DEADLINE))
    assert light.colour == YELLOW
    assert light.codes == (lights.DUE_SOON,)
    assert "距截止日期还有0天" in light.text


@pytest.mark.parametrize("kind", NOT_SUBMITTED)
def test_the_day_after_the_deadline_nothing_submitted_is_red_overdue_one_day(period, kind):
    today = DEADLINE + days(1)
    light = Judge(period, today).slot(unsubmitted(kind, today))
    assert light.colour == RED
    assert light.codes == (lights.OVERDUE,)
    assert "已逾期1天" in light.text


@pytest.mark.parametrize("kind", NOT_SUBMITTED)
def test_five_days_before_the_deadline_is_yellow_six_days_before_is_green(period, kind):
    five = DEADLINE - days(5)
    light = Judge(period, five).slot(unsubmitted(kind, five))
    assert light.colour == YELLOW
    assert "距截止日期还有5天" in light.text

    six = DEADLINE - days(6)
    assert Judge(period, six).slot(unsubmitted(kind, six)) == Light(GREEN, ())


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED])
def test_a_submitted_or_approved_note_is_never_overdue(period, state):
    for today in (DEADLINE - days(1), DEADLINE, DEADLINE + days(1), DEADLINE + days(90)):
        assert Judge(period, today).slot(reported(state)) == Light(GREEN, ())


# A note submitted is never judged more harshly than no note; a return is never greener

DAYS_OF_A_ROUND = [
    EARLY,
    DEADLINE - days(6),
    DEADLINE - days(5),
    DEADLINE - days(1),
    DEADLINE,
    DEADLINE + days(1),
    CLOSED,
]
CONTENTS = [
    (percent, code)
    for percent in (0, 30, 45, 60, 68, 100)
    for code in ("on_schedule", "behind", "at_risk", "not_started", "completed")
]


@pytest.mark.parametrize("today", DAYS_OF_A_ROUND)
def test_a_submitted_note_is_never_judged_more_harshly_than_no_note(period, today):
    judge = Judge(period, today)
    nothing = judge.slot(Slot())
    for state in (State.SUBMITTED, State.APPROVED):
        for percent, code in CONTENTS:
            light = judge.slot(reported(state, percent, code))
            assert light.severity <= nothing.severity, (today, state, percent, code, light)


@pytest.mark.parametrize("today", DAYS_OF_A_ROUND)
@pytest.mark.parametrize("waited", [0, 6, 30])
def test_a_return_never_makes_a_light_greener(period, today, waited):
    judge = Judge(period, today)
    for percent, code in CONTENTS:
        submitted = judge.slot(reported(State.SUBMITTED, percent, code))
        returned = judge.slot(
            reported(State.RETURNED, percent, code, returned_on=today - days(waited))
        )
        assert returned.severity >= submitted.severity, (today, waited, percent, code)


def test_before_the_last_days_a_note_behind_or_at_risk_is_green_as_nothing_submitted_is(period):
    judge = Judge(period, DEADLINE - days(6))
    assert judge.slot(Slot()) == Light(GREEN, ())
    assert judge.slot(reported(State.SUBMITTED, 0, "at_risk")) == Light(GREEN, ())
    assert judge.slot(reported(State.APPROVED, 45, "behind")) == Light(GREEN, ())


def test_in_the_last_days_a_note_far_behind_is_yellow_as_nothing_submitted_is(period):
    judge = Judge(period, DEADLINE - days(2))
    assert judge.slot(Slot()).colour == YELLOW
    light = judge.slot(reported(State.SUBMITTED, 0, "behind"))
    assert light.colour == YELLOW
    assert light.codes == (lights.RED_STATUS, lights.FAR_BEHIND)
    assert light.reasons[0] == "自评为“滞后”"


def test_once_closed_a_note_far_behind_is_red_and_so_is_its_return(period):
    judge = Judge(period, CLOSED)
    submitted = judge.slot(reported(State.SUBMITTED, 45))
    assert submitted.colour == RED
    assert submitted.codes == (lights.FAR_BEHIND,)
    returned = judge.slot(reported(State.RETURNED, 45, returned_on=CLOSED))
    assert returned.colour == RED
    assert returned.codes == (lights.OVERDUE,)


# Percent against 序时进度 (a closed round: judged at its deadline)


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED])
def test_exactly_twenty_points_below_expected_is_yellow_just_over_is_red(period, state):
    judge = Judge(period, CLOSED)
    expected = at_deadline(period)

    at_limit = judge.slot(reported(state, expected - 20))
    assert at_limit.colour == YELLOW
    assert at_limit.codes == (lights.BEHIND,)

    beyond = judge.slot(reported(state, expected - 20.01))
    assert beyond.colour == RED
    assert beyond.codes == (lights.FAR_BEHIND,)


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED])
def test_whole_percents_either_side_of_twenty_points_below(period, state):
    judge = Judge(period, CLOSED)
    expected = at_deadline(period)
    inside, outside = math.ceil(expected - 20), math.floor(expected - 20)

    light = judge.slot(reported(state, inside))
    assert light.colour == YELLOW
    assert f"完成进度{inside}%" in light.text
    assert f"低于序时进度{expected:.0f}%" in light.text

    light = judge.slot(reported(state, outside))
    assert light.colour == RED
    assert f"完成进度{outside}%" in light.text


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED])
def test_at_or_above_expected_is_green_and_just_below_is_yellow(period, state):
    judge = Judge(period, CLOSED)
    expected = at_deadline(period)
    for percent in (expected, math.ceil(expected), 100):
        assert judge.slot(reported(state, percent)) == Light(GREEN, ())
    assert judge.slot(reported(state, math.floor(expected))).colour == YELLOW


def test_the_percent_of_a_draft_or_returned_note_does_not_count(period):
    judge = Judge(period, EARLY)
    assert judge.slot(reported(State.DRAFT, 0)) == Light(GREEN, ())
    assert judge.slot(reported(State.RETURNED, 0, returned_on=EARLY)) == Light(GREEN, ())


# Red statuses


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED])
@pytest.mark.parametrize(("code", "label"), [("behind", "滞后"), ("at_risk", "存在风险")])
def test_a_red_status_on_a_submitted_or_approved_note_is_red(period, state, code, label):
    light = Judge(period, CLOSED).slot(reported(state, 100, code))
    assert light.colour == RED
    assert light.codes == (lights.RED_STATUS,)
    assert light.reasons == (f"自评为“{label}”",)


def test_a_red_status_on_a_draft_or_returned_note_before_the_deadline_does_not_count(period):
    judge = Judge(period, EARLY)
    assert judge.slot(reported(State.DRAFT, 100, "behind")) == Light(GREEN, ())
    returned = reported(State.RETURNED, 100, "at_risk", returned_on=EARLY)
    assert judge.slot(returned) == Light(GREEN, ())


def test_a_red_status_far_behind_gives_both_reasons(period):
    light = Judge(period, CLOSED).slot(reported(State.SUBMITTED, 0, "behind"))
    assert light.colour == RED
    assert light.codes == (lights.RED_STATUS, lights.FAR_BEHIND)
    assert len(light.reasons) == 2


# Returns


def test_a_return_five_days_old_is_not_yet_a_warning_six_days_old_is_yellow(period):
    judge = Judge(period, EARLY)
    assert judge.slot(reported(State.RETURNED, returned_on=EARLY - days(5))) == Light(GREEN, ())

    light = judge.slot(reported(State.RETURNED, returned_on=EARLY - days(6)))
    assert light.colour == YELLOW
    assert light.codes == (lights.RETURN_UNANSWERED,)
    assert light.reasons == ("退回6天仍未重新提交",)


def test_a_return_unanswered_past_the_deadline_is_red_with_both_reasons(period):
    today = DEADLINE + days(3)
    light = Judge(period, today).slot(reported(State.RETURNED, returned_on=today - days(10)))
    assert light.colour == RED
    assert light.codes == (lights.OVERDUE, lights.RETURN_UNANSWERED)
    assert "已逾期3天" in light.text
    assert "退回10天仍未重新提交" in light.text


def test_the_slot_of_a_note_takes_the_local_day_of_its_return_and_a_submitted_flag(jinjiang):
    # 17:30 UTC on 30 September is 01:30 on 1 October in Sichuan.
    reviewed = datetime.datetime(2026, 9, 30, 17, 30, tzinfo=datetime.UTC)
    returned = note("510104", "T1.1", State.RETURNED, "at_risk", 40, reviewed_at=reviewed)
    approved = note("510104", "T1.2", State.APPROVED, "behind", 60, reviewed_at=reviewed)
    flagged = note("510104", "T1.3", State.SUBMITTED, bottom_line=line(), risk_reason="占用耕地")
    flagged_draft = note("510104", "T1.4", State.DRAFT, bottom_line=line(), risk_reason="理由")

    assert Slot.of(returned) == Slot(
        State.RETURNED, status("at_risk").pk, "存在风险", 40, datetime.date(2026, 10, 1)
    )
    assert Slot.of(approved).returned_on is None
    assert Slot.of(None) == Slot()
    assert Slot.of(flagged).flagged
    assert not Slot.of(flagged_draft).flagged  # counts once submitted, as its status does
    assert not Slot.of(approved).flagged


def line():
    from targets.models import BottomLine

    return BottomLine.objects.order_by("order").first()


# A county's light: the county rule (by default red from 6 red measures of 24 or a bottom line
# flagged, yellow from 4 red or yellow ones)


def lights_of(judge: Judge, red: int = 0, yellow: int = 0, green: int = 0, flagged: int = 0):
    """Measures' lights as a closed round judges them: red far behind, yellow a little behind,
    green on pace; ``flagged`` of the green ones flag a bottom line."""
    expected = judge.expected
    made = [judge.slot(reported(State.APPROVED, 0)) for _ in range(red)]
    made += [judge.slot(reported(State.APPROVED, math.floor(expected))) for _ in range(yellow)]
    made += [judge.slot(reported(State.APPROVED, 100)) for _ in range(green - flagged)]
    made += [judge.slot(reported(State.SUBMITTED, 100, flagged=True)) for _ in range(flagged)]
    assert [light.colour for light in made].count(RED) == red
    assert [light.colour for light in made].count(YELLOW) == yellow
    return made


def test_the_default_county_rule():
    rules = rulebook.current()
    assert (rules.county_red_measures, rules.county_yellow_measures) == (6, 4)
    assert rules.county_red_on_bottom_line


def test_a_county_is_red_from_six_red_measures_and_yellow_below_that(period):
    judge = Judge(period, CLOSED)
    five = judge.county(lights_of(judge, red=5, green=19))
    assert (five.colour, five.red, five.yellow) == (YELLOW, 5, 0)
    six = judge.county(lights_of(judge, red=6, green=18))
    assert (six.colour, six.red, six.yellow) == (RED, 6, 0)
    assert six.reasons == ("明显落后于序时进度 6项",)


def test_a_county_is_yellow_from_four_red_or_yellow_measures_and_green_below(period):
    judge = Judge(period, CLOSED)
    three = judge.county(lights_of(judge, yellow=3, green=21))
    assert three == CountyLight(GREEN, ("略低于序时进度 3项",), (lights.BEHIND,), red=0, yellow=3)
    assert three.counts == "红灯举措 0 · 黄灯举措 3"
    four = judge.county(lights_of(judge, yellow=4, green=20))
    assert (four.colour, four.red, four.yellow) == (YELLOW, 0, 4)
    mixed = judge.county(lights_of(judge, red=2, yellow=2, green=20))
    assert (mixed.colour, mixed.red, mixed.yellow) == (YELLOW, 2, 2)
    assert judge.county(lights_of(judge, green=24)) == CountyLight(GREEN, ())


def test_a_bottom_line_flagged_turns_the_county_red_unless_the_rule_says_otherwise(period):
    judge = Judge(period, CLOSED)
    measures = lights_of(judge, green=24, flagged=1)
    assert all(light.colour == GREEN for light in measures)
    flagged = judge.county(measures)
    assert flagged.colour == RED
    assert flagged.reasons == ("标记底线风险 1项",)
    assert (flagged.red, flagged.yellow) == (0, 0)

    rules = dataclasses.replace(rulebook.current(), county_red_on_bottom_line=False)
    judge = Judge(period, CLOSED, rules)
    assert judge.county(lights_of(judge, green=24, flagged=1)).colour == GREEN


def test_the_thresholds_an_admin_sets_decide_the_county_s_colour(period):
    row = rulebook.stored()
    row.county_red_measures, row.county_yellow_measures = 1, 1
    row.save()
    judge = Judge(period, CLOSED)
    assert judge.county(lights_of(judge, red=1, green=23)).colour == RED
    assert judge.county(lights_of(judge, yellow=1, green=23)).colour == YELLOW

    row.county_red_measures, row.county_yellow_measures = 24, 24
    row.save()
    judge = Judge(period, CLOSED)
    assert judge.county(lights_of(judge, red=23, green=1)).colour == GREEN
    assert judge.county(lights_of(judge, red=23, yellow=1)).colour == YELLOW
    assert judge.county(lights_of(judge, red=24)).colour == RED


def test_on_part_of_the_plan_the_rule_s_numbers_are_scaled_to_its_share(period):
    assert county_threshold(6, 24, 24) == 6
    assert county_threshold(6, 5, 24) == 2  # one task area's five measures: 1.25, rounded up
    assert county_threshold(4, 5, 24) == 1
    assert county_threshold(1, 1, 24) == 1  # never below one
    judge = Judge(period, CLOSED)
    area = judge.county(lights_of(judge, red=2, green=3))
    assert area.colour == RED
    assert judge.county(lights_of(judge, red=1, green=4)).colour == YELLOW
    assert judge.county(lights_of(judge, green=5)).colour == GREEN


def test_a_county_counts_the_slots_per_reason(period):
    judge = Judge(period, DEADLINE + days(2))
    slots = [
        reported(State.APPROVED),  # green
        Slot(),  # overdue
        Slot(),  # overdue
        reported(State.SUBMITTED, 100, "behind"),  # red status
        reported(State.SUBMITTED, 0, "at_risk"),  # red status and far behind
        reported(State.SUBMITTED, math.floor(at_deadline(period))),  # slightly behind
    ]
    light = judge.county(judge.slot(slot) for slot in slots)
    assert (light.red, light.yellow) == (4, 1)
    assert light.codes == (lights.OVERDUE, lights.RED_STATUS, lights.FAR_BEHIND, lights.BEHIND)
    assert light.reasons == (
        "逾期未提交 2项",
        "自评滞后或存在风险 2项",
        "明显落后于序时进度 1项",
        "略低于序时进度 1项",
    )
    assert light.colour == RED  # on six measures, a part of the plan: scaled to 2


def test_the_demo_round_is_a_mix_of_colours(settings):
    settings.DEBUG = True
    seed_demo()
    period = Period.objects.get(code="2026Q3")
    judge = Judge(period, CLOSED)
    found = county_lights(judge, County.objects.all(), Measure.objects.all())
    tally = lights.tally(found.values())
    assert sum(tally.values()) == 183
    assert min(tally[RED], tally[YELLOW], tally[GREEN]) >= 10, tally
    assert max(tally.values()) < 120, tally


# Rules set by an admin


def test_an_admin_lowering_red_points_behind_turns_a_yellow_slot_red(period):
    slot = reported(State.SUBMITTED, math.floor(at_deadline(period)) - 15)
    assert Judge(period, CLOSED).slot(slot).colour == YELLOW
    assert cache.get(rulebook.CACHE_KEY) is not None  # the rules are cached

    row = rulebook.stored()
    row.red_points_behind = 10
    row.save()

    assert Judge(period, CLOSED).slot(slot).colour == RED


def test_an_admin_removing_behind_from_the_red_statuses_stops_its_red_light(period):
    behind = reported(State.SUBMITTED, 100, "behind")
    at_risk = reported(State.SUBMITTED, 100, "at_risk")
    assert Judge(period, CLOSED).slot(behind).colour == RED
    assert cache.get(rulebook.CACHE_KEY) is not None  # the rules are cached

    rulebook.stored().red_statuses.remove(status("behind"))

    judge = Judge(period, CLOSED)
    assert judge.slot(behind) == Light(GREEN, ())
    assert judge.slot(at_risk).colour == RED


def test_an_admin_adding_a_red_status_makes_it_red(period):
    not_started = reported(State.SUBMITTED, 100, "not_started")
    assert Judge(period, CLOSED).slot(not_started) == Light(GREEN, ())

    rulebook.stored().red_statuses.add(status("not_started"))

    assert Judge(period, CLOSED).slot(not_started).colour == RED


def test_an_admin_widening_the_days_before_the_deadline_warns_earlier(period):
    today = DEADLINE - days(8)
    assert Judge(period, today).slot(Slot()) == Light(GREEN, ())

    row = rulebook.stored()
    row.yellow_days_before_deadline = 10
    row.save()

    light = Judge(period, today).slot(Slot())
    assert light.colour == YELLOW
    assert "距截止日期还有8天" in light.text


def test_an_admin_lengthening_the_wait_after_a_return_delays_its_warning(period):
    slot = reported(State.RETURNED, returned_on=EARLY - days(7))
    assert Judge(period, EARLY).slot(slot).colour == YELLOW

    row = rulebook.stored()
    row.yellow_days_after_return = 10
    row.save()

    assert Judge(period, EARLY).slot(slot) == Light(GREEN, ())


def test_rules_given_to_the_judge_are_used_instead_of_the_stored_ones(period):
    rules = dataclasses.replace(rulebook.current(), red_points_behind=5)
    slot = reported(State.SUBMITTED, math.floor(at_deadline(period)) - 10)
    assert Judge(period, CLOSED).slot(slot).colour == YELLOW
    assert Judge(period, CLOSED, rules).slot(slot).colour == RED


# Lights read from the database


@pytest.fixture
def round_():
    """2026Q3 notes: 锦江区 a mix, 青羊区 every measure approved and on time, 会理市 nothing."""
    returned_at = timezone.make_aware(datetime.datetime(2026, 10, 2, 10))
    notes = [
        note("510104", "T1.1", State.SUBMITTED, "behind", 80),
        note("510104", "T1.2", State.APPROVED, "on_schedule", 100),
        note("510104", "T1.3", State.DRAFT, "at_risk", 0),
        note("510104", "T2.1", State.RETURNED, "on_schedule", 60, reviewed_at=returned_at),
        note("510104", "T2.2", State.APPROVED, "on_schedule", 55),
    ]
    notes += [
        note("510105", measure.code, State.APPROVED, "completed", 100)
        for measure in Measure.objects.all()
    ]
    return notes


@pytest.mark.parametrize(
    "today",
    [EARLY, datetime.date(2026, 10, 9), DEADLINE - days(2), DEADLINE, DEADLINE + days(20)],
)
def test_county_lights_agree_with_judging_each_slot_by_hand(period, round_, today):
    judge = Judge(period, today)
    counties = County.objects.filter(code__in=["510104", "510105", "513402", "510106"])
    for measures in (Measure.objects.all(), Measure.objects.filter(task_area__code="T1")):
        found = county_lights(judge, counties, measures)
        assert set(found) == set(counties.values_list("pk", flat=True))
        for county in counties:
            assert found[county.pk] == by_hand(judge, county, measures), (county.code, today)


def test_county_lights_count_missing_notes_as_empty_slots(period, round_):
    assert Measure.objects.count() == 24
    judge = Judge(period, DEADLINE + days(1))
    counties = County.objects.filter(code__in=["510104", "510105", "513402"])
    found = {
        County.objects.get(pk=pk).code: light
        for pk, light in county_lights(judge, counties, Measure.objects.all()).items()
    }
    assert found["513402"] == CountyLight(
        RED, ("逾期未提交 24项",), (lights.OVERDUE,), red=24, yellow=0
    )
    assert found["510105"] == CountyLight(GREEN, ())
    jinjiang = found["510104"]
    assert (jinjiang.colour, jinjiang.red, jinjiang.yellow) == (RED, 22, 1)
    # 21 measures without a note, a draft and a returned note are all overdue.
    assert jinjiang.reasons[0] == "逾期未提交 21项"
    assert "自评滞后或存在风险 1项" in jinjiang.reasons
    assert "略低于序时进度 1项" in jinjiang.reasons  # T1.1 at 80% is ahead, T2.2 at 55% is not
    assert "退回后未及时重报 1项" in jinjiang.reasons


def test_county_lights_read_a_bottom_line_flagged_in_a_submitted_note(period):
    """武侯区 approved every measure on time, and flagged a bottom line in one: red by it."""
    for measure in Measure.objects.all():
        note("510107", measure.code, State.APPROVED, "completed", 100)
    counties = County.objects.filter(code="510107")
    judge = Judge(period, CLOSED)
    [light] = county_lights(judge, counties, Measure.objects.all()).values()
    assert light == CountyLight(GREEN, ())

    flagged = ProgressNote.objects.get(county__code="510107", measure__code="T3.2")
    flagged.bottom_line, flagged.risk_reason = line(), "占用耕地"
    flagged.save()
    [light] = county_lights(judge, counties, Measure.objects.all()).values()
    assert light == CountyLight(RED, ("标记底线风险 1项",), (lights.BOTTOM_LINE,))
    assert light == by_hand(judge, counties.get(), Measure.objects.all())


# Pages


def test_the_report_page_shows_the_county_light_and_each_measure_light_in_words(
    client_for, reporter
):
    note("510104", "T1.1", State.SUBMITTED, "behind", 100)
    response = client_for(reporter).get("/counties/510104/report/2026Q3/")
    assert response.status_code == 200
    overdue = f"已逾期{overdue_days()}天"
    assert "本县预警" in response.text
    assert response.context["light"] == CountyLight(
        RED,
        ("逾期未提交 23项", "自评滞后或存在风险 1项"),
        (lights.OVERDUE, lights.RED_STATUS),
        red=24,
        yellow=0,
    )
    assert "红灯举措 24 · 黄灯举措 0" in response.text
    assert "逾期未提交 23项" in response.text
    rows = {row.measure.code: row for area in response.context["areas"] for row in area.rows}
    assert rows["T1.1"].light.reasons == ("自评为“滞后”",)
    assert rows["T1.2"].light.colour == RED
    assert overdue in rows["T1.2"].light.text
    assert response.text.count(overdue) == 23
    assert "自评为“滞后”" in response.text


def test_the_review_queue_shows_the_light_of_a_note_reported_behind(
    client_for, prefecture_reviewer
):
    note("510104", "T2.1", State.SUBMITTED, "behind", 100, submitted_at=timezone.now())
    response = client_for(prefecture_reviewer).get("/review/")
    assert response.status_code == 200
    [item] = [item for item in response.context["items"] if item.kind == "note"]
    assert item.light == Light(RED, ("自评为“滞后”",), (lights.RED_STATUS,))
    assert "自评为“滞后”" in response.text


def test_the_province_overview_tallies_every_county_light(client_for, provincial_reviewer, round_):
    response = client_for(provincial_reviewer).get("/province/?period=2026Q3")
    assert response.status_code == 200
    tally = response.context["light_tally"]
    assert sum(tally.values()) == 183
    assert tally == {RED: 182, GREEN: 1}  # 青羊区 approved everything, on time


def test_the_overview_of_a_prefecture_gives_each_county_row_its_light(
    client_for, provincial_reviewer, period, round_
):
    response = client_for(provincial_reviewer).get("/province/?period=2026Q3&prefecture=510100")
    assert response.status_code == 200
    units = {row.key: row for row in response.context["units"]}
    assert len(units) == 20
    judge = Judge(period, timezone.localdate())
    measures = Measure.objects.all()
    for code in ("510104", "510105", "510106"):
        county = County.objects.get(code=code)
        assert units[code].light == by_hand(judge, county, measures)
    assert units["510105"].light.colour == GREEN
    assert units["510106"].light == CountyLight(
        RED, ("逾期未提交 24项",), (lights.OVERDUE,), red=24, yellow=0
    )
    assert sum(response.context["light_tally"].values()) == 20


def test_the_overview_s_attention_list_puts_the_worst_lights_first_with_their_counts(
    client_for, provincial_reviewer, period, round_
):
    """Chengdu's 20 counties: 锦江区 has 22 red measures and 1 yellow, 青羊区 none, the other 18
    24 red each."""
    response = client_for(provincial_reviewer).get("/province/?period=2026Q3&prefecture=510100")
    behind = response.context["behind"]
    assert len(behind) == 10
    assert [(row.light.colour, row.light.red) for row in behind] == [(RED, 24)] * 10
    assert "510104" not in [row.key for row in behind]
    listed = response.text.split('id="behind-heading"')[1].split("</section>")[0]
    assert listed.count("红灯举措 24 · 黄灯举措 0") == 10

    others = County.objects.filter(prefecture__code="510100").exclude(code__in=["510104", "510105"])
    for county in others.order_by("code")[:9]:  # green: 9 counties of 24 red measures remain
        for measure in Measure.objects.all():
            note(county.code, measure.code, State.APPROVED, "completed", 100)
    shared_pages.start_new_generation()  # notes made here, not reviewed: the page is not kept
    response = client_for(provincial_reviewer).get("/province/?period=2026Q3&prefecture=510100")
    behind = response.context["behind"]
    ranked = [(row.key, row.light.colour, row.light.red, row.light.yellow) for row in behind]
    assert ranked[:9] == [(key, RED, 24, 0) for key, *_rest in ranked[:9]]
    assert ranked[9] == ("510104", RED, 22, 1)


def test_a_measure_grid_gives_each_county_cell_its_light(client_for, provincial_reviewer, round_):
    response = client_for(provincial_reviewer).get("/province/measures/T1.1/?period=2026Q3")
    assert response.status_code == 200
    cells = {cell.county.code: cell for _p, group in response.context["groups"] for cell in group}
    assert len(cells) == 183
    assert cells["510104"].light == Light(RED, ("自评为“滞后”",), (lights.RED_STATUS,))
    assert cells["510105"].light == Light(GREEN, ())
    assert cells["513402"].light.colour == RED
    assert cells["513402"].light.reasons == (f"已逾期{overdue_days()}天,尚未提交",)
    # Each county's counts of red and yellow measures, over every measure of the round.
    assert (cells["510104"].county_light.red, cells["510104"].county_light.yellow) == (22, 1)
    assert (cells["510105"].county_light.red, cells["510105"].county_light.yellow) == (0, 0)
    assert cells["513402"].county_light.red == 24
    row = re.search(
        r'<tr>\s*<th scope="row"><a href="/counties/510104/.*?</tr>', response.text, re.S
    )
    assert row.group(0).endswith('<td class="num">22 / 1</td>\n</tr>')


def test_a_task_area_grid_gives_each_county_its_light_on_the_area(
    client_for, provincial_reviewer, period, round_
):
    response = client_for(provincial_reviewer).get("/province/task-areas/T1/?period=2026Q3")
    assert response.status_code == 200
    rows = {
        county.code: (light, notes)
        for _p, group in response.context["groups"]
        for county, light, notes in group
    }
    assert len(rows) == 183
    judge = Judge(period, timezone.localdate())
    area = Measure.objects.filter(task_area__code="T1").order_by("order")
    for code in ("510104", "510105", "513402"):
        light, _ = rows[code]
        assert light == by_hand(judge, County.objects.get(code=code), area)
    assert rows["510105"][0] == CountyLight(GREEN, ())
    assert rows["513402"][0] == CountyLight(
        RED, ("逾期未提交 5项",), (lights.OVERDUE,), red=5, yellow=0
    )
    assert "红灯举措 5 · 黄灯举措 0" in response.text


def test_the_notes_list_gives_each_note_its_light(client_for, provincial_reviewer, period, round_):
    response = client_for(provincial_reviewer).get("/province/notes/?period=2026Q3&state=returned")
    assert response.status_code == 200
    [(returned, light)] = response.context["rows"]
    assert returned.measure.code == "T2.1"
    waited = (timezone.localdate() - datetime.date(2026, 10, 2)).days
    assert light.colour == RED
    assert light.reasons == (
        f"已逾期{overdue_days()}天,尚未提交",
        f"退回{waited}天仍未重新提交",
    )
    assert f"退回{waited}天仍未重新提交" in response.text

    response = client_for(provincial_reviewer).get("/province/notes/?period=2026Q3")
    judge = Judge(period, timezone.localdate())
    rows = response.context["rows"]
    assert len(rows) == 29
    assert all(light == judge.slot(Slot.of(n)) for n, light in rows)


def test_the_pace_page_states_the_rules_in_force_in_words(client_for, provincial_reviewer):
    client = client_for(provincial_reviewer)
    page = client.get("/province/pace/").text
    assert "本期截止前按当天计算,截止后按截止日期计算" in page
    assert "已提交的进展,灯不会比未提交的更重" in page
    assert "退回不会让灯变绿" in page
    assert "红灯:红灯举措达到6项,或已提交的进展标记了底线风险。" in page
    assert "黄灯:红灯和黄灯举措合计达到4项。" in page
    assert "上述项数按全部24项举措计" in page

    row = rulebook.stored()
    row.county_red_measures, row.county_yellow_measures = 3, 2
    row.county_red_on_bottom_line = False
    row.save()
    page = client.get("/province/pace/").text
    assert "红灯:红灯举措达到3项。" in page
    assert "标记了底线风险" not in page
    assert "黄灯:红灯和黄灯举措合计达到2项。" in page


def test_in_english_the_rules_are_stated_and_a_light_s_mark_is_its_initial(
    client_for, provincial_reviewer, round_
):
    client = client_for(provincial_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/province/pace/").text
    assert "Red: 6 or more red measures, or a submitted note flags a bottom line at risk." in page
    assert "Yellow: 4 or more red or yellow measures together." in page
    grid = client.get("/province/measures/T1.1/?period=2026Q3").text
    assert '<span class="light__mark" aria-hidden="true">R</span>' in grid
    assert '<span class="light__mark" aria-hidden="true">G</span>' in grid  # 青羊区
    assert "Red measures 24 · yellow measures 0" in client.get("/review/late/").text


def test_the_county_page_shows_the_county_light_of_the_latest_round_with_its_counts(
    client_for, reporter, other_reporter
):
    note("510104", "T1.1", State.SUBMITTED, "behind", 100)
    response = client_for(reporter).get("/counties/510104/")
    assert response.status_code == 200
    assert response.context["ended"].code == "2026Q3"
    light = response.context["light"]
    assert (light.colour, light.red, light.yellow) == (RED, 24, 0)
    assert "红灯举措 24 · 黄灯举措 0" in response.text
    assert 'href="/counties/510104/report/2026Q3/">2026年第三季度</a>' in response.text
    assert client_for(other_reporter).get("/counties/510104/").status_code == 404
    assert client_for(None).get("/counties/510104/")["Location"].startswith("/login/")
    assert client_for(reporter).post("/counties/510104/").status_code == 405
