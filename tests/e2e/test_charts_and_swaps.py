"""The charts drawn with the app's own ECharts build, and htmx swaps under the strict CSP, in
Chromium: the overview's status chart and an indicator's trend render as SVG with no console
error, the trend places rounds by date on a time axis with round bounds, and swapping the main
pages' filters, lists and forms raises no Content Security Policy violation."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from targets.models import County, Indicator, IndicatorValue, Period, State

PERIOD = "2026Q3"

# Every violation of the page's CSP, as the browser reports it to the page.
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => window.cspViolations.push(
  `${event.violatedDirective} ${event.sourceFile}:${event.lineNumber} ${event.sample}`));
"""


@pytest.fixture
def watched(page):
    page.add_init_script(WATCH_CSP)
    return page


# Browsers, their extensions and tools (autofill, password managers, screenshot tools) set inline
# styles through the CSSOM, which the CSP allows; htmx, settling a swap, copied such a `style`
# attribute onto the element that replaced one of the same id, which the CSP refuses.
STYLED_BY_THE_BROWSER = """document.querySelectorAll("[id]").forEach(
  (element) => element.style.setProperty("--styled-by-the-browser", "1"))"""


def no_csp_violation(page, page_problems) -> None:
    assert page.evaluate("window.cspViolations") == []
    assert [e for e in page_problems.console_errors if "Content Security Policy" in e] == []


@pytest.fixture
def values(app_data) -> None:
    """D01 in three rounds a year and a quarter apart: 2024Q4, 2026Q2, 2026Q3."""
    author = get_user_model().objects.get(username="province")
    indicator = Indicator.objects.get(code="D01")
    for county, period, amount in [
        ("510104", "2024Q4", "60"),
        ("510104", "2026Q2", "61"),
        ("510105", "2026Q2", "62"),
        ("510104", PERIOD, "62"),
        ("510105", PERIOD, "63"),
    ]:
        IndicatorValue.objects.create(
            county=County.objects.get(code=county),
            indicator=indicator,
            period=Period.objects.get(code=period),
            value=Decimal(amount),
            source="统计年鉴",
            state=State.APPROVED,
            updated_by=author,
        )


def test_the_trend_is_drawn_on_a_time_axis_with_round_bounds(
    values, live_server, watched, login, page_problems
):
    page = watched
    login("province")
    page.goto(f"{live_server.url}/province/indicators/D01/")
    chart = page.locator('[data-chart="trend-data"]')
    expect(chart.locator("svg")).to_have_count(1)
    svg = chart.locator("svg")
    expect(svg).to_contain_text("各县简单平均值(未加权)")
    expect(svg).to_contain_text("2027年目标")
    # the value axis runs from 57.5 to 70 (the 2035 target) by 2.5: round, not 58.44 … 71.05
    labels = svg.locator("text").all_text_contents()
    for label in ("57.5", "70", "2024", "2026"):
        assert label in labels, labels
    # the rounds sit where their dates fall: 2024Q4 → 2026Q2 is six times 2026Q2 → 2026Q3
    xs = page.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.querySelector('[data-chart="trend-data"]'));
          return ["2024-12-31", "2026-06-30", "2026-09-30"].map(
            (day) => chart.convertToPixel({ seriesIndex: 0 }, [day, 60])[0]);
        }"""
    )
    assert (xs[1] - xs[0]) / (xs[2] - xs[1]) == pytest.approx(547 / 92, rel=0.02)
    no_csp_violation(page, page_problems)


# What the page and everything it loaded took on the wire (compressed, as WhiteNoise serves it).
TRANSFERRED = """() => [performance.getEntriesByType("navigation")[0],
                     ...performance.getEntriesByType("resource")]
                    .reduce((sum, entry) => sum + entry.transferSize, 0)"""


@pytest.mark.parametrize(
    ("url", "chart"),
    [
        (f"/province/?period={PERIOD}", "status-chart-data"),
        ("/province/indicators/D01/", "trend-data"),
    ],
)
def test_the_charts_render_with_the_app_build_and_the_pages_stay_light(
    values, live_server, watched, login, page_problems, url, chart
):
    page = watched
    login("province")
    page.goto(f"{live_server.url}{url}")
    expect(page.locator(f'[data-chart="{chart}"] svg')).to_have_count(1)
    page.wait_for_load_state("load")
    # the full ECharts build alone is 1.1 MB (about 370 KB compressed)
    echarts = page.evaluate(
        """() => performance.getEntriesByType("resource")
             .find((r) => r.name.includes("/vendor/echarts/")).toJSON()"""
    )
    assert echarts["decodedBodySize"] < 700_000
    assert echarts["encodedBodySize"] < 250_000, "served uncompressed"
    assert page.evaluate(TRANSFERRED) < 500_000
    no_csp_violation(page, page_problems)


def test_htmx_swaps_on_the_main_pages_break_no_csp_rule(
    app_data, live_server, watched, login, page_problems
):
    page = watched
    login("province")
    page.goto(f"{live_server.url}/province/?period={PERIOD}")
    page.evaluate("document.querySelector('h1').dataset.kept = 'yes'")
    page.evaluate(STYLED_BY_THE_BROWSER)
    page.get_by_label("重点任务", exact=True).select_option("T1")
    expect(page).to_have_url(re.compile(r"[?&]task_area=T1(&|$)"))
    page.get_by_label("市州", exact=True).select_option("510100")
    expect(page).to_have_url(re.compile(r"[?&]prefecture=510100(&|$)"))
    expect(page.locator('[data-chart="status-chart-data"] svg')).to_have_count(1)
    expect(page.locator("h1")).to_have_attribute("data-kept", "yes")  # swapped, not reloaded
    no_csp_violation(page, page_problems)

    page.goto(f"{live_server.url}/review/late/?period={PERIOD}")
    page.evaluate(STYLED_BY_THE_BROWSER)
    page.get_by_label("市州", exact=True).select_option("510100")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"[?&]prefecture=510100(&|$)"))
    expect(page.locator("#late-table tbody tr").first).to_contain_text("成都市")
    no_csp_violation(page, page_problems)

    page.context.clear_cookies()
    login("jinjiang")
    page.goto(f"{live_server.url}/counties/510104/report/{PERIOD}/")
    page.evaluate(STYLED_BY_THE_BROWSER)
    row = page.locator("#measure-T1-1")
    row.get_by_role("link", name="填写").click()
    form = page.locator("#note-form-T1-1")
    expect(form).to_be_visible()
    form.get_by_label("进展状态").select_option(label="按计划推进")
    form.get_by_label(re.compile("^完成进度")).fill("40")
    form.get_by_label("进展情况").fill("本期完成了第一批项目。")
    form.get_by_role("button", name="保存草稿").click()
    expect(form).to_have_count(0)
    expect(row).to_contain_text("40%")
    no_csp_violation(page, page_problems)
