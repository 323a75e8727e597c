"""The audit chain against the database's own users, on PostgreSQL with the roles of
deploy/db-roles.sql: the app's role is refused by the database; the tables' owner, who can switch
the triggers off, is found out by verify_audit (the keyed hashes, the anchors' MACs, the archive
files' SHA-256 and the checkpoints written outside the database)."""

import datetime
import hashlib
import importlib
import json
import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from targets.audit import checkpoint as audit_checkpoint
from targets.audit import trail as audit
from targets.models import AuditArchive, AuditRecord

ROOT = Path(__file__).resolve().parents[2]
OLD = datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.UTC)
sha256_digest = importlib.import_module("targets.migrations.0013_audit_keyed_chain").sha256_digest

pytestmark = pytest.mark.django_db(transaction=True)


def url(role: str | None = None) -> str:
    s = connection.settings_dict
    user = role or s["USER"]
    password = f":{s['PASSWORD']}" if s["PASSWORD"] and not role else ""
    return f"postgres://{user}{password}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture(autouse=True)
def checkpoints(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.AUDIT_CHECKPOINT_DIR


@pytest.fixture(autouse=True)
def empty_trail():
    """Each test starts from an empty trail (removed by the superuser the tests run as)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM targets_auditrecord")
        cursor.execute("DELETE FROM targets_auditarchive")


@pytest.fixture
def roles():
    """The deployment's three roles, under names of this run's own (roles are cluster-wide)."""
    suffix = uuid.uuid4().hex[:10]
    names = {kind: f"test_{kind}_{suffix}" for kind in ("owner", "app", "archiver")}
    variables = [f"--set={kind}={name}" for kind, name in names.items()]
    for _ in range(2):  # as in a deployment: the roles, then (the tables exist) the grants
        subprocess.run(
            [
                "psql",
                "--no-psqlrc",
                "--set=ON_ERROR_STOP=1",
                *variables,
                "-f",
                "deploy/db-roles.sql",
                url(),
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
    yield names
    with psycopg.connect(url(), autocommit=True) as admin:
        for name in names.values():
            admin.execute(f'REASSIGN OWNED BY "{name}" TO CURRENT_USER')
            admin.execute(f'DROP OWNED BY "{name}"')
            admin.execute(f'DROP ROLE "{name}"')


@contextmanager
def connect_as(role: str):
    with psycopg.connect(url(role)) as db:
        yield db


@contextmanager
def triggers_off(db):
    """What the owner of the tables can do: switch the append-only triggers off."""
    db.execute("SET CONSTRAINTS ALL IMMEDIATE")
    db.execute("ALTER TABLE targets_auditrecord DISABLE TRIGGER USER")
    db.execute("ALTER TABLE targets_auditarchive DISABLE TRIGGER USER")
    yield
    db.execute("ALTER TABLE targets_auditrecord ENABLE TRIGGER USER")
    db.execute("ALTER TABLE targets_auditarchive ENABLE TRIGGER USER")
    db.commit()


@pytest.fixture
def trail():
    """Three records of last January, old enough to archive, then three of today."""
    user = get_user_model().objects.create_user("clerk", password="Persona-Pass-2027")
    with time_machine.travel(OLD):
        old = [
            audit.record(f"test.old{n}", actor=user, changes={"n": [n, n + 1]}) for n in range(3)
        ]
    recent = [audit.record(f"test.new{n}", actor=user) for n in range(3)]
    return old + recent


def verify(*args, **options) -> str:
    """verify_audit's complaint, or "" when the trail holds."""
    try:
        call_command("verify_audit", *args, **options)
    except CommandError as exc:
        return str(exc)
    return ""


def plain_sha256(record: AuditRecord) -> str:
    """What someone without the key computes: the record's content hashed by plain SHA-256."""
    return hashlib.sha256(f"{record.id}{record.changes}{record.previous_hash}".encode()).hexdigest()


def rehash_from(db, records: list[AuditRecord], start: int, make_hash) -> None:
    """Change records[start] and re-hash it and every later record, as the assessor did."""
    previous = records[start - 1].hash if start else audit.GENESIS
    for index, entry in enumerate(records[start:]):
        entry.refresh_from_db()
        if index == 0:
            entry.changes = {"n": ["forged", "forged"]}
        entry.previous_hash = previous
        entry.hash = previous = make_hash(entry)
        db.execute(
            "UPDATE targets_auditrecord SET changes = %s, previous_hash = %s, hash = %s"
            " WHERE id = %s",
            [json.dumps(entry.changes), entry.previous_hash, entry.hash, entry.id],
        )


# The app's role: refused by the database.

REFUSED_TO_THE_APP = [
    ("SET plenum.audit_archiving = 'on'", "DELETE FROM targets_auditrecord WHERE id = {last}"),
    ("UPDATE targets_auditrecord SET actor_id = NULL WHERE id = {last}",),
    ("TRUNCATE targets_auditrecord",),
    ("TRUNCATE targets_auditarchive",),
    ("DELETE FROM targets_auditarchive",),
    (
        (
            "INSERT INTO targets_auditarchive (created_at, up_to_id, last_hash, record_count,"
            " file_name, file_sha256, mac) VALUES (now(), {last}, 'x', 1, 'f', 'f', 'm')"
        ),
    ),
    ("SELECT targets_audit_archive({last}, 1, 'x', now(), 'f', 'f', 'm')",),
    ("INSERT INTO targets_audit_removal VALUES (pg_current_xact_id())",),
    ("ALTER TABLE targets_auditrecord DISABLE TRIGGER USER",),
    ("SET session_replication_role = replica",),
]


@pytest.mark.postgres
def test_the_apps_role_cannot_remove_change_or_forge(roles, trail):
    before = list(AuditRecord.objects.values_list("id", "hash"))
    for statements in REFUSED_TO_THE_APP:
        with connect_as(roles["app"]) as db:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):  # noqa: PT012  (the first refused)
                for statement in statements:
                    db.execute(statement.format(last=trail[-1].id))
            db.rollback()
    assert list(AuditRecord.objects.values_list("id", "hash")) == before
    assert verify() == ""


