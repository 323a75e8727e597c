"""Provincial departments at work in a real browser: a lead department compiles its
province-level note from two cooperating departments' contributions and the provincial reviewer
approves it; the lead department's opinion on a county note, seen by the reviewer in the queue."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from targets.models import County, Measure, Period, ProvinceNote, State, StatusOption
from targets.reporting.workflow import NoteInput, save_note
from targets.supervision.periods import current_period


def this_round() -> str:
    return current_period(timezone.localdate()).code


def test_a_lead_department_compiles_two_contributions_and_the_reviewer_approves(
    app_data, live_server, page, login
):
    note_url = f"{live_server.url}/province/work/{this_round()}/T1.1/"
    for username, text in (
        ("zhujian", "住建厅:完成了三个县城的更新改造。"),
        ("caizheng", "财政厅:下达专项资金。"),
    ):
        page.context.clear_cookies()
        login(username)
        page.goto(note_url)
        page.get_by_label("报送内容").fill(text)
        page.get_by_role("button", name="保存报送").click()
        expect(page.locator(".messages")).to_contain_text("已保存本部门的报送")

    page.context.clear_cookies()
    login("fagai")
    expect(page).to_have_url(f"{live_server.url}/province/departments/fagai/")
    page.goto(note_url)
    contributions = page.locator(".contributions")
    expect(contributions).to_contain_text("住建厅:完成了三个县城的更新改造。")
    expect(contributions).to_contain_text("财政厅:下达专项资金。")
    page.get_by_role("textbox", name="省级层面推进情况").fill(
        "汇总:住建厅完成县城更新改造,财政厅下达专项资金。"
    )
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".province-note [data-state]")).to_have_text("已提交")

    page.context.clear_cookies()
    login("province")
    page.goto(f"{live_server.url}/review/")
    page.get_by_role("link", name="省直部门报送的省级层面推进情况").click()
    page.locator("[data-round=open]").click()  # the round being reported
    page.get_by_role("link", name="T1.1", exact=False).first.click()
    expect(page.locator(".province-note")).to_contain_text("汇总:住建厅完成县城更新改造")
    page.get_by_label("审核通过").check()
    page.get_by_role("button", name="确定").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过")
    note = ProvinceNote.objects.get(measure__code="T1.1")
    assert note.state == State.APPROVED
    assert len(note.versions.get(event="submit").contributions) == 2


def test_a_department_opinion_is_seen_by_the_reviewer_in_the_queue(
    app_data, live_server, page, login
):
    save_note(
        user=get_user_model().objects.get(username="jinjiang"),
        county=County.objects.get(code="510104"),
        measure=Measure.objects.get(code="T1.1"),
        period=Period.objects.get(code=this_round()),
        data=NoteInput(StatusOption.objects.get(code="on_schedule"), 40, "进展顺利。", None, ""),
        started_from=None,
        submit=True,
    )
    login("province")
    page.goto(f"{live_server.url}/review/")
    expect(page.locator(".queue-opinion").first).to_contain_text("待牵头部门意见")

    page.context.clear_cookies()
    login("fagai")
    page.goto(f"{live_server.url}/counties/510104/measures/T1.1/")
    page.get_by_label("牵头部门意见").fill("县里自评属实,建议通过。")
    page.get_by_role("button", name="提交部门意见").click()
    expect(page.locator(".department-opinions")).to_contain_text("县里自评属实,建议通过。")

    page.context.clear_cookies()
    login("province")
    page.goto(f"{live_server.url}/review/")
    opinion = page.locator(".queue-opinion").first
    expect(opinion).to_contain_text("四川省发展和改革委员会已提意见")
    expect(opinion).to_contain_text("县里自评属实,建议通过。")
