"""Indicator pages: the trend of approved values with baseline and targets, the pace with its
inputs, counties ranked within their county type; the goals with their indicators; the rules."""

import json
from decimal import Decimal

import pytest

from targets.models import County, CountyType, Goal, Indicator, IndicatorValue, Period, State

pytestmark = pytest.mark.django_db


def chart_of(response) -> dict:
    return json.loads(
        response.text.split('id="trend-data" type="application/json">')[1].split("</script>")[0]
    )


def value(county, period, amount, state=State.APPROVED, author=None):
    indicator = Indicator.objects.get(code="D02")
    return IndicatorValue.objects.create(
        county=County.objects.get(code=county),
        indicator=indicator,
        period=Period.objects.get(code=period),
        value=Decimal(amount),
        source="x",
        state=state,
        updated_by=author,
    )


@pytest.fixture
def ratio_values(demo, reporter):
    """The worked example of the method: 2.26 in 2023 (the baseline) and 2.19 at the end of 2025,
    lower is better, target 2.0 in 2035; plus a submitted value, which must not count."""
    Indicator.objects.filter(code="D02").update(level="county")
    value("510104", "2025Q4", "2.19", author=reporter)
    value("510105", "2025Q4", "2.19", author=reporter)
    value("510106", "2025Q4", "9.99", state=State.SUBMITTED, author=reporter)


def test_the_trend_and_pace_follow_the_worked_example(
    client_for, provincial_reviewer, ratio_values
):
    indicator = Indicator.objects.get(code="D02")
    indicator.targets.filter(horizon=2027).delete()  # no 2027 target: judged against 2035
    response = client_for(provincial_reviewer).get("/province/indicators/D02/")
    assert response.status_code == 200
    assert [(p.period, p.value, p.counties) for p in response.context["line"].points] == [
        ("2025Q4", 2.19, 2)
    ]
    pace = response.context["pace"]
    assert pace.base_year == 2023
    assert pace.latest_year == 2025.0
    assert pace.target_year == 2035
    assert pace.status == "on_track"
    assert round(pace.ratio, 2) == 1.54
    chart = chart_of(response)
    assert chart["series"][0]["points"] == [["2025-12-31", 2.19, "2025年第四季度"]]
    assert [(level["kind"], level["value"]) for level in chart["levels"]] == [
        ("baseline", 2.26),
        ("target2035", 2.0),
    ]
    assert "进度正常" in response.text
    assert "1.54" in response.text


def test_counties_are_ranked_within_their_type(
    client_for, provincial_reviewer, ratio_values, reporter
):
    urban = CountyType.objects.get(code="urban-core")
    County.objects.filter(code__in=["510104", "510105"]).update(county_type=urban)
    value("510104", "2026Q3", "2.10", author=reporter)
    value("510105", "2026Q3", "2.30", author=reporter)
    groups = client_for(provincial_reviewer).get("/province/indicators/D02/").context["groups"]
    urban_rows = dict(groups)[urban]
    assert [(r.county.code, r.rank) for r in urban_rows] == [("510104", 1), ("510105", 2)]
    assert urban_rows[0].pace.status in {"on_track", "achieved"}
    assert urban_rows[1].pace.status == "deterioration"


def test_without_two_values_there_is_not_enough_data(client_for, provincial_reviewer, demo):
    fresh = Indicator.objects.get(code="D01")
    fresh.pk, fresh.code, fresh.name = None, "X01", "新指标"
    fresh.save()
    response = client_for(provincial_reviewer).get("/province/indicators/X01/")
    assert response.context["pace"].status == "insufficient_data"
    assert "数据不足" in response.text
    assert "还没有审核通过的数值" in response.text


def test_goals_list_their_indicators_with_pace(client_for, provincial_reviewer, demo):
    goal = Goal.objects.get(code="G27-7")
    goal.indicators.add(Indicator.objects.get(code="D02"))
    response = client_for(provincial_reviewer).get("/province/goals/")
    assert response.status_code == 200
    assert "城乡居民收入更加均衡" in response.text
    assert 'href="/province/indicators/D02/"' in response.text


def test_the_rules_page_shows_the_thresholds_in_force(client_for, provincial_reviewer, settings):
    settings.PACE_ON_TRACK = 0.9
    page = client_for(provincial_reviewer).get("/province/pace/").text
    assert "R ≥ 0.9" in page
    assert "CAGRo" in page


@pytest.mark.parametrize(
    "url", ["/province/indicators/D01/", "/province/goals/", "/province/pace/"]
)
def test_outsiders_and_methods(client, client_for, reporter, provincial_reviewer, demo, url):
    assert client.get(url)["Location"].startswith("/login/")
    assert client_for(reporter).get(url).status_code == 403
    assert client_for(provincial_reviewer).post(url).status_code == 405
