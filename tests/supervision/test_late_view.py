"""The late-and-stale view for reviewers: what each county has not reported in the round, returns
not answered, measures silent for several periods, days since the last submission and the last
reminder; sorting worst first, the problems-only filter, the CSV export of the rows on screen,
scope, permissions, and a number of queries that does not grow with the data."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone

from targets.models import (
    County,
    Measure,
    Notification,
    Period,
    ProgressNote,
    State,
)
from tests.conftest import TODAY
from tests.notes import new_note
from tests.querycount import queries_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_29th_of_november")]
LATE = "/review/late/"
# 成都市's counties (12 districts, 3 counties, 5 county-level cities), as in divisions.csv.
CHENGDU = [
    "510104",
    "510105",
    "510106",
    "510107",
    "510108",
    "510112",
    "510113",
    "510114",
    "510115",
    "510116",
    "510117",
    "510118",
    "510121",
    "510129",
    "510131",
    "510181",
    "510182",
    "510183",
    "510184",
    "510185",
]


@pytest.fixture(autouse=True)
def counted_afresh(settings):
    """These tests are about what the view counts; keeping its table for a minute is tested in
    tests/caching/test_shared_pages.py."""
    settings.DASHBOARD_CACHE_SECONDS = 0


def at(days_ago: int) -> datetime.datetime:
    """Noon (Beijing time) ``days_ago`` days before today."""
    day = TODAY - datetime.timedelta(days=days_ago)
    return datetime.datetime(
        day.year, day.month, day.day, 12, tzinfo=timezone.get_current_timezone()
    )


def measure_codes() -> list[str]:
    return list(Measure.objects.order_by("code").values_list("code", flat=True))


def note(
    author,
    county,
    measure,
    state,
    period="2026Q3",
    *,
    percent=100,
    submitted_days_ago=None,
    returned_days_ago=None,
):
    """A note made directly; submitted ones get a submission time (5 days ago unless told)."""
    if state in (State.SUBMITTED, State.APPROVED, State.RETURNED) and submitted_days_ago is None:
        submitted_days_ago = 5 if state != State.RETURNED else (returned_days_ago or 0) + 1
    return new_note(
        county,
        measure,
        state,
        author=author,
        period=period,
        percent=percent,
        submitted_at=at(submitted_days_ago) if submitted_days_ago is not None else None,
        reviewed_at=at(returned_days_ago) if returned_days_ago is not None else None,
    )


def make_notes(author, county, measures, state, period="2026Q3", **kwargs):
    return ProgressNote.objects.bulk_create(
        [note(author, county, m, state, period, **kwargs) for m in measures]
    )


def rows_by_code(response) -> dict:
    return {row.county.code: row for row in response.context["rows"]}


def codes(response) -> list[str]:
    return [row.county.code for row in response.context["rows"]]


def csv_lines(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.fixture
def chengdu_round(reporter):
    """成都's counties, each with a different story in 2026Q3 (stale counted over 2 periods):

    - 510104 锦江: all 24 approved (submitted 1 day ago), percent 100: nothing wrong, green.
    - 510105 青羊: 5 returned (the oldest 9 days ago, others 2 days ago), 3 submitted 4 days ago.
    - 510106 金牛: 22 submitted 30 days ago, 2 drafts.
    - 510107 武侯: nothing this round, all 24 approved in 2026Q2 (submitted 100 days ago).
    - 510108 成华: all 24 submitted 3 days ago, percent 60 (a little behind: yellow).
    - the other 15: nothing at all.
    """
    all_ = measure_codes()
    make_notes(reporter, "510104", all_, State.APPROVED, submitted_days_ago=1)
    make_notes(
        reporter, "510105", all_[:1], State.RETURNED, submitted_days_ago=20, returned_days_ago=9
    )
    make_notes(
        reporter, "510105", all_[1:5], State.RETURNED, submitted_days_ago=20, returned_days_ago=2
    )
    make_notes(reporter, "510105", all_[5:8], State.SUBMITTED, submitted_days_ago=4)
    make_notes(reporter, "510106", all_[:22], State.SUBMITTED, submitted_days_ago=30)
    make_notes(reporter, "510106", all_[22:], State.DRAFT)
    make_notes(reporter, "510107", all_, State.APPROVED, "2026Q2", submitted_days_ago=100)
    make_notes(reporter, "510108", all_, State.SUBMITTED, percent=60, submitted_days_ago=3)


# --- what a row says -------------------------------------------------------------------------


def test_the_latest_ended_period_is_shown_by_default(client_for, provincial_reviewer):
    response = client_for(provincial_reviewer).get(LATE)
    assert response.status_code == 200
    assert response.context["period"].code == "2026Q3"
    assert response.context["stale_periods"] == 2
    assert response.context["sort"] == "light"
    assert "2026年第三季度 截止日期 2026年10月15日" in response.text


def test_a_county_that_reported_nothing_is_listed_with_every_measure_missing(
    client_for, provincial_reviewer
):
    response = client_for(provincial_reviewer).get(LATE)
    rows = rows_by_code(response)
    assert len(rows) == 183  # nobody has reported anything
    jinjiang = rows["510104"]
    assert (jinjiang.slots, jinjiang.reported, jinjiang.missing) == (24, 0, 24)
    assert jinjiang.returned == 0
    assert jinjiang.oldest_return_days is None
    assert jinjiang.stale == 24
    assert jinjiang.last_submitted is None
    assert jinjiang.days_since is None
    assert jinjiang.last_reminder is None
    assert jinjiang.light.colour == "red"  # the deadline has passed
    assert "从未提交" in response.text
    assert "24 / 24" in response.text


def test_missing_counts_only_submitted_and_approved_notes_of_the_round(
    client_for, provincial_reviewer, reporter
):
    make_notes(reporter, "510104", ["T1.1", "T1.2"], State.SUBMITTED)
    make_notes(reporter, "510104", ["T1.3"], State.APPROVED)
    make_notes(reporter, "510104", ["T1.4"], State.DRAFT)
    make_notes(reporter, "510104", ["T1.5"], State.RETURNED, returned_days_ago=1)
    # Notes of another period or another county do not count for 锦江's 2026Q3.
    make_notes(reporter, "510104", ["T2.1"], State.APPROVED, "2026Q2")
    make_notes(reporter, "510105", ["T2.2"], State.APPROVED)
    rows = rows_by_code(client_for(provincial_reviewer).get(LATE))
    assert rows["510104"].reported == 3
    assert rows["510104"].missing == 21
    assert rows["510105"].reported == 1
    assert rows["510105"].missing == 23
    assert rows["510106"].missing == 24


def test_unanswered_returns_are_counted_with_the_age_of_the_oldest(
    client_for, provincial_reviewer, reporter
):
    make_notes(reporter, "510104", ["T1.1"], State.RETURNED, returned_days_ago=8)
    make_notes(reporter, "510104", ["T1.2", "T1.3"], State.RETURNED, returned_days_ago=3)
    # A return answered (submitted again) is no longer a return.
    make_notes(reporter, "510104", ["T1.4"], State.SUBMITTED)
    # A return of another period is not this round's.
    make_notes(reporter, "510104", ["T1.5"], State.RETURNED, "2026Q2", returned_days_ago=40)
    response = client_for(provincial_reviewer).get(LATE)
    row = rows_by_code(response)["510104"]
    assert row.returned == 3
    assert row.oldest_return_days == 8
    assert "最久8天" in response.text
    assert rows_by_code(response)["510105"].oldest_return_days is None


def test_stale_counts_measures_without_a_reported_note_in_the_last_n_periods(
    client_for, provincial_reviewer, reporter
):
    make_notes(reporter, "510104", ["T1.1"], State.SUBMITTED, "2026Q3")
    # A measure reported in two periods of the window is one measure covered.
    make_notes(reporter, "510104", ["T1.1", "T1.2", "T1.3"], State.APPROVED, "2026Q2")
    make_notes(reporter, "510104", ["T1.4", "T1.5", "T2.1"], State.APPROVED, "2026Q1")
    make_notes(reporter, "510104", ["T2.2"], State.APPROVED, "2025Q4")
    # Drafts and returns do not cover a measure; a later period (2026Q4) is outside the window.
    make_notes(reporter, "510104", ["T2.3"], State.DRAFT, "2026Q2")
    make_notes(reporter, "510104", ["T2.4"], State.RETURNED, "2026Q2", returned_days_ago=50)
    make_notes(reporter, "510104", ["T2.5"], State.SUBMITTED, "2026Q4")
    client = client_for(provincial_reviewer)

    def stale(n):
        response = client.get(LATE, {"stale_periods": n})
        assert response.context["stale_periods"] == n
        return rows_by_code(response)["510104"].stale

    assert [stale(n) for n in (1, 2, 3, 4)] == [23, 21, 18, 17]
    assert rows_by_code(client.get(LATE))["510104"].stale == 21  # 2 periods by default
    assert "连续3期未报" in client.get(LATE, {"stale_periods": 3}).text


def test_days_since_the_last_submission_of_any_period(client_for, provincial_reviewer, reporter):
    make_notes(reporter, "510104", ["T1.1"], State.APPROVED, "2026Q2", submitted_days_ago=70)
    make_notes(reporter, "510104", ["T1.2"], State.SUBMITTED, submitted_days_ago=10)
    make_notes(reporter, "510105", ["T1.1"], State.APPROVED, "2026Q1", submitted_days_ago=200)
    response = client_for(provincial_reviewer).get(LATE)
    rows = rows_by_code(response)
    assert rows["510104"].days_since == 10
    assert rows["510104"].last_submitted == at(10)
    assert rows["510105"].days_since == 200
    assert rows["510106"].days_since is None
    assert "10天" in response.text
    assert "200天" in response.text


def test_the_last_reminder_date_of_the_round(client_for, provincial_reviewer, reporter, jinjiang):
    q3, q2 = Period.objects.get(code="2026Q3"), Period.objects.get(code="2026Q2")

    def remind(kind, period, sent_on, county=jinjiang):
        Notification.objects.create(
            recipient=reporter,
            kind=kind,
            period=period,
            county=county,
            days=10,
            pending=24,
            sent_on=sent_on,
        )

    remind(Notification.Kind.OVERDUE, q3, datetime.date(2026, 10, 20))
    remind(Notification.Kind.MANUAL, q3, datetime.date(2026, 11, 2))
    # Neither an escalation to the reviewer nor a reminder of another round counts.
    remind(Notification.Kind.ESCALATION, q3, datetime.date(2026, 11, 20))
    remind(Notification.Kind.OVERDUE, q2, datetime.date(2026, 11, 25))
    response = client_for(provincial_reviewer).get(LATE)
    rows = rows_by_code(response)
    assert rows["510104"].last_reminder == datetime.date(2026, 11, 2)
    assert rows["510105"].last_reminder is None
    assert "2026年11月2日" in response.text


def test_another_period_is_chosen_by_its_code(client_for, provincial_reviewer, reporter):
    make_notes(reporter, "510104", measure_codes()[:4], State.APPROVED, "2026Q2")
    response = client_for(provincial_reviewer).get(LATE, {"period": "2026Q2"})
    assert response.context["period"].code == "2026Q2"
    assert rows_by_code(response)["510104"].missing == 20


# --- problems only, or all; prefecture; sorting ----------------------------------------------


def test_problems_only_by_default_all_on_request(client_for, provincial_reviewer, chengdu_round):
    client = client_for(provincial_reviewer)
    problems = codes(client.get(LATE, {"prefecture": "510100"}))
    # 锦江 (all approved) and 成华 (all submitted, a little behind) have nothing missing,
    # returned or stale.
    assert set(problems) == set(CHENGDU) - {"510104", "510108"}
    everything = client.get(LATE, {"prefecture": "510100", "show": "all"})
    assert set(codes(everything)) == set(CHENGDU)
    assert all(row.has_problem for row in client.get(LATE).context["rows"])
    assert len(codes(client.get(LATE, {"show": "all"}))) == 183
    assert len(codes(client.get(LATE))) == 181


def test_a_stale_county_is_a_problem_only_while_its_silence_is_in_the_window(
    client_for, provincial_reviewer, reporter
):
    """A round all approved is no problem whatever the window; one note returned makes the
    measure missing, returned and (counting one period) stale."""
    make_notes(reporter, "510104", measure_codes(), State.APPROVED, "2026Q3")
    client = client_for(provincial_reviewer)
    assert "510104" not in codes(client.get(LATE, {"stale_periods": 1}))
    assert "510104" not in codes(client.get(LATE, {"stale_periods": 12}))
    one_returned = ProgressNote.objects.filter(county__code="510104").first()
    one_returned.state, one_returned.reviewed_at = State.RETURNED, at(1)
    one_returned.save()
    row = rows_by_code(client.get(LATE, {"stale_periods": 1}))["510104"]
    assert (row.missing, row.returned, row.stale) == (1, 1, 1)


def test_the_prefecture_filter(client_for, provincial_reviewer):
    client = client_for(provincial_reviewer)
    assert sorted(codes(client.get(LATE, {"prefecture": "510100"}))) == CHENGDU
    liangshan = codes(client.get(LATE, {"prefecture": "513400"}))
    assert len(liangshan) == 17
    assert all(code.startswith("5134") for code in liangshan)


@pytest.mark.parametrize(
    ("sort", "first", "badness"),
    [
        ("missing", "510107", lambda r: (r.missing,)),
        ("returned", "510105", lambda r: (r.returned,)),
        ("stale", "510112", lambda r: (r.stale,)),
        ("days", "510112", lambda r: (10**6 if r.days_since is None else r.days_since,)),
        # The worst light first, the most missing first among equal lights.
        ("light", "510107", lambda r: (r.light.severity, r.missing)),
    ],
)
def test_each_sort_puts_the_worst_first(
    client_for, provincial_reviewer, chengdu_round, sort, first, badness
):
    response = client_for(provincial_reviewer).get(
        LATE, {"prefecture": "510100", "show": "all", "sort": sort}
    )
    assert response.context["sort"] == sort
    rows = response.context["rows"]
    assert rows[0].county.code == first
    keys = [(*(-part for part in badness(r)), r.county.code) for r in rows]
    assert keys == sorted(keys), f"{sort} does not put the worst first: {keys}"


def test_sorting_by_missing_returned_and_days_orders_the_stories(
    client_for, provincial_reviewer, chengdu_round
):
    client = client_for(provincial_reviewer)

    def order(sort):
        found = codes(client.get(LATE, {"prefecture": "510100", "show": "all", "sort": sort}))
        return [
            code for code in found if code in {"510104", "510105", "510106", "510107", "510108"}
        ]

    assert order("missing") == ["510107", "510105", "510106", "510104", "510108"]
    assert order("returned")[0] == "510105"
    assert order("days") == ["510107", "510106", "510105", "510108", "510104"]
    light = order("light")
    assert light[-2:] == ["510108", "510104"]  # yellow, then green, after every red
    assert order("stale")[-3:] == ["510104", "510107", "510108"]


def test_sorting_by_county_follows_the_codes(client_for, provincial_reviewer, chengdu_round):
    response = client_for(provincial_reviewer).get(LATE, {"show": "all", "sort": "county"})
    found = [(r.county.prefecture.code, r.county.code) for r in response.context["rows"]]
    assert found == sorted(found)
    assert len(found) == 183


def test_the_light_sort_is_the_default_and_an_unknown_sort_is_ignored(
    client_for, provincial_reviewer, chengdu_round
):
    client = client_for(provincial_reviewer)
    default = codes(client.get(LATE, {"prefecture": "510100", "show": "all"}))
    assert default == codes(
        client.get(LATE, {"prefecture": "510100", "show": "all", "sort": "light"})
    )
    assert default[-2:] == ["510108", "510104"]


# --- CSV ------------------------------------------------------------------------------------


def test_the_csv_export_has_the_bom_chinese_headers_and_the_rows_on_screen(
    client_for, provincial_reviewer, chengdu_round
):
    client = client_for(provincial_reviewer)
    query = {"prefecture": "510100", "sort": "days", "stale_periods": "1"}
    screen = client.get(LATE, query)
    export = client.get(LATE, {**query, "export": "csv"})
    assert export.status_code == 200
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="late-2026Q3-\d{8}-\d{4}\.csv"', export["Content-Disposition"]
    )
    assert export.streaming
    header, *lines = csv_lines(export)
    assert header[:3] == ["市州", "县(市、区)代码", "县(市、区)"]
    assert {"未提交", "退回未重报", "连续1期未报", "距上次提交天数", "最近催办日期"} <= set(header)
    assert [line[1] for line in lines] == codes(screen)
    by_code = {line[1]: dict(zip(header, line, strict=True)) for line in lines}
    qingyang = by_code["510105"]
    assert qingyang["市州"] == "成都市"
    assert qingyang["县(市、区)"] == "青羊区"
    assert qingyang["未提交"] == "21"
    assert qingyang["已提交"] == "3"
    assert qingyang["退回未重报"] == "5"
    assert qingyang["退回最久天数"] == "9"
    assert qingyang["连续1期未报"] == "21"
    assert qingyang["距上次提交天数"] == "4"
    assert qingyang["预警"] == "红灯"
    wuhou = by_code["510107"]
    assert wuhou["连续1期未报"] == "24"
    assert wuhou["距上次提交天数"] == "100"
    assert by_code["510112"]["距上次提交天数"] == ""
    assert by_code["510112"]["最近提交时间"] == ""


def test_the_csv_follows_the_show_filter(client_for, provincial_reviewer, chengdu_round):
    client = client_for(provincial_reviewer)
    problems = csv_lines(client.get(LATE, {"prefecture": "510100", "export": "csv"}))[1:]
    everything = csv_lines(
        client.get(LATE, {"prefecture": "510100", "show": "all", "export": "csv"})
    )[1:]
    assert len(problems) == 18
    assert len(everything) == 20
    assert "510104" not in {line[1] for line in problems}


def test_the_page_links_to_the_export_with_the_same_filters(
    client_for, provincial_reviewer, chengdu_round
):
    response = client_for(provincial_reviewer).get(
        LATE, {"prefecture": "510100", "stale_periods": "3", "sort": "missing"}
    )
    assert "?prefecture=510100&amp;stale_periods=3&amp;sort=missing&amp;export=csv" in (
        response.text
    )


# --- scope and permissions ------------------------------------------------------------------


def test_the_chengdu_reviewer_sees_only_chengdu(client_for, prefecture_reviewer, chengdu_round):
    client = client_for(prefecture_reviewer)
    assert sorted(codes(client.get(LATE, {"show": "all"}))) == CHENGDU
    assert sorted(codes(client.get(LATE))) == sorted(set(CHENGDU) - {"510104", "510108"})
    # Asking for another prefecture does not widen the scope.
    assert set(codes(client.get(LATE, {"show": "all", "prefecture": "513400"}))) <= set(CHENGDU)
    lines = csv_lines(client.get(LATE, {"show": "all", "export": "csv"}))[1:]
    assert sorted(line[1] for line in lines) == CHENGDU


def test_the_liangshan_reviewer_does_not_see_jinjiang(
    client_for, other_prefecture_reviewer, chengdu_round
):
    client = client_for(other_prefecture_reviewer)
    response = client.get(LATE, {"show": "all"})
    found = codes(response)
    assert len(found) == 17
    assert all(code.startswith("5134") for code in found)
    assert "锦江区" not in response.text
    assert "510104" not in response.text
    asked = codes(client.get(LATE, {"show": "all", "prefecture": "510100"}))
    assert "510104" not in asked
    export = csv_lines(client.get(LATE, {"show": "all", "export": "csv"}))
    assert "510104" not in {line[1] for line in export[1:]}
    assert len(export) == 18


def test_the_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(LATE)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/review/late/")
    assert client.get(LATE, {"export": "csv"}).status_code == 302


@pytest.mark.parametrize("persona", ["reporter", "department_user", "no_role_user", "admin_user"])
def test_who_does_not_review_is_refused(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(LATE).status_code == 403
    assert client.get(LATE, {"export": "csv"}).status_code == 403


def test_the_view_only_answers_get(client_for, provincial_reviewer):
    assert client_for(provincial_reviewer).post(LATE, {"show": "all"}).status_code == 405


def test_htmx_gets_the_table_only(client_for, provincial_reviewer):
    response = client_for(provincial_reviewer).get(LATE, headers={"hx-request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="late-table"')


# --- queries --------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_data(
    client_for, provincial_reviewer, reporter
):
    client = client_for(provincial_reviewer)
    url = f"{LATE}?show=all&stale_periods=4"
    make_notes(reporter, "513402", ["T1.1"], State.SUBMITTED)
    before = queries_of(client, url)
    all_ = measure_codes()
    some = County.objects.order_by("code")[:40]
    periods = ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    for index, county in enumerate(some):
        for period in periods:
            state = [State.SUBMITTED, State.APPROVED, State.RETURNED, State.DRAFT][index % 4]
            make_notes(
                reporter,
                county,
                all_[: 6 + index % 18],
                state,
                period,
                returned_days_ago=3 if state == State.RETURNED else None,
            )
        Notification.objects.create(
            recipient=reporter,
            kind=Notification.Kind.MANUAL,
            period=Period.objects.get(code="2026Q3"),
            county=county,
            days=3,
            pending=4,
            sent_on=TODAY,
        )
    assert ProgressNote.objects.count() > 1000
    assert queries_of(client, url) == before
    with_sort = f"{url}&sort=days"
    assert queries_of(client, with_sort) == before


def test_the_number_of_queries_does_not_grow_with_the_counties_shown(
    client_for, provincial_reviewer, chengdu_round
):
    client = client_for(provincial_reviewer)
    chengdu = queries_of(client, f"{LATE}?show=all&prefecture=510100")  # 20 counties
    liangshan = queries_of(client, f"{LATE}?show=all&prefecture=513400")  # 17 counties
    assert chengdu == liangshan


def test_the_csv_reads_in_a_fixed_number_of_queries(client_for, provincial_reviewer, reporter):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(provincial_reviewer)
    url = f"{LATE}?show=all&export=csv"

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
            b"".join(response.streaming_content)
        return sum("SAVEPOINT" not in q["sql"] for q in context.captured_queries)

    before = count()
    for county in County.objects.order_by("code")[:30]:
        make_notes(reporter, county, measure_codes()[:10], State.SUBMITTED, "2026Q2")
        make_notes(reporter, county, measure_codes()[:5], State.RETURNED, returned_days_ago=2)
    assert count() == before
