"""The database keeps the audit trail append-only; records leave it only by archiving, after the
retention period, exported first, and the removal is itself recorded."""

import datetime
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from targets.audit import trail
from targets.models import AuditArchive, AuditRecord

pytestmark = pytest.mark.django_db
OLD = datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def empty_trail(db):
    """No record from before the test: the records it writes in the past are then the oldest.
    (On PostgreSQL the retention function judges their age by the database's clock, which
    time_machine does not move, so records written today must not come before them.)"""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM targets_auditrecord")
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.mark.postgres
def test_the_database_refuses_update_and_delete(admin_user):
    entry = trail.record("test.one", actor=admin_user)
    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        AuditRecord.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        AuditRecord.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM targets_auditrecord")
    # The switch of old, which any session could set, opens nothing any more.
    with pytest.raises(DatabaseError, match="DELETE refused"), transaction.atomic():  # noqa: PT012
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plenum.audit_archiving = 'on'")
        AuditRecord.objects.filter(pk=entry.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending check may hide the refusal
    for table in ("targets_auditrecord", "targets_auditarchive"):
        with (
            pytest.raises(DatabaseError, match="TRUNCATE refused"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"TRUNCATE {table}")
    assert AuditRecord.objects.filter(pk=entry.pk, action="test.one").exists()


@pytest.mark.postgres
def test_the_database_refuses_to_change_an_anchor(empty_trail, tmp_path):
    with time_machine.travel(OLD):
        trail.record("test.old", actor_name="someone")
    with time_machine.travel(OLD + datetime.timedelta(days=200)):
        call_command("archive_audit", output=tmp_path / "a.jsonl")
    anchor = AuditArchive.objects.get()
    with pytest.raises(DatabaseError, match="UPDATE refused"), transaction.atomic():
        AuditArchive.objects.filter(pk=anchor.pk).update(record_count=0)
    with pytest.raises(DatabaseError, match="DELETE refused"), transaction.atomic():
        AuditArchive.objects.filter(pk=anchor.pk).delete()
    assert AuditArchive.objects.get().record_count == 1


@pytest.mark.postgres
def test_the_retention_function_keeps_records_younger_than_180_days(empty_trail):
    """Whoever calls it: the database judges the age by its own clock."""
    entry = trail.record("test.today", actor_name="someone")
    with (
        pytest.raises(DatabaseError, match="younger than 180 days"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT targets_audit_archive(%s, 1, %s, now(), 'f', 'f', 'm')",
            [entry.id, entry.hash],
        )
    assert AuditRecord.objects.filter(pk=entry.pk).exists()


def test_records_older_than_the_retention_period_are_exported_then_removed(empty_trail, tmp_path):
    with time_machine.travel(OLD):
        old = [trail.record(f"test.old{n}", actor_name="someone") for n in range(3)]
    with time_machine.travel(OLD + datetime.timedelta(days=100)):
        recent = trail.record("test.recent", actor_name="someone")
    output = tmp_path / "audit-2026.jsonl"
    with time_machine.travel(OLD + datetime.timedelta(days=181)):
        call_command("archive_audit", output=output)
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    archived_ids = {line["id"] for line in lines}
    assert {entry.id for entry in old} <= archived_ids
    assert not AuditRecord.objects.filter(id__in=archived_ids).exists()
    assert AuditRecord.objects.filter(pk=recent.pk).exists()
    archive = AuditArchive.objects.get()
    assert archive.last_hash == lines[-1]["hash"]
    assert archive.record_count == len(lines)
    assert AuditRecord.objects.filter(action="audit.archived").exists()
    assert trail.verify() is None
    trail.record("test.after", actor_name="someone")
    assert trail.verify() is None
    assert output.stat().st_mode & 0o777 == 0o600
    call_command("verify_audit", checkpoint_dir=tmp_path / "checkpoints")


def test_nothing_younger_than_180_days_can_be_removed(admin_user, tmp_path):
    trail.record("test.one", actor=admin_user)
    with pytest.raises(CommandError, match="at least 180 days"):
        call_command("archive_audit", output=tmp_path / "a.jsonl", days=30)
    assert not (tmp_path / "a.jsonl").exists()


def test_an_existing_archive_file_is_never_overwritten(admin_user, tmp_path):
    with time_machine.travel(OLD):
        trail.record("test.old", actor=admin_user)
    existing = tmp_path / "a.jsonl"
    existing.write_text("keep me")
    count = AuditRecord.objects.count()
    with (
        time_machine.travel(OLD + datetime.timedelta(days=200)),
        pytest.raises(CommandError, match="exists already"),
    ):
        call_command("archive_audit", output=existing)
    assert existing.read_text() == "keep me"
    assert AuditRecord.objects.count() == count
