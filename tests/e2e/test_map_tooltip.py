"""The map's tooltip shows county names, status labels and the names of shapes as text: names that
look like HTML are shown as typed, never put into the page as elements."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from targets.models import BoundaryMap, County, Measure, Period, ProgressNote, StatusOption

COUNTY_NAME = '锦江区<img src=x id="injected-county">'
STATUS_LABEL = "<img src=x id=is>滞后"  # a status name has at most 20 characters
SHAPE_NAME = '<img src=x id="injected-shape">'


def square(code: str, x: int) -> dict:
    ring = [[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]
    return {
        "type": "Feature",
        "properties": {"code": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


@pytest.fixture
def names_like_html(app_data, settings, tmp_path) -> None:
    """An approved note of 锦江区 on T1.1; the county, its status and a shape that matches no
    county named with markup; boundaries holding 锦江区's shape and that one."""
    settings.MEDIA_ROOT = tmp_path
    county = County.objects.get(code="510104")
    county.name = COUNTY_NAME
    county.save()
    status = StatusOption.objects.get(code="behind")
    status.name = STATUS_LABEL
    status.save()
    reviewer = get_user_model().objects.get(username="province")
    now = timezone.now()
    ProgressNote.objects.create(
        county=county,
        measure=Measure.objects.get(code="T1.1"),
        period=Period.objects.get(code="2026Q3"),
        state="approved",
        status=status,
        percent=30,
        narrative="x",
        updated_by=reviewer,
        submitted_at=now,
        reviewed_at=now,
        reviewed_by=reviewer,
    )
    shapes = {"type": "FeatureCollection", "features": [square("510104", 0), square(SHAPE_NAME, 2)]}
    boundary_map = BoundaryMap(name="测试县界", source="测试用虚构图形", code_property="code")
    boundary_map.file.save("x.geojson", ContentFile(json.dumps(shapes).encode()), save=False)
    boundary_map.counties_matched = 1
    boundary_map.save()


def test_names_like_html_show_as_text_in_the_map_tooltip(names_like_html, live_server, page, login):
    login("province")
    page.goto(f"{live_server.url}/province/measures/T1.1/?period=2026Q3")
    chart = page.locator(".chart--map")
    shapes = chart.locator("svg path")
    # ECharts is fetched once a chart comes near the viewport: out of sight, nothing is drawn.
    page.wait_for_load_state("load")
    expect(shapes).to_have_count(0)
    chart.scroll_into_view_if_needed()
    expect(shapes).to_have_count(2)
    tooltip = chart.locator(".chart-tooltip")
    texts = []
    for index in range(2):
        shapes.nth(index).hover(force=True)
        expect(tooltip).to_be_visible()
        texts.append(tooltip.inner_text())
        page.mouse.move(0, 0)
    assert sorted(texts) == sorted([f"{COUNTY_NAME}: {STATUS_LABEL}", SHAPE_NAME])
    for injected in ["injected-county", "is", "injected-shape"]:
        assert page.locator(f"#{injected}").count() == 0
    assert page.locator(".chart--map img").count() == 0


def test_a_status_name_like_html_shows_as_text_in_the_status_chart(
    names_like_html, live_server, page, login
):
    login("province")
    page.goto(f"{live_server.url}/province/?period=2026Q3")
    chart = page.locator(".chart[data-chart=status-chart-data]")
    expect(chart.locator("svg")).to_be_visible()
    box = chart.bounding_box()
    for step in range(1, 20):  # across the bars: the axis tooltip follows the pointer
        page.mouse.move(box["x"] + box["width"] * step / 20, box["y"] + box["height"] * 0.6)
        if STATUS_LABEL in chart.inner_text():
            break
    assert STATUS_LABEL in chart.inner_text()
    assert page.locator("#is").count() == 0
    assert chart.locator("img").count() == 0
