"""Retention: records older than the retention period are exported to a file and only then removed;
the removal itself is recorded, and the remaining chain is anchored on the last archived hash."""

import hashlib
import json
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from targets.models import AuditArchive, AuditRecord
from targets.services import audit


class RetentionError(Exception):
    pass


def _line(record: AuditRecord) -> str:
    return json.dumps(
        {
            "id": record.id,
            "at": record.at.isoformat(),
            "actor": record.actor_name,
            "address": record.address,
            "action": record.action,
            "object_type": record.object_type,
            "object_id": record.object_id,
            "object": record.object_repr,
            "outcome": record.outcome,
            "changes": record.changes,
            "previous_hash": record.previous_hash,
            "hash": record.hash,
        },
        ensure_ascii=False,
    )


def _allow_removal() -> None:
    """The database trigger lets DELETE through only inside a transaction that says so."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plenum.audit_archiving = 'on'")


def archive_older_than(days: int, output: Path) -> AuditArchive | None:
    """Export every record up to the newest one older than ``days`` to ``output`` (JSON lines),
    then remove them. Returns None when nothing is that old."""
    if days < settings.AUDIT_RETENTION_DAYS:
        raise RetentionError(
            f"Records are kept at least {settings.AUDIT_RETENTION_DAYS} days; {days} is too few."
        )
    if output.exists():
        raise RetentionError(f"{output} exists already; choose a new file.")
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        audit.lock_chain()
        newest_old = AuditRecord.objects.filter(at__lt=cutoff).order_by("-id").first()
        if newest_old is None:
            return None
        batch = AuditRecord.objects.filter(id__lte=newest_old.id).order_by("id")
        digest = hashlib.sha256()
        count = 0
        with output.open("w", encoding="utf-8") as handle:
            for record in batch.iterator(chunk_size=2000):
                line = _line(record) + "\n"
                handle.write(line)
                digest.update(line.encode())
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        _allow_removal()
        batch.delete()
        archive = AuditArchive.objects.create(
            up_to_id=newest_old.id,
            last_hash=newest_old.hash,
            record_count=count,
            file_name=str(output),
            file_sha256=digest.hexdigest(),
        )
        audit.record(
            "audit.archived",
            actor_name="system",
            obj=archive,
            changes={
                "records": [None, count],
                "up_to_id": [None, newest_old.id],
                "file": [None, str(output)],
                "sha256": [None, archive.file_sha256],
            },
        )
    return archive
