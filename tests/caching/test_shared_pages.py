"""The shared page cache: what counties send shows when the kept page expires; no user is shown
a page kept for another scope or language; exports are always counted afresh; the late view's
table and the review queue's list hold no one's CSRF token. What shows at once, through a new
generation, is in test_receivers."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from targets.caching import shared_pages
from targets.models import (
    County,
    Measure,
    Notification,
    ProgressNote,
    Role,
    State,
)
from tests.conftest import make_user
from tests.notes import new_note
from tests.querycount import queries_of
from tests.review.test_review_queue import keys

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_cache")]
OVERVIEW = "/province/?period=2026Q3"
GRID = "/province/measures/T1.1/?period=2026Q3"


def count(page, label: str) -> int:
    """A figure of the overview's round counts, as shown."""
    found = re.search(rf">{label}(?:</a>)?</dt><dd>([\d,]+)", page.text)
    assert found, f"no count {label} on the page"
    return int(found.group(1).replace(",", ""))


def submitted(county: str, measure: str, author):
    note = new_note(county, measure, State.SUBMITTED, author=author, submitted_at=timezone.now())
    note.save()
    return note


@pytest.fixture
def clock():
    """A clock that the test moves on; it starts now."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.mark.expires_by_the_test_clock
def test_a_submission_shows_once_the_kept_page_expires(
    client_for, provincial_reviewer, reporter, clock
):
    client = client_for(provincial_reviewer)
    assert count(client.get(OVERVIEW), "待审核") == 0
    submitted("510104", "T1.1", reporter)
    kept = client.get(OVERVIEW)
    assert count(kept, "待审核") == 0, "the page counted a minute ago is shown again"
    clock.shift(datetime.timedelta(seconds=settings.DASHBOARD_CACHE_SECONDS + 1))
    assert count(client.get(OVERVIEW), "待审核") == 1


def test_the_page_says_when_its_figures_were_counted(
    client_for, provincial_reviewer, reporter, clock
):
    client = client_for(provincial_reviewer)
    first = client.get(OVERVIEW)
    clock.shift(datetime.timedelta(seconds=30))
    again = client.get(OVERVIEW)
    as_of = re.compile(r'class="as-of muted">([^<]+)<')
    assert as_of.search(first.text).group(1) == as_of.search(again.text).group(1)
    assert "数据截至" in again.text


def test_no_one_is_shown_a_page_kept_for_another_scope(
    client_for, prefecture_reviewer, other_prefecture_reviewer, provincial_reviewer
):
    chengdu = client_for(prefecture_reviewer).get(OVERVIEW)
    liangshan = client_for(other_prefecture_reviewer).get(OVERVIEW)
    province = client_for(provincial_reviewer).get(OVERVIEW)
    assert count(chengdu, "应填报") == 20 * 24
    assert count(liangshan, "应填报") == 17 * 24
    assert count(province, "应填报") == 183 * 24
    chengdu_grid = client_for(prefecture_reviewer).get(GRID).text
    liangshan_grid = client_for(other_prefecture_reviewer).get(GRID).text
    assert "锦江区" in chengdu_grid
    assert "锦江区" not in liangshan_grid
    assert "会理市" in liangshan_grid
    assert "会理市" not in chengdu_grid


def test_each_language_has_its_own_page(client_for, provincial_reviewer):
    client = client_for(provincial_reviewer)
    assert "本轮填报情况" in client.get(OVERVIEW).text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(OVERVIEW).text
    assert "本轮填报情况" not in english
    assert "This round" in english


def test_the_filtered_fragment_and_the_whole_page_are_kept_apart(client_for, provincial_reviewer):
    client = client_for(provincial_reviewer)
    fragment = client.get(OVERVIEW, headers={"HX-Request": "true"}).text
    page = client.get(OVERVIEW).text
    assert "<html" not in fragment
    assert 'id="results"' in fragment
    assert "<html" in page
    assert 'id="results"' in page


def test_an_export_is_counted_afresh(client_for, provincial_reviewer, reporter):
    client = client_for(provincial_reviewer)
    client.get(OVERVIEW)  # kept
    submitted("510104", "T1.1", reporter)
    response = client.get(OVERVIEW + "&prefecture=510100&export=csv")
    export = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["名称"]: row for row in csv.DictReader(io.StringIO(export))}
    assert rows["锦江区"]["已填报"] == "1"
    assert count(client.get(OVERVIEW), "待审核") == 0  # the kept page


def test_with_no_seconds_every_page_is_counted_afresh(
    client_for, provincial_reviewer, reporter, settings
):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client = client_for(provincial_reviewer)
    assert count(client.get(OVERVIEW), "待审核") == 0
    submitted("510104", "T1.1", reporter)
    assert count(client.get(OVERVIEW), "待审核") == 1


def generation():
    return caches[shared_pages.CACHE].get(shared_pages.GENERATION_KEY)


def test_a_query_with_made_up_parameters_is_counted_but_not_kept(
    client_for, provincial_reviewer, reporter
):
    client = client_for(provincial_reviewer)
    assert count(client.get(OVERVIEW + "&made_up=1"), "待审核") == 0
    submitted("510104", "T1.1", reporter)
    assert count(client.get(OVERVIEW + "&made_up=1"), "待审核") == 1


def test_a_county_answering_a_return_leaves_the_kept_pages_alone(
    client_for, provincial_reviewer, reporter, note_data
):
    returned = new_note("510104", "T1.1", State.RETURNED, author=reporter, review_comment="补充")
    returned.save()
    client_for(provincial_reviewer).get(OVERVIEW)
    before = generation()
    url = "/counties/510104/report/2026Q3/measures/T1.1/"
    saved = client_for(reporter).post(url, {**note_data, "version": returned.version})
    assert saved.status_code == 302
    assert generation() == before


LATE = "/review/late/?period=2026Q3&prefecture=510100"
CSRF = re.compile(
    r'<form id="remind-one"[^>]*><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"'
)


def test_the_late_view_is_kept_and_a_reminder_shows_at_once(
    client_for, provincial_reviewer, reporter, on_the_29th_of_november
):
    make_user("qingyang", Role.Kind.COUNTY_REPORTER, county=County.objects.get(code="510105"))
    client = client_for(provincial_reviewer)
    assert "2026年11月29日</td>" not in client.get(LATE).text
    for measure in Measure.objects.all():
        submitted("510104", measure.code, reporter)
    assert "锦江区" in client.get(LATE).text, "the table counted before the submissions is kept"
    client.post("/review/late/remind/", {"period": "2026Q3", "counties": ["510105"]})
    assert Notification.objects.filter(county__code="510105").count() == 1
    page = client.get(LATE).text
    assert "2026年11月29日</td>" in page, "the reminder shows on the next page"
    assert "锦江区" not in page, "and the table is counted afresh"


def test_the_kept_late_table_holds_no_ones_csrf_token_and_each_reviewer_can_remind(
    provincial_reviewer, on_the_29th_of_november
):
    make_user("qingyang", Role.Kind.COUNTY_REPORTER, county=County.objects.get(code="510105"))
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(provincial_reviewer)
    second.force_login(make_user("province_2", Role.Kind.PROVINCIAL_REVIEWER))
    fragment = first.get(LATE, headers={"HX-Request": "true"}).text
    assert 'form="remind-one"' in fragment
    assert "csrfmiddlewaretoken" not in fragment
    first.get(LATE)
    page = second.get(LATE).text  # the table kept from the first reviewer's request
    token = CSRF.search(page).group(1)
    sent = second.post(
        "/review/late/remind/",
        {"csrfmiddlewaretoken": token, "period": "2026Q3", "counties": ["510105"]},
    )
    assert sent.status_code == 302
    assert Notification.objects.filter(
        county__code="510105", sender__username="province_2"
    ).exists()


def county_options(page) -> set[str]:
    select = re.search(r'<select name="county".*?</select>', page.text, re.S).group(0)
    return set(re.findall(r'<option value="(\d{6})"', select))


def test_the_review_queue_keeps_its_filter_choices_for_the_same_reviewers(
    client_for, provincial_reviewer, prefecture_reviewer
):
    """Opened without a filter, the queue's filter fields (183 counties among them) are kept in
    the shared page cache: a reviewer of one prefecture is still offered only their own counties,
    the other language its own labels, a renamed county shows at once, and a chosen filter is
    shown chosen."""
    province = client_for(provincial_reviewer)
    kept = queries_of(province, "/review/")
    with override_settings(DASHBOARD_CACHE_SECONDS=0):
        assert queries_of(province, "/review/") > kept + 3  # five choice lists, one cache read
    assert len(county_options(province.get("/review/"))) == 183
    chengdu = client_for(prefecture_reviewer)
    offered = county_options(chengdu.get("/review/"))
    assert offered
    assert all(code.startswith("5101") for code in offered)
    assert ">市州<" in province.get("/review/").text
    province.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert ">Prefecture<" in province.get("/review/").text
    del province.cookies[settings.LANGUAGE_COOKIE_NAME]
    County.objects.filter(code="510104").update(name="改名后的锦江区")
    County.objects.get(code="510104").save()  # through the ORM's signals, as the admin does
    assert "改名后的锦江区" in province.get("/review/").text
    chosen = province.get("/review/", {"county": "510104", "per_page": "50"}).text
    assert '<option value="510104" selected>' in chosen
    assert '<option value="50" selected>' in chosen
    assert '<option value="510104" selected>' not in province.get("/review/").text


def test_the_review_queue_keeps_its_list_while_it_holds_the_same_items(
    client_for, provincial_reviewer, prefecture_reviewer, reporter
):
    """The queue's list is kept for whoever asks for the same page while it holds the same
    items: a new submission and a review show at once, each reviewer sees their own scope, and
    the kept list holds no one's CSRF token."""
    first = submitted("510104", "T1.1", reporter)
    province = client_for(provincial_reviewer)
    kept = queries_of(province, "/review/")
    with override_settings(DASHBOARD_CACHE_SECONDS=0):
        assert queries_of(province, "/review/") > kept + 2, "kept, the notes are not read again"
    assert keys(province.get("/review/")) == [f"note-{first.pk}"]
    second = submitted("513402", "T1.1", reporter)
    page = province.get("/review/")
    assert keys(page) == [f"note-{first.pk}", f"note-{second.pk}"]
    assert "2条待审核" in page.text
    chengdu = Client()
    chengdu.force_login(prefecture_reviewer)
    assert keys(chengdu.get("/review/")) == [f"note-{first.pk}"]
    province.post("/review/", {"items": [f"note-{first.pk}"], "decision": "approve"})
    assert keys(province.get("/review/")) == [f"note-{second.pk}"]
    kept = Client(enforce_csrf_checks=True)
    kept.force_login(make_user("province_2", Role.Kind.PROVINCIAL_REVIEWER))
    form = (
        r'data-keep-draft="review">\s*<input type="hidden" name="csrfmiddlewaretoken" value="(\w+)"'
    )
    token = re.search(form, kept.get("/review/").text).group(1)
    returned = kept.post(
        "/review/",
        {
            "csrfmiddlewaretoken": token,
            "items": [f"note-{second.pk}"],
            "decision": "return",
            "comment": "补充佐证",
        },
    )
    assert returned.status_code == 302
    assert ProgressNote.objects.get(pk=second.pk).state == State.RETURNED


