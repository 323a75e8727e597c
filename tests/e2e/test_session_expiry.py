"""A session that expires mid-edit loses nothing: after signing in again, the form shows what was
typed, and one more submit saves it."""

from playwright.sync_api import expect

from targets.models import Goal


def test_what_was_typed_survives_an_expired_session(app_data, live_server, page, login):
    goal = Goal.objects.get(code="G27-1")
    login("admin")
    page.goto(f"{live_server.url}/admin/targets/goal/{goal.pk}/change/")
    gloss = page.get_by_label("英文释义")
    gloss.fill("Integration shows clear results (revised)")

    page.context.clear_cookies(name="sessionid")  # the session ends while the admin types
    page.get_by_role("button", name="保存", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/login/?next=/admin/targets/goal/{goal.pk}/change/")
    expect(page.get_by_text("会话已过期,请重新登录")).to_be_visible()
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("Sichuan-2027")
    page.get_by_role("button", name="登录", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/admin/targets/goal/{goal.pk}/change/")
    expect(page.get_by_text("已恢复您在会话过期前填写的内容")).to_be_visible()
    expect(page.get_by_label("英文释义")).to_have_value("Integration shows clear results (revised)")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()
    goal.refresh_from_db()
    assert goal.text_en == "Integration shows clear results (revised)"
