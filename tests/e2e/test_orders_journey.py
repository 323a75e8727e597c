"""A supervision order in a real browser: 成都市's reviewer issues it to 锦江区, whose lead office
signs for it and answers with evidence; the reviewer sends it back with a reason, the county
answers again and the reviewer closes it. An order left unsigned escalates to the province's
reviewer, in the notifications and the late view."""

import datetime

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from targets.models import SupervisionOrder
from tests.orders.helpers import issued


def _state(page, words: str) -> None:
    expect(page.locator("h1 .state")).to_have_text(words)


def test_an_order_issued_signed_answered_returned_answered_again_and_closed(
    app_data, live_server, page, login, screenshot
):
    deadline = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    login("chengdu")
    page.goto(f"{live_server.url}/orders/")
    page.get_by_role("link", name="下达督办单").click()
    page.get_by_label("承办县(市、区)").select_option("510104")
    page.get_by_label("涉及举措").select_option("T1.1")
    page.get_by_label("督办事项").fill("扩权强县事项承接滞后。")
    page.get_by_label("办理要求").fill("十日内制定整改方案。")
    page.get_by_label("办结时限").fill(deadline)
    page.get_by_role("button", name="下达").click()
    _state(page, "待签收")
    number = SupervisionOrder.objects.get().number
    expect(page.locator("h1")).to_contain_text(number)
    order_url = page.url

    def as_county():
        page.context.clear_cookies()
        login("jinjiang")
        page.goto(order_url)

    def as_reviewer():
        page.context.clear_cookies()
        login("chengdu")
        page.goto(order_url)

    as_county()
    page.get_by_role("button", name="签收").click()
    _state(page, "办理中")
    page.get_by_label("整改措施和成效").fill("召开专题会议,制定整改方案。")
    page.get_by_label("佐证材料").set_input_files(
        files=[{"name": "方案.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 plan"}]
    )
    page.get_by_role("button", name="报送").click()
    _state(page, "待核验")
    expect(page.get_by_role("link", name="方案.pdf")).to_be_visible()

    as_reviewer()
    page.get_by_role("radio", name="退回重办").check()
    page.get_by_label("核验意见").fill("方案缺少时间节点。")
    page.get_by_role("button", name="提交核验结果").click()
    _state(page, "退回重办")

    as_county()
    expect(page.locator(".order-steps")).to_contain_text("方案缺少时间节点。")
    page.get_by_label("整改措施和成效").fill("补充了时间节点和责任人。")
    page.get_by_role("button", name="报送").click()
    _state(page, "待核验")

    as_reviewer()
    page.get_by_role("radio", name="办结").check()
    page.get_by_role("button", name="提交核验结果").click()
    _state(page, "已办结")
    screenshot("closed")
    page.get_by_role("link", name="打印").click()
    expect(page.locator(".order-doc__number")).to_have_text(number)


def test_an_unsigned_order_escalates_to_the_province(app_data, live_server, page, login):
    from django.contrib.auth import get_user_model

    today = timezone.localdate()
    chengdu = get_user_model().objects.get(username="chengdu")
    order = issued(chengdu, today=today - datetime.timedelta(days=6))
    call_command("send_reminders", "--date", today.isoformat())

    login("province")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator(".notice-list")).to_contain_text(
        f"督办单 {order.number}(锦江区)逾期未签收或未办结"
    )
    page.goto(f"{live_server.url}/review/late/")
    expect(page.locator("#late-orders-heading")).to_be_visible()
    expect(page.get_by_role("link", name=order.number)).to_be_visible()
