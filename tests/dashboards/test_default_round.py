"""Reviewers' pages open on the latest round past its deadline, with the round being reported one
click away and named as such; the choice is made in one place (supervision.periods).

On 3 December 2026, 2026Q3's deadline (15 October) has passed and 2026Q4 is being reported."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from targets.supervision import periods

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_3rd_of_december")]
NOW = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=timezone.get_fixed_timezone(480))
TO_OPEN = "当前填报期:2026年第四季度(进行中)"
REVIEWER_PAGES = [
    "/province/",
    "/province/measures/T1.1/",
    "/province/task-areas/T1/",
    "/province/notes/",
    "/review/late/",
]


@pytest.fixture
def on_the_3rd_of_december(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_reviewed_round_is_the_latest_past_its_deadline():
    assert periods.reviewed_round(NOW.date()).code == "2026Q3"
    assert periods.open_round(NOW.date()).code == "2026Q4"
    # On its deadline day a round is still open; the day after, reviewers open on it.
    assert periods.reviewed_round(datetime.date(2026, 10, 15)).code == "2026Q2"
    assert periods.reviewed_round(datetime.date(2026, 10, 16)).code == "2026Q3"


def test_between_a_round_s_end_and_its_deadline_reviewers_keep_the_round_before():
    rounds = periods.for_review(datetime.date(2026, 10, 10))
    assert (rounds.shown.code, rounds.reviewed.code, rounds.open.code) == (
        "2026Q2",
        "2026Q2",
        "2026Q3",
    )


@pytest.mark.parametrize("url", REVIEWER_PAGES)
def test_each_reviewer_page_opens_on_the_round_past_its_deadline(
    client_for, provincial_reviewer, url
):
    response = client_for(provincial_reviewer).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "本页显示最近截止的一期 <strong>2026年第三季度</strong>" in page
    assert TO_OPEN in page


@pytest.mark.parametrize("url", REVIEWER_PAGES)
def test_the_open_round_is_one_click_away_with_the_filters_kept(
    client_for, prefecture_reviewer, url
):
    client = client_for(prefecture_reviewer)
    page = client.get(url, {"prefecture": "510100"}).content.decode()
    link = f'href="{url}?prefecture=510100&amp;period=2026Q4" data-round="open"'
    assert link in page
    opened = client.get(url, {"prefecture": "510100", "period": "2026Q4"}).content.decode()
    assert "本页显示当前填报期 <strong>2026年第四季度</strong>(进行中,2027年1月15日截止)" in opened
    assert "最近截止的一期:2026年第三季度" in opened
    assert TO_OPEN not in opened


def test_the_overview_counts_the_round_past_its_deadline(client_for, provincial_reviewer):
    response = client_for(provincial_reviewer).get("/province/")
    assert response.context["period"].code == "2026Q3"
    assert "<title>全省概览 · 2026年第三季度" in response.text


def test_the_filter_names_the_default_as_what_it_is(client_for, provincial_reviewer):
    page = client_for(provincial_reviewer).get("/province/").text
    assert '<option value="" selected>最近截止的一期</option>' in page
    assert '<option value="2026Q4">2026年第四季度</option>' in page


def test_the_switch_speaks_english(client_for, provincial_reviewer):
    page = client_for(provincial_reviewer).get("/province/", headers={"accept-language": "en"})
    assert "Current round: Q4 2026 (in progress)" in page.text


def test_the_late_view_and_its_export_default_to_the_same_round(client_for, provincial_reviewer):
    client = client_for(provincial_reviewer)
    assert client.get("/review/late/").context["period"].code == "2026Q3"
    export = client.get("/review/late/", {"export": "csv", "show": "all"})
    assert "2026年第三季度" in b"".join(export.streaming_content).decode("utf-8-sig")


def test_the_briefing_defaults_to_the_round_past_its_deadline(client_for, provincial_reviewer):
    response = client_for(provincial_reviewer).get("/province/briefing/")
    assert response.context["b"].period.code == "2026Q3"


def test_a_county_page_offers_both_rounds_to_a_reviewer(client_for, prefecture_reviewer):
    page = client_for(prefecture_reviewer).get("/counties/510104/").text
    assert 'href="/counties/510104/report/2026Q3/"' in page
    assert 'href="/counties/510104/report/2026Q4/"' in page
    assert TO_OPEN in page


def test_a_county_page_leads_its_reporter_to_the_round_needing_action(client_for, reporter):
    page = client_for(reporter).get("/counties/510104/").text
    assert "填报进展:2026年第三季度" in page
