"""Lists of counties a page at a time: the grids, the late view and the indicator's ranking show
COUNTIES_PER_PAGE counties a page (here 100 of Sichuan's 183, as a national scope's 2,883 would
take 15 pages of 200), while counts, reminders and exports still cover every county in scope."""

import csv
import io
import re

import pytest

from targets.geography import pages

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


@pytest.fixture(autouse=True)
def hundred_a_page(monkeypatch):
    monkeypatch.setattr(pages, "COUNTIES_PER_PAGE", 100)


def county_codes(groups) -> list[str]:
    return [cell.county.code for _prefecture, cells in groups for cell in cells]


def test_the_grid_shows_a_page_of_counties_and_the_pager_keeps_the_filters(
    client_for, provincial_reviewer
):
    client = client_for(provincial_reviewer)
    first = client.get("/province/measures/T1.1/", {"period": "2026Q3"})
    second = client.get("/province/measures/T1.1/", {"period": "2026Q3", "page": "2"})
    on_first, on_second = (
        county_codes(first.context["groups"]),
        county_codes(second.context["groups"]),
    )
    assert (len(on_first), len(on_second)) == (100, 83)
    assert on_first == sorted(on_first)
    assert on_first[-1] < on_second[0]
    assert "第1页,共2页" in first.text
    assert "第2页,共2页" in second.text
    assert 'href="?period=2026Q3&amp;page=2"' in first.text
    assert 'href="?period=2026Q3&amp;page=1"' in second.text


def test_a_page_past_the_last_shows_the_last(client_for, provincial_reviewer):
    response = client_for(provincial_reviewer).get(
        "/province/measures/T1.1/", {"period": "2026Q3", "page": "99"}
    )
    assert len(county_codes(response.context["groups"])) == 83


def test_the_grid_s_export_holds_every_county(client_for, provincial_reviewer):
    response = client_for(provincial_reviewer).get(
        "/province/measures/T1.1/", {"period": "2026Q3", "export": "csv"}
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(body)))) == 1 + 183


def test_a_scope_that_fits_on_one_page_has_no_pager(client_for, prefecture_reviewer):
    response = client_for(prefecture_reviewer).get("/province/measures/T1.1/?period=2026Q3")
    assert len(county_codes(response.context["groups"])) == 20  # 成都's counties
    assert 'class="pager"' not in response.text


def test_the_task_area_grid_shows_a_page_of_counties(client_for, provincial_reviewer):
    client = client_for(provincial_reviewer)
    second = client.get("/province/task-areas/T1/", {"period": "2026Q3", "page": "2"})
    assert sum(len(rows) for _p, rows in second.context["groups"]) == 83
    assert "第2页,共2页" in second.text


def test_the_late_view_pages_its_rows_and_still_counts_and_reminds_every_county(
    client_for, provincial_reviewer
):
    client = client_for(provincial_reviewer)
    query = {"period": "2026Q3", "show": "all", "sort": "name"}
    first = client.get("/review/late/", query)
    second = client.get("/review/late/", query | {"page": "2"})
    assert "183个县" in first.text
    assert len(second.context["page"].object_list) == 83
    table = second.text[second.text.index("<tbody>") : second.text.index("</tbody>")]
    assert table.count('<th scope="row">') == 83
    # 催办 of all late counties still names every county with something not submitted.
    assert len(re.findall(r'form="remind-all" name="counties"', second.text)) == 183
    # The pager keeps the sort; a new sort starts again at the first page.
    assert 'href="?period=2026Q3&amp;show=all&amp;sort=name&amp;page=1"' in second.text
    assert 'href="?period=2026Q3&amp;show=all&amp;sort=light"' in second.text


def test_the_indicator_s_ranking_continues_on_the_next_page(client_for, provincial_reviewer):
    client = client_for(provincial_reviewer)
    first = client.get("/province/indicators/D01/")
    second = client.get("/province/indicators/D01/", {"page": "2"})
    rows = [row for _type, rows in first.context["groups"] for row in rows]
    later = [row for _type, rows in second.context["groups"] for row in rows]
    assert (len(rows), len(later)) == (100, 83)
    assert {row.county.code for row in rows}.isdisjoint(row.county.code for row in later)
    assert "第2页,共2页" in second.text