@pytest.mark.postgres
def test_the_apps_role_may_only_append_and_a_forged_record_is_found(roles, trail):
    with connect_as(roles["app"]) as db:
        assert db.execute("SELECT count(*) FROM targets_auditrecord").fetchone()[0] == 6
        forged = AuditRecord(
            id=db.execute(
                "SELECT nextval(pg_get_serial_sequence('targets_auditrecord', 'id'))"
            ).fetchone()[0],
            at=timezone.now(),
            actor_name="clerk",
            action="test.forged",
            outcome="success",
            changes={},
            previous_hash=trail[-1].hash,
        )
        db.execute(
            "INSERT INTO targets_auditrecord (id, at, actor_name, action, object_type,"
            " object_id, object_repr, outcome, changes, previous_hash, hash)"
            " VALUES (%s, %s, %s, %s, '', '', '', %s, '{}', %s, %s)",
            [
                forged.id,
                forged.at,
                forged.actor_name,
                forged.action,
                forged.outcome,
                forged.previous_hash,
                plain_sha256(forged),
            ],
        )
        db.commit()
    assert verify() == f"Audit chain broken at record {forged.id} (content does not match)."


@pytest.mark.postgres
def test_the_archiving_role_alone_archives(roles, trail, tmp_path):
    env = {**os.environ, "AUDIT_CHECKPOINT_DIR": str(tmp_path / "checkpoints")}
    command = [sys.executable, "manage.py", "archive_audit", "--output"]

    as_app = subprocess.run(
        [*command, str(tmp_path / "by-app.jsonl")],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url(roles["app"])},
        capture_output=True,
        text=True,
    )
    assert as_app.returncode != 0
    assert "permission denied for function targets_audit_archive" in as_app.stderr
    assert "nothing was removed" in as_app.stderr
    assert not (tmp_path / "by-app.jsonl").exists()
    assert AuditRecord.objects.count() == 6

    output = tmp_path / "by-archiver.jsonl"
    as_archiver = subprocess.run(
        [*command, str(output)],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url(roles["archiver"])},
        capture_output=True,
        text=True,
    )
    assert as_archiver.returncode == 0, as_archiver.stderr
    assert "Archived 3 records" in as_archiver.stdout
    assert output.stat().st_mode & 0o777 == 0o600
    assert set(AuditRecord.objects.values_list("id", flat=True)) == {
        *(r.id for r in trail[3:]),
        AuditRecord.objects.get(action="audit.archived").id,
    }
    assert verify() == ""


# The owner of the tables: refused by the triggers unless they switch them off, then found out.


@pytest.mark.postgres
def test_the_owner_is_refused_by_the_triggers(roles, trail):
    for statement in [
        "DELETE FROM targets_auditrecord WHERE id = {last}",
        "UPDATE targets_auditrecord SET actor_id = NULL WHERE id = {last}",
        "TRUNCATE targets_auditrecord",
        "TRUNCATE targets_auditarchive",
    ]:
        with (
            connect_as(roles["owner"]) as db,
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"),
        ):
            db.execute(statement.format(last=trail[-1].id))
    assert AuditRecord.objects.count() == 6


@pytest.mark.postgres
@pytest.mark.parametrize("scheme", ["plain SHA-256", "the old scheme", "a wrong key"])
def test_records_the_owner_re_hashed_are_found(roles, trail, settings, scheme):
    def wrong_key(entry):
        settings.AUDIT_KEY, key = "a-key-guessed-by-the-owner-0123456789", settings.AUDIT_KEY
        try:
            return audit.record_mac(entry)
        finally:
            settings.AUDIT_KEY = key

    make_hash = {"plain SHA-256": plain_sha256, "the old scheme": sha256_digest}.get(
        scheme, wrong_key
    )
    with connect_as(roles["owner"]) as db, triggers_off(db):
        rehash_from(db, trail, 2, make_hash)
    assert verify() == f"Audit chain broken at record {trail[2].id} (content does not match)."


