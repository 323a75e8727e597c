"""The shipped nginx config (deploy/nginx/tracker.conf) loads on the nginx of Debian 12 (`nginx -t`),
and the static files it serves itself carry nosniff, the Permissions-Policy and their long cache,
from a server that does not name its version. Skipped where nginx or openssl is absent, except in
CI, which has both (.ci/run)."""

import os
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

import pytest

from targets.middleware import PERMISSIONS_POLICY
from tests import components

pytestmark = [pytest.mark.nginx, pytest.mark.openssl]
REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "deploy" / "nginx" / "tracker.conf"

# The main config around the shipped one, as Debian's nginx.conf includes it in `http`.
MAIN = """
{user}
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    types {{ application/javascript js; text/css css; }}
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/tracker.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nginx() -> str:
    return components.nginx()


@pytest.fixture
def certificate(tmp_path) -> tuple[Path, Path]:
    """A self-signed certificate and its key, made for the test."""
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=tracker.example.gov.cn",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


class Served:
    """The shipped config, its paths and ports replaced by the test's."""

    def __init__(self, tmp_path: Path, certificate: tuple[Path, Path]):
        self.dir = tmp_path
        self.static = tmp_path / "staticfiles"
        (self.static / "js").mkdir(parents=True)
        (self.static / "js" / "app.0123456789ab.js").write_text("console.log(1);\n")
        self.http_port, self.https_port = free_port(), free_port()
        text = SHIPPED.read_text()
        for old, new in [
            ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            ("listen 443 ssl", f"listen 127.0.0.1:{self.https_port} ssl"),
            ("/etc/tracker/tls/fullchain.pem", str(certificate[0])),
            ("/etc/tracker/tls/privkey.pem", str(certificate[1])),
            ("/srv/tracker/staticfiles/", f"{self.static}/"),
        ]:
            assert text.count(old) == 1, f"{SHIPPED.name} no longer holds {old!r} once"
            text = text.replace(old, new)
        (tmp_path / "tracker.conf").write_text(text)
        self.conf = tmp_path / "nginx.conf"
        # As root (CI), the workers must read the test's private folder.
        user = "user root;" if os.geteuid() == 0 else ""
        self.conf.write_text(MAIN.format(dir=tmp_path, user=user))

    def args(self, nginx: str) -> list[str]:
        return [nginx, "-c", str(self.conf), "-p", str(self.dir), "-e", str(self.dir / "error.log")]


def test_the_shipped_config_passes_nginx_t(nginx, certificate, tmp_path):
    served = Served(tmp_path, certificate)
    result = subprocess.run([*served.args(nginx), "-t"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
    assert "test is successful" in result.stderr


def fetch(url: str) -> tuple[int, Message, bytes]:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's self-signed certificate
    request = urllib.request.Request(url, headers={"Host": "tracker.example.gov.cn"})
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), NoRedirect())
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def running(nginx, certificate, tmp_path):
    served = Served(tmp_path, certificate)
    process = subprocess.Popen(
        [*served.args(nginx), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # its errors go to error.log
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                pytest.fail(f"nginx stopped at start: {(tmp_path / 'error.log').read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", served.https_port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("nginx did not listen within 20 s")
                time.sleep(0.1)
        yield served
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_static_files_carry_nosniff_the_permissions_policy_and_a_long_cache(running):
    status, headers, body = fetch(
        f"https://127.0.0.1:{running.https_port}/static/js/app.0123456789ab.js"
    )
    assert status == 200
    assert body == b"console.log(1);\n"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Permissions-Policy"] == PERMISSIONS_POLICY
    cache_control = ", ".join(headers.get_all("Cache-Control"))
    assert "max-age=31536000" in cache_control
    assert "immutable" in cache_control


def test_a_missing_static_file_is_refused_with_nosniff_too(running):
    status, headers, _ = fetch(f"https://127.0.0.1:{running.https_port}/static/js/none.js")
    assert status == 404
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_nginx_does_not_name_its_version(running):
    status, headers, body = fetch(f"https://127.0.0.1:{running.https_port}/static/none")
    assert status == 404
    assert headers["Server"] == "nginx"
    assert b"nginx/" not in body
    status, headers, _ = fetch(f"http://127.0.0.1:{running.http_port}/plan/")
    assert status == 301
    assert headers["Server"] == "nginx"
    assert headers["Location"] == "https://tracker.example.gov.cn/plan/"
