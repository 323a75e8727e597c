"""The review queue's whole export made by the task worker (导出全部): the reviewer asks from the
queue's page with the filters on screen, the worker writes the file, and the reviewer is told in
the app and downloads it from their files until EXPORT_KEEP_HOURS have passed.

The job reads the reviewer's access when it runs, not when it was asked for: a reviewer whose role
was withdrawn meanwhile gets no file, and one whose counties changed gets those they review then.
It is written to be run twice (``jobs.files``): a file already made is not made again, and the
asker is told once."""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.tasks import task
from django.utils import timezone, translation

from plenum import replica
from targets.accounts.access import Access
from targets.audit.trail import filters_of
from targets.jobs import files
from targets.jobs.retries import retrying
from targets.models import GeneratedFile
from targets.review import queue_export
from targets.spreadsheets import exports

Kind = GeneratedFile.Kind
State = GeneratedFile.State
FILTERS = ("period", "prefecture", "county", "task_area", "integration", "status")
SWITCHES = ("flagged", "resubmitted")


def _ids(chosen: dict) -> dict[str, object]:
    """The filters as the job applies them: records by their id, the boxes ticked."""
    ids: dict[str, object] = {}
    for name in FILTERS:
        value = chosen.get(name)
        if isinstance(value, models.Model):
            ids[name] = value.pk
    for name in SWITCHES:
        if chosen.get(name):
            ids[name] = True
    return ids


def request_export(*, user: User, chosen: dict, fmt: str) -> tuple[GeneratedFile, bool]:
    """The export the reviewer asks for with the filters ``chosen`` (the queue's form, cleaned):
    the same one already on its way, else a new one queued; and whether it is new."""
    params = {"filters": filters_of(chosen), "ids": _ids(chosen)}
    waiting = GeneratedFile.objects.filter(
        kind=Kind.REVIEW_QUEUE,
        requested_by=user,
        fmt=fmt,
        params=params,
        state__in=[State.QUEUED, State.RUNNING],
    ).first()
    if waiting is not None:
        return waiting, False
    generated = GeneratedFile.objects.create(
        kind=Kind.REVIEW_QUEUE,
        requested_by=user,
        params=params,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        fmt=fmt,
    )
    make_export.enqueue(file_id=generated.pk)
    return generated, True


def file_name(generated: GeneratedFile) -> str:
    local = timezone.localtime(generated.requested_at)
    return f"review-{local:%Y%m%d-%H%M}.{generated.fmt}"


@task
@retrying(again=files.back_in_queue, given_up=files.failed)
def make_export(*, file_id: int) -> None:
    """The worker's job: the queue's items in the asker's counties, as the filters choose them."""
    generated = files.claim(file_id)
    if generated is None or generated.requested_by is None:
        return
    access = Access.of(generated.requested_by)
    if not access.reviews:  # no longer a reviewer: nothing to export, and no retry
        files.failed(file_id)
        return
    counties = access.reviewable_counties()
    filters = generated.params.get("ids", {})
    with translation.override(generated.language), replica.lagging():
        made = queue_export.table(counties, filters, timezone.localdate())
        files.write(
            generated,
            file_name(generated),
            lambda out: exports.write(made, generated.fmt, out),
        )
