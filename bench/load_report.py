"""The load run's figures (locust's CSV; the medians from the exact times that
bench/locustfile.py keeps) and the check that every save answered as successful is in the
database, and nothing else (see bench/load.sh)."""

import csv
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenum.settings")

import django

django.setup()

from targets.models import NoteVersion

MINIMAL = "minimal view (/healthz)"
PERIOD = os.environ.get("LOAD_PERIOD", "2026Q4")


def answered_saves(access_log: str) -> int:
    """Saves the server answered as successful (a 302 to the report page), from gunicorn's access
    log: locust's own figures miss the requests that finish while the run stops."""
    saved = re.compile(rf'"POST /counties/\d+/report/{PERIOD}/measures/\S+ HTTP/1.1" 302 ')
    return sum(1 for line in open(access_log, encoding="utf-8") if saved.search(line))


def exact_medians(path: str) -> dict[str, float]:
    """Each page's median from the exact times (bench/locustfile.py): locust's own keeps whole
    milliseconds under 100 ms."""
    medians = {}
    for line in open(path, encoding="utf-8"):
        name, median = line.rstrip("\n").split("\t")
        medians[name] = float(median)
    return medians


def main(path: str, access_log: str, medians_path: str) -> None:
    rows = [
        r
        for r in csv.DictReader(open(path, encoding="utf-8"))
        if r["Name"] != "Aggregated"
        and r["Request Count"] != "0"  # sign-ins, after STEADY's restart
    ]
    medians = exact_medians(medians_path)
    minimal = medians[MINIMAL]
    print(
        f"{'page':26} {'requests':>8} {'failed':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>6} {'p50/minimal':>11}"
    )
    for r in sorted(rows, key=lambda r: r["Name"]):
        median = medians[r["Name"]]
        print(
            f"{r['Name'][:26]:26} {r['Request Count']:>8} {r['Failure Count']:>6} "
            f"{median:6.1f} {r['95%']:>6} {r['99%']:>6} {float(r['Requests/s']):6.1f} "
            f"{median / minimal:11.2f}"
        )
    total = sum(float(r["Requests/s"]) for r in rows)
    failed = sum(int(r["Failure Count"]) for r in rows)
    print(f"throughput {total:.1f} requests/s; {failed} failed requests")
    answered = answered_saves(access_log)
    stored = NoteVersion.objects.filter(
        note__period__code=PERIOD, by__username__startswith="load"
    ).count()
    verdict = "equal" if stored == answered else "DIFFERENT"
    print(f"saves answered as successful: {answered}; note versions stored: {stored} ({verdict})")


if __name__ == "__main__":
    main(*sys.argv[1:4])
