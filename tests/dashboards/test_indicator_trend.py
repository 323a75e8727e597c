"""The province's line on an indicator's page: periods on a real time axis, value bounds in round
numbers, drawn from the province's own values where admins entered them, else from the counties'
average (weighted where the indicator names a weight), and named for what it is."""

import json
from decimal import Decimal

import pytest

from targets.dashboards.indicator_page import axis_bounds
from targets.models import County, Indicator, IndicatorValue, Period, ProvinceValue, State

pytestmark = pytest.mark.django_db


def approved(indicator, county, period, amount, author, state=State.APPROVED):
    return IndicatorValue.objects.create(
        county=County.objects.get(code=county),
        indicator=indicator,
        period=Period.objects.get(code=period),
        value=Decimal(amount),
        source="统计年鉴",
        state=state,
        updated_by=author,
    )


def chart_on(client, code="D01") -> tuple[dict, str]:
    response = client.get(f"/province/indicators/{code}/")
    assert response.status_code == 200
    text = response.text
    data = text.split('id="trend-data" type="application/json">')[1].split("</script>")[0]
    return json.loads(data), text


@pytest.fixture
def urbanisation(demo, reporter):
    """D01 (baseline 59.49 in 2023; 63 by 2027, 70 by 2035) in three irregularly spaced rounds."""
    d01 = Indicator.objects.get(code="D01")
    for county, period, amount in [
        ("510104", "2024Q4", "58.44"),
        ("510104", "2026Q2", "60"),
        ("510104", "2026Q3", "60"),
        ("510105", "2026Q3", "64"),
        ("510106", "2026Q3", "50"),
    ]:
        approved(d01, county, period, amount, reporter)
    approved(d01, "510107", "2026Q3", "99", reporter, state=State.SUBMITTED)
    return d01


@pytest.mark.parametrize(
    ("levels", "bounds"),
    [
        ([58.44, 71.05], (55, 75, 5)),
        ([2.0, 2.19, 2.26], (2.0, 2.3, 0.1)),
        ([63.0, 63.0], (55, 70, 5)),
        ([0.0, 1234.0], (0, 1250, 250)),
        ([0.3, 0.6], (0.3, 0.6, 0.1)),
    ],
)
def test_value_axis_bounds_are_round_numbers(levels, bounds):
    assert axis_bounds(levels) == bounds


def test_periods_sit_on_a_time_axis_at_the_date_they_end(
    client_for, provincial_reviewer, urbanisation
):
    chart, _page = chart_on(client_for(provincial_reviewer))
    dates = [point[0] for point in chart["series"][0]["points"]]
    # a year's gap, then two quarters in a row: placed by date, not evenly
    assert dates == ["2024-12-31", "2026-06-30", "2026-09-30"]
    assert [point[2] for point in chart["series"][0]["points"]] == [
        "2024年第四季度",
        "2026年第二季度",
        "2026年第三季度",
    ]
    assert chart["time"] == {"min": "2023-01-01", "max": "2027-01-01"}
    # from the lowest average (58) to the 2035 target (70), in steps of 2.5
    assert chart["value"] == {"min": 57.5, "max": 70, "interval": 2.5}


def test_without_province_values_the_line_is_the_plain_average_and_says_so(
    client_for, provincial_reviewer, urbanisation
):
    chart, page = chart_on(client_for(provincial_reviewer))
    (line,) = chart["series"]
    assert line["source"] == "mean"
    assert line["name"] == "各县简单平均值(未加权)"
    # (60 + 64 + 50) / 3; the submitted 99 does not count
    assert line["points"][-1][1] == 58.0
    assert "各县审核通过数值的简单平均值:未加权,每县同等计入" in page


def test_a_named_weight_weighs_each_county_by_its_value_of_that_indicator(
    client_for, provincial_reviewer, urbanisation, reporter
):
    population = Indicator.objects.create(
        plan=urbanisation.plan,
        code="P01",
        name="常住人口",
        unit="万人",
        direction="higher",
        level="county",
        baseline_year=2023,
        baseline_value=Decimal("100"),
    )
    urbanisation.weight = population
    urbanisation.save()
    approved(population, "510104", "2026Q3", "1", reporter)
    approved(population, "510105", "2026Q3", "3", reporter)
    # 510106 has no population figure: it is left out of the weighted average

    chart, page = chart_on(client_for(provincial_reviewer))
    (line,) = chart["series"]
    assert line["source"] == "weighted"
    assert line["name"] == "各县加权平均值(按常住人口加权)"
    assert line["points"] == [["2026-09-30", 63.0, "2026年第三季度"]]  # (60×1 + 64×3) / 4
    assert "按“常住人口”同期数值加权" in page


def test_province_values_draw_the_province_line_beside_the_counties_average(
    client_for, provincial_reviewer, prefecture_reviewer, urbanisation
):
    for period, amount in [("2024Q4", "60.1"), ("2025Q4", "61.2")]:
        ProvinceValue.objects.create(
            indicator=urbanisation,
            period=Period.objects.get(code=period),
            value=Decimal(amount),
            source="四川省统计公报",
        )

    chart, page = chart_on(client_for(provincial_reviewer))
    province, counties = chart["series"]
    assert (province["source"], province["name"]) == ("province", "全省数值")
    assert [p[:2] for p in province["points"]] == [["2024-12-31", 60.1], ["2025-12-31", 61.2]]
    assert counties["source"] == "mean"
    assert counties["points"][-1][:2] == ["2026-09-30", 58.0]
    assert "全省数值为管理员录入的全省统计数值" in page

    # a prefecture's reviewer sees its counties, which the province's figures do not describe
    chart, _page = chart_on(client_for(prefecture_reviewer))
    (line,) = chart["series"]
    assert line["source"] == "mean"
