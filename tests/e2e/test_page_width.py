"""No main page scrolls sideways at 375 px, in either language; at 1366 px no page does either and
every column of a wide table is on screen; on a phone the dashboards' filters fold behind one
button, which opens them (without JavaScript too), and on a desktop they stand open."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from targets.supervision.periods import reviewed_round
from tests.e2e.conftest import STICKING_OUT
from tests.e2e.main_pages import (
    DESKTOP_1366,
    LANGUAGES,
    MAIN_PAGES,
    PHONE_375,
    in_language,
    open_as,
)

# The columns of the page's tables whose heading is not wholly in sight without scrolling: past the
# right edge of the viewport, or of the box that the table scrolls in.
COLUMNS_OFF_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("main thead th")].filter((th) => {
    let edge = width;
    for (let a = th.parentElement; a; a = a.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(a).overflowX)) {
        edge = Math.min(edge, a.getBoundingClientRect().right);
        break;
      }
    }
    return th.getBoundingClientRect().right > edge + 0.5;
  }).map((th) => th.textContent.trim().slice(0, 20));
}"""


def wider_than_the_screen(page, what: str) -> list[str]:
    """A complaint if the page is wider than its viewport (scrollWidth > clientWidth)."""
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if scroll <= client:
        return []
    sticking_out = page.evaluate(STICKING_OUT)
    return [f"{what}: {scroll}px wide in {client}px; sticking out: {sticking_out}"]


@pytest.mark.parametrize("group", list(MAIN_PAGES))
def test_no_main_page_scrolls_sideways_on_a_phone_or_a_desktop(
    app_data, live_server, page, login, group
):
    paths = open_as(group, login)
    problems = []
    for language in LANGUAGES:
        in_language(page, live_server, language)
        for viewport in (PHONE_375, DESKTOP_1366):
            page.set_viewport_size(viewport)
            for path in paths:
                page.goto(f"{live_server.url}{path}")
                what = f"{path} ({language}, {viewport['width']}px)"
                problems += wider_than_the_screen(page, what)
                if viewport == DESKTOP_1366:
                    off = page.evaluate(COLUMNS_OFF_SCREEN)
                    problems += [f"{what}: columns off the screen: {off}"] if off else []
    assert problems == []


def filters_of(page):
    return page.locator("details.filters-fold")


def test_the_filters_fold_behind_one_button_on_a_phone_and_stand_open_on_a_desktop(
    app_data, live_server, page, login
):
    period = reviewed_round(timezone.localdate()).code
    login("province")
    overview = f"{live_server.url}/province/?period={period}"

    page.set_viewport_size(PHONE_375)
    page.goto(overview)
    button = filters_of(page).get_by_text("筛选条件", exact=True)
    region = page.get_by_label("市州")
    expect(button).to_be_visible()
    expect(region).to_be_hidden()
    # The first screen shows the figures, not seven dropdowns.
    expect(page.get_by_role("heading", name="本轮填报情况")).to_be_in_viewport()
    button.click()
    expect(region).to_be_visible()
    region.select_option("510100")  # the filter works as before (htmx swaps the results)
    expect(page.locator("#results .breadcrumbs")).to_contain_text("成都市")
    expect(region).to_be_visible()  # and the filters stay open while one chooses
    button.click()
    expect(region).to_be_hidden()

    page.set_viewport_size(DESKTOP_1366)
    for path in ("/province/", f"/province/task-areas/T1/?period={period}", "/review/late/"):
        page.goto(f"{live_server.url}{path}")
        expect(filters_of(page).locator("summary")).to_be_hidden()
        expect(filters_of(page).locator("select").first).to_be_visible()
        expect(filters_of(page).get_by_role("button", name="筛选")).to_be_visible()


def test_the_folded_filters_open_without_javascript(app_data, live_server, browser, page, login):
    login("province")
    cookies = page.context.cookies()
    context = browser.new_context(locale="zh-CN", viewport=PHONE_375, java_script_enabled=False)
    try:
        context.add_cookies(cookies)
        phone = context.new_page()
        phone.goto(f"{live_server.url}/province/goals/")
        fields = phone.locator("details.filters-fold form")
        expect(fields).to_be_hidden()
        phone.get_by_text("筛选条件", exact=True).click()
        expect(fields).to_be_visible()
    finally:
        context.close()
