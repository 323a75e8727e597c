"""Server time of the progress briefing at Sichuan scale: its figures, its HTML, its typesetting by
WeasyPrint, and the PDF download as a provincial reviewer gets it.

Run against a copy of the database filled by `seed_demo --scale sichuan` (see bench/README.md):
each download writes its audit record.

    createdb -h 127.0.0.1 -U postgres -T plenum_bench plenum_briefing_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plenum_briefing_bench SECRET_KEY=bench AUDIT_KEY=bench-only-audit-key-0123456789abcdef HTTPS=false \\
        ALLOWED_HOSTS=testserver .venv/bin/python bench/briefing.py

Requests go through Django's test client in this process (no network, no browser), so the times
are the server's. Prints the median and the slowest of the runs for each part, with the median
CPU time of this process (the fairer figure on a machine that others share: the time a part
waits for a core is not in it), and the PDF's pages and size.
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenum.settings")

import django

django.setup()

import pypdf
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone
from weasyprint import HTML

from targets.dashboards import briefing
from targets.models import County, Period, ProgressNote

RUNS = int(os.environ.get("RUNS", "5"))
PERIOD = os.environ.get("PERIOD", "2026Q3")


def timed(work, *args, **kwargs) -> tuple[tuple[float, float], object]:
    """The wall time and this process's CPU time of the work, in ms, and its result."""
    started, cpu = time.perf_counter(), time.process_time()
    result = work(*args, **kwargs)
    wall_ms = (time.perf_counter() - started) * 1000
    return (wall_ms, (time.process_time() - cpu) * 1000), result


def report(name: str, times: list[tuple[float, float]]) -> None:
    wall, cpu = [t[0] for t in times], [t[1] for t in times]
    print(
        f"{name:12} median {statistics.median(wall):6.0f} ms  slowest {max(wall):6.0f} ms"
        f"  (CPU median {statistics.median(cpu):6.0f} ms)"
    )


def main() -> None:
    period = Period.objects.get(code=PERIOD)
    today = timezone.localdate()
    counties = County.objects.all()
    stylesheet = finders.find("css/briefing.css")
    client = Client()
    client.force_login(get_user_model().objects.get(username="province"))
    print(f"notes in the database: {ProgressNote.objects.count()}; runs: {RUNS}; {PERIOD}")
    client.get(f"/province/briefing.pdf?period={PERIOD}")  # warm: fonts, caches, connections
    parts: dict[str, list[tuple[float, float]]] = {
        "figures": [],
        "html": [],
        "typesetting": [],
        "download": [],
    }
    for _ in range(RUNS):
        ms, b = timed(briefing.build, period, today, counties, True)
        parts["figures"].append(ms)
        ms, html = timed(render_to_string, "briefing/pdf.html", {"b": b})
        parts["html"].append(ms)
        ms, _pdf = timed(HTML(string=html).write_pdf, stylesheets=[stylesheet])
        parts["typesetting"].append(ms)
        ms, response = timed(client.get, f"/province/briefing.pdf?period={PERIOD}")
        assert response.status_code == 200, response.status_code
        parts["download"].append(ms)
    for name, times in parts.items():
        report(name, times)
    pages = len(pypdf.PdfReader(io.BytesIO(response.content)).pages)
    print(f"the PDF: {pages} pages, {len(response.content) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
