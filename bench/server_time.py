"""Server time of a county's round as its reporter works through it, and of the reviewers' pages,
at Sichuan scale: the note form and a draft saved, the reporter's page (after the save, and again
with nothing changed), the review queue, the province overview and the 183-county grid; and, where
bench/load_setup.py made its departments, the cut by department and a department's grid as its
own user (loaddept01) sees them.

Run against a PostgreSQL database filled by `seed_demo --scale sichuan` (see bench/README.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plenum_bench SECRET_KEY=bench \\
        AUDIT_KEY=bench-only-audit-key-0123456789abcdef HTTPS=false ALLOWED_HOSTS=testserver \\
        .venv/bin/python bench/server_time.py [OTHER_CHECKOUT]

Each request goes through Django's test client in this process (no network, no browser), so the
time is the server's: views, queries and templates, in one process as in one app worker. Prints
median and p95 over ROUNDS rounds (after WARM rounds not counted). Alone, it runs in one
transaction rolled back at the end, so that every run starts from the same data.

With OTHER_CHECKOUT (another version of the code, its static files collected and its catalogs
compiled), this script also runs that version's code, in a second process, and the two take turns
request by request: on a machine shared with other work, both versions then meet the same load, and the
ratio of their times says more than two runs at different moments would. The two processes must
see each other's saves, so these are kept (the versions of one draft note).
"""

import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

# The code measured: this checkout's, or the other's when this script runs there (--serve).
ROOT = Path(os.environ.get("BENCH_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenum.settings")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

ROUNDS = int(os.environ.get("ROUNDS", "100"))
WARM = int(os.environ.get("WARM", "5"))
PERIOD = os.environ.get("BENCH_PERIOD", "2026Q4")
REPORTER, COUNTY = "huili", "513402"
PAGE = f"/counties/{COUNTY}/report/{PERIOD}/"
VERSION = re.compile(r'name="version"(?: value="(\d*)")?')
ON_SCHEDULE = re.compile(r'<option value="(\d+)"[^>]*>按计划推进</option>')

Times = dict[str, list[float]]


class Rollback(Exception):
    """Raised to undo the run's saves."""


def timed(times: Times, name: str, request: Callable) -> str:
    started = time.perf_counter()
    response = request()
    times[name].append((time.perf_counter() - started) * 1000)
    if response.status_code not in (200, 302):
        sys.exit(f"{name}: answered {response.status_code}")
    return response.content.decode()


def steps() -> list[Callable[[Times], None]]:
    """One round's requests, in order, each recording its time."""
    users = get_user_model().objects
    reporter, reviewer = Client(), Client()
    reporter.force_login(users.get(username=REPORTER))
    reviewer.force_login(users.get(username="province"))
    found = re.search(rf'href="{PAGE}measures/([^/]+)/"', reporter.get(PAGE).content.decode())
    if found is None:
        sys.exit(f"nothing left to report in {PERIOD}: choose another BENCH_PERIOD")
    form_url = f"{PAGE}measures/{found.group(1)}/"

    def edit(times: Times) -> None:
        form = timed(times, "note form", lambda: reporter.get(form_url))
        data = {
            "status": ON_SCHEDULE.search(form).group(1),
            "percent": str(len(times["save"]) % 90 + 10),
            "narrative": "【压测数据】本季度按计划推进。",
            "version": VERSION.search(form).group(1) or "",
            "action": "save",
        }
        timed(times, "save", lambda: reporter.post(form_url, data))

    def asks(name: str, client: Client, url: str) -> Callable[[Times], None]:
        return lambda times: timed(times, name, lambda: client.get(url))

    found = [
        edit,
        asks("reporter's page, after a save", reporter, PAGE),
        asks("reporter's page, unchanged", reporter, PAGE),
        asks("review queue", reviewer, "/review/"),
        asks("province overview", reviewer, f"/province/?period={PERIOD}"),
        asks("183-county grid", reviewer, f"/province/measures/T1.1/?period={PERIOD}"),
    ]
    department_user = users.filter(username="loaddept01").first()
    if department_user is None:
        return found  # bench/load_setup.py not run: no department to ask as
    department = Client()
    department.force_login(department_user)
    cut = department.get(f"/province/departments/?period={PERIOD}").content.decode()
    code = re.search(r'href="/province/departments/([^/"]+)/', cut).group(1)
    own = f"/province/departments/{code}/?period={PERIOD}"
    measure = re.search(
        r'href="/province/measures/([^/"]+)/', department.get(own).content.decode()
    ).group(1)
    return [
        *found,
        asks("department cut", department, f"/province/departments/?period={PERIOD}"),
        asks("department's measures", department, own),
        asks(
            "department's grid",
            department,
            f"/province/measures/{measure}/?period={PERIOD}&department={code}",
        ),
        asks("department cut, reviewer", reviewer, f"/province/departments/?period={PERIOD}"),
    ]


def serve() -> None:
    """As the other checkout: run the step named by each line of input, answer its times."""
    found = steps()
    print("ready", flush=True)
    for line in sys.stdin:
        times: Times = defaultdict(list)
        found[int(line)](times)
        print(json.dumps(times), flush=True)


def alone() -> Times:
    times: Times = defaultdict(list)
    try:
        with transaction.atomic():
            found = steps()
            for n in range(WARM + ROUNDS):
                for step in found:
                    step(times if n >= WARM else defaultdict(list))
            raise Rollback
    except Rollback:
        return times


def in_turns(other: str) -> tuple[Times, Times]:
    here: Times = defaultdict(list)
    there: Times = defaultdict(list)
    peer = subprocess.Popen(
        [sys.executable, __file__, "--serve"],
        cwd=other,
        env=os.environ | {"BENCH_ROOT": other},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    if peer.stdout.readline().strip() != b"ready":
        sys.exit(f"{other} did not start")
    found = steps()
    try:
        for n in range(WARM + ROUNDS):
            for index, step in enumerate(found):
                mine = here if n >= WARM else defaultdict(list)
                if n % 2:  # each goes first every other round
                    step(mine)
                peer.stdin.write(b"%d\n" % index)
                peer.stdin.flush()
                theirs = json.loads(peer.stdout.readline())
                if not n % 2:
                    step(mine)
                if n >= WARM:
                    for name, measured in theirs.items():
                        there[name] += measured
    finally:
        peer.stdin.close()
        peer.wait()
    return here, there


def p95(measured: list[float]) -> float:
    return statistics.quantiles(measured, n=20)[-1]


def main() -> None:
    if sys.argv[1:] == ["--serve"]:
        serve()
    elif len(sys.argv) == 1:
        print(f"{REPORTER}'s round {PERIOD}, {ROUNDS} rounds; median and p95 in ms")
        for name, measured in alone().items():
            print(f"{name:32} {statistics.median(measured):7.1f} {p95(measured):7.1f}")
    else:
        compare(sys.argv[1])


def compare(other: str) -> None:
    print(f"{REPORTER}'s round {PERIOD}, {ROUNDS} rounds in turns; median and p95 in ms")
    here, there = in_turns(other)
    print(f"{'':32} {'this checkout':>15} {'the other':>15} {'ratio':>6}")
    for name, measured in here.items():
        theirs = there[name]
        ratio = statistics.median(measured) / statistics.median(theirs)
        print(
            f"{name:32} {statistics.median(measured):7.1f} {p95(measured):7.1f}"
            f" {statistics.median(theirs):7.1f} {p95(theirs):7.1f} {ratio:6.2f}"
        )


if __name__ == "__main__":
    main()
