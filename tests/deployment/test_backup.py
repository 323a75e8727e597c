"""A backup restored into a fresh database has the same records and an intact audit chain."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from targets.audit import trail
from targets.geography.loader import load_divisions
from targets.models import AuditRecord, County, Measure
from targets.plan.loader import load_plan

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,  # pg_dump backs up PostgreSQL
]


def url(name: str) -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture(autouse=True)
def shipped_data(transactional_db):
    """An earlier transactional test may have flushed the data loaded for the session."""
    load_divisions()
    load_plan()


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    admin_url = url("postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_and_restore(tmp_path, fresh_database, admin_user):
    trail.record("test.before_backup", actor=admin_user, changes={"x": [1, 2]})
    media = tmp_path / "media"
    (media / "evidence").mkdir(parents=True)
    (media / "evidence" / "report.pdf").write_bytes(b"%PDF-1.4 evidence")
    env = {
        **os.environ,
        "DATABASE_URL": url(connection.settings_dict["NAME"]),
        "MEDIA_ROOT": str(media),
        "AUDIT_CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
    }
    made = subprocess.run(
        ["bash", "deploy/backup.sh", str(tmp_path / "backups")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    folder = made.stdout.strip().splitlines()[-1]

    restored_media = tmp_path / "restored-media"
    env.update(DATABASE_URL=url(fresh_database), MEDIA_ROOT=str(restored_media))
    subprocess.run(
        ["bash", "deploy/restore.sh", folder],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )

    with psycopg.connect(url(fresh_database)) as restored:

        def count(table):
            query = f"SELECT count(*) FROM {table}"  # noqa: S608  (a table name of the test)
            return restored.execute(query).fetchone()[0]

        assert count("targets_county") == County.objects.count() == 183
        assert count("targets_measure") == Measure.objects.count()
        assert count("targets_auditrecord") == AuditRecord.objects.count()
        last = restored.execute("SELECT hash FROM targets_auditrecord ORDER BY id DESC LIMIT 1")
        assert last.fetchone()[0] == AuditRecord.objects.order_by("-id").first().hash
    assert (restored_media / "evidence" / "report.pdf").read_bytes() == b"%PDF-1.4 evidence"
    verified = subprocess.run(
        [sys.executable, "manage.py", "verify_audit"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stderr
    assert "Audit chain intact" in verified.stdout


def test_a_damaged_backup_is_refused(tmp_path, fresh_database):
    env = {
        **os.environ,
        "DATABASE_URL": url(connection.settings_dict["NAME"]),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    made = subprocess.run(
        ["bash", "deploy/backup.sh", str(tmp_path / "backups")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    folder = Path(made.stdout.strip().splitlines()[-1])
    with (folder / "database.dump").open("ab") as dump:
        dump.write(b"tampered")
    env["DATABASE_URL"] = url(fresh_database)
    result = subprocess.run(
        ["bash", "deploy/restore.sh", str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    with psycopg.connect(url(fresh_database)) as restored:
        tables = restored.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert tables.fetchone()[0] == 0
