"""More journeys in a real browser: an admin revises an indicator's target and sees the new
version and the history; a provincial reviewer downloads the filtered overview as Excel; a county
reporter writes and submits a note with the keyboard alone."""

import io
import re
from pathlib import Path

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from targets.models import Indicator, IndicatorTarget, ProgressNote, State
from targets.supervision.periods import current_period


def test_an_admin_revises_a_target_and_sees_the_version_and_the_history(
    app_data, live_server, page, login, screenshot
):
    indicator = Indicator.objects.get(code="D01")
    before = IndicatorTarget.objects.filter(indicator=indicator, horizon=2027).latest("version")
    login("admin")
    page.goto(f"{live_server.url}/admin/targets/indicator/{indicator.pk}/change/")
    page.get_by_label("2027年目标值").fill(str(before.value + 1))
    page.get_by_label("目标值调整理由").fill("中期评估后上调")
    with page.expect_navigation():
        page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("成功")

    page.goto(f"{live_server.url}/admin/targets/indicator/{indicator.pk}/change/")
    versions = page.locator(".inline-group").filter(has_text="中期评估后上调")
    expect(versions).to_contain_text(f"{before.version + 1}")
    page.goto(f"{live_server.url}/admin/targets/indicator/{indicator.pk}/history/")
    history = page.locator("#change-history")
    expect(history).to_contain_text("admin")
    # The change in words: the field's label, and the reason the admin had to give.
    expect(history).to_contain_text("2027年目标值")
    expect(history).to_contain_text("调整理由中期评估后上调")
    screenshot("history")
    latest = IndicatorTarget.objects.filter(indicator=indicator, horizon=2027).latest("version")
    assert latest.version == before.version + 1
    assert latest.reason == "中期评估后上调"


def test_a_reviewer_downloads_the_filtered_overview_as_excel(app_data, live_server, page, login):
    login("province")
    page.goto(f"{live_server.url}/province/?prefecture=510100")
    units = page.locator("#units tbody tr th")
    expect(units).to_have_count(20)
    on_screen = units.all_inner_texts()
    with page.expect_download() as info:
        page.locator("#units").locator('[data-export="xlsx"]').click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [name.strip() for name in on_screen]


def test_a_reporter_writes_and_submits_a_note_with_the_keyboard_alone(
    app_data, live_server, page, login
):
    period = current_period(timezone.localdate()).code
    login("jinjiang")
    page.goto(f"{live_server.url}/counties/510104/report/{period}/")
    link = page.locator("#measure-T1-1").get_by_role("link", name="填写")
    for _ in range(200):  # Tab until the first measure's link has the focus
        page.keyboard.press("Tab")
        if link.evaluate("e => e === document.activeElement"):
            break
    else:
        raise AssertionError("the 填写 link of T1.1 cannot be reached with Tab")
    page.keyboard.press("Enter")
    form = page.locator("#note-form-T1-1")
    expect(form).to_be_visible()

    def tab_to(locator):
        for _ in range(40):
            page.keyboard.press("Tab")
            if locator.evaluate("e => e === document.activeElement"):
                return
        raise AssertionError("a field cannot be reached with Tab")

    tab_to(form.get_by_label("进展状态"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_to(form.get_by_label(re.compile("^完成进度")))
    page.keyboard.type("35")
    tab_to(form.get_by_label("进展情况"))
    page.keyboard.type("用键盘填写的进展。")
    submit = form.get_by_role("button", name=re.compile("^提交"))
    tab_to(submit)
    focused = submit.evaluate("e => getComputedStyle(e).outlineStyle")
    assert focused != "none", "the focused button shows no focus outline"
    page.keyboard.press("Enter")
    expect(page.locator("#measure-T1-1 .report-row__head .state")).to_have_text("已提交")
    # Focus stays where the work is: the next measure's button is three Tabs away (past the row's
    # history link and its request to declare the measure 不适用), not back at the top of the page.
    expect(page.locator("#measure-T1-1")).to_be_focused()
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(page.locator("#measure-T1-2").get_by_role("link", name="填写")).to_be_focused()
    note = ProgressNote.objects.get(county__code="510104", measure__code="T1.1")
    assert (note.state, note.percent, note.narrative) == (State.SUBMITTED, 35, "用键盘填写的进展。")
