"""A county reporter signs in, lands on the to-do list, and follows a returned note to its form,
where the reviewer's comment waits; on a phone the list fits the screen."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from targets.models import Measure, State
from targets.supervision.periods import reviewed_round
from tests.e2e.conftest import PHONE, off_a_phone
from tests.notes import saved_note

JINJIANG = "510104"
COMMENT = "请补充县城污水管网改造的佐证材料。"


def test_a_reporter_lands_on_the_to_do_list_and_answers_a_return(
    app_data, live_server, page, login, screenshot
):
    users = get_user_model().objects
    period = reviewed_round(timezone.localdate())  # past its deadline, whatever the date
    saved_note(
        JINJIANG,
        "T1.2",
        State.RETURNED,
        author=users.get(username="jinjiang"),
        period=period,
        narrative="已完成方案编制。",
        review_comment=COMMENT,
        reviewed_by=users.get(username="chengdu"),
        reviewed_at=timezone.now(),
    )
    measure = Measure.objects.get(code="T1.2")

    login("jinjiang")

    expect(page).to_have_url(f"{live_server.url}/todo/")
    expect(page.get_by_role("heading", level=1)).to_have_text("锦江区 · 待办事项")
    returns = page.get_by_role("heading", name="被退回的进展(1项)")
    expect(returns).to_be_visible()
    item = page.locator(".todo-item").filter(has_text=COMMENT)
    expect(item).to_contain_text(period.label)
    expect(item).to_contain_text(measure.label)
    expect(page.get_by_role("heading", name="逾期未报(23项)")).to_be_visible()
    screenshot("desktop")

    page.set_viewport_size(PHONE)
    assert off_a_phone(page, "the to-do list", returns) == []
    page.set_viewport_size({"width": 1280, "height": 800})

    with page.expect_navigation():
        item.get_by_role("link", name="修改并重新提交").click()

    expect(page).to_have_url(
        f"{live_server.url}/counties/{JINJIANG}/report/{period.code}/measures/T1.2/"
    )
    expect(page.locator(".review-comment")).to_contain_text(COMMENT)
    expect(page.get_by_label("进展情况")).to_have_value("已完成方案编制。")
    expect(page.get_by_role("button", name="提交审核")).to_be_visible()
