"""Tests of the app as it is served in production: gunicorn processes behind nginx, on this
machine, against the test database. They need committed data (transactional tests), so, like the
browser tests, they run after the others (see tests/e2e/conftest.py for why)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests import components

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mine = [item for item in items if HERE in Path(str(item.path)).resolve().parents]
    if mine:
        chosen = set(mine)
        items[:] = [item for item in items if item not in chosen] + mine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} stopped at start (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {seconds} s")


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


class AppServer:
    """One gunicorn with the project's config, its output in a log file."""

    def __init__(self, media_root: Path, log: Path, **settings: str):
        """``settings``: environment variables beside (or instead of) the test's own."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DEBUG": "false",
            "HTTPS": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MEDIA_ROOT": str(media_root),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "1",
            "TRUSTED_PROXY_COUNT": "1",
            "PYTHONUNBUFFERED": "1",  # the access log is read while the server runs
            "LOG_FORMAT": "text",  # gunicorn's access log, which requests_served() counts
            **settings,
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.output = log.open("wb")
        self.process = subprocess.Popen(
            # Its control socket beside the log: by default every gunicorn of the user shares one.
            [
                str(gunicorn),
                "-c",
                "deploy/gunicorn.conf.py",
                "--control-socket",
                str(log.with_suffix(".ctl")),
                "plenum.wsgi",
            ],
            cwd=REPO,
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(f"{self.url}/healthz", self.process)
        except BaseException:
            self.stop()  # not left running after the test
            raise

    def requests_served(self) -> int:
        return sum(
            1 for line in self.log.read_text().splitlines() if '"GET ' in line or '"POST ' in line
        )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.output.close()


NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    client_max_body_size 25m;
    upstream tracker {{ server 127.0.0.1:{a}; server 127.0.0.1:{b}; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://tracker;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


@pytest.fixture
def two_app_servers(transactional_db, tmp_path) -> Iterator[tuple[AppServer, AppServer, str]]:
    """Two gunicorns sharing the database and the media folder, and nginx in front of them (round
    robin, as deploy/nginx/tracker.conf). Yields both servers and nginx's address."""
    nginx = components.nginx()
    media = tmp_path / "media"
    media.mkdir()
    servers: list[AppServer] = []
    proxy = None
    try:
        servers.append(AppServer(media, tmp_path / "app1.log"))  # stopped below if the second
        servers.append(AppServer(media, tmp_path / "app2.log"))  # does not start
        port = free_port()
        conf = tmp_path / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(dir=tmp_path, a=servers[0].port, b=servers[1].port, port=port)
        )
        proxy = subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # its errors go to error.log beside nginx.conf
        )
        wait_for(f"http://127.0.0.1:{port}/healthz", proxy)
        yield servers[0], servers[1], f"http://127.0.0.1:{port}"
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait(timeout=10)
        for server in servers:
            server.stop()


@pytest.fixture(autouse=True)
def fast_password_hashing():
    """Overrides the suite's fast hasher: the app servers check passwords with the project's own
    hashers, so the accounts made here must be hashed with them too."""
