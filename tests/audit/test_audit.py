"""The audit trail: one function writes it; records are chained by hash; tampering is found."""

import importlib
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from targets.audit import trail
from targets.models import AuditArchive, AuditRecord, Measure

pytestmark = pytest.mark.django_db


@contextmanager
def behind_the_apps_back():
    """What someone with the database owner's rights could do: switch the append-only trigger off."""
    statement = "ALTER TABLE targets_auditrecord {} TRIGGER USER"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(statement.format("DISABLE"))
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(statement.format("ENABLE"))


def test_records_are_chained_and_the_chain_verifies(admin_user):
    first = trail.record("test.one", actor=admin_user)
    second = trail.record(
        "test.two", actor_name="system", obj=Measure.objects.get(code="T1.1"), changes={"a": [1, 2]}
    )
    assert second.previous_hash == first.hash
    assert second.object_type == "targets.Measure"
    assert second.object_repr.startswith("T1.1")
    assert trail.verify() is None


def test_a_record_changed_behind_the_apps_back_is_named(admin_user):
    trail.record("test.one", actor=admin_user)
    target = trail.record("test.two", actor=admin_user, changes={"text": ["a", "b"]})
    trail.record("test.three", actor=admin_user)
    with behind_the_apps_back():
        AuditRecord.objects.filter(pk=target.pk).update(changes={"text": ["a", "forged"]})
    broken = trail.verify()
    assert broken is not None
    assert broken.record_id == target.pk
    assert broken.reason == "content"


def test_a_record_removed_behind_the_apps_back_breaks_the_link(admin_user):
    trail.record("test.one", actor=admin_user)
    removed = trail.record("test.two", actor=admin_user)
    after = trail.record("test.three", actor=admin_user)
    with behind_the_apps_back():
        AuditRecord.objects.filter(pk=removed.pk).delete()
    broken = trail.verify()
    assert broken is not None
    assert broken.record_id == after.pk
    assert broken.reason == "link"


def test_the_verify_command_names_the_first_broken_record(admin_user, capsys):
    trail.record("test.one", actor=admin_user)
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out
    target = trail.record("test.two", actor=admin_user)
    with behind_the_apps_back():
        AuditRecord.objects.filter(pk=target.pk).update(actor_name="someone-else")
    with pytest.raises(CommandError, match=f"record {target.pk}"):
        call_command("verify_audit")


def test_secrets_are_masked_in_diffs():
    changes = trail.diff(
        {"password": "old-hash", "name": "a"}, {"password": "new-hash", "name": "b"}
    )
    assert changes == {"password": ["******", "******"], "name": ["a", "b"]}


def test_the_hash_is_keyed_and_covers_the_actor(admin_user, settings, security_admin):
    entry = trail.record("test.one", actor=admin_user)
    assert trail.record_mac(entry) == entry.hash
    entry.actor_id = security_admin.id
    assert trail.record_mac(entry) != entry.hash
    entry.refresh_from_db()
    settings.AUDIT_KEY = "another-key-0123456789-0123456789-0123456789"
    assert trail.record_mac(entry) != entry.hash
    assert trail.verify() == trail.ChainBreak(AuditRecord.objects.first().id, "content")


def test_the_actor_changed_behind_the_apps_back_is_named(admin_user, security_admin):
    trail.record("test.one", actor=admin_user)
    target = trail.record("test.two", actor=admin_user)
    with behind_the_apps_back():
        AuditRecord.objects.filter(pk=target.pk).update(actor=security_admin)
    assert trail.verify() == trail.ChainBreak(target.pk, "content")


MIGRATION = importlib.import_module("targets.migrations.0013_audit_keyed_chain")


def written_before_the_key(records):
    """Hash the records as the app did before migration 0013 (plain SHA-256)."""
    previous = AuditRecord.objects.filter(id__lt=records[0].id).order_by("-id").first()
    previous = previous.hash if previous else trail.GENESIS
    for entry in records:
        entry.previous_hash = previous
        entry.hash = previous = MIGRATION.sha256_digest(entry)
        AuditRecord.objects.filter(pk=entry.pk).update(
            previous_hash=entry.previous_hash, hash=entry.hash
        )


def test_records_written_before_the_key_are_verified_then_re_keyed(admin_user):
    with behind_the_apps_back():
        AuditRecord.objects.all().delete()
        AuditArchive.objects.all().delete()
        records = [trail.record(f"test.{n}", actor=admin_user) for n in range(3)]
        written_before_the_key(records)
        assert trail.verify() == trail.ChainBreak(records[0].id, "content")
        MIGRATION.rekey(apps, None)
    assert trail.verify() is None


def test_a_chain_broken_before_the_key_is_not_re_keyed(admin_user):
    with behind_the_apps_back():
        AuditRecord.objects.all().delete()
        AuditArchive.objects.all().delete()
        records = [trail.record(f"test.{n}", actor=admin_user) for n in range(3)]
        written_before_the_key(records)
        AuditRecord.objects.filter(pk=records[1].pk).update(action="forged")
        with pytest.raises(MIGRATION.BrokenChain, match=f"broken at record {records[1].id}"):
            MIGRATION.rekey(apps, None)
    assert AuditRecord.objects.get(pk=records[2].pk).hash == records[2].hash
