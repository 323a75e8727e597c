"""Measures that apply, in a real browser: 锦江区's lead office asks from a measure's row that it
be declared 不适用, 成都's reviewer approves it on the list of requests, and the measure then
shows 不适用 on the county's report page and on the measure's grid, the county is told, and the
measure is no longer chased."""

from django.utils import timezone
from playwright.sync_api import expect

from targets.models import County, Period
from targets.supervision import reminders
from targets.supervision.periods import reviewed_round

REASON = "本区为中心城区,没有县城产业园区。"


def test_a_not_applicable_request_approved_by_the_prefecture(app_data, live_server, page, login):
    code = reviewed_round(timezone.localdate()).code  # past its deadline: T1.4 is overdue
    jinjiang = County.objects.filter(code="510104")
    chased = reminders.pending_measures(Period.objects.get(code=code), jinjiang)
    assert "T1.4" in [m.code for m in chased[jinjiang.get().pk]]

    login("jinjiang")
    page.goto(f"{live_server.url}/counties/510104/report/{code}/")
    row = page.locator("#measure-T1-4")
    row.get_by_role("link", name="申请不适用").click()
    row.get_by_label("申请理由").fill(REASON)
    row.get_by_role("button", name="提交申请").click()
    expect(page.locator("#measure-T1-4")).to_contain_text("等待市州审核")
    expect(page.locator("#measure-T1-4").get_by_role("link", name="申请不适用")).to_have_count(0)

    page.context.clear_cookies()
    login("chengdu")
    page.goto(f"{live_server.url}/review/not-applicable/")
    item = page.locator(".exemption", has_text="锦江区").filter(has_text="T1.4")
    expect(item).to_contain_text(REASON)
    item.get_by_label("同意不适用").check()
    item.get_by_role("button", name="提交审核结果").click()
    expect(page.locator(".exemption", has_text="T1.4")).to_contain_text("已同意")

    page.goto(f"{live_server.url}/province/measures/T1.4/?period={code}")
    tile = page.locator(".tile", has_text="锦江区")
    expect(tile).to_contain_text("不适用")
    expect(page.locator("tr", has_text="锦江区").first).to_contain_text("不适用")

    page.context.clear_cookies()
    login("jinjiang")
    page.goto(f"{live_server.url}/counties/510104/report/{code}/")
    expect(page.locator("#measure-T1-4")).to_contain_text("本县不适用此项举措,无需填报")
    expect(page.locator("#report-counts")).to_contain_text("不适用")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("main")).to_contain_text("同意了本县“T1.4")

    chased = reminders.pending_measures(Period.objects.get(code=code), jinjiang)
    assert "T1.4" not in [m.code for m in chased[jinjiang.get().pk]]
