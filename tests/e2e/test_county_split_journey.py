"""A county splits its work, in a real browser: 锦江区's development and reform bureau drafts
T1.1 (given to it by the lead office) and sends it for checking; the lead office returns it
internally with a comment, the bureau corrects it, the lead office submits it; the prefecture
returns it, the bureau answers and corrects it, the lead office submits it again, and the
province approves it."""

import re

from playwright.sync_api import expect

from tests.e2e.test_reporting_cycle import JINJIANG, period_code, sign_in_as, state_of


def send_for_check(page, report_url: str, narrative: str, *, first: bool = False) -> None:
    """As the bureau: open T1.1 in place, write ``narrative`` and send it to the lead office."""
    page.goto(report_url)
    row = page.locator("#measure-T1-1")
    row.get_by_role("link", name="填写" if first else "修改").click()
    form = page.locator("#note-form-T1-1")
    expect(form).to_be_visible()
    if first:
        form.get_by_label("进展状态").select_option(label="按计划推进")
        form.get_by_label(re.compile("^完成进度")).fill("40")
    form.get_by_label("进展情况").fill(narrative)
    form.get_by_role("button", name="送牵头办审核").click()
    expect(form).to_have_count(0)
    expect(state_of(row)).to_have_text("待牵头办审核")
    expect(row.get_by_role("link", name="修改")).to_have_count(0)


def submit_as_lead_office(page, note_url: str) -> None:
    page.goto(note_url)
    expect(page.locator("#county-check-T1-1")).to_contain_text("送牵头办审核")
    page.locator("#note-form-T1-1").get_by_role("button", name="提交审核").click()
    expect(state_of(page.locator("#measure-T1-1"))).to_have_text("已提交")


def test_a_county_department_drafts_the_lead_office_checks_and_the_prefecture_reviews(
    app_data, live_server, page, login, screenshot
):
    period = period_code()
    report_url = f"{live_server.url}/counties/{JINJIANG}/report/{period}/"
    note_url = f"{report_url}measures/T1.1/"

    # The bureau lands on its to-do list and drafts only what it was given.
    login("jinjiang_fgj")
    expect(page).to_have_url(f"{live_server.url}/todo/")
    page.goto(report_url)
    expect(page.locator("#measure-T1-1")).to_contain_text("承办部门:锦江区发展和改革局")
    expect(page.locator("#measure-T5-4").get_by_role("link", name="填写")).to_have_count(0)
    send_for_check(page, report_url, "完成了扩权事项清单。", first=True)
    screenshot("1-sent-for-check")

    # The lead office returns it internally with a comment.
    sign_in_as(page, login, "jinjiang")
    page.goto(note_url)
    check = page.locator("#county-check-T1-1")
    check.get_by_label("内部退回意见").fill("请补充数据来源。")
    check.get_by_role("button", name="内部退回").click()
    row = page.locator("#measure-T1-1")
    expect(state_of(row)).to_have_text("草稿")
    screenshot("2-returned-internally")

    # The bureau sees the comment, corrects the draft and sends it again; the lead office submits.
    sign_in_as(page, login, "jinjiang_fgj")
    page.goto(note_url)
    expect(page.locator("#county-check-T1-1")).to_contain_text("请补充数据来源。")
    send_for_check(page, report_url, "完成了扩权事项清单(数据来源:县统计局)。")
    sign_in_as(page, login, "jinjiang")
    submit_as_lead_office(page, note_url)

    # The prefecture returns it.
    sign_in_as(page, login, "chengdu")
    page.goto(f"{live_server.url}/review/")
    queue = page.locator("#queue")
    queue.get_by_label(f"选择 锦江区 T1.1 {period}").check()
    queue.get_by_label("审核意见").fill("请附上验收报告。")
    queue.get_by_role("button", name="退回修改").click()
    expect(queue.get_by_role("status").filter(has_text="已退回 1 条。")).to_be_visible()

    # The bureau is told, answers the return and sends the corrected note to the lead office.
    sign_in_as(page, login, "jinjiang_fgj")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("main")).to_contain_text("请附上验收报告。")
    page.goto(note_url)
    reply = page.locator("#return-reply-T1-1")
    expect(reply).to_contain_text("请附上验收报告。")
    reply.get_by_label("答复退回意见").fill("验收报告已上传。")
    reply.get_by_role("button", name="发送答复").click()
    expect(page.locator("#return-reply-T1-1")).to_contain_text("验收报告已上传。")
    send_for_check(page, report_url, "完成了扩权事项清单,附验收报告。")
    screenshot("3-answered")

    # The lead office submits it again, and the province approves it.
    sign_in_as(page, login, "jinjiang")
    submit_as_lead_office(page, note_url)
    sign_in_as(page, login, "province")
    page.goto(f"{live_server.url}/review/")
    queue = page.locator("#queue")
    queue.get_by_label(f"选择 锦江区 T1.1 {period}").check()
    page.once("dialog", lambda dialog: dialog.accept())
    queue.get_by_role("button", name="审核通过").click()
    expect(queue.get_by_role("status").filter(has_text="已审核通过 1 条。")).to_be_visible()

    # The timeline keeps the internal return and the bureau's drafts.
    sign_in_as(page, login, "jinjiang_fgj")
    page.goto(f"{live_server.url}/counties/{JINJIANG}/measures/T1.1/")
    expect(page.locator(f"#period-{period} .state")).to_have_text("已审核通过")
    expect(page.locator("main")).to_contain_text("牵头办内部退回意见")
    screenshot("4-timeline")
