"""The shared cache's tests run on each backend it may be: the database table (the embedded
default) and Redis (REDIS_URL in production). A test asks for both with the ``shared_cache``
fixture; on Redis it has keys of its own (a prefix of its own, removed afterwards), so that tests
in parallel and other users of the same Redis never see each other's keys."""

import pytest
from django.core.cache import caches

from tests import components
from tests.conftest import DATABASE_TABLE_CACHE


@pytest.fixture(
    params=[
        pytest.param("database", id="database-table"),
        pytest.param("redis", id="redis", marks=pytest.mark.redis),
    ]
)
def shared_cache(request, settings) -> str:
    """The shared cache on the database table, then on Redis: the backend's name. A test marked
    ``expires_by_the_test_clock`` moves the clock past an entry's time to live: Redis expires
    entries by its own clock, so such a test runs on the table alone (test_backends shows that
    Redis expires what the shared cache keeps)."""
    if request.param == "redis" and request.node.get_closest_marker("expires_by_the_test_clock"):
        pytest.skip("Redis expires entries by its own clock, which the test's clock does not move")
    if request.param == "redis":
        settings.CACHES = {
            **settings.CACHES,
            "shared": components.redis_cache(components.REDIS_URL),
        }
        yield request.param
        caches["shared"].clear()  # this test's keys only (targets/caching/backends.py)
    else:
        settings.CACHES = {**settings.CACHES, "shared": DATABASE_TABLE_CACHE}
        yield request.param
