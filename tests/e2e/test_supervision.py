"""Supervision in a real browser: a provincial reviewer finds 锦江区 late on the late view and sends
it a reminder (催办), which reaches its lead office and its department; the county's reporter sees the unread count in the header, opens the
notification, lands on the round's report page and sees the county's warning light."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from targets.models import Notification
from targets.supervision.periods import reviewed_round

JINJIANG = "510104"


def test_a_reminder_sent_from_the_late_view_reaches_the_reporter(
    app_data, live_server, page, login, screenshot
):
    period = reviewed_round(timezone.localdate())
    login("province")
    page.goto(f"{live_server.url}/review/late/?period={period.code}")
    row = page.locator("#late-table tbody tr").filter(has_text="锦江区")
    expect(row).to_contain_text("红灯")
    expect(row).to_contain_text("逾期未提交 24项")
    expect(row.locator("td").nth(1)).to_have_text("24 / 24")
    screenshot("1-late-view")

    with page.expect_navigation():
        row.get_by_role("button", name=re.compile("^催办")).click()
    # The lead office, and the county department that holds measures of the round (#21).
    expect(page.locator(".messages")).to_contain_text("已向 1 个县的 2 名填报员发送催办。")
    reminded = Notification.objects.filter(kind=Notification.Kind.MANUAL, county__code=JINJIANG)
    assert sorted(reminded.values_list("recipient__username", flat=True)) == [
        "jinjiang",
        "jinjiang_fgj",
    ]
    row = page.locator("#late-table tbody tr").filter(has_text="锦江区")
    today = timezone.localdate()
    expect(row).to_contain_text(f"{today.year}年{today.month}月{today.day}日")  # the last reminder

    page.context.clear_cookies()
    login("jinjiang")
    notices = page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name=re.compile("^通知")
    )
    expect(notices.locator(".notice-count")).to_contain_text("1")
    notices.click()
    notice = page.locator(".notice").first
    expect(notice).to_contain_text(f"锦江区 {period.label} 尚有24项举措未提交")
    expect(notice).to_contain_text("未读")
    screenshot("2-notifications")

    with page.expect_navigation():
        notice.get_by_role("button", name="去填报").click()
    expect(page).to_have_url(f"{live_server.url}/counties/{JINJIANG}/report/{period.code}/")
    expect(page.locator(".county-light")).to_contain_text("红灯")
    expect(page.locator("#measure-T1-1 .report-row__light")).to_contain_text("尚未提交")
    expect(page.locator(".notice-count")).to_have_count(0)
    screenshot("3-report-page")


def test_reminding_every_late_county_asks_first(app_data, live_server, page, login):
    period = reviewed_round(timezone.localdate())
    login("province")
    page.goto(f"{live_server.url}/review/late/?period={period.code}")
    everyone = page.get_by_role("button", name="向列表中所有未提交完的县催办")
    page.once("dialog", lambda dialog: dialog.dismiss())
    everyone.click()
    expect(page.locator("#late-table tbody tr").first).to_be_visible()
    assert not Notification.objects.exists()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        everyone.click()
    expect(page.locator(".messages")).to_contain_text("名填报员发送催办")
    assert Notification.objects.filter(kind=Notification.Kind.MANUAL).exists()
