"""The one function through which every auditable action is recorded, and the chain's check.

Each record carries the hash of the one before it, so a record changed or removed behind the app's
back breaks the chain at that point. The hash is an HMAC-SHA256 of every field of the record (its
id and actor's id included) under ``settings.AUDIT_KEY``, a key kept outside the database: someone
who can write the table but does not hold the key cannot re-hash what they changed. The archive
anchors carry such a MAC too. Records written before the key (plain SHA-256) were checked under
that scheme and re-keyed by migration 0013, which refuses to run on a broken chain.
"""

import dataclasses
import datetime
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from targets.models import AuditArchive, AuditRecord

GENESIS = "0" * 64
SECRET_FIELDS = {"password", "secret", "token"}
MASK = "******"
_CHAIN_LOCK = 73012027  # an arbitrary advisory-lock key that serializes appends on PostgreSQL
_ADDRESS = AuditRecord._meta.get_field("address")


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address: behind TRUSTED_PROXY_COUNT reverse proxies, the address the outermost
    trusted proxy saw (X-Forwarded-For, counted from the right); else the socket's peer. Also used
    by django-axes, so that lockouts by address work behind a proxy."""
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def masked(field: str, value):
    if value is not None and any(word in field.lower() for word in SECRET_FIELDS):
        return MASK
    return value


def snapshot(instance: models.Model) -> dict[str, object]:
    """The instance's field values as JSON-ready text; many-to-many fields as sorted lists."""
    values: dict[str, object] = {}
    for field in instance._meta.concrete_fields:
        value = field.value_from_object(instance)
        values[field.name] = None if value is None else str(value)
    if instance.pk:
        for field in instance._meta.many_to_many:
            values[field.name] = sorted(str(o) for o in getattr(instance, field.name).all())
    return values


def diff(before: dict, after: dict) -> dict[str, list]:
    """``{field: [before, after]}`` for the fields whose value changed, secrets masked."""
    names = [*after, *(name for name in before if name not in after)]
    return {
        name: [masked(name, before.get(name)), masked(name, after.get(name))]
        for name in names
        if before.get(name) != after.get(name)
    }


def _mac(content: dict) -> str:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(settings.AUDIT_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def record_mac(record: AuditRecord) -> str:
    """The record's hash: an HMAC of all its fields, the link to the one before included."""
    return _mac(
        {
            "kind": "record",
            "id": record.id,
            "at": record.at.astimezone(datetime.UTC).isoformat(),
            "actor_id": record.actor_id,
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
    )


def archive_mac(archive: AuditArchive) -> str:
    """An archive anchor's MAC: a forged or changed anchor (or file hash) no longer matches."""
    return _mac(
        {
            "kind": "archive",
            "created_at": archive.created_at.astimezone(datetime.UTC).isoformat(),
            "up_to_id": archive.up_to_id,
            "last_hash": archive.last_hash,
            "record_count": archive.record_count,
            "file_name": archive.file_name,
            "file_sha256": archive.file_sha256,
        }
    )


def checkpoint_mac(content: dict) -> str:
    return _mac({"kind": "checkpoint", **content})


def _next_link() -> tuple[int, str]:
    """The next record's id and the hash it links to (the last record's, else the last archived
    one's). Called with the chain locked; the id is taken first so that it can be hashed."""
    table = AuditRecord._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            archive = AuditArchive._meta.db_table
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')),"  # noqa: S608  (model tables)
                f" (SELECT hash FROM {table} ORDER BY id DESC LIMIT 1),"
                f" (SELECT last_hash FROM {archive} ORDER BY id DESC LIMIT 1)"
            )
            next_id, last, archived = cursor.fetchone()
            return next_id, last or archived or GENESIS
        # SQLite (development): AUTOINCREMENT's counter never goes back, even after archiving.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
    last = AuditRecord.objects.order_by("-id").values_list("hash", flat=True).first()
    archived = AuditArchive.objects.order_by("-id").values_list("last_hash", flat=True).first()
    return (row[0] if row else 0) + 1, last or archived or GENESIS


def lock_chain() -> None:
    """Serialize writers of the chain (on PostgreSQL; SQLite serializes writes itself)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor=None,
    actor_name: str = "",
    obj: models.Model | None = None,
    changes: dict | None = None,
    outcome: str = AuditRecord.Outcome.SUCCESS,
) -> AuditRecord:
    """Append one record to the audit trail. ``actor`` defaults to the request's user."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    address = client_address(request)
    entry = AuditRecord(
        at=timezone.now(),
        actor=actor,
        actor_name=actor.get_username() if actor else actor_name,
        # As the database will return it (an IPv6 address normalised), so that it hashes the same.
        address=_ADDRESS.get_prep_value(address) if address else None,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        outcome=outcome,
        changes=changes or {},
    )
    # Inside the caller's transaction, if any, with no savepoint of its own: a record that fails
    # to be written fails the change it records.
    with transaction.atomic(savepoint=False):
        lock_chain()
        entry.id, entry.previous_hash = _next_link()
        entry.hash = record_mac(entry)
        entry.save(force_insert=True)
    return entry


EXPORT_PREFIXES = ("export.", "download.")


def _filter_value(value):
    """A filter's value as the audit keeps it: a record by its code (else its key), a date in ISO
    form, text stripped; None for a filter left empty."""
    if isinstance(value, models.Model):
        return str(getattr(value, "code", None) or value.pk)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list | tuple | set | frozenset | models.QuerySet):
        return sorted(filter(None, map(_filter_value, value))) or None
    if value is False:
        return None  # an unticked box filters nothing
    return value


