"""Reviewers work through submitted notes and values in their scope: approve or return, one at a
time or in bulk, with their own rating beside the county's."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from targets.models import (
    County,
    Evidence,
    Indicator,
    IndicatorValue,
    Integration,
    Measure,
    Period,
    Prefecture,
    ProgressNote,
    State,
    StatusOption,
)
from targets.reporting.workflow import NoteInput, review, save_note, save_value
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
    assert "凉山彝族自治州 · 2026年第三季度" in page
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
    assert queries_of(client_for(provincial_reviewer), "/review/") == first


def options(response, name: str) -> list[str]:
    """The labels a filter's select offers, in order."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', response.text, re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def chosen(response, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', response.text, re.S)
    return re.findall(r"<option[^>]*selected[^>]*>([^<]*)</option>", select.group(1))


def submitted_in(period_code: str, author, county="510104", measure="T1.1") -> ProgressNote:
    """A note of an earlier round, submitted (made directly: that round may be closed)."""
    at = timezone.now() - datetime.timedelta(days=30)
    return saved_note(
        county, measure, State.SUBMITTED, author=author, period=period_code, submitted_at=at
    )


def test_the_period_filter_offers_the_rounds_with_items_waiting_and_defaults_to_all_of_them(
    client_for, queue, reporter, prefecture_reviewer
):
    older = submitted_in("2026Q2", reporter, measure="T3.1")
    client = client_for(prefecture_reviewer)
    everything = client.get("/review/")
    assert options(everything, "period") == ["所有待审核的期次", "2026年第二季度", "2026年第三季度"]
    assert chosen(everything, "period") == ["所有待审核的期次"]
    assert keys(everything) == [
        f"note-{older.pk}",
        f"note-{queue['jinjiang_a'].pk}",
        f"note-{queue['jinjiang_b'].pk}",
    ]
    assert "成都市 · 2026年第二季度" in everything.text

    second = client.get("/review/", {"period": "2026Q2"})
    assert keys(second) == [f"note-{older.pk}"]
    assert chosen(second, "period") == ["2026年第二季度"]
    assert shown_count(second) == 1
    third = client.get("/review/", {"period": "2026Q3"})
    assert keys(third) == [f"note-{queue['jinjiang_a'].pk}", f"note-{queue['jinjiang_b'].pk}"]


def test_a_round_with_nothing_waiting_is_offered_only_when_asked_for(
    client_for, queue, prefecture_reviewer
):
    client = client_for(prefecture_reviewer)
    assert "2026年第四季度" not in options(client.get("/review/"), "period")
    empty = client.get("/review/", {"period": "2026Q4"})
    assert empty.status_code == 200
    assert keys(empty) == []
    assert chosen(empty, "period") == ["2026年第四季度"]
    assert "没有待审核的记录" in empty.text


def test_the_rounds_offered_are_those_waiting_in_the_reviewers_own_counties(
    client_for, queue, other_reporter, prefecture_reviewer, other_prefecture_reviewer
):
    submitted_in("2026Q1", other_reporter, county="513402", measure="T2.1")
    assert "2026年第一季度" not in options(
        client_for(prefecture_reviewer).get("/review/"), "period"
    )
    liangshan = client_for(other_prefecture_reviewer).get("/review/")
    assert options(liangshan, "period") == ["所有待审核的期次", "2026年第一季度", "2026年第三季度"]


def test_a_prefecture_reviewer_is_offered_only_their_prefecture_and_its_counties(
    client_for, queue, prefecture_reviewer, provincial_reviewer
):
    chengdu = client_for(prefecture_reviewer).get("/review/")
    assert options(chengdu, "prefecture") == ["全部", "成都市"]
    counties = options(chengdu, "county")
    assert len(counties) == 1 + County.objects.filter(prefecture__code="510100").count()
    assert "锦江区 (510104)" in counties
    assert "会理市 (513402)" not in counties
    assert "成都市已提交的进展和指标值" in chengdu.text

    province = client_for(provincial_reviewer).get("/review/")
    assert len(options(province, "prefecture")) == 1 + 21
    assert "凉山彝族自治州" in options(province, "prefecture")
    assert "全省已提交的进展和指标值" in province.text


@pytest.mark.parametrize(
    "query",
    [{"prefecture": "chengdu"}, {"county": "510104"}, {"county": "510104", "period": "2026Q3"}],
    ids=["the other prefecture", "a county of it", "with a round"],
)
def test_another_prefectures_reviewer_cannot_widen_the_queue_by_the_address(
    client_for, queue, other_prefecture_reviewer, query
):
    if query.get("prefecture"):
        query["prefecture"] = Prefecture.objects.get(code="510100").pk
    response = client_for(other_prefecture_reviewer).get("/review/", query)
    assert response.status_code == 200
    assert keys(response) == [f"note-{queue['huili'].pk}"]
    assert "锦江区" not in response.text
    assert options(response, "prefecture") == ["全部", "凉山彝族自治州"]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOTE_FORM = "/counties/510104/report/2026Q3/measures/T1.1/"


def post_note(client, version=None, **fields):
    """The reporter's note form, submitted; returns the note."""
    data = {
        "status": StatusOption.objects.get(code=fields.pop("status", "behind")).pk,
        "percent": "40",
        "narrative": "完成了第一批扩权事项。",
        "bottom_line": "",
        "risk_reason": "",
        "action": "submit",
        **fields,
    }
    if version is not None:
        data["version"] = str(version)
    assert client.post(NOTE_FORM, data).status_code == 302
    return ProgressNote.objects.get(county__code="510104", measure__code="T1.1")


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def returned(note, reviewer, comment="请补充验收材料"):
    review(user=reviewer, items=[note], approve=False, comment=comment)
    note.refresh_from_db()
    return note


def test_a_resubmitted_note_is_marked_with_what_changed_since_the_return(
    client_for, reporter, prefecture_reviewer
):
    note = post_note(client_for(reporter), files=[pdf("清单.pdf"), pdf("照片.pdf")])
    listing = client_for(prefecture_reviewer).get("/review/").text
    assert "badge--resubmitted" not in listing  # a first submission is not a resubmission
    note = returned(note, prefecture_reviewer)
    old = note.evidence.get(name="清单.pdf")
    note = post_note(
        client_for(reporter),
        version=note.version,
        status="on_schedule",
        percent="60",
        narrative="完成了第一批扩权事项,已补充验收材料。",
        files=[pdf("验收报告.pdf")],
        supersede=[old.pk],
    )
    page = client_for(prefecture_reviewer).get("/review/").text
    assert "badge--resubmitted" in page
    assert "请补充验收材料" in page  # the comment it answers
    assert "进展状态:<del>滞后</del> → <ins>按计划推进</ins>" in page
    assert "完成进度(%):<del>40%</del> → <ins>60%</ins>" in page
    assert "进展情况已修改" in page
    assert "完成了第一批扩权事项。" in page  # the narrative as it was returned
    added = note.evidence.get(name="验收报告.pdf")
    assert f'新增佐证材料:<a href="/evidence/{added.pk}/" download>验收报告.pdf</a>' in page
    assert f'已替换佐证材料:<a href="/evidence/{old.pk}/" download>清单.pdf</a>' in page
    assert "照片.pdf" in page  # in force before and after: listed, not as a change
    assert page.count("新增佐证材料:") == 1


def test_a_resubmission_that_changed_nothing_says_so(client_for, reporter, prefecture_reviewer):
    client = client_for(reporter)
    note = returned(post_note(client), prefecture_reviewer)
    post_note(client, version=note.version)
    page = client_for(prefecture_reviewer).get("/review/").text
    assert "badge--resubmitted" in page
    assert "与退回时相比没有改动" in page


def test_a_second_return_is_the_one_compared_with(client_for, reporter, prefecture_reviewer):
    client = client_for(reporter)
    note = returned(post_note(client), prefecture_reviewer, comment="第一次")
    note = post_note(client, version=note.version, percent="50")
    note = returned(note, prefecture_reviewer, comment="第二次")
    post_note(client, version=note.version, percent="50")
    page = client_for(prefecture_reviewer).get("/review/").text
    assert "第二次" in page
    assert "第一次" not in page
    assert "与退回时相比没有改动" in page


def test_evidence_opens_from_the_queue_for_the_reviewer_and_no_one_outside(
    client, client_for, reporter, other_reporter, prefecture_reviewer, other_prefecture_reviewer
):
    note = post_note(client_for(reporter), files=[pdf("进展报告.pdf")])
    evidence = Evidence.objects.get(note=note)
    link = f'<a href="/evidence/{evidence.pk}/" download>进展报告.pdf</a>'
    assert link in client_for(prefecture_reviewer).get("/review/").text
    download = client_for(prefecture_reviewer).get(f"/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert client_for(other_reporter).get(f"/evidence/{evidence.pk}/").status_code == 404
    assert client_for(other_prefecture_reviewer).get(f"/evidence/{evidence.pk}/").status_code == 404
    client.logout()
    anonymous = client.get(f"/evidence/{evidence.pk}/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")
    assert client_for(prefecture_reviewer).post(f"/evidence/{evidence.pk}/").status_code == 405


def test_the_decision_comes_before_the_list_with_a_box_for_the_whole_page(
    client_for, queue, prefecture_reviewer
):
    page = client_for(prefecture_reviewer).get("/review/").text
    assert page.index('name="decision" value="approve"') < page.index('name="items"')
    assert '<input type="checkbox" id="select-page">' in page
    assert 'role="region" tabindex="0" aria-label="待审核的记录"' in page


def test_queries_do_not_grow_with_resubmissions_and_evidence(
    client_for, reporter, prefecture_reviewer, provincial_reviewer
):
    note = post_note(client_for(reporter), files=[pdf("a.pdf")])
    first = queries_of(client_for(provincial_reviewer), "/review/")
    note = returned(note, prefecture_reviewer)
    post_note(client_for(reporter), version=note.version, files=[pdf("b.pdf"), pdf("c.pdf")])
    for code in ["T1.2", "T1.3", "T2.1"]:
        submitted_note(reporter, measure_code=code)
    assert queries_of(client_for(provincial_reviewer), "/review/") == first


def test_resubmissions_can_be_listed_alone(client_for, reporter, prefecture_reviewer):
    client = client_for(reporter)
    note = returned(post_note(client), prefecture_reviewer)
    post_note(client, version=note.version)
    submitted_note(reporter, measure_code="T2.1")
    reviewer = client_for(prefecture_reviewer)
    assert len(keys(reviewer.get("/review/"))) == 2
    only = reviewer.get("/review/", {"resubmitted": "on"})
    assert keys(only) == [f"note-{note.pk}"]
    assert shown_count(only) == 1


def test_in_english_the_resubmission_reads_in_english(
    client_for, reporter, prefecture_reviewer, settings
):
    note = returned(post_note(client_for(reporter)), prefecture_reviewer, comment="补材料")
    post_note(client_for(reporter), version=note.version, status="on_schedule")
    client = client_for(prefecture_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/review/").text
    assert "Resubmitted after a return" in page
    assert re.search(r"Returned \d+ \w+ 2026, \d\d:\d\d: 补材料", page)
    assert "<del>Behind</del> → <ins>On schedule</ins>" in page
    assert "Q3 2026" in page
    assert "All rounds with items waiting" in page
