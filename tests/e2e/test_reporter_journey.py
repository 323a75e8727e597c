"""A county reporter's first journey in a real browser: sign in, land on the to-do list, open the
county's page and see what the county reports on; and what they and strangers may not open."""

from playwright.sync_api import expect

JINJIANG = "/counties/510104/"
HUILI = "/counties/513402/"
DEMO_INDICATORS = ["常住人口城镇化率", "农村卫生厕所普及率", "县域内义务教育学校标准化建设达标率"]


def test_a_reporter_signs_in_and_finds_their_county(app_data, live_server, page, login, screenshot):
    login("jinjiang")
    expect(page).to_have_url(f"{live_server.url}/todo/")

    page.goto(f"{live_server.url}{JINJIANG}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("锦江区")
    expect(page.get_by_text("提升县城综合承载能力和服务功能").first).to_be_visible()
    for name in DEMO_INDICATORS:
        row = page.get_by_role("row").filter(has_text=name)
        expect(row).to_have_count(1)
        expect(row).to_contain_text("演示数据")
    screenshot("desktop")

    page.set_viewport_size({"width": 375, "height": 812})
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the page scrolls sideways"
    screenshot("phone")


def test_an_anonymous_visitor_is_sent_to_the_login_page(app_data, live_server, page):
    page.goto(f"{live_server.url}{JINJIANG}")

    expect(page).to_have_url(f"{live_server.url}/login/?next={JINJIANG}")
    expect(page.get_by_label("用户名")).to_be_visible()
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()


def test_a_reporter_cannot_open_another_county(
    app_data, live_server, page, login, expect_console_error
):
    expect_console_error(r"status of 404")
    login("jinjiang")

    response = page.goto(f"{live_server.url}{HUILI}")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_text("会理市")).to_have_count(0)
