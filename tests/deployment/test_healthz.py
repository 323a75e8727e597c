"""/healthz: the database, the shared cache, the media storage and (where one is expected) the
task worker, each up or down; 200 when all are up, 503 naming what is down. Cheap: it is the load benchmark's minimal view."""

import datetime
import socket

import pytest
from django.db import connection
from django.utils import timezone

from targets.models import WorkerHeartbeat
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


# The task worker: reported only where the deployment runs one (WORKER_EXPECTED).


@pytest.mark.django_db
def test_without_an_expected_worker_its_heartbeat_is_not_asked(client, settings):
    settings.WORKER_EXPECTED = False
    assert client.get("/healthz").json() == ALL_UP


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("seconds_ago", "status", "worker"), [(None, 503, "down"), (5, 200, "up"), (120, 503, "down")]
)
def test_an_expected_worker_is_up_while_its_heartbeat_is_fresh(
    client, settings, seconds_ago, status, worker
):
    settings.WORKER_EXPECTED = True
    settings.WORKER_STALE_SECONDS = 60
    if seconds_ago is not None:
        seen = timezone.now() - datetime.timedelta(seconds=seconds_ago)
        WorkerHeartbeat.objects.create(
            worker_id="w1", host="app1", pid=42, started_at=seen, seen_at=seen
        )
    response = client.get("/healthz")
    assert response.status_code == status
    assert response.json()["worker"] == worker
    assert response.json()["status"] == ("ok" if status == 200 else "unavailable")
