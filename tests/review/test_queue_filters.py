"""The review queue's filter choices: each reviewer is offered their own counties, in their
language, as the divisions are now, and a chosen filter shows chosen."""

import re

import pytest
from django.conf import settings

from targets.models import County

pytestmark = pytest.mark.django_db


def county_options(page) -> set[str]:
    select = re.search(r'<select name="county".*?</select>', page.text, re.S).group(0)
    return set(re.findall(r'<option value="(\d{6})"', select))


def test_each_reviewer_is_offered_their_own_counties_as_they_are_now(
    client_for, provincial_reviewer, prefecture_reviewer
):
    province = client_for(provincial_reviewer)
    assert len(county_options(province.get("/review/"))) == 183
    chengdu = client_for(prefecture_reviewer)
    offered = county_options(chengdu.get("/review/"))
    assert offered
    assert all(code.startswith("5101") for code in offered)
    assert ">市州<" in province.get("/review/").text
    province.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert ">Prefecture<" in province.get("/review/").text
    del province.cookies[settings.LANGUAGE_COOKIE_NAME]
    County.objects.filter(code="510104").update(name="改名后的锦江区")
    assert "改名后的锦江区" in province.get("/review/").text
    chosen = province.get("/review/", {"county": "510104", "per_page": "50"}).text
    assert '<option value="510104" selected>' in chosen
    assert '<option value="50" selected>' in chosen
    assert '<option value="510104" selected>' not in province.get("/review/").text
