"""Being told, in a real browser: a prefecture reviewer returns a note with a comment; the county's
reporter sees the notification (unread in the header), opens it, lands on the note's form with the
comment, and replies beside it; the reply stays there and in the timeline."""

import re

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from targets.models import County, Measure, Period, StatusOption
from targets.reporting.workflow import NoteInput, save_note
from targets.supervision.periods import current_period

JINJIANG = "510104"
COMMENT = "请补充验收报告。"
REPLY = "验收报告下周一由住建局出具,届时补传。"


def test_a_return_reaches_the_county_which_replies_beside_the_comment(
    app_data, live_server, page, login, screenshot
):
    period = current_period(timezone.localdate())
    assert period is not None, "no reporting periods loaded"
    save_note(
        user=get_user_model().objects.get(username="jinjiang"),
        county=County.objects.get(code=JINJIANG),
        measure=Measure.objects.get(code="T1.2"),
        period=Period.objects.get(pk=period.pk),
        data=NoteInput(
            StatusOption.objects.get(code="on_schedule"), 30, "完成了第一批项目。", None, ""
        ),
        started_from=None,
        submit=True,
    )

    # 成都's reviewer returns it with a comment.
    login("chengdu")
    page.goto(f"{live_server.url}/review/")
    queue = page.locator("#queue")
    queue.get_by_label(f"选择 锦江区 T1.2 {period.code}").check()
    queue.get_by_label("审核意见").fill(COMMENT)
    queue.get_by_role("button", name="退回修改").click()
    expect(queue.get_by_role("status").filter(has_text="已退回 1 条。")).to_be_visible()

    # The county's reporter is told: one unread notification, with the comment.
    page.context.clear_cookies()
    login("jinjiang")
    notices = page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name=re.compile("^通知")
    )
    expect(notices.locator(".notice-count")).to_have_text(re.compile(r"^1\D"))
    notices.click()
    notice = page.locator(".notice").first
    expect(notice).to_contain_text(f"退回了 锦江区 {period.label} 的“T1.2")
    expect(notice).to_contain_text(COMMENT)
    expect(notice).to_contain_text("未读")
    screenshot("1-notification")

    # Opening it leads to the note's form, the comment on top.
    with page.expect_navigation():
        notice.get_by_role("button", name="去修改").click()
    form_url = f"{live_server.url}/counties/{JINJIANG}/report/{period.code}/measures/T1.2/"
    expect(page).to_have_url(form_url)
    expect(page.locator(".notice-count")).to_have_count(0)
    answer = page.locator("#return-reply-T1-2")
    expect(answer.get_by_role("note")).to_contain_text(COMMENT)

    # The reply, sent in place, shows beside the comment and replaces the reply box.
    answer.get_by_label("答复退回意见").fill(REPLY)
    answer.get_by_role("button", name="发送答复").click()
    expect(answer.locator(".return-reply__answer")).to_contain_text(REPLY)
    expect(answer.get_by_label("答复退回意见")).to_have_count(0)
    screenshot("2-replied")
    page.reload()
    expect(page.locator("#return-reply-T1-2 .return-reply__answer")).to_contain_text(REPLY)

    # The timeline keeps it with the return.
    page.goto(f"{live_server.url}/counties/{JINJIANG}/measures/T1.2/")
    expect(page.locator(".timeline__item").filter(has_text=COMMENT)).to_contain_text(REPLY)
