"""Chinese by default, English on request, switched from any page."""

import pytest

pytestmark = pytest.mark.django_db


def test_chinese_is_the_default(client):
    page = client.get("/login/").text
    assert '<html lang="zh-hans">' in page
    assert "登录" in page


def test_the_switch_is_on_every_page(client_for, reporter):
    client = client_for(reporter)
    for url in ["/plan/", "/counties/510104/"]:
        page = client.get(url).text
        assert 'action="/i18n/setlang/"' in page
        assert 'value="en"' in page


def test_switching_to_english_and_back(client_for, reporter):
    client = client_for(reporter)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/plan/"})
    assert response.status_code == 302
    assert response["Location"] == "/plan/"
    page = client.get("/plan/").text
    assert '<html lang="en">' in page
    assert "Task areas and measures" in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/plan/"})
    assert "重点任务与举措" in client.get("/plan/").text


def test_the_browser_language_is_followed_when_nothing_was_chosen(client):
    page = client.get("/login/", headers={"accept-language": "en-US,en;q=0.9"}).text
    assert '<html lang="en">' in page
    assert "Sign in" in page