def test_the_review_queue_list_is_kept_per_language_and_query(
    client_for, provincial_reviewer, reporter
):
    submitted("510104", "T1.1", reporter)
    province = client_for(provincial_reviewer)
    assert "1条待审核" in province.get("/review/").text
    province.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "1 item awaiting review" in province.get("/review/").text
    del province.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert keys(province.get("/review/", {"county": "513402"})) == []
    assert len(keys(province.get("/review/", {"county": "510104"}))) == 1
    made_up = queries_of(province, "/review/?utm=1")
    assert queries_of(province, "/review/?utm=1") == made_up, "a made-up parameter is not kept"


def test_a_new_submission_is_counted_at_once_and_leaves_the_kept_first_page_alone(
    client_for, provincial_reviewer, reporter
):
    for measure in Measure.objects.order_by("code")[:20]:
        submitted("510104", measure.code, reporter)
    province = client_for(provincial_reviewer)
    first_page = keys(province.get("/review/"))
    kept = queries_of(province, "/review/")
    late = submitted("510105", "T1.1", reporter)
    with CaptureQueriesContext(connection) as context:
        page = province.get("/review/")
    queries = sum("SAVEPOINT" not in query["sql"] for query in context.captured_queries)
    assert queries == kept, "the first page's items are not read again"
    assert "21条待审核" in page.text
    assert "共2页" in page.text
    assert keys(page) == first_page
    assert keys(province.get("/review/", {"page": 2})) == [f"note-{late.pk}"]


def lights_queries(client, url: str) -> int:
    """The queries of a request that read the round's notes for the county lights."""
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return sum("CASE WHEN" in q["sql"] for q in context.captured_queries)


def test_the_county_lights_are_counted_once_for_the_overview_and_every_grid(
    client_for, provincial_reviewer, prefecture_reviewer
):
    province = client_for(provincial_reviewer)
    assert lights_queries(province, OVERVIEW) == 1
    assert lights_queries(province, GRID) == 0, "the overview's lights are shared"
    assert lights_queries(province, GRID.replace("T1.1", "T1.2")) == 0
    filtered = f"{GRID}&task_area=T1"
    assert lights_queries(province, filtered) == 1, "another scope has lights of its own"
    assert lights_queries(client_for(prefecture_reviewer), GRID) == 1, "and another audience"
