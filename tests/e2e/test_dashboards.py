"""The province's dashboards in a real browser: a provincial reviewer drills down from the province
to a county and comes back with the browser's back button; filters combine through htmx and the
URL they push can be bookmarked; the status and trend charts are drawn (as SVG, under the strict
CSP); a measure's tile map covers the 183 counties and fits a phone; and a prefecture reviewer
sees only their own prefecture's counties.

The notes and values are made here with the ORM (the live server reads the same database)."""

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from targets.models import (
    County,
    Indicator,
    IndicatorValue,
    Measure,
    Period,
    ProgressNote,
    StatusOption,
)

PERIOD = "2026Q3"
PREVIOUS = "2026Q2"
MEASURES = 24
COUNTIES = 183
REGION = "chengdu-plain"  # 成都平原经济区
CHENGDU = "510100"
JINJIANG = "510104"
PHONE = {"width": 375, "height": 812}

# county, measure, state, status, percent: 4 approved (3 in 成都市, T1.1 only in 锦江区, as
# "behind"), 2 submitted (1 in 成都市), 1 returned (in 成都市); 会理市 (凉山州) lies outside 成都市.
NOTES = [
    ("510104", "T1.1", "approved", "behind", 30),
    ("510104", "T2.1", "approved", "on_schedule", 60),
    ("510105", "T1.2", "approved", "on_schedule", 50),
    ("510106", "T1.3", "submitted", "on_schedule", 40),
    ("510107", "T3.1", "returned", "not_started", 0),
    ("513402", "T1.2", "approved", "at_risk", 20),
    ("513402", "T4.1", "submitted", "on_schedule", 10),
]


def make_notes() -> None:
    reviewer = get_user_model().objects.get(username="province")
    period = Period.objects.get(code=PERIOD)
    now = timezone.now()
    for county, measure, state, status, percent in NOTES:
        ProgressNote.objects.create(
            county=County.objects.get(code=county),
            measure=Measure.objects.get(code=measure),
            period=period,
            state=state,
            status=StatusOption.objects.get(code=status),
            percent=percent,
            narrative="x",
            updated_by=reviewer,
            submitted_at=now,
            reviewed_at=now if state in ("approved", "returned") else None,
            reviewed_by=reviewer if state in ("approved", "returned") else None,
        )


@pytest.fixture
def notes(app_data) -> None:
    make_notes()


def count(page, label: str):
    """The figure beside ``label`` in the completeness box."""
    return (
        page.locator(".counts__list > div")
        .filter(has=page.locator("dt", has_text=re.compile(f"^{re.escape(label)}$")))
        .locator("dd")
    )


def expect_completeness(page, slots, approved, submitted, returned) -> None:
    missing = slots - approved - submitted
    # Counts are grouped in thousands (4,392), as Python's "," format does.
    expect(count(page, "应填报")).to_have_text(f"{slots:,}")
    expect(count(page, "已审核通过")).to_have_text(
        f"{approved:,} ({round(100 * approved / slots)}%)"
    )
    expect(count(page, "待审核")).to_have_text(f"{submitted:,}")
    expect(count(page, "已退回未重报")).to_have_text(f"{returned:,}")
    expect(count(page, "未填报")).to_have_text(f"{missing:,} ({round(100 * missing / slots)}%)")


