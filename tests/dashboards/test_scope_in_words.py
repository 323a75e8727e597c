"""A reviewer's pages say whose they are: a prefecture's reviewer reads 成都市概览 and 成都市 in
the navigation and the breadcrumbs, never 全省 (the province); every filter offers only the
regions, prefectures and counties the user may see, and no address widens that."""

import re

import pytest

from targets.models import Prefecture, Region, Role

pytestmark = pytest.mark.django_db

PAGES = [
    "/province/?period=2026Q3",
    "/province/measures/T1.1/?period=2026Q3",
    "/province/task-areas/T1/?period=2026Q3",
    "/province/notes/?period=2026Q3",
]


def options(html: str, name: str) -> list[str]:
    """The labels a filter's select offers, in order."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no {name} filter"
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def nav(html: str) -> str:
    return re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)


def crumbs(html: str) -> list[str]:
    trail = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    return re.findall(r"<a [^>]*>([^<]*)</a>", trail)


def test_a_prefecture_reviewers_overview_is_titled_with_the_prefecture(
    client_for, prefecture_reviewer
):
    html = client_for(prefecture_reviewer).get(PAGES[0]).text
    assert "<title>成都市概览 ·" in html
    assert "<h1>成都市概览</h1>" in html
    assert "全省概览" not in html
    assert ">成都市</a>" in nav(html)
    assert ">全省</a>" not in nav(html)
    assert crumbs(html)[0] == "成都市"


@pytest.mark.parametrize("url", PAGES)
def test_every_dashboard_offers_a_prefecture_reviewer_only_their_region_and_prefecture(
    client_for, prefecture_reviewer, url
):
    response = client_for(prefecture_reviewer).get(url)
    assert response.status_code == 200
    assert options(response.text, "region") == ["全部", "成都平原经济区"]
    assert options(response.text, "prefecture") == ["全部", "成都市"]
    assert crumbs(response.text)[0] == "成都市"
    assert "全省" not in nav(response.text)


@pytest.mark.parametrize("url", PAGES)
def test_the_provincial_reviewer_sees_the_province_and_every_choice(
    client_for, provincial_reviewer, url
):
    html = client_for(provincial_reviewer).get(url).text
    assert len(options(html, "region")) == 1 + Region.objects.count()
    assert len(options(html, "prefecture")) == 1 + Prefecture.objects.count() == 22
    assert ">全省</a>" in nav(html)
    assert crumbs(html)[0] == "全省"


def test_the_province_overview_keeps_its_title(client_for, provincial_reviewer):
    html = client_for(provincial_reviewer).get(PAGES[0]).text
    assert "<h1>全省概览</h1>" in html


def test_in_english_the_scope_is_named_in_english(client_for, provincial_reviewer, settings):
    client = client_for(provincial_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(PAGES[0]).text
    assert "<h1>Province overview</h1>" in html
    assert ">Province</a>" in nav(html)


def test_a_prefecture_with_an_english_name_is_named_so_in_english(
    client_for, prefecture_reviewer, settings
):
    Prefecture.objects.filter(code="510100").update(name_en="Chengdu")
    client = client_for(prefecture_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(PAGES[0]).text
    assert "<h1>Chengdu overview</h1>" in html
    assert ">Chengdu</a>" in nav(html)


@pytest.mark.parametrize(
    "query",
    ["prefecture=510100", "region=chengdu_plain", "prefecture=510100&region=chengdu_plain"],
)
def test_another_prefectures_reviewer_cannot_widen_the_scope_by_the_address(
    client_for, other_prefecture_reviewer, query
):
    region = Prefecture.objects.get(code="510100").region.code
    query = query.replace("chengdu_plain", region)
    for url in PAGES:
        response = client_for(other_prefecture_reviewer).get(f"{url}&{query}")
        assert response.status_code == 200
        assert "成都" not in response.text, url
        assert "锦江区" not in response.text, url
        assert options(response.text, "prefecture") == ["全部", "凉山彝族自治州"]


def test_the_late_view_and_the_queue_offer_only_the_reviewers_prefecture(
    client_for, prefecture_reviewer
):
    client = client_for(prefecture_reviewer)
    late = client.get("/review/late/?period=2026Q3").text
    assert options(late, "prefecture") == ["全部", "成都市"]
    queue = client.get("/review/").text
    assert options(queue, "prefecture") == ["全部", "成都市"]
    assert "会理市" not in queue


def test_a_reviewer_of_two_prefectures_is_named_with_both(client_for, prefecture_reviewer):
    Role.objects.create(
        user=prefecture_reviewer,
        kind=Role.Kind.PREFECTURE_REVIEWER,
        prefecture=Prefecture.objects.get(code="513400"),
    )
    html = client_for(prefecture_reviewer).get(PAGES[0]).text
    assert "<h1>成都市、凉山彝族自治州概览</h1>" in html
    assert options(html, "prefecture") == ["全部", "成都市", "凉山彝族自治州"]
