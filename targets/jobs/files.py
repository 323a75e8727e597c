"""The files the worker writes for users: each job claims its GeneratedFile, writes the file under
MEDIA_ROOT/generated/ (to a temporary name, then renamed, so that a file is either whole or not
there), and records its size and sha256. A job run again after its worker was killed finds a file
already made and does nothing; one killed halfway starts the file afresh. An export's asker is
told in the app, in the transaction that marks the file ready: once, however often the job runs."""

import datetime
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from targets.models import EXPORT_KINDS, GeneratedFile, Notification

State = GeneratedFile.State


def claim(file_id: int) -> GeneratedFile | None:
    """The file to make, marked running; None when it is already made (or no longer asked for)."""
    with transaction.atomic():
        found = GeneratedFile.objects.select_for_update().filter(pk=file_id).first()
        if found is None or found.state == State.READY:
            return None
        found.state = State.RUNNING
        found.attempts += 1
        found.save(update_fields=["state", "attempts"])
    return found


def write(generated: GeneratedFile, name: str, fill: Callable[[BinaryIO], int | None]) -> None:
    """Write the file (``fill`` writes into the open file and may return its rows) and mark it
    ready, with its size, its sha256 and, for an export, when it expires."""
    relative = f"generated/{generated.kind}/{generated.pk}/{name}"
    target = Path(default_storage.path(relative))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    with partial.open("wb") as out:
        rows = fill(out)
    digest = hashlib.sha256()
    with partial.open("rb") as written:
        for block in iter(lambda: written.read(1 << 20), b""):
            digest.update(block)
    os.replace(partial, target)
    generated.file.name = relative
    generated.size = target.stat().st_size
    generated.sha256 = digest.hexdigest()
    generated.rows = rows
    generated.state = State.READY
    generated.finished_at = timezone.now()
    with transaction.atomic():
        if generated.kind in EXPORT_KINDS:
            generated.expires_at = generated.finished_at + datetime.timedelta(
                hours=settings.EXPORT_KEEP_HOURS
            )
            _tell_owner(generated)
        generated.save()


def _tell_owner(generated: GeneratedFile) -> None:
    """The asker's notification that the file is ready (one per file: a unique constraint)."""
    if generated.requested_by_id is None:
        return
    Notification.objects.get_or_create(
        generated_file=generated,
        defaults={
            "recipient_id": generated.requested_by_id,
            "kind": Notification.Kind.FILE_READY,
            "period": generated.period,
            "sent_on": timezone.localdate(),
        },
    )


def failed(file_id: int) -> None:
    """The file was not made and will not be tried again."""
    GeneratedFile.objects.filter(pk=file_id).exclude(state=State.READY).update(state=State.FAILED)


def back_in_queue(file_id: int) -> None:
    """The file's job failed and is tried again later."""
    GeneratedFile.objects.filter(pk=file_id, state=State.RUNNING).update(state=State.QUEUED)


def remove_expired(now: datetime.datetime) -> int:
    """Delete the files of the exports past their time; their rows stay, marked expired, so that
    the asker's list and notification say what became of them. How many were removed."""
    expired = GeneratedFile.objects.filter(expires_at__lte=now, state=State.READY)
    count = 0
    for generated in expired.iterator():
        if generated.file:
            generated.file.delete(save=False)
        generated.state = State.EXPIRED
        generated.save(update_fields=["file", "state"])
        count += 1
    return count
