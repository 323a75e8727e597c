"""A measure's tile shows its warning light both as a colour and as a shape with its character
(红, 黄, 绿), in a real browser: the tile's bar and the mark's fill are the light's colour and no
other; the marks' shapes differ (red a square, yellow a diamond, green a circle); screen readers
hear the light's word. The notes are made with the ORM (the live server reads the same
database); the 2026Q3 round is closed, so every rule applies."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from targets.models import County, Measure, Period, ProgressNote, StatusOption

PERIOD = "2026Q3"
# county, status, percent of an approved T1.1 note, and the light it shows
TILES = {
    "锦江区": ("behind", 30, "red"),  # a red status, far behind 序时进度 (70%)
    "金牛区": ("on_schedule", 60, "yellow"),  # a little behind
    "青羊区": ("on_schedule", 100, "green"),
}
CODES = {"锦江区": "510104", "金牛区": "510106", "青羊区": "510105"}
CHARACTERS = {"red": "红", "yellow": "黄", "green": "绿"}
WORDS = {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}
COLOURS = {"red": "rgb(184, 50, 10)", "yellow": "rgb(245, 194, 27)", "green": "rgb(0, 121, 107)"}

# The mark's shape: the mark itself (a square, a circle) or, for the diamond, a square turned
# behind its character.
MARK_STYLE = """mark => {
    const own = getComputedStyle(mark), turned = getComputedStyle(mark, "::before");
    const shape = turned.content === "none" ? own : turned;
    return {fill: shape.backgroundColor, radius: shape.borderRadius, turned: shape.transform};
}"""


@pytest.fixture
def tiles(app_data) -> None:
    reviewer = get_user_model().objects.get(username="province")
    now = timezone.now()
    for name, (status, percent, _light) in TILES.items():
        ProgressNote.objects.create(
            county=County.objects.get(code=CODES[name]),
            measure=Measure.objects.get(code="T1.1"),
            period=Period.objects.get(code=PERIOD),
            state="approved",
            status=StatusOption.objects.get(code=status),
            percent=percent,
            narrative="x",
            updated_by=reviewer,
            submitted_at=now,
            reviewed_at=now,
            reviewed_by=reviewer,
        )


def test_a_grid_tile_shows_its_light_as_a_colour_and_as_a_shape_with_its_character(
    tiles, live_server, page, login
):
    login("province")
    page.goto(f"{live_server.url}/province/measures/T1.1/?period={PERIOD}")
    shapes = {}
    for name, (_status, _percent, light) in TILES.items():
        tile = page.locator(".tile").filter(has_text=name)
        expect(tile).to_have_count(1)
        mark = tile.locator(".light__mark")
        expect(mark).to_be_visible()
        expect(mark).to_have_text(CHARACTERS[light])
        expect(tile.locator(".visually-hidden")).to_contain_text(WORDS[light])
        style = mark.evaluate(MARK_STYLE)
        assert style["fill"] == COLOURS[light], (name, style)
        bar = tile.locator("a").evaluate("a => getComputedStyle(a).borderLeftColor")
        assert bar == COLOURS[light], (name, bar)  # the tile's one colour is its light's
        shapes[light] = (style["radius"], style["turned"])
    assert shapes["red"][0] == "2px"  # a square
    assert shapes["green"][0] == "50%"  # a circle
    assert shapes["yellow"][1] != "none"  # a square turned: a diamond
    assert len(set(shapes.values())) == 3

    # A county with nothing submitted after the deadline: red, and its value says why in words.
    silent = page.locator(".tile").filter(has_text="会理市")
    expect(silent.locator(".light__mark")).to_have_text("红")
    expect(silent.locator(".tile__value")).to_have_text("未填报")
