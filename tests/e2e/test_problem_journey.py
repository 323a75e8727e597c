"""A problem in a real browser: the county puts a line of its note's 存在问题 on the problem list,
reports its rectification with an evidence file, and the prefecture's reviewer verifies it and
closes it (整改销号)."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from targets.models import County, Measure, Period, Problem, ProblemState, StatusOption
from targets.reporting.workflow import NoteInput, save_note
from targets.supervision.periods import current_period

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROBLEM = "社区养老服务设施覆盖不足"


def test_a_problem_raised_from_a_note_is_rectified_and_closed(
    app_data, live_server, page, login, tmp_path
):
    period = current_period(timezone.localdate())
    save_note(
        user=get_user_model().objects.get(username="jinjiang"),
        county=County.objects.get(code="510104"),
        measure=Measure.objects.get(code="T1.1"),
        period=Period.objects.get(code=period.code),
        data=NoteInput(
            StatusOption.objects.get(code="behind"),
            20,
            "推进扩权强县。",
            None,
            "",
            problems=f"{PROBLEM}\n审批流程偏长",
            next_steps="下季度补齐设施。",
        ),
        started_from=None,
        submit=True,
    )

    login("jinjiang")
    page.goto(f"{live_server.url}/counties/510104/report/{period.code}/measures/T1.1/")
    problems = page.locator("#note-problems")
    problems.locator("li", has_text=PROBLEM).get_by_role("button", name="列入问题清单").click()
    expect(page.locator(".messages")).to_contain_text("已列入问题清单")
    page.locator("#note-problems").get_by_role("link", name="已列入问题清单(整改中)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(PROBLEM)

    evidence = tmp_path / "整改报告.pdf"
    evidence.write_bytes(PDF)
    page.get_by_label("整改情况", exact=True).fill("已新建两处社区养老服务站。")
    page.get_by_label("整改佐证材料", exact=True).set_input_files(evidence)
    page.get_by_role("button", name="报送整改情况").click()
    expect(page.locator(".messages")).to_contain_text("整改情况已报送")
    expect(page.get_by_role("link", name="整改报告.pdf")).to_be_visible()

    page.context.clear_cookies()
    login("chengdu")
    page.goto(f"{live_server.url}/problems/?county=510104")
    page.get_by_role("link", name=PROBLEM).click()
    page.get_by_role("button", name="核实销号").click()
    expect(page.locator(".messages")).to_contain_text("已销号")
    problem = Problem.objects.get()
    assert problem.state == ProblemState.CLOSED
    assert problem.verified_by.username == "chengdu"
