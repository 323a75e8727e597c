"""Prepare the Sichuan-scale database for the load benchmark (bench/load.sh): 50 synthetic
reporter accounts, one for each of the first 50 counties, and the current round of those counties
emptied so that they have measures to report, and the notes' tables vacuumed as autovacuum would
have done between two runs. Also 5 synthetic provincial departments (loaddept1…loaddept5, each
the lead of about five measures where no department leads them yet, and cooperating on two
more) with one account each (loaddept01…loaddept05). Run again before each load run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plenum_bench SECRET_KEY=bench AUDIT_KEY=bench-only-audit-key-0123456789abcdef HTTPS=false \\
        .venv/bin/python bench/load_setup.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenum.settings")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from targets.demo import bulk_insert
from targets.models import (
    AccountSecurity,
    County,
    Department,
    Evidence,
    Measure,
    MeasureDepartment,
    NoteVersion,
    Period,
    ProgressNote,
    Responsibility,
    Role,
)

REPORTERS = 50
DEPARTMENTS = 5
PERIOD = os.environ.get("LOAD_PERIOD", "2026Q4")
PASSWORD = os.environ.get("LOAD_PASSWORD", "Bench-Load-2027!")


def main() -> None:
    with transaction.atomic():
        removed, reporters = empty_round()
        departments = department_users()
    bulk_insert.refresh_statistics(ProgressNote, NoteVersion, Evidence)
    print(f"{reporters} reporters load001…load{reporters:03d}; {PERIOD} emptied ({removed})")
    print(f"{departments} department users loaddept01…loaddept{departments:02d}")


def department_users() -> int:
    """The synthetic departments with their measures (the plan's measures dealt out in turn:
    lead where no department leads the measure yet, else cooperating; and cooperating on the two
    measures after them), and one account for each."""
    User = get_user_model()
    hashed = make_password(PASSWORD)
    measures = list(Measure.objects.order_by("order"))
    led = set(
        MeasureDepartment.objects.filter(responsibility=Responsibility.LEAD).values_list(
            "measure_id", flat=True
        )
    )
    for n in range(1, DEPARTMENTS + 1):
        department, _created = Department.objects.update_or_create(
            code=f"loaddept{n}", defaults={"name": f"【压测】省直部门{n}"}
        )
        own = measures[n - 1 :: DEPARTMENTS]
        for measure in own:
            lead = (
                measure.pk not in led
                and not MeasureDepartment.objects.filter(
                    measure=measure, department=department
                ).exists()
            )
            MeasureDepartment.objects.get_or_create(
                measure=measure,
                department=department,
                defaults={"responsibility": Responsibility.LEAD if lead else "cooperating"},
            )
            led.add(measure.pk)
        for measure in measures[n : n + 2]:
            if measure not in own:
                MeasureDepartment.objects.get_or_create(
                    measure=measure,
                    department=department,
                    defaults={"responsibility": Responsibility.COOPERATING},
                )
        user, _created = User.objects.update_or_create(
            username=f"loaddept{n:02d}",
            defaults={"first_name": f"【压测账号】{department.name}", "password": hashed},
        )
        Role.objects.get_or_create(user=user, kind=Role.Kind.DEPARTMENT, department=department)
        AccountSecurity.objects.update_or_create(
            user=user, defaults={"password_expiry_exempt": True, "must_change_password": False}
        )
    return DEPARTMENTS


def empty_round() -> tuple[int, int]:
    """The reporters' accounts made (or reset) and their round emptied: (notes removed, reporters)."""
    User = get_user_model()
    period = Period.objects.get(code=PERIOD)
    counties = list(County.objects.order_by("code")[:REPORTERS])
    hashed = make_password(PASSWORD)
    for n, county in enumerate(counties, start=1):
        user, _created = User.objects.update_or_create(
            username=f"load{n:03d}",
            defaults={"first_name": f"【压测账号】{county.name}", "password": hashed},
        )
        Role.objects.get_or_create(user=user, kind=Role.Kind.COUNTY_REPORTER, county=county)
        AccountSecurity.objects.update_or_create(
            user=user, defaults={"password_expiry_exempt": True, "must_change_password": False}
        )
    notes = ProgressNote.objects.filter(period=period, county__in=counties)
    Evidence.objects.filter(note__in=notes).delete()
    NoteVersion.objects.filter(note__in=notes).delete()
    removed, _ = notes.delete()
    return removed, len(counties)


if __name__ == "__main__":
    main()
