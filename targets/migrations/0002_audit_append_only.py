"""PostgreSQL refuses UPDATE and DELETE on the audit trail. The one exception is the retention
command's removal of archived records, inside a transaction that sets plenum.audit_archiving."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION targets_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('plenum.audit_archiving', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit records are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER targets_auditrecord_append_only
    BEFORE UPDATE OR DELETE ON targets_auditrecord
    FOR EACH ROW EXECUTE FUNCTION targets_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS targets_auditrecord_append_only ON targets_auditrecord;
DROP FUNCTION IF EXISTS targets_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("targets", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