@pytest.mark.postgres
def test_an_actor_changed_by_the_owner_is_found(roles, trail):
    other = get_user_model().objects.create_user("other", password="Persona-Pass-2027")
    with connect_as(roles["owner"]) as db, triggers_off(db):
        db.execute(
            "UPDATE targets_auditrecord SET actor_id = %s WHERE id = %s", [other.id, trail[1].id]
        )
    assert verify() == f"Audit chain broken at record {trail[1].id} (content does not match)."


@pytest.mark.postgres
def test_the_newest_records_removed_by_the_owner_are_found(roles, trail):
    assert verify(checkpoint=True) == ""
    with connect_as(roles["owner"]) as db, triggers_off(db):
        db.execute("DELETE FROM targets_auditrecord WHERE id >= %s", [trail[4].id])
    problem = verify()
    assert f"Audit record {trail[-1].id}, the last one at the checkpoint" in problem
    assert "the newest records were removed" in problem


@pytest.mark.postgres
def test_a_table_truncated_by_the_owner_is_found(roles, trail, checkpoints):
    assert verify(checkpoint=True) == ""
    assert (checkpoints / "audit-checkpoints.jsonl").stat().st_mode & 0o777 == 0o600
    with connect_as(roles["owner"]) as db, triggers_off(db):
        db.execute("TRUNCATE targets_auditrecord")
    assert AuditRecord.objects.count() == 0
    assert "the table was emptied" in verify()


@pytest.mark.postgres
def test_an_anchor_forged_by_the_owner_is_found(roles, trail, settings):
    """The assessor's forgery: remove the oldest records and anchor the rest on the last one."""
    forged = AuditArchive(
        up_to_id=trail[1].id,
        last_hash=trail[1].hash,
        record_count=2,
        file_name="/nowhere/audit.jsonl",
        file_sha256="0" * 64,
    )
    forged.mac = hashlib.sha256(forged.last_hash.encode()).hexdigest()
    with connect_as(roles["owner"]) as db, triggers_off(db):
        db.execute("DELETE FROM targets_auditrecord WHERE id <= %s", [trail[1].id])
        db.execute(
            "INSERT INTO targets_auditarchive (created_at, up_to_id, last_hash, record_count,"
            " file_name, file_sha256, mac) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [
                forged.created_at,
                forged.up_to_id,
                forged.last_hash,
                forged.record_count,
                forged.file_name,
                forged.file_sha256,
                forged.mac,
            ],
        )
    anchor = AuditArchive.objects.get()
    assert verify() == (
        f"Audit archive anchor {anchor.id} does not match its MAC or follow the one before it "
        f"(forged or changed)."
    )


def test_an_archive_file_changed_or_missing_is_found(trail, tmp_path):
    output = tmp_path / "archive" / "audit-2026-01.jsonl"
    output.parent.mkdir()
    call_command("archive_audit", output=output)
    assert output.stat().st_mode & 0o777 == 0o600
    assert verify() == ""

    original = output.read_bytes()
    output.write_bytes(original.replace(b"test.old1", b"test.oldX"))
    assert f"Archive file {output} (records up to {trail[2].id}) was changed" in verify()

    moved = tmp_path / "elsewhere"
    moved.mkdir()
    output.rename(moved / output.name)
    (moved / output.name).write_bytes(original)
    assert f"Archive file {output} (records up to {trail[2].id}) is missing" in verify()
    assert verify(archive_dir=[moved]) == ""
    assert verify(moved_away=[output.name]) == ""


def test_a_forged_checkpoint_is_reported(trail, checkpoints):
    assert verify(checkpoint=True) == ""
    line = json.loads((checkpoints / "audit-checkpoints.jsonl").read_text())
    line["last_id"] = trail[2].id
    with (checkpoints / "audit-checkpoints.jsonl").open("a") as handle:
        handle.write(json.dumps(line) + "\n")
    assert "does not match its MAC" in verify()


def test_a_checkpoint_is_written_and_logged(trail, checkpoints, caplog):
    with caplog.at_level("INFO", logger="targets.audit"):
        assert verify(checkpoint=True) == ""
    point = audit_checkpoint.latest(checkpoints)
    assert point["last_id"] == trail[-1].id
    assert point["count"] == 6
    assert point["last_hash"] == trail[-1].hash
    assert any(point["mac"] in message for message in caplog.messages)
    audit.record("test.later", actor_name="system")
    assert verify() == ""


def test_a_deleted_checkpoint_file_fails_the_timers_check(trail, checkpoints):
    assert verify(checkpoint=True) == ""
    (checkpoints / "audit-checkpoints.jsonl").unlink()
    assert verify() == ""  # without the option: a warning only (a new installation)
    assert "No checkpoint found" in verify(require_checkpoint=True)
