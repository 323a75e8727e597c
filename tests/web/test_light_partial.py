"""A warning light's markup is written in one place, templates/includes/light.html, and every
page that shows lights shows each of them as that partial writes it: the colour as a dot hidden
from screen readers, the colour's word, and the reason in words where there is one (in a grid's
tile, the words for screen readers only, the same as the table row's)."""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from targets.demo.seed import seed_demo
from targets.supervision.periods import reviewed_round

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PARTIAL = ROOT / "templates" / "includes" / "light.html"
WORDS = {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}
SAID = r'[^<]+(?:<span class="light__why">[^<]+</span>)?'
LIGHT = re.compile(
    r'<span class="light light--(?P<colour>red|yellow|green)">'
    r'<span class="light__dot" aria-hidden="true"></span>'
    rf'(?:<span class="visually-hidden">(?P<quiet>{SAID})</span>|(?P<said>{SAID}))'
    r"</span>"
)
PAGES = {
    "reporter": ["/counties/510104/report/{period}/"],
    "provincial_reviewer": [
        "/province/?period={period}",
        "/province/?period={period}&prefecture=510100",
        "/province/measures/T1.1/?period={period}",
        "/province/task-areas/T1/?period={period}",
        "/province/notes/?period={period}",
        "/review/",
        "/review/late/?period={period}",
    ],
}


def test_only_the_light_partial_writes_a_lights_markup():
    writers = [
        path.relative_to(ROOT)
        for folder in ("templates", "targets", "plenum", "static/js")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".html", ".py", ".js"}
        and "light__dot" in path.read_text(encoding="utf-8")
    ]
    assert writers == [PARTIAL.relative_to(ROOT)]


def lights_of(html: str) -> list[re.Match]:
    """Every light of the page, each checked to be whole: as many as the page has dots."""
    found = list(LIGHT.finditer(html))
    assert len(found) == html.count('class="light__dot"')
    return found


@pytest.fixture
def demo_round(demo):
    seed_demo()  # a demo round of notes, so that the queue and the tables have rows
    return reviewed_round(timezone.localdate()).code


def test_every_page_shows_each_light_as_the_partial_writes_it(request, client_for, demo_round):
    for persona, paths in PAGES.items():
        client = client_for(request.getfixturevalue(persona))
        for path in paths:
            response = client.get(path.format(period=demo_round))
            assert response.status_code == 200, path
            found = lights_of(response.text)
            assert found, f"{path} shows no light"
            for light in found:
                words = light["quiet"] or light["said"]
                assert words.startswith(WORDS[light["colour"]]), (path, light.group(0))


def test_a_grids_tile_says_for_screen_readers_what_its_table_row_shows(
    client_for, provincial_reviewer, demo_round
):
    html = client_for(provincial_reviewer).get(f"/province/measures/T1.1/?period={demo_round}").text
    tiles, rows = {}, {}
    for light in lights_of(html):
        before = html[: light.start()]
        link = before[before.rindex("<a href=") :]
        url = re.match(r'<a href="([^"]+)"', link)[1]
        if light["quiet"]:
            tiles[url] = (light["colour"], light["quiet"])
        else:
            rows[url] = (light["colour"], light["said"])
    assert len(tiles) == 183
    assert tiles == rows
    assert any("light__why" in said for _colour, said in rows.values())
