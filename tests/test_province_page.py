"""The province overview: regions, prefectures and counties, for reviewers and admins."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from targets.models import County, Prefecture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["provincial_reviewer", "department_user", "admin_user"])
def test_province_wide_personas_see_every_county_as_a_link(request, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).get("/province/")
    assert response.status_code == 200
    assert response.text.count('href="/counties/') == 183
    for name in ["成都平原经济区", "川西北生态示范区", "凉山彝族自治州", "锦江区", "会理市"]:
        assert name in response.text


def test_a_prefecture_reviewer_can_open_only_their_prefectures_counties(
    client_for, prefecture_reviewer
):
    response = client_for(prefecture_reviewer).get("/province/")
    assert response.status_code == 200
    assert response.text.count('href="/counties/') == 20
    assert 'href="/counties/510104/"' in response.text
    assert 'href="/counties/513402/"' not in response.text


@pytest.mark.parametrize("persona", ["reporter", "no_role_user"])
def test_county_reporters_and_users_without_a_role_are_refused(request, client_for, persona):
    assert client_for(request.getfixturevalue(persona)).get("/province/").status_code == 403


def test_the_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/province/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_wrong_method_is_refused(client_for, provincial_reviewer):
    assert client_for(provincial_reviewer).post("/province/").status_code == 405


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get("/province/").status_code == 200
    return len(context.captured_queries)


def test_queries_do_not_grow_with_the_number_of_counties(client_for, provincial_reviewer):
    client = client_for(provincial_reviewer)
    before = _queries(client)
    prefecture = Prefecture.objects.get(code="510100")
    County.objects.bulk_create(
        County(code=f"5199{n:02d}", name=f"新县{n}", kind="县", prefecture=prefecture)
        for n in range(40)
    )
    assert _queries(client) == before
