"""Server time of the province overview, the 183-county grid, a county's report page and the
late-and-silent view at Sichuan scale.

Run against a PostgreSQL database filled by `seed_demo --scale sichuan` (see bench/README.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plenum_bench SECRET_KEY=bench AUDIT_KEY=bench-only-audit-key-0123456789abcdef HTTPS=false \\
        ALLOWED_HOSTS=testserver .venv/bin/python bench/dashboards.py

Each page is requested through Django's test client in this process (no network, no browser),
so the time is the server's: views, queries and templates. Prints median and p95 over the runs,
the size of the page's HTML, and the number of SQL queries of one request: first counted afresh every time
(DASHBOARD_CACHE_SECONDS=0), then as served, with the overview and the grids kept in the shared
cache.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenum.settings")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from targets.models import ProgressNote

RUNS = int(os.environ.get("RUNS", "30"))
PAGES = {
    "province overview": "/province/?period=2026Q3",
    "province overview, filtered": "/province/?period=2026Q3&region=chengdu-plain&task_area=T2",
    "183-county grid": "/province/measures/T1.1/?period=2026Q3",
    "task area grid": "/province/task-areas/T1/?period=2026Q3",
    "indicator page": "/province/indicators/D01/",
    "county report page": "/counties/510104/report/2026Q3/",
    "late and silent view": "/review/late/?period=2026Q3",
    "briefing page": "/province/briefing/?period=2026Q3",
}


def main() -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username="province"))
    print(f"notes in the database: {ProgressNote.objects.count()}; runs per page: {RUNS}")
    print("counted afresh:")
    with override_settings(DASHBOARD_CACHE_SECONDS=0):
        measure(client)
    print("as served (kept in the shared cache):")
    measure(client)


def measure(client: Client) -> None:
    for name, url in PAGES.items():
        client.get(url)  # warm: caches, connections
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"{name:32} median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
            f"queries {len(queries.captured_queries)}  HTML {len(response.content) / 1000:,.0f} KB"
        )


if __name__ == "__main__":
    main()
