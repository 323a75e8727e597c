"""Time of checking and applying a 4,000-row indicator values file (new values), of applying it
again with every value changed, and of checking one with 300 bad rows (all of which must be
reported). INDICATORS=110 makes the file 20,130 rows.

Run against the Sichuan-scale database (see bench/README.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plenum_bench SECRET_KEY=bench AUDIT_KEY=bench-only-audit-key-0123456789abcdef HTTPS=false \\
        .venv/bin/python bench/value_import.py

Everything it makes (22 synthetic county-level indicators, a user who reports for all 183
counties, the values) is made inside one transaction that is rolled back at the end.
"""

import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenum.settings")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import Workbook

from targets.models import County, Indicator, IndicatorValue, Period, Plan, Role
from targets.reporting import value_import

INDICATORS = int(os.environ.get("INDICATORS", "22"))  # × 183 counties = 4,026 rows
BAD_ROWS = 300


class RolledBack(Exception):
    pass


def workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append([str(header) for _key, header in value_import.COLUMNS])
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("values.xlsx", data.getvalue())


def main() -> None:
    period = Period.objects.get(code="2026Q4")
    plan = Plan.objects.get()
    indicators = Indicator.objects.bulk_create(
        Indicator(
            plan=plan,
            code=f"BENCH{n:02d}",
            name=f"【合成数据】基准指标{n}",
            unit="%",
            direction=Indicator.Direction.HIGHER,
            level=Indicator.Level.COUNTY,
            baseline_year=2023,
            baseline_value=50,
            minimum=0,
            maximum=100,
            is_demo=True,
            order=100 + n,
        )
        for n in range(1, INDICATORS + 1)
    )
    user = get_user_model().objects.create_user("bench_importer")
    counties = County.objects.all()
    Role.objects.bulk_create(
        Role(user=user, kind=Role.Kind.COUNTY_REPORTER, county=county) for county in counties
    )
    rows = [
        [period.code, c.code, c.name, i.code, i.name, i.unit, 40 + (n % 50), "县统计局", ""]
        for n, (c, i) in enumerate((c, i) for c in counties.order_by("code") for i in indicators)
    ]
    print(f"rows: {len(rows)}")

    started = time.perf_counter()
    checked = value_import.check(workbook(rows), counties)
    checked_at = time.perf_counter()
    counts = value_import.apply(checked, checked.digest, user=user, submit=False)
    done = time.perf_counter()
    assert not checked.errors, checked.errors
    assert counts["new"] == len(rows), counts
    assert IndicatorValue.objects.filter(indicator__in=indicators).count() == len(rows)
    print(
        f"check {checked_at - started:.2f} s + apply {done - checked_at:.2f} s "
        f"= {done - started:.2f} s for {len(rows)} new values"
    )

    changed = [[*row[:6], row[6] + 1, *row[7:]] for row in rows]
    started = time.perf_counter()
    checked = value_import.check(workbook(changed), counties)
    checked_at = time.perf_counter()
    counts = value_import.apply(checked, checked.digest, user=user, submit=False)
    done = time.perf_counter()
    assert counts["changed"] == len(rows), counts
    print(
        f"check {checked_at - started:.2f} s + apply {done - checked_at:.2f} s "
        f"= {done - started:.2f} s for {len(rows)} changed values"
    )

    step = len(rows) // BAD_ROWS
    spoiled = set(range(0, BAD_ROWS * step, step))  # 300 rows, spread through the file
    bad = [[*row[:6], "不详", *row[7:]] if n in spoiled else row for n, row in enumerate(rows)]
    wrong = sum(1 for row in bad if row[6] == "不详")
    started = time.perf_counter()
    checked = value_import.check(workbook(bad), counties)
    print(
        f"file with {wrong} bad rows: {len(checked.errors)} errors reported "
        f"in {time.perf_counter() - started:.2f} s"
    )
    assert len(checked.errors) == wrong
    raise RolledBack


if __name__ == "__main__":
    try:
        with transaction.atomic():
            main()
    except RolledBack:
        print("(everything made was rolled back)")
