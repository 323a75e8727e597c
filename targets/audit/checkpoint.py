"""The chain's head copied out of the database, so that removing the newest records (or emptying
the table) is found: the MACs alone cannot tell a chain cut short from a chain that ends there.

``verify_audit --checkpoint`` (hourly, from a timer) appends one line to
``AUDIT_CHECKPOINT_DIR/audit-checkpoints.jsonl`` (file 0600, folder 0700) after a successful check,
and logs the same line (so that it also reaches the system's log): the time, the last record's id
and hash, and the number of records the chain has had up to it, archived ones included, with an
HMAC under the audit key. ``verify_audit`` checks the database against the latest line.
"""

import hmac
import json
import logging
import os
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from targets.audit import trail
from targets.models import AuditArchive, AuditRecord

FILE_NAME = "audit-checkpoints.jsonl"
logger = logging.getLogger("targets.audit")


class CheckpointError(Exception):
    pass


def _folder(directory: Path | None) -> Path:
    return Path(directory or settings.AUDIT_CHECKPOINT_DIR)


def _archived_count() -> int:
    return AuditArchive.objects.aggregate(n=Sum("record_count"))["n"] or 0


def head() -> dict:
    """The chain's head now: the last record (or the last archived one) and the count up to it."""
    last: tuple[int | None, str] | None = (
        AuditRecord.objects.order_by("-id").values_list("id", "hash").first()
    )
    if last is None:
        anchor = AuditArchive.objects.order_by("-id").first()
        last = (anchor.up_to_id, anchor.last_hash) if anchor else (None, trail.GENESIS)
    return {
        "last_id": last[0],
        "last_hash": last[1],
        "count": _archived_count() + AuditRecord.objects.count(),
    }


def write(directory: Path | None = None) -> dict:
    """Append the head, with its time and MAC, to the checkpoint file; log it; return it."""
    folder = _folder(directory)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    content = {"at": timezone.now().astimezone(UTC).isoformat(), **head()}
    line = {**content, "mac": trail.checkpoint_mac(content)}
    text = json.dumps(line, sort_keys=True)
    descriptor = os.open(folder / FILE_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
        os.write(descriptor, (text + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    logger.info("audit checkpoint %s", text)
    return line


def latest(directory: Path | None = None) -> dict | None:
    """The last checkpoint written, its MAC checked; None when there is none yet."""
    path = _folder(directory) / FILE_NAME
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CheckpointError(f"The checkpoint file {path} cannot be read: {exc}") from exc
    lines = [line for line in lines if line.strip()]
    if not lines:
        return None
    try:
        line = json.loads(lines[-1])
        content = {key: line[key] for key in ("at", "last_id", "last_hash", "count")}
        valid = hmac.compare_digest(str(line["mac"]), trail.checkpoint_mac(content))
    except (ValueError, KeyError, TypeError):
        valid = False
    if not valid:
        raise CheckpointError(
            f"The last checkpoint in {path} (line {len(lines)}) is damaged or does not match "
            f"its MAC: it was not written with this audit key."
        )
    return line


def check(directory: Path | None = None) -> tuple[dict | None, str | None]:
    """The latest checkpoint and what the database lacks of it (None when it holds)."""
    try:
        point = latest(directory)
    except CheckpointError as exc:
        return None, str(exc)
    if point is None or point["last_id"] is None:
        return point, None
    last_id, at = point["last_id"], point["at"]
    stored = AuditRecord.objects.filter(id=last_id).values_list("hash", flat=True).first()
    if stored is None:
        anchor = AuditArchive.objects.filter(up_to_id__gte=last_id).order_by("id").first()
        if anchor is None or (
            anchor.up_to_id == last_id and anchor.last_hash != point["last_hash"]
        ):
            return point, (
                f"Audit record {last_id}, the last one at the checkpoint of {at}, is missing: the "
                f"newest records were removed or the table was emptied."
            )
        return point, None  # archived since
    if stored != point["last_hash"]:
        return point, f"Audit record {last_id} is not the one of the checkpoint of {at}."
    count = _archived_count() + AuditRecord.objects.filter(id__lte=last_id).count()
    if count != point["count"]:
        return point, (
            f"The chain held {point['count']} records up to record {last_id} at the checkpoint of "
            f"{at}, and holds {count} now: records were removed."
        )
    return point, None
