"""CPU time per request of the load run's pages, at Sichuan scale: what a request costs the app
process whatever else the machine is doing. On two cores shared by 50 users the p95 of a load run
is mostly waiting for a core, so the CPU each page takes is the figure that must drop.

Run after bench/load_setup.py, on the same database (see bench/README.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plenum_bench SECRET_KEY=bench \\
        AUDIT_KEY=bench-only-audit-key-0123456789-abcdefghijklmnop HTTPS=false \\
        ALLOWED_HOSTS=testserver .venv/bin/python bench/cpu_per_request.py

Django's test client in this process, signed in as the load run's users (load001, province):
each page WARM times, then ROUNDS times measured; per page the median and p90 of the process's
CPU time (time.process_time) and of the wall time, in ms, and the queries of one request. The
dashboards as served (their parts kept in the shared page cache) and, with FRESH=1, counted afresh
(DASHBOARD_CACHE_SECONDS=0: what a request pays when the kept part has expired). The 183-county
grid takes the plan's measures in turn, as the load run picks them. Everything runs in one
transaction rolled back at the end: the saves are drafts of one note, undone."""

import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenum.settings")

import django

django.setup()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

ROUNDS = int(os.environ.get("ROUNDS", "60"))
WARM = int(os.environ.get("WARM", "10"))
PERIOD = os.environ.get("LOAD_PERIOD", "2026Q4")
FRESH = bool(os.environ.get("FRESH"))
MEASURES = [
    f"T{a}.{m}" for a, n in [(1, 5), (2, 6), (3, 5), (4, 4), (5, 4)] for m in range(1, n + 1)
]
VERSION = re.compile(r'name="version"(?: value="(\d*)")?')
ON_SCHEDULE = re.compile(r'<option value="(\d+)"[^>]*>按计划推进</option>')


Request = Callable[[], HttpResponse]


class Rollback(Exception):
    """Raised to undo the run's saves."""


def signed_in(username: str) -> Client:
    client = Client()
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        sys.exit(f"no user {username}: run bench/load_setup.py first")
    client.force_login(user)
    return client


def pages() -> dict[str, Callable[[int], Request]]:
    """Each page of the load run: for the request's number, the request to make."""
    reporter, reviewer = signed_in("load001"), signed_in("province")
    home = reporter.get("/", follow=True).content.decode()
    county = re.search(r"/counties/(\d{6})/", home).group(1)
    report = f"/counties/{county}/report/{PERIOD}/"
    form_url = f"{report}measures/T1.1/"

    def save(n: int) -> Request:
        form = reporter.get(form_url).content.decode()
        data = {
            "status": ON_SCHEDULE.search(form).group(1),
            "percent": str(n % 80 + 10),
            "narrative": "【压测数据】本季度按计划推进。",
            "bottom_line": "",
            "risk_reason": "",
            "version": VERSION.search(form).group(1) or "",
            "action": "save",
        }
        return lambda: reporter.post(form_url, data)

    def get(client: Client, url: Callable[[int], str]) -> Callable[[int], Request]:
        return lambda n: lambda: client.get(url(n))

    return {
        "minimal view (/healthz)": get(reporter, lambda n: "/healthz"),
        "province overview": get(reviewer, lambda n: f"/province/?period={PERIOD}"),
        "183-county grid": get(
            reviewer,
            lambda n: f"/province/measures/{MEASURES[n % len(MEASURES)]}/?period={PERIOD}",
        ),
        "review queue": get(reviewer, lambda n: "/review/"),
        "late view": get(reviewer, lambda n: f"/review/late/?period={PERIOD}"),
        "reporter's page": get(reporter, lambda n: report),
        "note form": get(reporter, lambda n: form_url),
        "save": save,
    }


def measure(prepare: Callable[[int], Request]) -> tuple[list[float], list[float], int]:
    """CPU and wall times in ms of ROUNDS requests after WARM, and the queries of one."""
    cpu, wall = [], []
    for n in range(WARM + ROUNDS):
        request = prepare(n)  # a save first reads its form's version: not counted
        started, started_cpu = time.perf_counter(), time.process_time()
        response = request()
        spent_cpu, spent = time.process_time() - started_cpu, time.perf_counter() - started
        if response.status_code not in (200, 302):
            sys.exit(f"answered {response.status_code}")
        if n >= WARM:
            cpu.append(spent_cpu * 1000)
            wall.append(spent * 1000)
    request = prepare(WARM + ROUNDS)
    with CaptureQueriesContext(connection) as queries:
        request()
    return cpu, wall, len(queries)


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main() -> None:
    kept = 0 if FRESH else settings.DASHBOARD_CACHE_SECONDS
    how = "counted afresh" if FRESH else "as served"
    print(f"{PERIOD}, dashboards {how}; {ROUNDS} requests after {WARM}; ms")
    print(
        f"{'page':26} {'CPU median':>10} {'CPU p90':>8} {'wall median':>11} {'wall p90':>8} queries"
    )
    try:
        with override_settings(DASHBOARD_CACHE_SECONDS=kept), transaction.atomic():
            for name, ask in pages().items():
                cpu, wall, queries = measure(ask)
                print(
                    f"{name:26} {statistics.median(cpu):10.1f} {p90(cpu):8.1f}"
                    f" {statistics.median(wall):11.1f} {p90(wall):8.1f} {queries:7d}"
                )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
