"""Reviewers work through submitted notes and values in their scope: approve or return, one at a
time or in bulk, with their own rating beside the county's."""

import datetime
import re

import pytest
from django.utils import timezone

from targets.models import (
    County,
    Indicator,
    IndicatorValue,
    Integration,
    Measure,
    Period,
    ProgressNote,
    State,
    StatusOption,
)
from targets.reporting.workflow import NoteInput, save_note, save_value
from tests.notes import saved_note
from tests.querycount import queries_of

pytestmark = pytest.mark.django_db


def submitted_note(
    user,
    county_code="510104",
    measure_code="T1.1",
    period_code="2026Q3",
    status="on_schedule",
    bottom_line=None,
):
    return save_note(
        user=user,
        county=County.objects.get(code=county_code),
        measure=Measure.objects.get(code=measure_code),
        period=Period.objects.get(code=period_code),
        data=NoteInput(
            StatusOption.objects.get(code=status),
            50,
            "进展顺利",
            bottom_line,
            "理由" if bottom_line else "",
        ),
        started_from=None,
        submit=True,
    )


def submitted_value(user, county_code: str):
    """The county's value of the demo indicator D01 for 2026Q3, submitted."""
    return save_value(
        user=user,
        county=County.objects.get(code=county_code),
        indicator=Indicator.objects.get(code="D01"),
        period=Period.objects.get(code="2026Q3"),
        value=61,
        source="统计局",
        remark="",
        started_from=None,
        submit=True,
    )


@pytest.fixture
def queue(reporter, other_reporter):
    return {
        "jinjiang_a": submitted_note(reporter, measure_code="T1.1"),
        "jinjiang_b": submitted_note(reporter, measure_code="T2.1", status="behind"),
        "huili": submitted_note(other_reporter, county_code="513402", measure_code="T1.1"),
    }


def keys(response) -> list[str]:
    """The items listed, by the values of their check boxes."""
    return re.findall(r'name="items" value="([^"]+)"', response.text)


def shown_count(response) -> int:
    return int(re.search(r"([\d,]+)条待审核", response.text).group(1).replace(",", ""))


def test_a_prefecture_reviewer_sees_only_their_counties_oldest_first(
    client_for, queue, prefecture_reviewer
):
    response = client_for(prefecture_reviewer).get("/review/")
    assert response.status_code == 200
    assert keys(response) == [f"note-{queue['jinjiang_a'].pk}", f"note-{queue['jinjiang_b'].pk}"]


def test_the_provincial_reviewer_sees_all(client_for, queue, provincial_reviewer):
    response = client_for(provincial_reviewer).get("/review/")
    assert len(keys(response)) == 3


def test_each_note_names_its_county_measure_period_and_status_and_links_to_its_timeline(
    client_for, queue, provincial_reviewer
):
    page = client_for(provincial_reviewer).get("/review/").text
    huili = queue["huili"]
    assert '<a href="/counties/513402/measures/T1.1/">' in page
    assert '<a href="/counties/510104/measures/T2.1/">' in page
    assert "会理市" in page
    assert "凉山彝族自治州 · 2026Q3" in page
    assert huili.measure.label in page
    assert '<span class="status status--behind">' in page


def test_filters_combine(client_for, queue, provincial_reviewer):
    client = client_for(provincial_reviewer)
    behind = StatusOption.objects.get(code="behind")
    assert keys(client.get("/review/", {"status": behind.pk})) == [f"note-{queue['jinjiang_b'].pk}"]
    assert keys(client.get("/review/", {"county": "513402"})) == [f"note-{queue['huili'].pk}"]
    area = Measure.objects.get(code="T2.1").task_area
    assert keys(client.get("/review/", {"task_area": area.pk, "county": "510104"})) == [
        f"note-{queue['jinjiang_b'].pk}"
    ]
    assert keys(client.get("/review/", {"flagged": "on"})) == []


def test_approve_in_bulk_in_place_with_a_rating(client_for, queue, prefecture_reviewer):
    client = client_for(prefecture_reviewer)
    at_risk = StatusOption.objects.get(code="at_risk")
    items = [f"note-{queue['jinjiang_a'].pk}", f"note-{queue['jinjiang_b'].pk}"]
    response = client.post(
        "/review/",
        {"items": items, "decision": "approve", "rating": at_risk.pk},
        headers={"hx-request": "true"},
    )
    assert response.status_code == 200
    assert "已审核通过 2 条" in response.text
    assert keys(response) == []
    for note in ProgressNote.objects.filter(county__code="510104"):
        assert note.state == State.APPROVED
        assert note.reviewed_by == prefecture_reviewer
        assert note.reviewer_status == at_risk
        assert note.disagreement


def test_return_needs_a_comment(client_for, queue, prefecture_reviewer):
    client = client_for(prefecture_reviewer)
    item = f"note-{queue['jinjiang_a'].pk}"
    refused = client.post("/review/", {"items": [item], "decision": "return", "comment": " "})
    assert refused.status_code == 400
    assert "退回时须填写审核意见" in refused.text
    assert re.search(rf'value="{item}" id="item-{item}"\s+checked>', refused.text), "still ticked"
    assert ProgressNote.objects.get(pk=queue["jinjiang_a"].pk).state == State.SUBMITTED
    done = client.post("/review/", {"items": [item], "decision": "return", "comment": "补材料"})
    assert done.status_code == 302
    note = ProgressNote.objects.get(pk=queue["jinjiang_a"].pk)
    assert note.state == State.RETURNED
    assert note.review_comment == "补材料"


