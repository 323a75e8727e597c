"""/healthz: the database, the shared cache and the media storage, each up or down; 200 when all
are up, 503 naming what is down. Cheap: it is the load benchmark's minimal view."""

import socket

import pytest
from django.db import connection

from tests import components

ALL_UP = {"status": "ok", "database": "up", "cache": "up", "media": "up"}


def nothing_listens() -> str:
    """A Redis URL at a port of this machine where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.mark.django_db
def test_healthy_when_everything_answers(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == ALL_UP


# SQLite's test database lives in memory, in a connection that Django never closes: it cannot be
# made unreachable without being lost.
@pytest.mark.postgres
def test_unavailable_when_the_database_does_not_answer(client, django_db_blocker):
    """A real failure: the connection is pointed where no database is. The shared cache, a table
    of that database, is down with it."""
    unreachable = {"HOST": "127.0.0.1", "PORT": "9", "OPTIONS": {"connect_timeout": 2}}
    saved = connection.settings_dict.copy()
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict.update(unreachable)
        try:
            response = client.get("/healthz")
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "down",
        "cache": "down",
        "media": "up",
    }


@pytest.mark.django_db
def test_unavailable_when_redis_does_not_answer(client, settings):
    settings.CACHES = {**settings.CACHES, "shared": components.redis_cache(nothing_listens())}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "up",
        "cache": "down",
        "media": "up",
    }


@pytest.mark.redis
@pytest.mark.django_db
def test_healthy_on_redis_when_it_answers(client, settings):
    settings.CACHES = {**settings.CACHES, "shared": components.redis_cache(components.REDIS_URL)}
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == ALL_UP


@pytest.mark.django_db
def test_unavailable_when_the_media_storage_cannot_be_written(client, settings, tmp_path):
    """MEDIA_ROOT under a file, where no folder can be made: evidence could not be stored."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["media"] == "down"
    assert response.json()["database"] == "up"


@pytest.mark.django_db
def test_a_media_folder_not_made_yet_is_writable(client, settings, tmp_path):
    """The first upload makes MEDIA_ROOT: a fresh installation is healthy before it."""
    settings.MEDIA_ROOT = tmp_path / "not" / "made" / "yet"
    assert client.get("/healthz").json()["media"] == "up"


def test_wrong_method_is_refused(client):
    assert client.post("/healthz").status_code == 405
