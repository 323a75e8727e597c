"""A worker killed in the middle of a job (SIGKILL, a machine lost) leaves the job marked running
for ever. Its heartbeat stops: once it has not been seen for WORKER_STALE_SECONDS, its running
jobs go back to the queue and another worker (or the same one restarted) runs them again. The
jobs are written for that: each finds what it had already done and does only the rest."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from targets.models import WorkerHeartbeat

log = logging.getLogger(__name__)


def requeue_abandoned() -> int:
    """Put the running jobs of workers not seen lately back in the queue; how many."""
    fresh_since = timezone.now() - datetime.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=fresh_since).values_list("worker_id", flat=True)
    )
    requeued = 0
    with transaction.atomic():
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True)
        for job in running:
            # The worker that claimed it last is the one running it.
            if job.worker_ids and job.worker_ids[-1] in alive:
                continue
            log.warning(
                "job %s (%s) was running on worker %s, which is gone: queued again",
                job.id,
                job.task_path,
                job.worker_ids[-1] if job.worker_ids else "?",
            )
            job.status = TaskResultStatus.READY
            job.started_at = None
            job.save(update_fields=["status", "started_at"])
            requeued += 1
    return requeued
