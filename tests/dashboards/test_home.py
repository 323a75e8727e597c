"""`/` sends each persona to their place."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "place"),
    [
        ("reporter", "/todo/"),
        ("other_reporter", "/todo/"),
        ("prefecture_reviewer", "/province/"),
        ("provincial_reviewer", "/province/"),
        # A provincial department sees its own measures only: its own page.
        ("department_user", "/province/departments/agri/"),
        ("admin_user", "/plan/"),
    ],
)
def test_each_persona_lands_on_their_page(request, client_for, persona, place):
    response = client_for(request.getfixturevalue(persona)).get("/")
    assert response.status_code == 302
    assert response["Location"] == place


def test_the_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_a_user_without_a_role_is_told_to_ask_for_one(client_for, no_role_user):
    response = client_for(no_role_user).get("/")
    assert response.status_code == 403
    assert "尚未分配角色" in response.text


def test_wrong_method_is_refused(client_for, reporter):
    assert client_for(reporter).post("/").status_code == 405
