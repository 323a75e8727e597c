"""Prepare the Sichuan-scale database for the load benchmark (bench/load.sh): 50 synthetic
reporter accounts, one for each of the first 50 counties, and the current round of those counties
emptied so that they have measures to report, and the notes' tables vacuumed as autovacuum would
have done between two runs. Run again before each load run.

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
    Evidence,
    NoteVersion,
    Period,
    ProgressNote,
    Role,
)

REPORTERS = 50
PERIOD = os.environ.get("LOAD_PERIOD", "2026Q4")
PASSWORD = os.environ.get("LOAD_PASSWORD", "Bench-Load-2027!")


def main() -> None:
    with transaction.atomic():
        removed, reporters = empty_round()
    bulk_insert.refresh_statistics(ProgressNote, NoteVersion, Evidence)
    print(f"{reporters} reporters load001…load{reporters:03d}; {PERIOD} emptied ({removed})")


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
