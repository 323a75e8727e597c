"""Indicator pages are reached from the navigation, the goals page and the indicator table (the
plan's, the briefing's); instructions meant for admins are shown to admins only."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from targets.accounts.access import access_for
from targets.models import Goal, Indicator

pytestmark = pytest.mark.django_db

GOALS_LINK = 'href="/province/goals/"'
ADMIN_HINT = "管理员可在“管理 › 指标”中"


def test_reviewers_find_the_goals_and_indicators_in_the_navigation(
    client_for, provincial_reviewer, prefecture_reviewer, reporter, demo
):
    for user in (provincial_reviewer, prefecture_reviewer):
        nav = client_for(user).get("/notifications/").text.split('class="site-nav"')[1]
        assert GOALS_LINK in nav.split("</nav>")[0]
    # a county's reporter may not open them, and is not offered them
    assert GOALS_LINK not in client_for(reporter).get("/notifications/").text


def test_the_indicator_page_marks_its_place_in_the_navigation(
    client_for, provincial_reviewer, demo
):
    page = client_for(provincial_reviewer).get("/province/indicators/D01/").text
    nav = page.split('class="site-nav"')[1].split("</nav>")[0]
    assert f'{GOALS_LINK} aria-current="page"' in nav


def test_the_goals_page_links_every_indicator_including_those_without_a_goal(
    client_for, provincial_reviewer, demo
):
    Goal.objects.get(code="G27-7").indicators.add(Indicator.objects.get(code="D02"))
    page = client_for(provincial_reviewer).get("/province/goals/").text
    for code in ("D01", "D02", "D03", "D04"):
        assert f'href="/province/indicators/{code}/"' in page, code
    assert "未关联目标的指标" in page


def test_goals_without_indicators_tell_only_admins_how_to_add_them(
    client_for, provincial_reviewer, admin_user, demo
):
    assert ADMIN_HINT in client_for(admin_user).get("/province/goals/").text
    page = client_for(provincial_reviewer).get("/province/goals/").text
    assert "这个目标还没有指标。" in page
    assert ADMIN_HINT not in page


def test_the_indicator_table_links_to_the_indicator_pages_for_those_who_may_open_them(
    client_for, provincial_reviewer, reporter, demo
):
    page = client_for(provincial_reviewer).get("/plan/").text
    table = page.split('id="indicators"')[1].split("</section>")[0]
    assert 'href="/province/indicators/D01/"' in table
    # the reporter would be refused the page: the table names the indicator without a link
    table = client_for(reporter).get("/plan/").text.split('id="indicators"')[1]
    assert "/province/indicators/" not in table.split("</section>")[0]
    assert "常住人口城镇化率" in table


@pytest.mark.parametrize(("who", "hinted"), [("admin_user", True), ("provincial_reviewer", False)])
def test_an_empty_indicator_table_tells_only_admins_how_to_add_indicators(request, who, hinted):
    user = request.getfixturevalue(who)
    http = RequestFactory().get("/")
    http.user = user
    html = render_to_string(
        "includes/indicator_table.html", {"indicators": [], "access": access_for(http)}
    )
    assert "还没有定义指标。" in html
    assert ("管理员可在“管理 › 指标”中添加指标" in html) is hinted
