"""Warning lights (红黄绿灯): each rule at its boundaries on a fixed day, a county's light as the
worst of its measures, the rules an admin sets, the lights read from the database in one go, and
the pages that show them."""

import dataclasses
import datetime
import math

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from targets.models import County, Measure, Period, ProgressNote, State, StatusOption
from targets.supervision import lights, rulebook
from targets.supervision.lights import (
    GREEN,
    RED,
    YELLOW,
    Judge,
    Light,
    Slot,
    county_lights,
    expected_progress,
)

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2026, 10, 15)  # 2026Q3's
EARLY = datetime.date(2026, 9, 1)  # long before the deadline: no deadline rule applies
NOT_SUBMITTED = ["none", "draft", "returned"]


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def status(code: str) -> StatusOption:
    return StatusOption.objects.get(code=code)


def reported(state: str, percent: float = 100, code: str = "on_schedule", returned_on=None):
    """A slot as the rules see it, with the status's real id and label."""
    option = status(code)
    return Slot(state, option.pk, option.label, percent, returned_on)


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


def test_expected_progress_is_the_share_of_2024_to_2027_elapsed_by_the_day_after_the_period(
    period,
):
    elapsed = (datetime.date(2026, 10, 1) - datetime.date(2024, 1, 1)).days
    total = (datetime.date(2028, 1, 1) - datetime.date(2024, 1, 1)).days
    assert expected_progress(period) == pytest.approx(elapsed / total * 100)
    assert expected_progress(period) == pytest.approx(68.72, abs=0.01)
    assert expected_progress(Period.objects.get(code="2027Q4")) == pytest.approx(100)


def test_expected_progress_after_2027_runs_over_2028_to_2035():
    q1 = Period.objects.get(code="2028Q1")
    elapsed = (datetime.date(2028, 4, 1) - datetime.date(2028, 1, 1)).days
    total = (datetime.date(2036, 1, 1) - datetime.date(2028, 1, 1)).days
    assert expected_progress(q1) == pytest.approx(elapsed / total * 100)


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


# Percent against 序时进度


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED])
def test_exactly_twenty_points_below_expected_is_yellow_just_over_is_red(period, state):
    judge = Judge(period, EARLY)
    expected = expected_progress(period)

    at_limit = judge.slot(reported(state, expected - 20))
    assert at_limit.colour == YELLOW
    assert at_limit.codes == (lights.BEHIND,)

    beyond = judge.slot(reported(state, expected - 20.01))
    assert beyond.colour == RED
    assert beyond.codes == (lights.FAR_BEHIND,)


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED])
def test_whole_percents_either_side_of_twenty_points_below(period, state):
    judge = Judge(period, EARLY)
    expected = expected_progress(period)
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
    judge = Judge(period, EARLY)
    expected = expected_progress(period)
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
    light = Judge(period, EARLY).slot(reported(state, 100, code))
    assert light.colour == RED
    assert light.codes == (lights.RED_STATUS,)
    assert light.reasons == (f"自评为“{label}”",)


def test_a_red_status_on_a_draft_or_returned_note_before_the_deadline_does_not_count(period):
    judge = Judge(period, EARLY)
    assert judge.slot(reported(State.DRAFT, 100, "behind")) == Light(GREEN, ())
    returned = reported(State.RETURNED, 100, "at_risk", returned_on=EARLY)
    assert judge.slot(returned) == Light(GREEN, ())


def test_a_red_status_far_behind_gives_both_reasons(period):
    light = Judge(period, EARLY).slot(reported(State.SUBMITTED, 0, "behind"))
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


def test_the_slot_of_a_note_takes_the_local_day_of_its_return(jinjiang):
    # 17:30 UTC on 30 September is 01:30 on 1 October in Sichuan.
    reviewed = datetime.datetime(2026, 9, 30, 17, 30, tzinfo=datetime.UTC)
    returned = note("510104", "T1.1", State.RETURNED, "at_risk", 40, reviewed_at=reviewed)
    approved = note("510104", "T1.2", State.APPROVED, "behind", 60, reviewed_at=reviewed)

    assert Slot.of(returned) == Slot(
        State.RETURNED, status("at_risk").pk, "存在风险", 40, datetime.date(2026, 10, 1)
    )
    assert Slot.of(approved).returned_on is None
    assert Slot.of(None) == Slot()


# A county's light


def test_a_county_shows_the_worst_light_and_counts_the_slots_per_reason(period):
    judge = Judge(period, DEADLINE - days(2))
    slots = [
        reported(State.APPROVED),  # green
        Slot(),  # due soon
        Slot(),  # due soon
        reported(State.SUBMITTED, 100, "behind"),  # red status
        reported(State.SUBMITTED, 0, "at_risk"),  # red status and far behind
        reported(State.SUBMITTED, math.floor(expected_progress(period))),  # slightly behind
    ]
    light = judge.county(judge.slot(slot) for slot in slots)
    assert light.colour == RED
    assert light.codes == (lights.RED_STATUS, lights.FAR_BEHIND, lights.DUE_SOON, lights.BEHIND)
    assert light.reasons == (
        "自评滞后或存在风险 2项",
        "明显落后于序时进度 1项",
        "临近截止未提交 2项",
        "略低于序时进度 1项",
    )


