"""A reporting round in a real browser: the county reporter drafts and submits notes in place
(htmx), a reviewer returns one with a comment, the reporter sees it, corrects and resubmits, the
province approves in bulk, and the timeline keeps every version. And a reporter of another county
cannot open the county's note form."""

import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from targets.models import County, Measure, Period, ProgressNote, StatusOption
from targets.reporting.workflow import NoteInput, save_note
from targets.supervision.periods import current_period
from tests.e2e.conftest import PHONE, sideways_scroll

JINJIANG = "510104"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NARRATIVE = "本季度完成县城污水管网改造方案编制。\n下一步:<b>bold?</b> 开工建设。"


def period_code() -> str:
    """The round the app itself takes as current (it reads the date in Asia/Shanghai)."""
    period = current_period(timezone.localdate())
    assert period is not None, "no reporting periods loaded"
    return period.code


def count(page, label: str):
    """The number beside ``label`` in the counts box."""
    return (
        page.locator("#report-counts dl > div")
        .filter(has=page.locator("dt", has_text=re.compile(f"^{label}$")))
        .locator("dd")
    )


def state_of(row):
    return row.locator(".report-row__head .state")


def sign_in_as(page, login, username: str) -> None:
    """Sign the browser out (its cookies gone) and in again as someone else."""
    page.context.clear_cookies()
    login(username)


def workflow_note(username: str, measure: str, narrative: str, *, submit: bool = True) -> None:
    """A note of 锦江区 saved (by default submitted) straight through the workflow (the page reads
    that database)."""
    save_note(
        user=get_user_model().objects.get(username=username),
        county=County.objects.get(code=JINJIANG),
        measure=Measure.objects.get(code=measure),
        period=Period.objects.get(code=period_code()),
        data=NoteInput(StatusOption.objects.get(code="on_schedule"), 30, narrative, None, ""),
        started_from=None,
        submit=submit,
    )


