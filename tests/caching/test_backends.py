"""Redis as the shared cache: a Redis that does not answer, or stops, costs speed, never a page,
and the log says so; Redis expires what is kept by its own clock; clearing the cache removes this
installation's keys only."""

import logging
import signal
import socket
import subprocess
import time

import pytest
from django.core.cache import caches

from targets.caching import backends, shared_pages
from tests import components
from tests.caching.test_shared_pages import OVERVIEW, generation

pytestmark = pytest.mark.django_db
WARNING = "The shared cache (Redis) does not answer"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(autouse=True)
def nothing_bypassed():
    """Each test starts with every Redis trusted again (the bypass is per process)."""
    backends._bypassed_until.clear()
    yield
    backends._bypassed_until.clear()


class RedisServer:
    """A redis-server of the test's own on a free port, kept in memory only."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server():
    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()


def test_pages_answer_when_redis_does_not_and_the_log_says_so(
    client_for, provincial_reviewer, settings, caplog
):
    settings.CACHES = {
        **settings.CACHES,
        "shared": components.redis_cache(f"redis://127.0.0.1:{free_port()}/0"),
    }
    client = client_for(provincial_reviewer)
    with caplog.at_level(logging.WARNING, logger="targets.caching.backends"):
        first = client.get(OVERVIEW)
        again = client.get(OVERVIEW)
    assert first.status_code == again.status_code == 200
    assert "数据截至" in again.text
    warnings = [r for r in caplog.records if r.getMessage().startswith(WARNING)]
    assert len(warnings) == 1, "one warning, then Redis is left alone for a while"
    assert warnings[0].levelno == logging.WARNING


@pytest.mark.redis_server
def test_a_redis_stopped_and_started_again_is_bypassed_then_used(
    client_for, provincial_reviewer, settings, caplog, redis_server, monkeypatch
):
    settings.CACHES = {**settings.CACHES, "shared": components.redis_cache(redis_server.url)}
    monkeypatch.setattr(backends, "BYPASS_SECONDS", 0.0)
    client = client_for(provincial_reviewer)
    assert client.get(OVERVIEW).status_code == 200
    kept = generation()
    assert kept is not None, "the page is kept in Redis"

    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="targets.caching.backends"):
        stopped = client.get(OVERVIEW)
        assert stopped.status_code == 200
        assert "数据截至" in stopped.text
        assert any(r.getMessage().startswith(WARNING) for r in caplog.records)

        redis_server.start()  # empty: it kept nothing on disk
        caplog.clear()
        assert client.get(OVERVIEW).status_code == 200
        assert any(
            r.getMessage().startswith("The shared cache (Redis) answers again")
            for r in caplog.records
        )
    assert generation() is not None, "kept again once Redis answers"


@pytest.mark.redis
def test_redis_expires_what_is_kept_by_its_own_clock(settings):
    settings.CACHES = {**settings.CACHES, "shared": components.redis_cache(components.REDIS_URL)}
    cache = caches[shared_pages.CACHE]
    cache.set("page", "kept", 1)
    assert cache.get("page") == "kept"
    time.sleep(1.5)
    assert cache.get("page") is None


@pytest.mark.redis
def test_clearing_removes_this_installations_keys_only(settings):
    ours, theirs = (components.redis_cache(components.REDIS_URL) for _ in range(2))
    settings.CACHES = {**settings.CACHES, "shared": ours, "theirs": theirs}
    caches["shared"].set_many({"a": 1, "b": 2})
    caches["theirs"].set("a", 3)
    try:
        caches["shared"].clear()
        assert caches["shared"].get_many(["a", "b"]) == {}
        assert caches["theirs"].get("a") == 3
    finally:
        caches["theirs"].clear()


@pytest.mark.redis_server
def test_what_a_redis_kept_before_it_hung_is_dropped_once_it_answers(
    settings, redis_server, monkeypatch, caplog
):
    """A Redis that hangs (stopped by a signal) keeps its keys, but the writes meant to replace
    them (a new generation after a review) were lost meanwhile: nothing from before is served."""
    settings.CACHES = {**settings.CACHES, "shared": components.redis_cache(redis_server.url)}
    monkeypatch.setattr(backends, "BYPASS_SECONDS", 0.0)
    cache = caches[shared_pages.CACHE]
    cache.set("page", "counted before", None)
    redis_server.process.send_signal(signal.SIGSTOP)
    try:
        with caplog.at_level(logging.WARNING, logger="targets.caching.backends"):
            assert cache.get("page") is None, "answered as a miss after the socket's timeout"
            cache.set("generation", "new")  # dropped
            assert any(r.getMessage().startswith(WARNING) for r in caplog.records)
    finally:
        redis_server.process.send_signal(signal.SIGCONT)
    assert cache.get("page") is None
    assert cache.get_many(["page", "generation"]) == {}
