"""A NUL byte or bytes that are not UTF-8, in a path or a query, answer 404 (path) or 400 (query)
for every view, signed in or not: never a 500."""

import pytest
from django.test import Client

from targets.models import Notification

pytestmark = pytest.mark.django_db

PATHS_WITH_NUL = [
    "/province/measures/T1.1%00/",
    "/province/indicators/%00/",
    "/province/task-areas/A%00/",
    "/counties/510104%00/",
    "/counties/510104/report/%00/",
    "/counties/510104/report/2026Q3/measures/T1.1%00/",
    "/counties/510104/report/2026Q3/indicators/%00x/",
    "/counties/510104/measures/%00/",
    "/audit/export.csv%00",
    "/plan/%00",
    "/admin/targets/county/%00/change/",
]

QUERIES_WITH_NUL = [
    "/province/?period=%00",
    "/province/measures/T1.1/?period=2026Q3%00",
    "/province/notes/?county=%00",
    "/province/indicators/GDP/?period=%00",
    "/review/?period=%00",
    "/review/late/?prefecture=%00",
    "/counties/510104/report/?period=%00",
    "/audit/?q=%00",
    "/audit/export.csv?actor=%00",
    "/notifications/?page=%00",
    "/plan/?x%00=1",
]

UNDECODABLE_PATHS = ["/counties/%FF%FE/", "/province/measures/T1.1%C3/", "/plan/%E4%B8/"]
UNDECODABLE_QUERIES = ["/province/?period=%FF", "/review/?period=%C3", "/audit/?q=%E4%B8"]


@pytest.fixture(params=["anonymous", "reporter", "provincial_reviewer", "audit_admin"])
def visitor(request, client_for) -> Client:
    user = None if request.param == "anonymous" else request.getfixturevalue(request.param)
    client = client_for(user)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("url", PATHS_WITH_NUL + UNDECODABLE_PATHS)
def test_a_path_with_a_nul_or_undecodable_bytes_is_not_found(visitor, url):
    response = visitor.get(url)
    assert response.status_code == 404
    assert "页面不存在" in response.text


@pytest.mark.parametrize("url", QUERIES_WITH_NUL + UNDECODABLE_QUERIES)
def test_a_query_with_a_nul_or_undecodable_bytes_is_a_bad_request(visitor, url):
    response = visitor.get(url)
    assert response.status_code == 400


def test_a_post_with_a_nul_in_its_query_is_a_bad_request_too(client_for, reporter):
    client = client_for(reporter)
    client.raise_request_exception = False
    response = client.post("/counties/510104/report/2026Q3/measures/T1.1/?x=%00", {})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url", ["/province/?period=2026Q3", "/plan/?q=%E5%9F%8E%E4%B9%A1", "/counties/510104/"]
)
def test_ordinary_encoded_text_still_passes(client_for, provincial_reviewer, url):
    assert client_for(provincial_reviewer).get(url).status_code == 200


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/review/late/remind/", {"counties": "510104\x00", "period": "2026Q3"}),
        ("/review/", {"items": "note-1\x00", "decision": "approve"}),
    ],
)
def test_a_form_field_with_a_nul_is_a_bad_request(client_for, provincial_reviewer, url, data):
    client = client_for(provincial_reviewer)
    client.raise_request_exception = False
    assert client.post(url, data).status_code == 400
    assert not Notification.objects.exists()
