"""The audit chain keyed, and append-only against the database's own users.

Records written before this migration were hashed with plain SHA-256 (without the record's id or
actor's id). This migration first verifies that chain under the old scheme and refuses to run if
it is broken (a broken chain must be looked into, not blessed with a new key); then it re-hashes
every record and MACs every archive anchor with HMAC-SHA256 under ``settings.AUDIT_KEY``. The
first remaining record still links to the last archived hash, which is in the archive's file as it
was written. There is no way back: the old scheme is what this change removes.

On PostgreSQL it replaces the trigger of 0002, whose session-settable switch let anyone DELETE:
- UPDATE and DELETE on the records are refused, except a DELETE inside the retention function
  ``targets_audit_archive``, which marks its own transaction in a table no other role may write;
  the function is SECURITY DEFINER and only its owner, and the roles granted EXECUTE (the
  archiving role of ``deploy/db-roles.sql``), may call it (EXECUTE revoked from PUBLIC);
- UPDATE and DELETE on the archive anchors are refused, and only that function inserts them;
- TRUNCATE is refused on both by statement triggers.
The owner of the tables can still disable the triggers: what they change is then found by
``verify_audit`` (the MACs and the checkpoints written outside the database).
"""

import hashlib
import json

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from targets.audit.trail import archive_mac, record_mac

GENESIS = "0" * 64
BATCH = 2000

DROP_OLD = """
DROP TRIGGER IF EXISTS targets_auditrecord_append_only ON targets_auditrecord;
DROP FUNCTION IF EXISTS targets_audit_append_only();
"""

CREATE = """
CREATE TABLE targets_audit_removal (xact xid8 PRIMARY KEY);
REVOKE ALL ON targets_audit_removal FROM PUBLIC;

CREATE FUNCTION targets_audit_append_only() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'targets_auditrecord' AND EXISTS (
        SELECT 1 FROM public.targets_audit_removal WHERE xact = pg_current_xact_id()
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit records are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
REVOKE ALL ON FUNCTION targets_audit_append_only() FROM PUBLIC;

CREATE TRIGGER targets_auditrecord_append_only
    BEFORE UPDATE OR DELETE ON targets_auditrecord
    FOR EACH ROW EXECUTE FUNCTION targets_audit_append_only();
CREATE TRIGGER targets_auditrecord_no_truncate
    BEFORE TRUNCATE ON targets_auditrecord
    FOR EACH STATEMENT EXECUTE FUNCTION targets_audit_append_only();
CREATE TRIGGER targets_auditarchive_append_only
    BEFORE UPDATE OR DELETE ON targets_auditarchive
    FOR EACH ROW EXECUTE FUNCTION targets_audit_append_only();
CREATE TRIGGER targets_auditarchive_no_truncate
    BEFORE TRUNCATE ON targets_auditarchive
    FOR EACH STATEMENT EXECUTE FUNCTION targets_audit_append_only();

-- Retention: remove the records up to p_up_to, which the caller has exported to a file, and
-- insert the archive anchor (its MAC made by the caller, who holds the key). Refuses records
-- younger than 180 days (the legal minimum), a count or last hash that does not match.
CREATE FUNCTION targets_audit_archive(
    p_up_to bigint, p_count bigint, p_last_hash text, p_created_at timestamptz,
    p_file_name text, p_file_sha256 text, p_mac text
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    newest timestamptz;
    removed bigint;
    archive_id bigint;
BEGIN
    SELECT max(at) INTO newest FROM targets_auditrecord WHERE id <= p_up_to;
    IF newest IS NULL OR newest >= now() - interval '180 days' THEN
        RAISE EXCEPTION 'audit records younger than 180 days are kept (up to %)', p_up_to
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM targets_auditrecord WHERE id = p_up_to AND hash = p_last_hash
    ) THEN
        RAISE EXCEPTION 'audit record % does not have the hash given', p_up_to;
    END IF;
    INSERT INTO targets_audit_removal VALUES (pg_current_xact_id());
    DELETE FROM targets_auditrecord WHERE id <= p_up_to;
    GET DIAGNOSTICS removed = ROW_COUNT;
    DELETE FROM targets_audit_removal WHERE xact = pg_current_xact_id();
    IF removed <> p_count THEN
        RAISE EXCEPTION 'audit archive: % records exported but % to remove', p_count, removed;
    END IF;
    INSERT INTO targets_auditarchive
        (created_at, up_to_id, last_hash, record_count, file_name, file_sha256, mac)
    VALUES (p_created_at, p_up_to, p_last_hash, p_count, p_file_name, p_file_sha256, p_mac)
    RETURNING id INTO archive_id;
    RETURN archive_id;
END;
$$;
REVOKE ALL ON FUNCTION targets_audit_archive(
    bigint, bigint, text, timestamptz, text, text, text
) FROM PUBLIC;
"""

