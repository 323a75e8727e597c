"""Sessions end after 30 idle minutes and 12 hours in all; an htmx request then sends the browser
to the login page with a message."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from targets.accounts import passwords
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)


def sign_in(client):
    assert client.post("/login/", {"username": "reporter", "password": PASSWORD}).status_code == 302


def test_thirty_idle_minutes_end_the_session(client, reporter):
    passwords.record_change(reporter)
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client)
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get("/plan/").status_code == 200
        clock.shift(datetime.timedelta(minutes=29))  # activity keeps it alive
        assert client.get("/plan/").status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get("/plan/")
        assert response.status_code == 302
        assert response["Location"] == "/login/?next=/plan/"
        login = client.get(response["Location"])
    assert "会话已过期,请重新登录" in login.text


def session_writes(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return sum('UPDATE "django_session"' in q["sql"] for q in context.captured_queries)


def test_the_idle_clock_restarts_at_most_once_a_minute(client, reporter):
    """Not a write to the database on every page: the session is saved when its idle clock last
    restarted a minute or more before."""
    passwords.record_change(reporter)
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client)
        clock.shift(datetime.timedelta(seconds=61))
        assert session_writes(client, "/plan/") == 1
        clock.shift(datetime.timedelta(seconds=30))
        assert session_writes(client, "/plan/") == 0
        clock.shift(datetime.timedelta(seconds=31))
        assert session_writes(client, "/plan/") == 1
        clock.shift(datetime.timedelta(minutes=29, seconds=30))  # 30 idle minutes less a second
        assert client.get("/plan/").status_code == 200


def test_twelve_hours_end_the_session_however_active(client, reporter):
    passwords.record_change(reporter)
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client)
        for _ in range(12 * 3):  # a request every 20 minutes, up to 12 hours to the second
            clock.shift(datetime.timedelta(minutes=20))
            assert client.get("/plan/").status_code == 200
        clock.shift(datetime.timedelta(minutes=1))
        response = client.get("/plan/", headers={"hx-request": "true"})
        assert response["HX-Redirect"] == "/login/?next=/plan/"
        login = client.get("/login/?next=/plan/")
    assert "登录已超过12小时,请重新登录" in login.text


def test_an_htmx_request_after_expiry_redirects_the_page_and_the_login_says_why(client, reporter):
    passwords.record_change(reporter)
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client)
        clock.shift(datetime.timedelta(minutes=45))
        response = client.get("/plan/", headers={"hx-request": "true"})
        assert response["HX-Redirect"] == "/login/?next=/plan/"
        assert "会话已过期" in client.get(response["HX-Redirect"]).text


def test_signing_out_is_not_called_an_expiry(client, reporter):
    passwords.record_change(reporter)
    sign_in(client)
    client.get("/plan/")
    response = client.post("/logout/", follow=True)
    assert "会话已过期" not in response.text
