"""The report page by keyboard and screen reader: after a note is saved or submitted in place, focus
returns to the measure's row (its "edit" button while it has one) instead of falling to <body>, and
the page's one polite live region says what was done; a form closed or sent back with errors keeps
focus where the user works."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from targets.models import Measure
from targets.supervision.periods import current_period

JINJIANG = "510104"


def open_form(page, row, name: str):
    """The note form opened in place by the row's button, by keyboard (Enter on the button)."""
    row.get_by_role("link", name=name).press("Enter")
    form = row.locator("form.note-form")
    expect(form.get_by_label("进展情况")).to_be_visible()
    return form


def test_after_a_save_and_a_submit_focus_returns_to_the_row_and_the_change_is_announced(
    app_data, live_server, page, login
):
    period = current_period(timezone.localdate()).code
    title = Measure.objects.get(code="T1.1").text
    login("jinjiang")
    page.goto(f"{live_server.url}/counties/{JINJIANG}/report/{period}/")
    live = page.locator("[aria-live=polite]")
    expect(live).to_have_count(1)
    expect(live).to_have_id("announcements")
    expect(live).to_have_text("")
    row = page.locator("#measure-T1-1")

    form = open_form(page, row, "填写")
    form.get_by_label("进展状态").select_option(label="按计划推进")
    form.get_by_label(re.compile("^完成进度")).fill("40")
    form.get_by_label("进展情况").fill("完成扩权事项承接清单。")
    form.get_by_role("button", name="保存草稿").press("Enter")

    expect(row.locator(".report-row__head .state")).to_have_text("草稿")
    expect(row.get_by_role("link", name="修改")).to_be_focused()
    expect(live).to_have_text(f"已保存草稿:T1.1 {title}")

    form = open_form(page, row, "修改")
    form.get_by_role("button", name="提交审核").press("Enter")

    expect(row.locator(".report-row__head .state")).to_have_text("已提交")
    # Submitted, the row has no "edit" button any more: the row itself takes the focus.
    expect(row.get_by_role("link", name="修改")).to_have_count(0)
    expect(row).to_be_focused()
    expect(live).to_have_text(f"已提交审核:T1.1 {title}")


def test_a_cancelled_form_gives_focus_back_to_its_button_and_errors_take_the_focus(
    app_data, live_server, page, login
):
    period = current_period(timezone.localdate()).code
    login("jinjiang")
    page.goto(f"{live_server.url}/counties/{JINJIANG}/report/{period}/")
    row = page.locator("#measure-T2-1")

    form = open_form(page, row, "填写")
    form.get_by_role("button", name="取消").press("Enter")
    expect(form).to_have_count(0)
    expect(row.get_by_role("link", name="填写")).to_be_focused()

    form = open_form(page, row, "填写")
    form.get_by_label("进展状态").select_option(label="按计划推进")
    form.get_by_label(re.compile("^完成进度")).fill("40")
    form.get_by_label("进展情况").fill("进展说明。")
    form.get_by_label("底线风险").select_option(index=1)  # flagged, without the reason it needs
    form.get_by_role("button", name="保存草稿").press("Enter")

    reason = row.locator("form.note-form").get_by_label("风险说明")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_be_focused()
    expect(row.locator("form.note-form")).to_contain_text("标记底线风险时须说明原因")
    expect(page.locator("#announcements")).to_have_text("")