def test_a_county_with_only_yellow_and_green_is_yellow_and_all_green_is_green(period):
    judge = Judge(period, EARLY)
    green = judge.slot(reported(State.APPROVED))
    yellow = judge.slot(reported(State.RETURNED, returned_on=EARLY - days(7)))
    assert judge.county([green, yellow, green]) == Light(
        YELLOW, ("退回后未及时重报 1项",), (lights.RETURN_UNANSWERED,)
    )
    all_green = judge.county([green] * 24)
    assert all_green == Light(GREEN, ())
    assert all_green.text == "无预警"


# Rules set by an admin


def test_an_admin_lowering_red_points_behind_turns_a_yellow_slot_red(period):
    slot = reported(State.SUBMITTED, math.floor(expected_progress(period)) - 15)
    assert Judge(period, EARLY).slot(slot).colour == YELLOW
    assert cache.get(rulebook.CACHE_KEY) is not None  # the rules are cached

    row = rulebook.stored()
    row.red_points_behind = 10
    row.save()

    assert Judge(period, EARLY).slot(slot).colour == RED


def test_an_admin_removing_behind_from_the_red_statuses_stops_its_red_light(period):
    behind = reported(State.SUBMITTED, 100, "behind")
    at_risk = reported(State.SUBMITTED, 100, "at_risk")
    assert Judge(period, EARLY).slot(behind).colour == RED
    assert cache.get(rulebook.CACHE_KEY) is not None  # the rules are cached

    rulebook.stored().red_statuses.remove(status("behind"))

    judge = Judge(period, EARLY)
    assert judge.slot(behind) == Light(GREEN, ())
    assert judge.slot(at_risk).colour == RED


def test_an_admin_adding_a_red_status_makes_it_red(period):
    not_started = reported(State.SUBMITTED, 100, "not_started")
    assert Judge(period, EARLY).slot(not_started) == Light(GREEN, ())

    rulebook.stored().red_statuses.add(status("not_started"))

    assert Judge(period, EARLY).slot(not_started).colour == RED


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
    slot = reported(State.SUBMITTED, math.floor(expected_progress(period)) - 10)
    assert Judge(period, EARLY).slot(slot).colour == YELLOW
    assert Judge(period, EARLY, rules).slot(slot).colour == RED


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
    assert found["513402"] == Light(RED, ("逾期未提交 24项",), (lights.OVERDUE,))
    assert found["510105"] == Light(GREEN, ())
    jinjiang = found["510104"]
    assert jinjiang.colour == RED
    # 21 measures without a note, a draft and a returned note are all overdue.
    assert jinjiang.reasons[0] == "逾期未提交 21项"
    assert "自评滞后或存在风险 1项" in jinjiang.reasons
    assert "略低于序时进度 1项" in jinjiang.reasons  # T1.1 at 80% is ahead, T2.2 at 55% is not
    assert "退回后未及时重报 1项" in jinjiang.reasons


# Pages


def test_the_report_page_shows_the_county_light_and_each_measure_light_in_words(
    client_for, reporter
):
    note("510104", "T1.1", State.SUBMITTED, "behind", 100)
    response = client_for(reporter).get("/counties/510104/report/2026Q3/")
    assert response.status_code == 200
    overdue = f"已逾期{overdue_days()}天"
    assert "本县预警" in response.text
    assert response.context["light"] == Light(
        RED,
        ("逾期未提交 23项", "自评滞后或存在风险 1项"),
        (lights.OVERDUE, lights.RED_STATUS),
    )
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
    assert units["510106"].light == Light(RED, ("逾期未提交 24项",), (lights.OVERDUE,))
    assert sum(response.context["light_tally"].values()) == 20


def test_a_measure_grid_gives_each_county_cell_its_light(client_for, provincial_reviewer, round_):
    response = client_for(provincial_reviewer).get("/province/measures/T1.1/?period=2026Q3")
    assert response.status_code == 200
    cells = {cell.county.code: cell for _p, group in response.context["groups"] for cell in group}
    assert len(cells) == 183
    assert cells["510104"].light == Light(RED, ("自评为“滞后”",), (lights.RED_STATUS,))
    assert cells["510105"].light == Light(GREEN, ())
    assert cells["513402"].light.colour == RED
    assert cells["513402"].light.reasons == (f"已逾期{overdue_days()}天,尚未提交",)


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
    assert rows["510105"][0] == Light(GREEN, ())
    assert rows["513402"][0] == Light(RED, ("逾期未提交 5项",), (lights.OVERDUE,))


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
