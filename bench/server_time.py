"""Server time of a county's round as its reporter works through it, and of the review queue, at
Sichuan scale: the reporter's page (after a save, and again with nothing changed), the note form,
a draft saved, and the provincial reviewer's queue.

Run against a PostgreSQL database filled by `seed_demo --scale sichuan` (see bench/README.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plenum_bench SECRET_KEY=bench \\
        AUDIT_KEY=bench-only-audit-key-0123456789abcdef HTTPS=false ALLOWED_HOSTS=testserver \\
        .venv/bin/python bench/server_time.py

Each request goes through Django's test client in this process (no network, no browser), so the
time is the server's: views, queries and templates, in one process as in one app worker. Each
round opens the form, saves the draft and opens the page twice; the reviewer's queue follows.
Prints median and p95 over ROUNDS rounds (after WARM rounds not counted), and the median of this
process's CPU time, which moves least on a machine shared with other work (the database's time is
not in it). Everything runs in one transaction rolled back at the end: a second run, or the run of
another version of the code, starts from the same data.
"""

import os
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenum.settings")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

ROUNDS = int(os.environ.get("ROUNDS", "100"))
WARM = int(os.environ.get("WARM", "5"))
PERIOD = os.environ.get("BENCH_PERIOD", "2026Q4")
REPORTER, COUNTY = os.environ.get("BENCH_REPORTER", "huili"), "513402"
VERSION = re.compile(r'name="version"(?: value="(\d*)")?')
ON_SCHEDULE = re.compile(r'<option value="(\d+)"[^>]*>按计划推进</option>')


class Rollback(Exception):
    """Raised to undo the run's saves."""


def timed(times: dict, name: str, request) -> str:
    started, cpu = time.perf_counter(), time.process_time()
    response = request()
    times[name].append((time.perf_counter() - started) * 1000)
    times[f"{name} (cpu)"].append((time.process_time() - cpu) * 1000)
    if response.status_code not in (200, 302):
        sys.exit(f"{name}: answered {response.status_code}")
    return response.content.decode()


def editable_measure(reporter: Client) -> str:
    """A measure whose note the reporter may still change this round."""
    page = reporter.get(f"/counties/{COUNTY}/report/{PERIOD}/").content.decode()
    found = re.search(rf'href="/counties/{COUNTY}/report/{PERIOD}/measures/([^/]+)/"', page)
    if found is None:
        sys.exit(f"nothing left to report in {PERIOD}: choose another BENCH_PERIOD")
    return found.group(1)


def one_round(times: dict, reporter: Client, reviewer: Client, measure: str) -> None:
    page = f"/counties/{COUNTY}/report/{PERIOD}/"
    form_url = f"{page}measures/{measure}/"
    form = timed(times, "note form", lambda: reporter.get(form_url))
    data = {
        "status": ON_SCHEDULE.search(form).group(1),
        "percent": str(len(times["save"]) % 90 + 10),
        "narrative": "【压测数据】本季度按计划推进。",
        "version": VERSION.search(form).group(1) or "",
        "action": "save",
    }
    timed(times, "save", lambda: reporter.post(form_url, data))
    timed(times, "reporter's page, after a save", lambda: reporter.get(page))
    timed(times, "reporter's page, unchanged", lambda: reporter.get(page))
    timed(times, "review queue", lambda: reviewer.get("/review/"))


def main() -> None:
    users = get_user_model().objects
    reporter, reviewer = Client(), Client()
    reporter.force_login(users.get(username=REPORTER))
    reviewer.force_login(users.get(username="province"))
    times: dict[str, list[float]] = defaultdict(list)
    try:
        with transaction.atomic():
            measure = editable_measure(reporter)
            for _round in range(WARM):
                one_round(defaultdict(list), reporter, reviewer, measure)
            for _round in range(ROUNDS):
                one_round(times, reporter, reviewer, measure)
            raise Rollback
    except Rollback:
        pass
    print(f"{REPORTER}'s round {PERIOD} ({measure} saved), {ROUNDS} rounds")
    print(f"{'request':32} {'n':>4} {'median':>7} {'p95':>7} {'cpu':>7}  ms")
    for name, measured in times.items():
        if name.endswith("(cpu)"):
            continue
        p95 = statistics.quantiles(measured, n=20)[-1]
        cpu = statistics.median(times[f"{name} (cpu)"])
        print(
            f"{name:32} {len(measured):4} {statistics.median(measured):7.1f} {p95:7.1f} {cpu:7.1f}"
        )


if __name__ == "__main__":
    main()