DROP = """
DROP FUNCTION IF EXISTS targets_audit_archive(bigint, bigint, text, timestamptz, text, text, text);
DROP TRIGGER IF EXISTS targets_auditrecord_append_only ON targets_auditrecord;
DROP TRIGGER IF EXISTS targets_auditrecord_no_truncate ON targets_auditrecord;
DROP TRIGGER IF EXISTS targets_auditarchive_append_only ON targets_auditarchive;
DROP TRIGGER IF EXISTS targets_auditarchive_no_truncate ON targets_auditarchive;
DROP FUNCTION IF EXISTS targets_audit_append_only();
DROP TABLE IF EXISTS targets_audit_removal;
"""


def sha256_digest(record) -> str:
    """The hash of records written before this migration (as services.audit made it then)."""
    content = {
        "at": record.at.astimezone(timezone.UTC).isoformat(),
        "actor": record.actor_name,
        "address": record.address,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "object": record.object_repr,
        "outcome": record.outcome,
        "changes": record.changes,
        "previous": record.previous_hash,
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class BrokenChain(Exception):
    pass


def _batches(model):
    last = 0
    while True:
        batch = list(model.objects.filter(id__gt=last).order_by("id")[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].id


def rekey(apps, schema_editor) -> None:
    """Verify the old chain, then re-hash it under the key. Also used by the tests."""
    AuditRecord = apps.get_model("targets", "AuditRecord")
    AuditArchive = apps.get_model("targets", "AuditArchive")
    anchor = AuditArchive.objects.order_by("-id").first()
    start = anchor.last_hash if anchor else GENESIS
    expected = start
    for batch in _batches(AuditRecord):
        for entry in batch:
            if entry.previous_hash != expected or sha256_digest(entry) != entry.hash:
                raise BrokenChain(
                    f"The audit chain is broken at record {entry.id}; it is not re-keyed. Find "
                    f"out what changed it (and restore from a backup) before migrating."
                )
            expected = entry.hash
    if not settings.AUDIT_KEY:
        raise BrokenChain("AUDIT_KEY must be set to re-key the audit chain.")
    for archive in AuditArchive.objects.order_by("id"):
        archive.mac = archive_mac(archive)
        archive.save(update_fields=["mac"])
    previous = start
    for batch in _batches(AuditRecord):
        for entry in batch:
            entry.previous_hash = previous
            entry.hash = previous = record_mac(entry)
        AuditRecord.objects.bulk_update(batch, ["previous_hash", "hash"])


def drop_old_trigger(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_OLD, params=None)


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("targets", "0012_grid_last_saved_index")]

    operations = [
        migrations.RunPython(drop_old_trigger, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditarchive",
            name="created_at",
            field=models.DateTimeField(
                default=timezone.now, editable=False, verbose_name="归档时间"
            ),
        ),
        migrations.AddField(
            model_name="auditarchive",
            name="mac",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RunPython(rekey),
        migrations.RunPython(create, drop),
    ]