def test_a_reporter_drafts_then_submits_a_note_with_evidence(
    app_data, live_server, page, login, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    evidence = tmp_path / "进展佐证.pdf"
    evidence.write_bytes(PDF)
    report_url = f"{live_server.url}/counties/{JINJIANG}/report/{period_code()}/"
    login("jinjiang")

    page.goto(report_url)
    expect(count(page, "举措")).to_have_text("24")
    expect(count(page, "未填报")).to_have_text("24")
    expect(count(page, "草稿")).to_have_text("0")
    row = page.locator("#measure-T1-1")
    expect(state_of(row)).to_have_text("未填报")

    # Fill in T1.1 in place and save a draft, with a PDF as evidence.
    row.get_by_role("link", name="填写").click()
    form = page.locator("#note-form-T1-1")
    expect(form).to_be_visible()
    form.get_by_label("进展状态").select_option(label="按计划推进")
    form.get_by_label(re.compile("^完成进度")).fill("40")
    form.get_by_label("进展情况").fill(NARRATIVE)
    form.get_by_label("佐证材料").set_input_files(evidence)
    screenshot("1-form")
    form.get_by_role("button", name="保存草稿").click()

    expect(form).to_have_count(0)
    expect(state_of(row)).to_have_text("草稿")
    expect(row).to_contain_text("按计划推进")
    expect(row).to_contain_text("40%")
    expect(row).to_contain_text("1份佐证材料")
    expect(count(page, "草稿")).to_have_text("1")
    expect(count(page, "未填报")).to_have_text("23")
    # The narrative is text: the markup shows literally, its two lines stay two lines.
    narrative = row.locator(".narrative")
    expect(narrative).to_contain_text("<b>bold?</b>")
    expect(narrative.locator("br")).to_have_count(1)
    expect(row.locator("b")).to_have_count(0)
    screenshot("2-draft")

    # Open it again: what was saved is in the form, and the evidence downloads as uploaded.
    row.get_by_role("link", name="修改").click()
    expect(form).to_be_visible()
    expect(form.get_by_label("进展情况")).to_have_value(NARRATIVE)
    expect(form.get_by_label(re.compile("^完成进度"))).to_have_value("40")
    link = form.get_by_role("link", name="进展佐证.pdf")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "进展佐证.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    form.get_by_role("button", name="提交审核").click()
    expect(form).to_have_count(0)
    expect(state_of(row)).to_have_text("已提交")
    expect(row.get_by_role("link", name="修改")).to_have_count(0)
    expect(row.get_by_role("link", name="填写")).to_have_count(0)
    expect(count(page, "已提交")).to_have_text("1")
    expect(count(page, "草稿")).to_have_text("0")
    screenshot("3-submitted")

    # The same page on a phone: nothing scrolls sideways, with or without a form open (checked
    # at the end, so that one overflow does not hide the other).
    page.set_viewport_size(PHONE)
    page.reload()
    expect(state_of(row)).to_have_text("已提交")
    sideways = sideways_scroll(page, "the report page")
    screenshot("4-phone")
    other = page.locator("#measure-T1-3")
    other.get_by_role("link", name="填写").click()
    other_form = page.locator("#note-form-T1-3")
    expect(other_form.get_by_label("进展情况")).to_be_visible()
    sideways += sideways_scroll(page, "the report page with a note form open")
    screenshot("5-phone-form")
    other_form.get_by_role("button", name="取消").click()
    expect(other_form).to_have_count(0)
    expect(state_of(other)).to_have_text("未填报")
    assert sideways == [], "the page scrolls sideways on a phone"


def test_a_return_reaches_the_reporter_who_resubmits_and_the_province_approves(
    app_data, live_server, page, login, screenshot
):
    period = period_code()
    report_url = f"{live_server.url}/counties/{JINJIANG}/report/{period}/"
    workflow_note("jinjiang", "T1.2", "完成了第一批项目。")
    workflow_note("jinjiang", "T1.3", "按计划推进中。")

    # The prefecture's reviewer returns T1.2: not without a comment, then with one.
    login("chengdu")
    page.goto(f"{live_server.url}/review/")
    queue = page.locator("#queue")
    t12 = queue.get_by_label(f"选择 锦江区 T1.2 {period}")
    t13 = queue.get_by_label(f"选择 锦江区 T1.3 {period}")
    expect(t12).to_have_count(1)
    expect(t13).to_have_count(1)
    t12.check()
    queue.get_by_role("button", name="退回修改").click()
    expect(queue.get_by_role("alert")).to_contain_text("退回时须填写审核意见。")
    expect(t12).to_be_checked()  # the choice survives the refusal
    expect(t13).to_have_count(1)
    screenshot("1-return-refused")

    queue.get_by_label("审核意见").fill("请补充佐证材料")
    queue.get_by_role("button", name="退回修改").click()
    expect(queue.get_by_role("status").filter(has_text="已退回 1 条。")).to_be_visible()
    expect(t12).to_have_count(0)
    expect(t13).to_have_count(1)
    screenshot("2-returned")

    # The reporter sees the return and its comment, corrects and resubmits.
    sign_in_as(page, login, "jinjiang")
    page.goto(report_url)
    row = page.locator("#measure-T1-2")
    expect(state_of(row)).to_have_text("已退回")
    expect(row.locator(".review-comment")).to_contain_text("退回意见")
    expect(row.locator(".review-comment")).to_contain_text("请补充佐证材料")
    expect(count(page, "已退回")).to_have_text("1")
    expect(count(page, "已提交")).to_have_text("1")
    screenshot("3-reporter-sees-return")
    row.get_by_role("link", name="修改").click()
    form = page.locator("#note-form-T1-2")
    expect(form.get_by_role("note")).to_contain_text("请补充佐证材料")
    form.get_by_label("进展情况").fill("完成了第一批项目。\n已补充验收报告。")
    form.get_by_role("button", name="提交审核").click()
    expect(form).to_have_count(0)
    expect(state_of(row)).to_have_text("已提交")
    expect(row.locator(".review-comment")).to_have_count(0)
    expect(count(page, "已退回")).to_have_text("0")
    expect(count(page, "已提交")).to_have_text("2")

    # The province approves both at once.
    sign_in_as(page, login, "province")
    page.goto(f"{live_server.url}/review/")
    queue = page.locator("#queue")
    expect(queue.get_by_label(f"选择 锦江区 T1.2 {period}")).to_have_count(1)
    queue.get_by_label(f"选择 锦江区 T1.2 {period}").check()
    queue.get_by_label(f"选择 锦江区 T1.3 {period}").check()
    # Approval cannot be undone: the page asks first; declining changes nothing.
    page.once("dialog", lambda dialog: dialog.dismiss())
    queue.get_by_role("button", name="审核通过").click()
    expect(queue.get_by_label(f"选择 锦江区 T1.2 {period}")).to_be_checked()
    assert ProgressNote.objects.filter(state="submitted").count() == 2
    questions = []

    def agree(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", agree)
    queue.get_by_role("button", name="审核通过").click()
    expect(queue.get_by_role("status").filter(has_text="已审核通过 2 条。")).to_be_visible()
    expect(queue.get_by_label(re.compile("^选择 锦江区"))).to_have_count(0)
    expect(queue).to_contain_text("没有待审核的记录")
    assert questions == ["审核通过后不能再修改。确定通过勾选的记录吗?"]
    screenshot("4-approved")

    # Back on the county's page, both are approved and closed to changes.
    sign_in_as(page, login, "jinjiang")
    page.goto(report_url)
    for code in ("T1-2", "T1-3"):
        row = page.locator(f"#measure-{code}")
        expect(state_of(row)).to_have_text("已审核通过")
        expect(row.get_by_role("link", name="修改")).to_have_count(0)
    expect(count(page, "已审核通过")).to_have_text("2")
    expect(count(page, "已提交")).to_have_text("0")
    screenshot("5-reporter-sees-approval")

    # The timeline keeps every version, newest first, with who did what.
    page.locator("#measure-T1-2").get_by_role("link", name="历次进展").click()
    expect(page).to_have_url(f"{live_server.url}/counties/{JINJIANG}/measures/T1.2/")
    versions = page.locator(f"section:has(#period-{period}) .timeline__item")
    expect(versions).to_have_count(4)
    expected = [
        ("第4版", "已审核通过", "省级审核员(演示)", None),
        ("第3版", "已提交", "锦江区填报员(演示)", "已补充验收报告。"),
        ("第2版", "已退回", "成都市审核员(演示)", "请补充佐证材料"),
        ("第1版", "已提交", "锦江区填报员(演示)", "完成了第一批项目。"),
    ]
    for item, (number, state, who, text) in zip(versions.all(), expected, strict=True):
        stamp = item.locator(".stamp")
        expect(stamp).to_contain_text(number)
        expect(stamp).to_contain_text(state)
        expect(stamp).to_contain_text(who)
        if text:
            expect(item).to_contain_text(text)
    expect(versions.nth(2).locator(".review-comment")).to_contain_text("请补充佐证材料")
    expect(page.locator(f"#period-{period} .state")).to_have_text("已审核通过")
    screenshot("6-timeline")


def test_another_countys_reporter_cannot_open_the_note_form(
    app_data, live_server, page, login, expect_console_error
):
    expect_console_error(r"status of 404")
    login("huili")

    url = f"{live_server.url}/counties/{JINJIANG}/report/{period_code()}/measures/T1.1/"
    response = page.goto(url)

    assert response is not None
    assert response.status == 404
    expect(page.get_by_text("锦江区")).to_have_count(0)
    expect(page.locator("form[id^=note-form]")).to_have_count(0)
