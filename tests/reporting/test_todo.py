"""A county reporter's to-do list across rounds, and where 本期填报 leads.

On 3 December 2026 (Beijing time): 2026Q3's deadline (15 October) passed 49 days ago, and 2026Q4
is being reported until 15 January 2027, 43 days away."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from targets.models import County, Measure, Period, PeriodReopening, State
from tests.notes import saved_note

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_3rd_of_december")]
TODO = "/todo/"
NOW = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=timezone.get_fixed_timezone(480))
MEASURES = 24


@pytest.fixture
def on_the_3rd_of_december():
    with time_machine.travel(NOW, tick=False):
        yield


def returned(reporter, reviewer, measure="T1.2", period="2026Q3", comment="请补充佐证材料。"):
    return saved_note(
        "510104",
        measure,
        State.RETURNED,
        author=reporter,
        period=period,
        review_comment=comment,
        reviewed_by=reviewer,
        reviewed_at=timezone.now(),
    )


def submit_all(reporter, period="2026Q3", county="510104"):
    for measure in Measure.objects.all():
        saved_note(county, measure, State.SUBMITTED, author=reporter, period=period)


def test_the_reporter_lands_on_the_to_do_list(client_for, reporter):
    response = client_for(reporter).get("/")
    assert response.status_code == 302
    assert response["Location"] == TODO


def test_measures_overdue_are_listed_with_their_days_overdue(client_for, reporter):
    response = client_for(reporter).get(TODO)
    assert response.status_code == 200
    todo = response.context["todo"]
    assert [(w.period.code, len(w.overdue), w.days_overdue) for w in todo.overdue] == [
        ("2026Q3", MEASURES, 49)
    ]
    first = todo.overdue[0].overdue[0]
    assert first.url == "/counties/510104/report/2026Q3/measures/T1.1/"
    assert first.days_overdue == 49
    assert "逾期未报(24项)" in response.text
    assert "2026年10月15日截止,已逾期49天" in response.text
    assert 'href="/counties/510104/report/2026Q3/measures/T1.1/"' in response.text


def test_older_rounds_the_county_never_began_are_not_chased(client_for, reporter):
    todo = client_for(reporter).get(TODO).context["todo"]
    assert {work.period.code for work in todo.rounds} == {"2026Q3", "2026Q4"}
    assert "2026年第二季度" not in client_for(reporter).get(TODO).text


def test_a_returned_note_shows_the_reviewer_s_comment_and_leads_to_its_form(
    client_for, reporter, prefecture_reviewer
):
    returned(reporter, prefecture_reviewer)
    response = client_for(reporter).get(TODO)
    todo = response.context["todo"]
    assert [(i.measure.code, i.period.code) for i in todo.returned] == [("T1.2", "2026Q3")]
    assert todo.overdue_count == MEASURES - 1  # the returned measure is listed once
    assert "被退回的进展(1项)" in response.text
    assert "请补充佐证材料。" in response.text
    assert "chengdu_reviewer" in response.text
    assert 'href="/counties/510104/report/2026Q3/measures/T1.2/"' in response.text


def test_drafts_not_submitted_are_listed_with_their_deadline(client_for, reporter):
    saved_note("510104", "T1.3", State.DRAFT, author=reporter, period="2026Q3")
    saved_note("510104", "T2.1", State.DRAFT, author=reporter, period="2026Q4")
    response = client_for(reporter).get(TODO)
    drafts = response.context["todo"].drafts
    assert [(i.measure.code, i.period.code, i.days_overdue) for i in drafts] == [
        ("T1.3", "2026Q3", 49),
        ("T2.1", "2026Q4", None),
    ]
    assert "草稿未提交(2项)" in response.text
    assert "2027年1月15日截止" in response.text


def test_the_next_deadline_counts_what_is_not_yet_submitted(client_for, reporter):
    saved_note("510104", "T1.1", State.SUBMITTED, author=reporter, period="2026Q4")
    response = client_for(reporter).get(TODO)
    next_deadline = response.context["todo"].next_deadline
    assert next_deadline.period.code == "2026Q4"
    assert next_deadline.days_left == 43
    assert [(c.code, n) for c, n in next_deadline.pending] == [("510104", MEASURES - 1)]
    assert "2027年1月15日截止,还有43天" in response.text
    assert "尚有23项举措未提交" in response.text


def test_what_was_submitted_or_approved_is_not_to_do(client_for, reporter):
    submit_all(reporter)
    saved_note("510104", "T1.1", State.APPROVED, author=reporter, period="2026Q4")
    response = client_for(reporter).get(TODO)
    todo = response.context["todo"]
    assert todo.is_empty
    assert "目前没有待办事项" in response.text


def test_a_locked_round_is_not_to_do_unless_reopened_for_the_county(
    client_for, reporter, admin_user
):
    Period.objects.filter(code="2026Q3").update(locked=True)
    todo = client_for(reporter).get(TODO).context["todo"]
    assert "2026Q3" not in {work.period.code for work in todo.rounds}

    PeriodReopening.objects.create(
        period=Period.objects.get(code="2026Q3"),
        county=County.objects.get(code="510104"),
        until=datetime.date(2026, 12, 10),
        reason="补报",
        opened_by=admin_user,
    )
    response = client_for(reporter).get(TODO)
    reopened = response.context["todo"].overdue
    assert [(w.period.code, w.reopened_until) for w in reopened] == [
        ("2026Q3", datetime.date(2026, 12, 10))
    ]
    assert "本期已为本县重新开放至 2026年12月10日" in response.text


def test_an_older_round_with_a_draft_left_is_still_to_do(client_for, reporter):
    saved_note("510104", "T3.1", State.DRAFT, author=reporter, period="2026Q1")
    saved_note("510104", "T3.2", State.SUBMITTED, author=reporter, period="2026Q1")
    todo = client_for(reporter).get(TODO).context["todo"]
    older = next(work for work in todo.rounds if work.period.code == "2026Q1")
    assert [item.measure.code for item in older.drafts] == ["T3.1"]
    assert len(older.overdue) == MEASURES - 2
    assert older.days_overdue == (datetime.date(2026, 12, 3) - datetime.date(2026, 4, 15)).days


def test_another_county_s_clerk_sees_nothing_of_it(
    client_for, reporter, other_reporter, prefecture_reviewer
):
    returned(reporter, prefecture_reviewer)
    saved_note("510104", "T1.3", State.DRAFT, author=reporter, period="2026Q4")
    response = client_for(other_reporter).get(TODO)
    assert response.status_code == 200
    todo = response.context["todo"]
    assert {work.county.code for work in todo.rounds} == {"513402"}
    assert todo.returned == []
    assert todo.drafts == []
    assert "请补充佐证材料" not in response.text
    assert "/counties/510104/" not in response.text
    assert "锦江区" not in response.text


def test_the_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(TODO)
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/todo/"


def test_a_reviewer_has_no_to_do_list_of_a_county(client_for, prefecture_reviewer):
    assert client_for(prefecture_reviewer).get(TODO).status_code == 403


def test_the_wrong_method_is_refused(client_for, reporter):
    assert client_for(reporter).post(TODO).status_code == 405


def test_the_navigation_leads_to_the_to_do_list(client_for, reporter):
    page = client_for(reporter).get("/counties/510104/").text
    assert 'href="/todo/"' in page


def test_the_list_is_in_english_with_rounds_in_words(client_for, reporter, prefecture_reviewer):
    returned(reporter, prefecture_reviewer)
    page = client_for(reporter).get(TODO, headers={"accept-language": "en"}).text
    assert "Q3 2026" in page
    assert "2026年第三季度" not in page


# 本期填报 (/counties/<code>/report/ with no period) leads to the round that needs action.


def leads_to(client, county="510104", **query):
    response = client.get(f"/counties/{county}/report/", query)
    assert response.status_code == 302
    return response["Location"]


def test_the_round_link_leads_to_the_round_overdue(client_for, reporter):
    assert leads_to(client_for(reporter)) == "/counties/510104/report/2026Q3/"


def test_the_round_link_leads_to_the_open_round_once_the_overdue_one_is_done(client_for, reporter):
    submit_all(reporter)
    assert leads_to(client_for(reporter)) == "/counties/510104/report/2026Q4/"


def test_the_round_link_leads_to_a_return_to_answer_even_in_the_open_round(
    client_for, reporter, prefecture_reviewer
):
    submit_all(reporter)
    returned(reporter, prefecture_reviewer, period="2026Q4")
    assert leads_to(client_for(reporter)) == "/counties/510104/report/2026Q4/"


def test_the_round_link_leads_to_the_oldest_round_needing_action(client_for, reporter):
    saved_note("510104", "T3.1", State.DRAFT, author=reporter, period="2026Q1")
    assert leads_to(client_for(reporter)) == "/counties/510104/report/2026Q1/"


def test_the_round_link_passes_over_a_locked_round(client_for, reporter):
    Period.objects.filter(code="2026Q3").update(locked=True)
    assert leads_to(client_for(reporter)) == "/counties/510104/report/2026Q4/"


def test_a_chosen_round_is_kept(client_for, reporter):
    assert leads_to(client_for(reporter), period="2025Q2") == "/counties/510104/report/2025Q2/"


def test_a_reviewer_is_led_to_the_latest_round_past_its_deadline(client_for, prefecture_reviewer):
    assert leads_to(client_for(prefecture_reviewer)) == "/counties/510104/report/2026Q3/"


def test_another_county_s_report_stays_hidden(client_for, other_reporter):
    assert client_for(other_reporter).get("/counties/510104/report/").status_code == 404
