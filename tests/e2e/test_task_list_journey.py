"""A county's task list for the year, in a real browser: 锦江区's lead office adds a task in
place (weights that do not add up are refused, what was typed stays), submits the list; the
prefecture (成都市) returns it with a comment; the county sees the comment, adds a task and
submits again; the prefecture approves it, and the county is told."""

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_reporting_cycle import JINJIANG, sign_in_as


def add_task(page, measure: str, title: str, weights: tuple[str, str]) -> None:
    anchor = measure.replace(".", "-")
    page.locator(f"#measure-{anchor}").get_by_role("link", name=f"在{measure}下新增任务").click()
    form = page.locator("#task-form-new")
    expect(form).to_be_visible()
    form.get_by_label("任务名称").fill(title)
    form.get_by_label("任务内容").fill("梳理下放事项清单,逐项明确承接科室。")
    form.get_by_label("预期成效").fill("下放事项全部承接到位。")
    year = timezone.localdate().year
    for n, (due, weight) in enumerate(zip(("03-31", "09-30"), weights, strict=True), start=1):
        form.get_by_label(f"节点{n}的内容").fill(f"第{n}阶段")
        form.get_by_label(f"节点{n}的完成时限").fill(f"{year}-{due}")
        form.get_by_label(f"节点{n}的权重").fill(weight)
    form.get_by_role("button", name="保存任务").click()


def test_a_county_files_its_task_list_and_the_prefecture_returns_then_approves_it(
    app_data, live_server, page, login, screenshot
):
    year = timezone.localdate().year
    plan_url = f"{live_server.url}/counties/{JINJIANG}/plan/{year}/"

    login("jinjiang")
    page.get_by_role("link", name="年度任务清单").click()
    expect(page).to_have_url(plan_url)
    add_task(page, "T1.1", "承接下放的管理权限", ("40", "50"))
    form = page.locator("#task-form-new")
    expect(form.get_by_role("alert").filter(has_text="合计为 90,须为 100")).to_be_visible()
    expect(form.get_by_label("任务名称")).to_have_value("承接下放的管理权限")
    form.get_by_label("节点2的权重").fill("60")
    form.get_by_role("button", name="保存任务").click()
    tasks = page.locator("#plan-tasks")
    expect(tasks.locator(".plan-task", has_text="承接下放的管理权限")).to_be_visible()
    expect(page.locator("#task-form-new")).to_have_count(0)
    screenshot("1-drafted")
    page.get_by_role("button", name="提交市州审核(1项任务)").click()
    expect(page.locator(".plan-standing")).to_contain_text("已提交,待审核")

    sign_in_as(page, login, "chengdu")
    page.get_by_role("link", name="任务清单报备", exact=True).click()
    page.get_by_role("link", name="锦江区").click()
    expect(page).to_have_url(plan_url)
    page.get_by_label("审核意见(退回时必填)").fill("请补充老旧小区改造任务。")
    page.get_by_role("button", name="退回", exact=True).click()
    expect(page.locator(".plan-standing")).to_contain_text("已退回")
    screenshot("2-returned")

    sign_in_as(page, login, "jinjiang")
    page.goto(plan_url)
    expect(page.locator(".review-comment")).to_contain_text("请补充老旧小区改造任务。")
    add_task(page, "T1.3", "老旧小区改造", ("50", "50"))
    expect(page.locator("#plan-tasks .plan-task", has_text="老旧小区改造")).to_be_visible()
    page.get_by_role("button", name="提交市州审核(2项任务)").click()
    expect(page.locator(".plan-standing")).to_contain_text("已提交,待审核")

    sign_in_as(page, login, "chengdu")
    page.goto(plan_url)
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".plan-standing")).to_contain_text("已审核通过")
    versions = page.locator("section", has=page.get_by_role("heading", name="版本记录"))
    expect(versions.locator("tbody tr")).to_have_count(4)

    sign_in_as(page, login, "jinjiang")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_text(f"审核通过了 锦江区 {year}年度任务清单")).to_be_visible()
    expect(page.get_by_text(f"退回了 锦江区 {year}年度任务清单")).to_be_visible()
    screenshot("3-told")
