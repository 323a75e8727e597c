"""A session that expires mid-edit loses nothing: after signing in again, the form shows what was
typed, and one more submit saves it, once. For an admin's form, a reviewer's return comment and a
reporter's answer to a return."""

import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from targets.demo.seed import DEMO_PASSWORD
from targets.models import Goal, ProgressNote, State
from targets.reporting import workflow
from tests import two_factor
from tests.e2e.test_reporting_cycle import JINJIANG, period_code, workflow_note


def test_what_was_typed_survives_an_expired_session(app_data, live_server, page, login):
    goal = Goal.objects.get(code="G27-1")
    login("admin")
    page.goto(f"{live_server.url}/admin/targets/goal/{goal.pk}/change/")
    gloss = page.get_by_label("英文释义")
    gloss.fill("Integration shows clear results (revised)")

    page.context.clear_cookies(name="sessionid")  # the session ends while the admin types
    page.get_by_role("button", name="保存", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/login/?next=/admin/targets/goal/{goal.pk}/change/")
    expect(page.get_by_text("会话已过期,请重新登录")).to_be_visible()
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("Sichuan-2027")
    page.get_by_role("button", name="登录", exact=True).click()
    # The admin's second factor (enrolled by the login fixture).
    page.get_by_label("验证码").fill(
        two_factor.fresh_code(get_user_model().objects.get(username="admin"))
    )
    page.get_by_role("button", name="验证", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/admin/targets/goal/{goal.pk}/change/")
    expect(page.get_by_text("已恢复您在会话过期前填写的内容")).to_be_visible()
    expect(page.get_by_label("英文释义")).to_have_value("Integration shows clear results (revised)")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()
    goal.refresh_from_db()
    assert goal.text_en == "Integration shows clear results (revised)"


def sign_in_again(page, username: str) -> None:
    """On the login page the expired session led to: the notice, then the credentials."""
    expect(page.get_by_text("会话已过期,请重新登录")).to_be_visible()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()


def test_a_return_comment_survives_an_expired_session(app_data, live_server, page, login):
    period = period_code()
    workflow_note("jinjiang", "T1.2", "完成了第一批项目。")
    workflow_note("jinjiang", "T1.3", "按计划推进中。")
    comment = "请补充验收报告和资金使用明细。\n第二段意见。"
    login("chengdu")
    page.goto(f"{live_server.url}/review/")
    queue = page.locator("#queue")
    queue.get_by_label(f"选择 锦江区 T1.2 {period}").check()
    queue.get_by_label("审核意见").fill(comment)

    page.context.clear_cookies(name="sessionid")  # the session ends while the reviewer writes
    queue.get_by_role("button", name="退回修改").click()

    expect(page).to_have_url(f"{live_server.url}/login/?next=/review/")
    sign_in_again(page, "chengdu")
    expect(page).to_have_url(f"{live_server.url}/review/")
    expect(page.get_by_text("已恢复您在会话过期前填写的内容")).to_be_visible()
    expect(queue.get_by_label("审核意见")).to_have_value(comment)
    expect(queue.get_by_label(f"选择 锦江区 T1.2 {period}")).to_be_checked()
    expect(queue.get_by_label(f"选择 锦江区 T1.3 {period}")).not_to_be_checked()
    assert ProgressNote.objects.get(measure__code="T1.2").state == State.SUBMITTED

    queue.get_by_role("button", name="退回修改").click()
    expect(queue.get_by_role("status").filter(has_text="已退回 1 条。")).to_be_visible()
    returned = ProgressNote.objects.get(measure__code="T1.2")
    assert returned.state == State.RETURNED
    assert returned.review_comment == comment
    assert returned.versions.filter(state=State.RETURNED).count() == 1  # returned once
    assert ProgressNote.objects.get(measure__code="T1.3").state == State.SUBMITTED
    # The kept copy is gone once the return went through: the next visit starts empty.
    page.reload()
    expect(page.get_by_text("已恢复您在会话过期前填写的内容")).to_have_count(0)


def test_the_answer_to_a_return_survives_an_expired_session(app_data, live_server, page, login):
    period = period_code()
    workflow_note("jinjiang", "T1.2", "完成了第一批项目。")
    return_ = ProgressNote.objects.get(measure__code="T1.2")
    chengdu = get_user_model().objects.get(username="chengdu")
    workflow.review(user=chengdu, items=[return_], approve=False, comment="请补充佐证材料")
    answer = "完成了第一批项目。\n已补充验收报告,见附件清单。"
    login("jinjiang")
    page.goto(f"{live_server.url}/counties/{JINJIANG}/report/{period}/")
    row = page.locator("#measure-T1-2")
    row.get_by_role("link", name="修改").click()
    form = page.locator("#note-form-T1-2")
    form.get_by_label("进展情况").fill(answer)
    form.get_by_label(re.compile("^完成进度")).fill("45")

    page.context.clear_cookies(name="sessionid")  # the session ends while the reporter writes
    form.get_by_role("button", name="提交审核").click()

    note_path = f"/counties/{JINJIANG}/report/{period}/measures/T1.2/"
    expect(page).to_have_url(f"{live_server.url}/login/?next={note_path}")
    sign_in_again(page, "jinjiang")
    expect(page).to_have_url(f"{live_server.url}{note_path}")
    expect(page.get_by_text("已恢复您在会话过期前填写的内容")).to_be_visible()
    expect(form.get_by_label("进展情况")).to_have_value(answer)
    expect(form.get_by_label(re.compile("^完成进度"))).to_have_value("45")
    # the return, above the form
    expect(page.locator("#return-reply-T1-2").get_by_role("note")).to_contain_text("请补充佐证材料")
    assert ProgressNote.objects.get(pk=return_.pk).state == State.RETURNED

    form.get_by_role("button", name="提交审核").click()
    expect(page).to_have_url(re.compile(rf"/counties/{JINJIANG}/report/{period}/(#.*)?$"))
    note = ProgressNote.objects.get(pk=return_.pk)
    assert note.state == State.SUBMITTED
    assert note.percent == 45
    assert note.narrative.replace("\r\n", "\n") == answer  # a plain post sends CRLF line ends
    assert note.versions.filter(state=State.SUBMITTED).count() == 2  # the first and the answer


def kept_drafts(page) -> list[str]:
    return page.evaluate("Object.keys(sessionStorage).filter((key) => key.startsWith('draft:'))")


def test_the_next_user_to_sign_in_on_the_browser_gets_nothing_of_the_last_ones_draft(
    app_data, live_server, page, login
):
    period = period_code()
    workflow_note("jinjiang", "T1.2", "完成了第一批项目。")
    login("chengdu")
    page.goto(f"{live_server.url}/review/")
    queue = page.locator("#queue")
    queue.get_by_label(f"选择 锦江区 T1.2 {period}").check()
    queue.get_by_label("审核意见").fill("成都市的审核意见,不给别人看。")

    page.context.clear_cookies(name="sessionid")  # the session ends; the reviewer walks away
    queue.get_by_role("button", name="退回修改").click()
    expect(page).to_have_url(f"{live_server.url}/login/?next=/review/")
    assert len(kept_drafts(page)) == 1  # waiting for chengdu, under an opaque key
    assert "chengdu" not in kept_drafts(page)[0]

    sign_in_again(page, "province")  # someone else signs in on the same browser
    expect(page).to_have_url(f"{live_server.url}/review/")
    # The URL changes before the page's scripts have run; what they drop is judged after.
    page.wait_for_load_state("domcontentloaded")
    expect(queue.get_by_label("审核意见")).to_have_value("")
    expect(queue.get_by_label(f"选择 锦江区 T1.2 {period}")).not_to_be_checked()
    expect(page.get_by_text("已恢复您在会话过期前填写的内容")).to_have_count(0)
    assert kept_drafts(page) == []
    assert ProgressNote.objects.get(measure__code="T1.2").state == State.SUBMITTED


def test_signing_out_drops_what_was_kept_for_the_user(
    app_data, live_server, page, login, expect_console_error
):
    period = period_code()
    workflow_note("jinjiang", "T1.2", "完成了第一批项目。")
    login("chengdu")
    page.goto(f"{live_server.url}/review/")
    queue = page.locator("#queue")
    queue.get_by_label(f"选择 锦江区 T1.2 {period}").check()
    queue.get_by_label("审核意见").fill("成都市的审核意见,不给别人看。")

    # The return does not reach the server: the copy stays in the browser, with the page.
    expect_console_error("ERR_FAILED|ERR_INTERNET_DISCONNECTED|htmx")
    page.route("**/review/**", lambda route: route.abort())
    queue.get_by_role("button", name="退回修改").click()
    page.wait_for_function("Object.keys(sessionStorage).some((key) => key.startsWith('draft:'))")
    page.unroute("**/review/**")

    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    assert kept_drafts(page) == []

    page.get_by_label("用户名").fill("province")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.goto(f"{live_server.url}/review/")
    expect(queue.get_by_label("审核意见")).to_have_value("")
    expect(queue.get_by_label(f"选择 锦江区 T1.2 {period}")).not_to_be_checked()
    assert kept_drafts(page) == []
