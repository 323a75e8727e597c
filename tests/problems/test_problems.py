"""Problems and rectification (问题清单 / 整改): raised from a note's 存在问题 (one click a line) or
by a reviewer, rectified by the county with evidence, closed only when a reviewer verifies it
(整改销号) or sent back; bad input refused with a message and nothing saved; two people editing
at once never overwrite each other; the list of each scope with filters, lights and export."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from targets.models import (
    AuditRecord,
    County,
    CountyDepartment,
    Measure,
    Problem,
    ProblemEvidence,
    ProblemState,
    State,
)
from tests.notes import saved_note
from tests.querycount import queries_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RAISE = "/counties/510104/report/2026Q3/measures/T1.1/problems/"
NEW = "/counties/510104/problems/new/"


def today() -> datetime.date:
    return timezone.localdate()


def make_problem(user, *, county="510104", measure="T1.1", days=10, state=None, **fields):
    return Problem.objects.create(
        county=County.objects.get(code=county),
        measure=Measure.objects.get(code=measure),
        source=Problem.Source.REVIEW,
        description=fields.pop("description", "问题"),
        deadline=today() + datetime.timedelta(days=days),
        state=state or ProblemState.RECTIFYING,
        raised_by=user,
        updated_by=user,
        **fields,
    )


@pytest.fixture
def note_with_problems(reporter):
    return saved_note(
        "510104", "T1.1", State.SUBMITTED, author=reporter, problems="用地未落实\n\n资金不到位"
    )


def test_a_county_puts_each_line_of_its_note_on_the_list(client_for, reporter, note_with_problems):
    client = client_for(reporter)
    page = client.get("/counties/510104/report/2026Q3/measures/T1.1/").content.decode()
    assert page.count("列入问题清单</button>") == 2
    response = client.post(RAISE, {"line": "资金不到位"})
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert (problem.description, problem.note, problem.source) == (
        "资金不到位",
        note_with_problems,
        Problem.Source.COUNTY,
    )
    assert problem.deadline == today() + datetime.timedelta(days=30)
    assert problem.state == ProblemState.RECTIFYING
    assert AuditRecord.objects.filter(action="problem.raise", actor=reporter).count() == 1
    # A second click adds nothing, and says so; the note page links the problem.
    second = client.post(RAISE, {"line": "资金不到位"}, follow=True)
    assert "这个问题已列入问题清单" in second.content.decode()
    assert Problem.objects.count() == 1
    page = client.get("/counties/510104/report/2026Q3/measures/T1.1/").content.decode()
    assert f"/problems/{problem.pk}/" in page
    # A line the note does not say is refused.
    refused = client.post(RAISE, {"line": "别的问题"}, follow=True)
    assert "找不到这一条" in refused.content.decode()
    assert Problem.objects.count() == 1


def test_another_county_cannot_raise_on_the_note(client_for, other_reporter, note_with_problems):
    assert client_for(other_reporter).post(RAISE, {"line": "用地未落实"}).status_code == 404
    assert not Problem.objects.exists()


def test_a_reviewer_raises_a_problem_with_owner_and_deadline(client_for, prefecture_reviewer):
    department = CountyDepartment.objects.create(
        county=County.objects.get(code="510104"), code="zjj", name="锦江区住房和城乡建设局"
    )
    deadline = today() + datetime.timedelta(days=20)
    data = {
        "measure": "T2.1",
        "description": "污水管网建设滞后",
        "owner": department.pk,
        "deadline": deadline.isoformat(),
    }
    response = client_for(prefecture_reviewer).post(NEW, data)
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert (problem.owner, problem.deadline, problem.source) == (
        department,
        deadline,
        Problem.Source.REVIEW,
    )


def test_a_deadline_in_the_past_is_refused_and_nothing_saved(client_for, prefecture_reviewer):
    data = {
        "measure": "T2.1",
        "description": "污水管网建设滞后",
        "owner": "",
        "deadline": (today() - datetime.timedelta(days=1)).isoformat(),
    }
    response = client_for(prefecture_reviewer).post(NEW, data)
    assert response.status_code == 400
    assert "整改时限不能早于今天" in response.content.decode()
    assert "污水管网建设滞后" in response.content.decode()  # what was typed stays
    assert not Problem.objects.exists()


def test_a_reviewer_of_another_prefecture_cannot_raise_or_see(
    client_for, other_prefecture_reviewer, prefecture_reviewer
):
    client = client_for(other_prefecture_reviewer)
    assert client.get(NEW).status_code == 404
    problem = make_problem(prefecture_reviewer, state=ProblemState.REPORTED)
    assert client.get(f"/problems/{problem.pk}/").status_code == 404
    assert client.post(f"/problems/{problem.pk}/verify/", {"action": "close"}).status_code == 404
    assert Problem.objects.get().state == ProblemState.REPORTED


def test_the_county_reports_its_rectification_with_evidence(
    client_for, reporter, prefecture_reviewer
):
    problem = make_problem(prefecture_reviewer)
    client = client_for(reporter)
    url = f"/problems/{problem.pk}/rectify/"
    without = client.post(url, {"rectification": "已整改", "version": "1"})
    assert without.status_code == 400
    assert "须附整改佐证材料" in without.content.decode()
    assert Problem.objects.get().state == ProblemState.RECTIFYING
    upload = SimpleUploadedFile("整改报告.pdf", PDF)
    done = client.post(url, {"rectification": "已整改", "version": "1", "files": upload})
    assert done.status_code == 302
    problem.refresh_from_db()
    assert (problem.state, problem.rectification) == (ProblemState.REPORTED, "已整改")
    evidence = ProblemEvidence.objects.get()
    assert evidence.name == "整改报告.pdf"
    download = client_for(prefecture_reviewer).get(f"/problems/evidence/{evidence.pk}/")
    assert b"".join(download.streaming_content) == PDF
    assert AuditRecord.objects.filter(action="download.problem_evidence").exists()
    # A reviewer does not report the county's rectification.
    assert client_for(prefecture_reviewer).post(url, {"rectification": "x"}).status_code == 403


def test_a_file_that_is_not_what_it_says_is_refused(client_for, reporter, prefecture_reviewer):
    problem = make_problem(prefecture_reviewer)
    fake = SimpleUploadedFile("报告.pdf", b"<html>not a pdf</html>")
    response = client_for(reporter).post(
        f"/problems/{problem.pk}/rectify/", {"rectification": "已整改", "files": fake}
    )
    assert response.status_code == 400
    assert "报告.pdf" in response.content.decode()
    assert not ProblemEvidence.objects.exists()
    assert Problem.objects.get().state == ProblemState.RECTIFYING


def reported(user, **fields):
    return make_problem(user, state=ProblemState.REPORTED, rectification="已整改", **fields)


def test_a_reviewer_closes_a_rectified_problem(client_for, reporter, prefecture_reviewer):
    problem = reported(reporter)
    ProblemEvidence.objects.create(
        problem=problem,
        file=SimpleUploadedFile("e.pdf", PDF),
        name="e.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=reporter,
    )
    url = f"/problems/{problem.pk}/verify/"
    # The county does not close its own problem.
    assert client_for(reporter).post(url, {"action": "close", "version": "1"}).status_code == 403
    response = client_for(prefecture_reviewer).post(url, {"action": "close", "version": "1"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.state, problem.verified_by) == (ProblemState.CLOSED, prefecture_reviewer)
    assert AuditRecord.objects.filter(action="problem.close").exists()
    page = client_for(reporter).get(f"/problems/{problem.pk}/").content.decode()
    assert "已销号" in page
    assert "核实销号" in page


def test_a_problem_without_evidence_is_not_closed(client_for, reporter, prefecture_reviewer):
    problem = reported(reporter)
    response = client_for(prefecture_reviewer).post(
        f"/problems/{problem.pk}/verify/", {"action": "close", "version": "1"}
    )
    assert response.status_code == 400
    assert "没有整改佐证材料的问题不能销号" in response.content.decode()
    assert Problem.objects.get().state == ProblemState.REPORTED


def test_a_return_needs_its_reason(client_for, reporter, prefecture_reviewer):
    problem = reported(reporter)
    client = client_for(prefecture_reviewer)
    url = f"/problems/{problem.pk}/verify/"
    refused = client.post(url, {"action": "return", "version": "1"})
    assert refused.status_code == 400
    assert "退回时须填写退回理由" in refused.content.decode()
    assert (
        client.post(url, {"action": "return", "comment": "证据不足", "version": "1"}).status_code
        == 302
    )
    problem.refresh_from_db()
    assert (problem.state, problem.verify_comment) == (ProblemState.RETURNED, "证据不足")


def test_the_second_of_two_editors_is_told_and_keeps_what_they_typed(
    client_for, reporter, prefecture_reviewer
):
    problem = make_problem(prefecture_reviewer)
    deadline = (today() + datetime.timedelta(days=15)).isoformat()
    first = client_for(reporter).post(
        f"/problems/{problem.pk}/",
        {"description": "第一人的描述", "owner": "", "deadline": deadline, "version": "1"},
    )
    assert first.status_code == 302
    second = client_for(prefecture_reviewer).post(
        f"/problems/{problem.pk}/",
        {"description": "第二人的描述", "owner": "", "deadline": deadline, "version": "1"},
    )
    assert second.status_code == 409
    html = second.content.decode()
    assert "在您打开后已修改了这个问题" in html
    assert "第二人的描述" in html
    assert "第一人的描述" in html
    assert Problem.objects.get().description == "第一人的描述"


def test_the_list_shows_the_scope_with_lights_and_filters(
    client_for, reporter, other_reporter, prefecture_reviewer
):
    make_problem(prefecture_reviewer, description="逾期的问题", days=-3)
    make_problem(prefecture_reviewer, description="快到期的问题", days=5)
    make_problem(prefecture_reviewer, description="会理的问题", county="513402", days=40)
    html = client_for(reporter).get("/problems/").content.decode()
    assert "逾期的问题" in html
    assert "快到期的问题" in html
    assert "会理的问题" not in html
    assert "light--red" in html
    assert "逾期3天" in html
    assert "light--yellow" in html
    assert "5天后到期" in html
    overdue = client_for(reporter).get("/problems/?overdue=on").content.decode()
    assert "逾期的问题" in overdue
    assert "快到期的问题" not in overdue
    assert "会理的问题" in client_for(other_reporter).get("/problems/").content.decode()


def test_the_list_query_count_does_not_grow(client_for, provincial_reviewer):
    client = client_for(provincial_reviewer)
    make_problem(provincial_reviewer)
    few = queries_of(client, "/problems/")
    for code in ("T1.2", "T1.3", "T2.1", "T2.2", "T3.1"):
        make_problem(provincial_reviewer, measure=code, county="513402", days=-1)
    assert queries_of(client, "/problems/") == few


def test_the_export_has_the_rows_on_screen_and_is_audited(client_for, provincial_reviewer):
    make_problem(provincial_reviewer, description="逾期的问题", days=-3)
    make_problem(provincial_reviewer, description="未到期的问题", days=30)
    response = client_for(provincial_reviewer).get("/problems/?overdue=on&export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "逾期的问题" in text
    assert "未到期的问题" not in text
    record = AuditRecord.objects.get(action="export.problems")
    assert record.changes["rows"] == 1
    assert record.changes["filters"] == {"overdue": True}


def test_the_overview_counts_overdue_rectifications(client_for, provincial_reviewer):
    make_problem(provincial_reviewer, days=-3)
    make_problem(provincial_reviewer, days=-1, state=ProblemState.REPORTED)
    html = client_for(provincial_reviewer).get("/province/").content.decode()
    assert "逾期未整改的问题 1 个" in html
    assert "/problems/?overdue=on" in html


def test_demo_problems_are_labelled_and_in_every_state(client_for, demo, provincial_reviewer):
    from django.contrib.auth import get_user_model

    from targets.demo import demo_problems

    author = get_user_model().objects.get(username="jinjiang")
    demo_problems.seed_problems("2026Q3", author)
    demo_problems.seed_problems("2026Q3", author)  # again: nothing new
    problems = Problem.objects.all()
    assert problems.count() == 2 * len(demo_problems.DEMO_PROBLEMS)
    assert all(p.is_demo and "演示" in p.description for p in problems)
    assert set(problems.values_list("state", flat=True)) == set(ProblemState)
    assert {p.county.code for p in problems} == {"510104", "513402"}
    assert "演示数据" in client_for(provincial_reviewer).get("/problems/").content.decode()


def test_the_briefing_has_a_section_on_rectification(client_for, provincial_reviewer):
    make_problem(provincial_reviewer, days=-3)
    make_problem(provincial_reviewer, days=3)
    make_problem(provincial_reviewer, county="513402", state=ProblemState.REPORTED)
    html = client_for(provincial_reviewer).get("/province/briefing/?period=2026Q3").content.decode()
    part = html[html.index("六、问题整改") :]
    rows = part[: part.index("</table>")]
    # 成都市: two raised, both owed, one overdue; 凉山州: one awaiting verification; the total.
    assert "成都市</th><td>2</td><td>0</td><td>0</td><td>2</td><td>1</td>" in rows
    assert "凉山彝族自治州</th><td>1</td><td>0</td><td>1</td><td>0</td><td>0</td>" in rows
    assert "全省</th><td>3</td><td>0</td><td>1</td><td>2</td><td>1</td>" in rows
