"""The log for the intranet's collector: each request has an id (nginx's X-Request-ID, else a new
one) that its response repeats and every line written while it is served carries, and a line of its
own with the user, path, status and time in ms; with LOG_FORMAT=json each line is a JSON object."""

import json
import logging
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from plenum.logs import JsonFormatter
from targets.caching import backends
from tests import components

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def request_lines(caplog):
    """The request lines logged (at INFO, as with LOG_FORMAT=json)."""
    with caplog.at_level(logging.INFO, logger="targets.requests"):
        yield lambda: [r for r in caplog.records if r.name == "targets.requests"]


def test_a_request_gets_an_id_and_a_line_with_user_path_status_and_time(
    client_for, reporter, request_lines
):
    response = client_for(reporter).get("/counties/510104/")
    (line,) = [r for r in request_lines() if r.path == "/counties/510104/"]
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert line.request_id == response["X-Request-ID"]
    assert (line.method, line.user, line.status) == ("GET", reporter.username, response.status_code)
    assert isinstance(line.duration_ms, float)
    assert line.duration_ms >= 0


def test_the_proxys_request_id_is_kept(client, request_lines):
    response = client.get("/healthz", headers={"X-Request-ID": "3f2a9c0e1b7d4a65"})
    assert response["X-Request-ID"] == "3f2a9c0e1b7d4a65"
    (line,) = request_lines()
    assert line.request_id == "3f2a9c0e1b7d4a65"
    assert line.user is None, "anonymous"


@pytest.mark.parametrize("made_up", ["x" * 65, "short", 'id" injected="1', "id with spaces"])
def test_a_made_up_request_id_is_replaced(client, request_lines, made_up):
    response = client.get("/healthz", headers={"X-Request-ID": made_up})
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_lines_written_while_serving_carry_the_requests_id(
    client_for, provincial_reviewer, settings, caplog
):
    """A Redis that does not answer, logged on the way, is found by the request's id."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nowhere = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    settings.CACHES = {**settings.CACHES, "shared": components.redis_cache(nowhere)}
    backends._bypassed_until.clear()
    try:
        response = client_for(provincial_reviewer).get(
            "/province/?period=2026Q3", headers={"X-Request-ID": "req-0123456789"}
        )
    finally:
        backends._bypassed_until.clear()
    assert response.status_code == 200
    warning = next(r for r in caplog.records if r.name == "targets.caching.backends")
    formatted = json.loads(JsonFormatter().format(warning))
    assert formatted["request_id"] == "req-0123456789"
    assert formatted["level"] == "WARNING"


def test_the_json_line_holds_the_fields_and_nothing_of_python(client_for, reporter, request_lines):
    client_for(reporter).get("/counties/510104/", headers={"X-Request-ID": "req-abcdefgh"})
    line = next(r for r in request_lines() if r.request_id == "req-abcdefgh")
    entry = json.loads(JsonFormatter().format(line))
    assert entry | {"time": None, "duration_ms": None} == {
        "time": None,
        "level": "INFO",
        "logger": "targets.requests",
        "message": "GET /counties/510104/ 200",
        "request_id": "req-abcdefgh",
        "method": "GET",
        "path": "/counties/510104/",
        "status": 200,
        "user": reporter.username,
        "duration_ms": None,
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["time"])


def test_json_lines_from_the_settings_with_job_fields_and_tracebacks():
    """LOG_FORMAT=json as the systemd units set it: every line of a process is one JSON object,
    fields given in ``extra`` (a job's id and outcome) included, a traceback inside its line."""
    program = (
        "import django, logging; django.setup(); log = logging.getLogger('targets.jobs');"
        "log.info('job done', extra={'job_id': 'j-1', 'outcome': 'succeeded'});"
        "\ntry:\n 1/0\nexcept ZeroDivisionError:\n log.exception('job failed')"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "plenum.settings", "LOG_FORMAT": "json"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    done, failed = (json.loads(line) for line in result.stderr.splitlines())
    assert (done["message"], done["job_id"], done["outcome"]) == ("job done", "j-1", "succeeded")
    assert failed["level"] == "ERROR"
    assert "ZeroDivisionError" in failed["exception"]
