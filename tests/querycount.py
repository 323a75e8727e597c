"""Counting a page's queries for the tests that a page's query count does not grow with the data."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of(client, url: str) -> int:
    """The queries of a request for ``url``, after one request that fills the caches (security
    policy, whether demo data is held), savepoints aside (a session save may or may not open one)."""
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return sum("SAVEPOINT" not in q["sql"] for q in context.captured_queries)