def filters_of(chosen: Mapping) -> dict:
    """The filters that chose an export's rows, normalised: the values a view applied (a form's
    cleaned data, the period it fell back to), sorted by name, the empty ones left out."""
    kept = {name: _filter_value(value) for name, value in chosen.items()}
    return {name: kept[name] for name in sorted(kept) if kept[name] is not None}


@dataclass(frozen=True)
class Export:
    """What the audit record of one export or download says about it before it is made: who
    asked (the request), what (``export.<table>`` or ``download.<kind>``, and the one object a
    single file is of), and which filters chose its rows. ``spreadsheets.exports`` writes the record
    once the file is complete, with its format and its row count (or size)."""

    action: str
    request: HttpRequest
    filters: Mapping = dataclasses.field(default_factory=dict)
    obj: models.Model | None = None

    def __post_init__(self):
        if not self.action.startswith(EXPORT_PREFIXES):
            raise ValueError(f"an export's action starts with export. or download.: {self.action}")

    def record(
        self,
        *,
        fmt: str,
        rows: int | None = None,
        size: int | None = None,
        outcome: str = AuditRecord.Outcome.SUCCESS,
    ) -> AuditRecord:
        """The one record of the export: one append to the chain."""
        changes: dict = {"format": fmt, "filters": filters_of(self.filters)}
        if rows is not None:
            changes["rows"] = rows
        if size is not None:
            changes["size"] = size
        return record(
            self.action, request=self.request, obj=self.obj, changes=changes, outcome=outcome
        )


@dataclass
class ChainBreak:
    record_id: int | None
    reason: str  # "link", "content", or "anchor" (an archive anchor, named by archive_id)
    archive_id: int | None = None

    def __str__(self) -> str:
        if self.reason == "anchor":
            return (
                f"Audit archive anchor {self.archive_id} does not match its MAC or follow the one "
                f"before it (forged or changed)."
            )
        return f"Audit chain broken at record {self.record_id} ({self.reason} does not match)."


def verify() -> ChainBreak | None:
    """The first archive anchor or record that does not match the chain, or None if all hold.
    The chain starts from the last archived record's hash, or from the genesis value."""
    anchor = None
    for archive in AuditArchive.objects.order_by("id"):
        if not hmac.compare_digest(archive.mac, archive_mac(archive)) or (
            anchor is not None and archive.up_to_id <= anchor.up_to_id
        ):
            return ChainBreak(None, "anchor", archive.id)
        anchor = archive
    expected_previous = anchor.last_hash if anchor else GENESIS
    floor = anchor.up_to_id if anchor else 0
    for entry in AuditRecord.objects.order_by("id").iterator(chunk_size=2000):
        if entry.previous_hash != expected_previous or entry.id <= floor:
            return ChainBreak(entry.id, "link")
        if not hmac.compare_digest(entry.hash, record_mac(entry)):
            return ChainBreak(entry.id, "content")
        expected_previous = entry.hash
    return None
