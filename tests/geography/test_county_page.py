"""A county's page: its task areas, measures and indicators; seen only by those whose scope holds it."""

import pytest

from targets.models import County
from tests.querycount import queries_of

pytestmark = pytest.mark.django_db
JINJIANG = "/counties/510104/"


@pytest.mark.parametrize(
    "persona",
    ["reporter", "prefecture_reviewer", "provincial_reviewer", "admin_user"],
)
def test_personas_whose_scope_holds_the_county_see_it(request, client_for, demo, persona):
    response = client_for(request.getfixturevalue(persona)).get(JINJIANG)
    assert response.status_code == 200
    page = response.text
    assert "锦江区" in page
    assert "510104" in page
    assert "提升县城综合承载能力和服务功能" in page
    assert "深入推进扩权强县" in page
    assert "常住人口城镇化率" in page


def test_demo_indicators_are_labelled_and_only_county_level_ones_show(client_for, reporter, demo):
    response = client_for(reporter).get(JINJIANG)
    indicators = response.context["indicators"]
    assert indicators
    assert all(i.level == "county" for i in indicators)
    assert response.text.count("演示数据") >= len(indicators)
    assert "城乡居民人均可支配收入比" not in response.text


def test_the_targets_in_force_and_their_version_are_shown(client_for, reporter, demo):
    page = client_for(reporter).get(JINJIANG).text
    assert "63" in page
    assert "第1版" in page


@pytest.mark.parametrize("persona", ["other_reporter", "other_prefecture_reviewer", "no_role_user"])
def test_outsiders_get_not_found(request, client_for, persona):
    assert client_for(request.getfixturevalue(persona)).get(JINJIANG).status_code == 404


def test_an_unknown_code_is_not_found(client_for, provincial_reviewer):
    assert client_for(provincial_reviewer).get("/counties/519999/").status_code == 404


def test_the_anonymous_visitor_is_sent_to_login(client):
    response = client.get(JINJIANG)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={JINJIANG}"


def test_wrong_method_is_refused(client_for, reporter):
    assert client_for(reporter).post(JINJIANG).status_code == 405


def test_queries_are_fixed(client_for, provincial_reviewer, demo):
    client = client_for(provincial_reviewer)
    first = queries_of(client, JINJIANG)
    prefecture = County.objects.get(code="510104").prefecture
    County.objects.bulk_create(
        County(code=f"5199{n:02d}", name=f"新县{n}", kind="县", prefecture=prefecture)
        for n in range(40)
    )
    assert (
        queries_of(client, JINJIANG) == first <= 26
    )  # the page, its plan, rounds, light and orders


def test_a_provincial_department_is_refused_the_county_page_of_every_measure(
    client_for, demo, department_user
):
    assert client_for(department_user).get(JINJIANG).status_code == 403
