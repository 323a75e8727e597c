"""Retention: records older than the retention period are exported to a file and only then removed;
the removal itself is recorded, and the remaining chain is anchored on the last archived hash.

The file is written owner-only (0600) and its SHA-256 goes into the anchor, under the anchor's MAC;
``verify_audit`` checks each archive's file against it. On PostgreSQL the removal and the anchor
are done by the function ``targets_audit_archive`` (migration 0013), which the app's role may not
call: ``archive_audit`` runs as the archiving role (see ``deploy/db-roles.sql``).
"""

import hashlib
import json
import os
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from targets.audit import trail
from targets.models import AuditArchive, AuditRecord


class RetentionError(Exception):
    pass


def _line(record: AuditRecord) -> str:
    return json.dumps(
        {
            "id": record.id,
            "at": record.at.isoformat(),
            "actor_id": record.actor_id,
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


def _remove(archive: AuditArchive, batch) -> AuditArchive:
    """Remove the exported records and insert the anchor: on PostgreSQL by the retention function
    (the only DELETE its triggers let through), elsewhere directly."""
    if connection.vendor != "postgresql":
        batch.delete()
        archive.save(force_insert=True)
        return archive
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT targets_audit_archive(%s, %s, %s, %s, %s, %s, %s)",
            [
                archive.up_to_id,
                archive.record_count,
                archive.last_hash,
                archive.created_at,
                archive.file_name,
                archive.file_sha256,
                archive.mac,
            ],
        )
        archive_id = cursor.fetchone()[0]
    return AuditArchive.objects.get(pk=archive_id)


def _create_owner_only(output: Path):
    """A new file only its owner may read (0600); an existing one is never overwritten."""
    try:
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise RetentionError(f"{output} exists already; choose a new file.") from None
    os.fchmod(descriptor, 0o600)  # whatever the umask
    return os.fdopen(descriptor, "w", encoding="utf-8")


def _export_and_remove(batch, newest_old: AuditRecord, handle, output: Path) -> AuditArchive:
    digest = hashlib.sha256()
    count = 0
    with handle:
        for record in batch.iterator(chunk_size=2000):
            line = _line(record) + "\n"
            handle.write(line)
            digest.update(line.encode())
            count += 1
        handle.flush()
        os.fsync(handle.fileno())
    archive = AuditArchive(
        up_to_id=newest_old.id,
        last_hash=newest_old.hash,
        record_count=count,
        file_name=str(output),
        file_sha256=digest.hexdigest(),
    )
    archive.mac = trail.archive_mac(archive)
    archive = _remove(archive, batch)
    trail.record(
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


def archive_older_than(days: int, output: Path) -> AuditArchive | None:
    """Export every record up to the newest one older than ``days`` to ``output`` (JSON lines),
    then remove them. Returns None when nothing is that old."""
    if days < settings.AUDIT_RETENTION_DAYS:
        raise RetentionError(
            f"Records are kept at least {settings.AUDIT_RETENTION_DAYS} days; {days} is too few."
        )
    if output.exists():
        raise RetentionError(f"{output} exists already; choose a new file.")
    output = output.absolute()
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        trail.lock_chain()
        broken = trail.verify()
        if broken is not None:
            raise RetentionError(f"{broken} Nothing is archived from a broken chain.")
        newest_old = AuditRecord.objects.filter(at__lt=cutoff).order_by("-id").first()
        if newest_old is None:
            return None
        batch = AuditRecord.objects.filter(id__lte=newest_old.id).order_by("id")
        handle = _create_owner_only(output)
        try:
            archive = _export_and_remove(batch, newest_old, handle, output)
        except BaseException:
            # Nothing was removed (the transaction is rolled back): the file would only mislead.
            output.unlink(missing_ok=True)
            raise
    return archive


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_files(
    *, search: Sequence[Path] = (), moved_away: Sequence[str] = ()
) -> tuple[int, list[str]]:
    """Check each archive's file against the SHA-256 in its anchor (which its MAC covers).
    A file is looked for where it was written, then by its name in each of ``search``; files named
    in ``moved_away`` (taken off-line on purpose) are not looked for. Returns how many files were
    checked and a message for each one missing or changed."""
    checked, problems = 0, []
    for archive in AuditArchive.objects.order_by("id"):
        recorded = Path(archive.file_name)
        if recorded.name in moved_away or archive.file_name in moved_away:
            continue
        candidates = [recorded, *(Path(folder) / recorded.name for folder in search)]
        found = next((path for path in candidates if path.is_file()), None)
        if found is None:
            problems.append(
                f"Archive file {archive.file_name} (records up to {archive.up_to_id}) is missing. "
                f"If it was moved, give its folder with --archive-dir; if it was taken away on "
                f"purpose, name it with --moved-away."
            )
        elif _file_sha256(found) != archive.file_sha256:
            problems.append(
                f"Archive file {found} (records up to {archive.up_to_id}) was changed: its "
                f"SHA-256 is not the one recorded when it was written."
            )
        else:
            checked += 1
    return checked, problems
