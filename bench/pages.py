"""The load benchmark's pages one at a time: one gunicorn worker (deploy/gunicorn.conf.py), one
client, each page in turn, ROUNDS times. With nothing else running, each page's time is its own
and the minimum is steady where a machine shared with others varies from run to run; the ratios
to the minimal view say what the pages cost without the queueing of a load run. Run after
bench/load_setup.py, on the same database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plenum_bench SECRET_KEY=bench AUDIT_KEY=bench-only-audit-key-0123456789abcdef HTTPS=false \\
        .venv/bin/python bench/pages.py
"""

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("ROUNDS", "100"))
PERIOD = os.environ.get("LOAD_PERIOD", "2026Q4")
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Client:
    """One signed-in user's cookies, a new connection per request (sync workers close them)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _eq, rest = value.split(";")[0].partition("=")
                self.cookies[key] = rest
        connection.close()
        return response.status, response.getheader("Location") or "", content

    def sign_in(self, username: str, password: str) -> None:
        _status, _location, page = self.request("GET", "/login/")
        form = {"csrfmiddlewaretoken": CSRF.search(page).group(1).decode()}
        form |= {"username": username, "password": password}
        status, location, _page = self.request("POST", "/login/", urllib.parse.urlencode(form))
        if status != 302 or "/login/" in location:
            sys.exit(f"signing in as {username} failed: run bench/load_setup.py first")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = os.environ | {
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    server = subprocess.Popen(
        [ROOT / ".venv/bin/gunicorn", "-c", "deploy/gunicorn.conf.py", "plenum.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            if Client(port).request("GET", "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def main() -> None:
    port = free_port()
    server = start_server(port)
    try:
        reporter, reviewer = Client(port), Client(port)
        reporter.sign_in("load001", os.environ.get("LOAD_PASSWORD", "Bench-Load-2027!"))
        reviewer.sign_in("province", os.environ.get("LOAD_REVIEWER_PASSWORD", "Sichuan-2027"))
        department = Client(port)
        department.sign_in("loaddept01", os.environ.get("LOAD_PASSWORD", "Bench-Load-2027!"))
        cut = department.request("GET", f"/province/departments/?period={PERIOD}")[2].decode()
        code = re.search(r'href="/province/departments/([^/"]+)/', cut).group(1)
        own = f"/province/departments/{code}/?period={PERIOD}"
        measure = re.search(
            r'href="/province/measures/([^/"]+)/', department.request("GET", own)[2].decode()
        ).group(1)
        # The home page sends a reporter to the to-do list, whose links name the county.
        todo = reporter.request("GET", "/todo/")[2].decode()
        county = re.search(r"/counties/(\d{6})/", todo).group(1)
        pages = [
            ("minimal view (/healthz)", reporter, "/healthz"),
            ("province overview", reviewer, f"/province/?period={PERIOD}"),
            ("183-county grid", reviewer, f"/province/measures/T1.1/?period={PERIOD}"),
            ("late view", reviewer, f"/review/late/?period={PERIOD}"),
            ("reporter's page", reporter, f"/counties/{county}/report/{PERIOD}/"),
            ("note form", reporter, f"/counties/{county}/report/{PERIOD}/measures/T1.1/"),
            ("review queue", reviewer, "/review/"),
            ("department cut", department, f"/province/departments/?period={PERIOD}"),
            ("department's measures", department, own),
            (
                "department's grid",
                department,
                f"/province/measures/{measure}/?period={PERIOD}&department={code}",
            ),
            ("department cut, reviewer", reviewer, f"/province/departments/?period={PERIOD}"),
        ]
        times: dict[str, list[float]] = {name: [] for name, _client, _path in pages}
        for _round in range(ROUNDS):
            for name, client, path in pages:
                started = time.perf_counter()
                status = client.request("GET", path)[0]
                times[name].append((time.perf_counter() - started) * 1000)
                if status != 200:
                    sys.exit(f"{name}: {path} answered {status}")
    finally:
        server.terminate()
        server.wait()
    minimal = times[pages[0][0]]
    print(f"{'page':24} {'median':>7} {'min':>7} {'x median':>9} {'x min':>7}")
    for name, measured in times.items():
        median, least = statistics.median(measured), min(measured)
        ratio, least_ratio = median / statistics.median(minimal), least / min(minimal)
        print(f"{name:24} {median:7.2f} {least:7.2f} {ratio:9.2f} {least_ratio:7.2f}")


if __name__ == "__main__":
    main()