def test_nothing_outside_the_scope_can_be_reviewed(client_for, queue, prefecture_reviewer):
    items = [f"note-{queue['jinjiang_a'].pk}", f"note-{queue['huili'].pk}"]
    response = client_for(prefecture_reviewer).post(
        "/review/", {"items": items, "decision": "approve"}
    )
    assert response.status_code == 404
    assert ProgressNote.objects.filter(state=State.SUBMITTED).count() == 3


def test_an_item_already_handled_by_someone_else_changes_nothing(
    client_for, queue, prefecture_reviewer, provincial_reviewer
):
    item = f"note-{queue['jinjiang_a'].pk}"
    client_for(provincial_reviewer).post("/review/", {"items": [item], "decision": "approve"})
    both = [item, f"note-{queue['jinjiang_b'].pk}"]
    response = client_for(prefecture_reviewer).post(
        "/review/", {"items": both, "decision": "return", "comment": "x"}, follow=True
    )
    assert "不是待审核状态" in response.text
    assert ProgressNote.objects.get(pk=queue["jinjiang_b"].pk).state == State.SUBMITTED


def test_values_are_reviewed_too(client_for, reporter, prefecture_reviewer, demo):
    value = submitted_value(reporter, "510104")
    client = client_for(prefecture_reviewer)
    assert keys(client.get("/review/")) == [f"value-{value.pk}"]
    client.post("/review/", {"items": [f"value-{value.pk}"], "decision": "approve"})
    value.refresh_from_db()
    assert value.state == State.APPROVED


def test_the_pages_interleave_notes_and_values_oldest_first(
    client_for, reporter, provincial_reviewer, demo
):
    """58 notes and 3 values submitted one minute apart, the values among them: the pages of the
    queue hold each item once, in the order they were submitted, 20 to a page unless the
    reviewer asks for 50 or 100."""
    start = timezone.now() - datetime.timedelta(days=1)
    minutes = iter(range(100))
    expected = []
    for county in ["510104", "510105", "510106"]:
        for measure in Measure.objects.order_by("code")[:18]:
            note = saved_note(county, measure, State.SUBMITTED, author=reporter)
            expected.append(f"note-{note.pk}")
        value = submitted_value(reporter, county)
        expected.append(f"value-{value.pk}")
    expected.extend(
        f"note-{saved_note('510107', measure, State.SUBMITTED, author=reporter).pk}"
        for measure in Measure.objects.order_by("code")[18:22]
    )
    expected.insert(3, expected.pop())  # the last submitted note goes fourth
    for key in expected:
        kind, pk = key.split("-")
        model = ProgressNote if kind == "note" else IndicatorValue
        submitted_at = start + datetime.timedelta(minutes=next(minutes))
        model.objects.filter(pk=pk).update(submitted_at=submitted_at)
    client = client_for(provincial_reviewer)
    pages = [client.get("/review/", {"page": number}) for number in (1, 2, 3, 4)]
    assert [len(keys(page)) for page in pages] == [20, 20, 20, 1]
    assert [key for page in pages for key in keys(page)] == expected
    first, second = client.get("/review/?per_page=50"), client.get("/review/?per_page=50&page=2")
    assert keys(first) + keys(second) == expected
    assert len(keys(first)) == 50
    assert shown_count(first) == 61
    assert 'href="?per_page=50&amp;page=2"' in first.text  # the pager keeps the size
    assert len(keys(client.get("/review/?per_page=100"))) == 61


def test_an_integration_filter_lists_a_note_once(client_for, reporter, provincial_reviewer):
    note = submitted_note(reporter, measure_code="T1.1")
    measure = note.measure
    both = list(Integration.objects.all()[:2])
    measure.integrations.add(*both)
    client = client_for(provincial_reviewer)
    for integration in both:
        response = client.get("/review/", {"integration": integration.pk})
        assert keys(response) == [f"note-{note.pk}"]
        assert shown_count(response) == 1


@pytest.mark.parametrize("persona", ["reporter", "department_user", "admin_user", "audit_admin"])
def test_only_reviewers_open_the_queue(request, client_for, persona, queue):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/review/").status_code == 403
    assert (
        client.post(
            "/review/", {"items": [f"note-{queue['jinjiang_a'].pk}"], "decision": "approve"}
        ).status_code
        == 403
    )


def test_anonymous_and_wrong_method(client, client_for, provincial_reviewer):
    assert client.get("/review/")["Location"].startswith("/login/")
    assert client_for(provincial_reviewer).put("/review/").status_code == 405


def test_queries_do_not_grow_with_the_queue(client_for, reporter, provincial_reviewer):
    client = client_for(provincial_reviewer)
    submitted_note(reporter, measure_code="T1.1")
    first = queries_of(client, "/review/")
    for code in ["T1.2", "T1.3", "T2.1", "T2.2", "T3.1", "T4.1"]:
        submitted_note(reporter, measure_code=code)
    assert queries_of(client, "/review/") == first