def units_heading(page):
    return page.locator("#units-heading")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_a_provincial_reviewer_drills_down_to_a_county_and_back(notes, live_server, page, login):
    login("province")
    overview = f"{live_server.url}/province/?period={PERIOD}"
    page.goto(overview)

    expect(units_heading(page)).to_have_text("各经济区")
    expect_completeness(page, COUNTIES * MEASURES, approved=4, submitted=2, returned=1)

    page.locator("#units").get_by_role("link", name="成都平原经济区", exact=True).click()
    region_url = f"{live_server.url}/province/?period={PERIOD}&region={REGION}"
    expect(page).to_have_url(region_url)
    expect(units_heading(page)).to_have_text("各市州")
    expect(page.locator(".breadcrumbs")).to_contain_text("成都平原经济区")
    region_counties = County.objects.filter(prefecture__region__code=REGION).count()
    expect_completeness(page, region_counties * MEASURES, approved=3, submitted=1, returned=1)

    page.locator("#units").get_by_role("link", name="成都市", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/province/?period={PERIOD}&prefecture={CHENGDU}")
    expect(units_heading(page)).to_have_text("各县(市、区)")
    expect(page.locator(".breadcrumbs li").last).to_have_text("成都市")
    expect(page.locator("#units tbody tr")).to_have_count(20)
    expect_completeness(page, 20 * MEASURES, approved=3, submitted=1, returned=1)
    jinjiang_row = page.locator("#units tbody tr").filter(has_text="锦江区")
    # 预警 红灯 with its counts of red and yellow measures, 应填报 24, 已填报 2 (8%), 审核通过 2,
    # 未填报 22, 滞后/风险 1, 平均进度 45%
    expect(jinjiang_row.locator("td")).to_have_text(
        [
            re.compile("^红红灯红灯举措 23 · 黄灯举措 1逾期未提交 22项"),
            *["24", "8%", "2", "22", "1", "45%", "0"],
        ]
    )

    page.locator("#units").get_by_role("link", name="锦江区", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/counties/{JINJIANG}/report/{PERIOD}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("锦江区")

    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/province/?period={PERIOD}&prefecture={CHENGDU}")
    page.go_back()
    expect(page).to_have_url(region_url)
    assert query_of(page.url) == {"period": [PERIOD], "region": [REGION]}
    expect(units_heading(page)).to_have_text("各市州")
    expect(page.get_by_label("经济区", exact=True)).to_have_value(REGION)
    expect(page.get_by_label("填报周期", exact=True)).to_have_value(PERIOD)
    expect(page.locator("#units").get_by_role("link", name="成都市", exact=True)).to_be_visible()
    expect_completeness(page, region_counties * MEASURES, approved=3, submitted=1, returned=1)


def test_the_breadcrumbs_keep_the_region_of_a_prefecture(notes, live_server, page, login):
    login("province")
    page.goto(f"{live_server.url}/province/?period={PERIOD}&region={REGION}")
    page.locator("#units").get_by_role("link", name="成都市", exact=True).click()
    expect(page.locator(".breadcrumbs li")).to_have_text(["全省", "成都平原经济区", "成都市"])


def test_filters_combine_through_htmx_and_can_be_bookmarked(
    notes, live_server, page, login, page_problems
):
    login("province")
    page.goto(f"{live_server.url}/province/?period={PERIOD}")
    expect_completeness(page, COUNTIES * MEASURES, approved=4, submitted=2, returned=1)
    # The swaps replace #results and leave the rest of the page (marked here) in place.
    page.evaluate("document.querySelector('h1').dataset.kept = 'yes'")

    page.get_by_label("重点任务", exact=True).select_option("T1")
    expect(page).to_have_url(re.compile(r"[?&]task_area=T1(&|$)"))
    expect(count(page, "应填报")).to_have_text(str(COUNTIES * 5))  # T1 has 5 measures
    page.get_by_label("市州", exact=True).select_option(CHENGDU)
    expect(page).to_have_url(re.compile(rf"[?&]prefecture={CHENGDU}(&|$)"))

    query = query_of(page.url)
    assert query["task_area"] == ["T1"]
    assert query["prefecture"] == [CHENGDU]
    assert query["period"] == [PERIOD]
    expect(page.locator("h1")).to_have_attribute("data-kept", "yes")  # no full reload
    # 20 counties × 5 measures; approved 锦江区 T1.1 and 青羊区 T1.2, submitted 金牛区 T1.3
    expect_completeness(page, 100, approved=2, submitted=1, returned=0)
    expect(units_heading(page)).to_have_text("各县(市、区)")
    expect(page.locator("#units tbody tr")).to_have_count(20)
    areas = page.locator("section[aria-labelledby=areas-heading] tbody tr")
    expect(areas).to_have_count(1)
    expect(areas.get_by_role("link", name="提升县城综合承载能力和服务功能")).to_have_attribute(
        "href", re.compile(r"task_area=T1$")
    )
    expect(areas.get_by_role("link", name="各县明细")).to_have_attribute(
        "href", re.compile(r"^/province/task-areas/T1/\?period=2026Q3$")
    )
    expect(page.locator('[data-chart="status-chart-data"] svg')).to_have_count(1)

    bookmark = page.url
    fresh = page.context.new_page()
    fresh.on(
        "console",
        lambda m: m.type == "error" and page_problems.console_errors.append(f"fresh: {m.text}"),
    )
    fresh.on("pageerror", lambda e: page_problems.console_errors.append(f"fresh: {e}"))
    fresh.goto(bookmark)
    expect(fresh.get_by_role("heading", level=1)).to_have_text("全省概览")
    expect(fresh.get_by_label("重点任务", exact=True)).to_have_value("T1")
    expect(fresh.get_by_label("市州", exact=True)).to_have_value(CHENGDU)
    expect_completeness(fresh, 100, approved=2, submitted=1, returned=0)
    expect(fresh.locator("#units tbody tr")).to_have_count(20)
    expect(fresh.locator('[data-chart="status-chart-data"] svg')).to_have_count(1)
    fresh.close()


def test_the_back_button_after_a_filter_swap_shows_the_filters_of_the_results(
    notes, live_server, page, login
):
    login("province")
    page.goto(f"{live_server.url}/province/?period={PERIOD}")
    page.get_by_label("重点任务", exact=True).select_option("T1")
    expect(count(page, "应填报")).to_have_text(str(COUNTIES * 5))
    page.get_by_label("市州", exact=True).select_option(CHENGDU)
    expect(count(page, "应填报")).to_have_text("100")

    page.go_back()
    expect(page).to_have_url(re.compile(r"[?&]task_area=T1(&|$)"))
    expect(count(page, "应填报")).to_have_text(str(COUNTIES * 5))
    expect(page.get_by_label("重点任务", exact=True)).to_have_value("T1")


def make_values() -> None:
    """D01 (常住人口城镇化率, baseline 59.49 in 2023, 63 by 2027): the mean of the approved values
    is 61.5 in 2026Q2 and 62.5 in 2026Q3; a submitted value does not count."""
    author = get_user_model().objects.get(username="province")
    indicator = Indicator.objects.get(code="D01")
    rows = [
        ("510104", PREVIOUS, "61", "approved"),
        ("510105", PREVIOUS, "62", "approved"),
        ("510104", PERIOD, "62", "approved"),
        ("510105", PERIOD, "63", "approved"),
        ("513402", PERIOD, "40", "submitted"),
    ]
    for county, period, value, state in rows:
        IndicatorValue.objects.create(
            county=County.objects.get(code=county),
            indicator=indicator,
            period=Period.objects.get(code=period),
            value=Decimal(value),
            source="统计年鉴",
            state=state,
            updated_by=author,
        )


def test_the_status_and_trend_charts_are_drawn_as_svg(notes, live_server, page, login):
    make_values()
    login("province")

    page.goto(f"{live_server.url}/province/?period={PERIOD}")
    status_chart = page.locator('[data-chart="status-chart-data"]')
    expect(status_chart.locator("svg")).to_have_count(1)
    expect(status_chart.locator("svg")).to_be_visible()
    # the bars' labels: one 滞后, two 按计划推进, one 存在风险 (approved only)
    expect(status_chart.locator("svg")).to_contain_text("滞后")
    status_rows = page.locator("section[aria-labelledby=status-heading] tbody tr")
    expect(status_rows.filter(has_text="滞后").locator("td")).to_have_text("1")
    expect(status_rows.filter(has_text="按计划推进").locator("td")).to_have_text("2")
    expect(status_rows.filter(has_text="存在风险").locator("td")).to_have_text("1")

    page.goto(f"{live_server.url}/province/indicators/D01/")
    trend_chart = page.locator('[data-chart="trend-data"]')
    expect(trend_chart.locator("svg")).to_have_count(1)
    expect(trend_chart.locator("svg")).to_be_visible()
    expect(trend_chart.locator("svg")).to_contain_text("各县简单平均值(未加权)")  # the legend
    trend_rows = page.locator("section[aria-labelledby=trend-heading] tbody tr")
    expect(trend_rows.filter(has_text="2026年第二季度").locator("td")).to_have_text(["61.50", "2"])
    expect(trend_rows.filter(has_text="2026年第三季度").locator("td")).to_have_text(["62.50", "2"])

    facts = page.locator(".pace-inputs > div")
    # 2.75 years from the end of 2023 to the end of 2026Q3: (62.5/59.49)^(1/2.75) - 1 = 1.81%,
    # against (63/59.49)^(1/4) - 1 = 1.44% needed for 2027; R = 1.25
    expect(facts.filter(has_text="进度判断").locator("dd")).to_have_text("进度正常")
    expect(facts.filter(has_text="最新值").locator("dd")).to_have_text("2026年第三季度: 62.50")
    expect(facts.filter(has_text="对照目标").locator("dd")).to_have_text("2027: 63")
    expect(facts.filter(has_text="实际年均增速").locator("dd")).to_have_text("1.81%")
    expect(facts.filter(has_text="所需年均增速").locator("dd")).to_have_text("1.44%")
    expect(facts.filter(has_text="比值 R").locator("dd")).to_have_text("1.25")


def test_the_measure_grid_covers_the_province_and_fits_a_phone(
    notes, live_server, page, login, screenshot
):
    login("province")
    page.goto(f"{live_server.url}/province/?period={PERIOD}")
    links = page.locator("details.measure-links")
    links.locator("summary").click()
    links.get_by_role("link", name=re.compile(r"^T1\.1\b")).click()
    expect(page).to_have_url(f"{live_server.url}/province/measures/T1.1/?period={PERIOD}")

    expect(page.locator(".tile-group")).to_have_count(21)
    expect(page.locator(".tile")).to_have_count(COUNTIES)
    jinjiang = page.locator(".tile").filter(has_text="锦江区")
    expect(jinjiang).to_have_count(1)
    expect(jinjiang.locator(".tile__value")).to_have_text("滞后 30%")
    expect(jinjiang).to_have_class(re.compile(r"\btile--approved\b"))
    expect(page.locator(".tile.tile--missing")).to_have_count(COUNTIES - 1)
    expect(page.locator(".tile__value", has_text="未填报")).to_have_count(COUNTIES - 1)
    chengdu = page.locator(".tile-group").filter(
        has=page.get_by_role("heading", name="成都市", exact=True)
    )
    expect(chengdu.locator(".tile")).to_have_count(20)
    row = page.locator("section[aria-labelledby=grid-table-heading] tbody tr").filter(
        has_text="锦江区"
    )
    expect(row.locator("td").nth(2)).to_contain_text("红灯")
    expect(row.locator("td").nth(2)).to_contain_text("自评为“滞后”")
    expect(row.locator("td").nth(3)).to_have_text("滞后")
    expect(row.locator("td").nth(4)).to_have_text("30%")
    screenshot("desktop")

    page.set_viewport_size(PHONE)
    expect(page.locator(".tile-group").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        "the measure grid scrolls sideways on a phone"
    )
    screenshot("phone")


def test_a_prefecture_reviewer_sees_only_their_prefecture(notes, live_server, page, login):
    login("chengdu")
    expect(page).to_have_url(re.compile(r"/province/"))

    page.goto(f"{live_server.url}/province/?period={PERIOD}")
    expect_completeness(page, 20 * MEASURES, approved=3, submitted=1, returned=1)
    units = page.locator("#units tbody tr")
    expect(units).to_have_count(1)
    expect(units.first.locator("th")).to_have_text("成都平原经济区")
    expect(units.first.locator("td").first).to_contain_text("红灯 20")
    expect(units.first.locator("td").nth(1)).to_have_text(str(20 * MEASURES))
    for county in page.locator("section[aria-labelledby=behind-heading] li a").all():
        code = re.search(r"/counties/(\d+)/", county.get_attribute("href")).group(1)
        assert code.startswith("5101"), f"{county.inner_text()} is not in 成都市"
    expect(page.get_by_text("会理市")).to_have_count(0)

    # Asking for another prefecture is refused: the page stays on the reviewer's own counties.
    page.goto(f"{live_server.url}/province/?period={PERIOD}&prefecture=513400")
    expect(count(page, "应填报")).to_have_text(str(20 * MEASURES))
    expect(page.get_by_text("会理市")).to_have_count(0)

    page.goto(f"{live_server.url}/province/measures/T1.2/?period={PERIOD}")
    expect(page.locator(".tile-group")).to_have_count(1)
    expect(page.locator(".tile")).to_have_count(20)
    expect(page.locator(".tile").filter(has_text="青羊区")).to_contain_text("按计划推进 50%")
    expect(page.get_by_text("会理市")).to_have_count(0)
