"""A county reporter's whole round on a phone (375 px wide): sign in, open the report, write a
note's status, percent and narrative, save a draft, attach evidence and submit, enter an indicator's
value; the prefecture's reviewer, also on a phone, returns the note with a comment; the reporter
sees the return, corrects and resubmits. At every step the page does not scroll sideways, its tables
scroll in their own box, and the fields and buttons of the step are visible and wholly on screen
from left to right."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from targets.models import County, IndicatorValue, ProgressNote, State
from targets.reporting.todo import round_needing_action
from tests.e2e.conftest import PHONE, off_a_phone

JINJIANG = "510104"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NARRATIVE = "完成扩权事项承接清单,首批37项已下放到位。"
COMMENT = "请补充承接事项的验收材料"


def test_a_reporter_reports_on_a_phone_and_answers_a_return(
    app_data, live_server, page, login, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    evidence = tmp_path / "承接清单.pdf"
    evidence.write_bytes(PDF)
    receipt = tmp_path / "验收材料.pdf"
    receipt.write_bytes(PDF)
    # The round 本期填报 leads to: the one that needs the county's action.
    jinjiang = County.objects.get(code=JINJIANG)
    period = round_needing_action(jinjiang, timezone.localdate()).code
    report_url = f"{live_server.url}/counties/{JINJIANG}/report/{period}/"
    page.set_viewport_size(PHONE)
    # What does not fit, step by step, asserted at the end so that one misfit hides no other.
    misfits = []

    page.goto(f"{live_server.url}/login/")
    misfits += off_a_phone(
        page,
        "login",
        page.get_by_label("用户名"),
        page.get_by_label("密码"),
        page.get_by_role("button", name="登录", exact=True),
    )
    login("jinjiang")
    expect(page.get_by_role("heading", level=1)).to_have_text("锦江区 · 待办事项")
    to_report = page.get_by_role("navigation", name="主导航").get_by_role("link", name="本期填报")
    misfits += off_a_phone(page, "the to-do list", to_report)
    screenshot("1-todo")

    to_report.click()
    expect(page).to_have_url(report_url)
    row = page.locator("#measure-T1-1")
    state = row.locator(".report-row__head .state")
    expect(state).to_have_text("未填报")
    misfits += off_a_phone(
        page,
        "the report page",
        page.get_by_role("heading", level=1),
        page.get_by_label("切换周期"),
        page.get_by_role("button", name="前往"),
        row.get_by_role("link", name="填写"),
    )
    # The indicators' table is wider than a phone (off_a_phone checks that it scrolls in its box).
    table_box = page.locator("#indicators .table-scroll")
    assert table_box.evaluate("box => box.scrollWidth > box.clientWidth")
    assert table_box.evaluate("box => box.getBoundingClientRect().right") <= PHONE["width"]
    screenshot("2-report")

    # Status, percent and narrative, saved as a draft in place.
    row.get_by_role("link", name="填写").click()
    form = page.locator("#note-form-T1-1")
    expect(form.get_by_label("进展情况")).to_be_visible()
    fields = [
        form.get_by_label("进展状态"),
        form.get_by_label(re.compile("^完成进度")),
        form.get_by_label("进展情况"),
        form.get_by_label("底线风险"),
        form.get_by_label("风险说明"),
        form.get_by_label("佐证材料"),
    ]
    buttons = [form.get_by_role("button", name=name) for name in ("保存草稿", "提交审核", "取消")]
    misfits += off_a_phone(page, "the note form", *fields, *buttons)
    form.get_by_label("进展状态").select_option(label="按计划推进")
    form.get_by_label(re.compile("^完成进度")).fill("40")
    form.get_by_label("进展情况").fill(NARRATIVE)
    screenshot("3-form")
    form.get_by_role("button", name="保存草稿").click()
    expect(form).to_have_count(0)
    expect(state).to_have_text("草稿")
    expect(row).to_contain_text("40%")
    misfits += off_a_phone(
        page, "the report page with a draft", row.get_by_role("link", name="修改")
    )

    # Evidence attached, and the note submitted.
    row.get_by_role("link", name="修改").click()
    expect(form.get_by_label("进展情况")).to_have_value(NARRATIVE)
    form.get_by_label("佐证材料").set_input_files(evidence)
    misfits += off_a_phone(page, "the note form with a file chosen", *fields, *buttons)
    form.get_by_role("button", name="提交审核").click()
    expect(form).to_have_count(0)
    expect(state).to_have_text("已提交")
    expect(row).to_contain_text("1份佐证材料")
    expect(row.get_by_role("link", name="修改")).to_have_count(0)
    misfits += off_a_phone(
        page, "the report page with the note submitted", row.get_by_role("link", name="历次进展")
    )
    screenshot("4-submitted")

    # An indicator's figure, on its own page (measured once it has loaded).
    with page.expect_navigation():
        page.locator("#indicator-D01").get_by_role("link", name="填写").click()
    value, source = page.get_by_label(re.compile("^数值")), page.get_by_label("数据来源")
    submit_value = page.get_by_role("button", name="提交审核")
    misfits += off_a_phone(
        page, "the value form", value, source, page.get_by_label("备注"), submit_value
    )
    value.fill("61.2")
    source.fill("锦江区统计局")
    submit_value.click()
    expect(page).to_have_url(f"{report_url}#indicator-D01")
    expect(page.locator("#indicator-D01")).to_contain_text("61.2")
    expect(page.locator("#indicator-D01 .state")).to_have_text("已提交")
    misfits += off_a_phone(page, "the report page with the value submitted")

    # The prefecture's reviewer, on a phone too, returns the note with a comment.
    page.context.clear_cookies()
    login("chengdu")
    page.goto(f"{live_server.url}/review/")
    queue = page.locator("#queue")
    choice = queue.get_by_label(f"选择 锦江区 T1.1 {period}")
    comment = queue.get_by_label("审核意见")
    give_back = queue.get_by_role("button", name="退回修改")
    expect(choice).to_have_count(1)
    misfits += off_a_phone(page, "the review queue", choice, comment, give_back)
    choice.check()
    comment.fill(COMMENT)
    give_back.click()
    expect(queue.get_by_role("status").filter(has_text="已退回 1 条。")).to_be_visible()
    expect(choice).to_have_count(0)
    misfits += off_a_phone(page, "the review queue after the return")
    screenshot("5-returned")

    # The reporter sees the return and why, corrects, adds the receipt and resubmits.
    page.context.clear_cookies()
    login("jinjiang")
    page.goto(report_url)
    expect(state).to_have_text("已退回")
    returned = row.locator(".review-comment")
    expect(returned).to_contain_text(COMMENT)
    misfits += off_a_phone(
        page, "the report page with the return", returned, row.get_by_role("link", name="修改")
    )
    screenshot("6-return-seen")
    row.get_by_role("link", name="修改").click()
    comment = page.locator("#return-reply-T1-1").get_by_role("note")  # above the form
    expect(comment).to_contain_text(COMMENT)
    misfits += off_a_phone(page, "the returned note's form", comment, *fields, *buttons)
    form.get_by_label("进展情况").fill(f"{NARRATIVE}\n已补充验收材料。")
    form.get_by_label("佐证材料").set_input_files(receipt)
    form.get_by_role("button", name="提交审核").click()
    expect(form).to_have_count(0)
    expect(state).to_have_text("已提交")
    expect(returned).to_have_count(0)
    expect(row).to_contain_text("2份佐证材料")
    misfits += off_a_phone(page, "the report page with the note resubmitted")
    screenshot("7-resubmitted")

    note = ProgressNote.objects.get(
        county__code=JINJIANG, measure__code="T1.1", period__code=period
    )
    assert (note.state, note.percent) == (State.SUBMITTED, 40)
    assert note.narrative.splitlines() == [NARRATIVE, "已补充验收材料。"]  # the browser sends CRLF
    assert sorted(note.evidence.values_list("name", flat=True)) == ["承接清单.pdf", "验收材料.pdf"]
    assert IndicatorValue.objects.get(county__code=JINJIANG, indicator__code="D01").state == (
        State.SUBMITTED
    )
    assert misfits == [], "steps that do not fit a phone"
