"""The rounds' bulk data files, made by the task worker: asked for by a provincial reviewer or the
system admin, or queued by ``make_bulk_data`` on a schedule. One record per round: asked for
again, the round's file is made again in place, and the same data gives the same bytes (its
sha256 says whether anything changed)."""

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.tasks import task
from django.utils import translation

from targets.bulk_data import archive
from targets.jobs import files
from targets.jobs.retries import retrying
from targets.models import GeneratedFile, Period
from targets.supervision.periods import in_cadence

Kind = GeneratedFile.Kind
State = GeneratedFile.State
LANGUAGE = "zh-hans"  # the data file is the same for everyone: its round named in Chinese


def closed_rounds(today: datetime.date) -> QuerySet[Period]:
    """The rounds whose deadline has passed, latest first: those that have a bulk data file."""
    return in_cadence().filter(deadline__lt=today).order_by("-starts_on")


def by_round(periods: list[Period]) -> dict[int, GeneratedFile]:
    """The rounds' files, by round."""
    found = GeneratedFile.objects.filter(kind=Kind.BULK_DATA, period__in=periods)
    return {f.period_id: f for f in found.select_related("requested_by") if f.period_id}


def file_name(period: Period) -> str:
    return f"data-{period.code}.zip"


def request_file(*, period: Period, user: User | None) -> tuple[GeneratedFile, bool]:
    """The round's file queued to be made (again, if it was made before); and whether it was
    queued now (not while it is already on its way)."""
    with transaction.atomic():
        generated, new = GeneratedFile.objects.select_for_update().get_or_create(
            kind=Kind.BULK_DATA,
            period=period,
            defaults={"requested_by": user, "fmt": "zip", "language": LANGUAGE},
        )
        if not new:
            if generated.pending:
                return generated, False
            generated.state = State.QUEUED
            generated.requested_by = user
            generated.save(update_fields=["state", "requested_by"])
        make_file.enqueue(file_id=generated.pk)  # the queue is a table: it commits with it
    return generated, True


def queue_missing(today: datetime.date) -> list[Period]:
    """The schedule's run: the closed rounds that have no file yet, queued; which."""
    made = GeneratedFile.objects.filter(kind=Kind.BULK_DATA).values("period")
    missing = list(closed_rounds(today).exclude(pk__in=made))
    for period in missing:
        request_file(period=period, user=None)
    return missing


@task
@retrying(again=files.back_in_queue, given_up=files.failed)
def make_file(*, file_id: int) -> None:
    """The worker's job: the round's zip (nothing, if it is already made)."""
    generated = files.claim(file_id)
    if generated is None or generated.period is None:
        return
    period = generated.period
    generated.params = {"holds_demo": archive.holds_demo(period)}  # for the page's 演示 label
    with translation.override(LANGUAGE):
        files.write(generated, file_name(period), lambda out: archive.write(period, out))
