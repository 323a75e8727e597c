"""Each worker process beats every WORKER_HEARTBEAT_SECONDS (a row of WorkerHeartbeat), from a
thread of its own so that a long job does not stop it; on each beat it also hands the jobs of
workers no longer seen back to the queue."""

import datetime
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from targets.jobs import recovery
from targets.models import WorkerHeartbeat

log = logging.getLogger(__name__)


def beat(worker_id: str, started_at: datetime.datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": timezone.now(),
        },
    )


def last_seen() -> datetime.datetime | None:
    """When a worker was last seen alive, any worker."""
    return WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()


def worker_alive() -> bool:
    seen = last_seen()
    limit = datetime.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    return seen is not None and timezone.now() - seen <= limit


class Heart:
    """Beats from a daemon thread until ``stop``, which takes the worker off the list."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopped = threading.Event()
        threading.Thread(target=self._run, name="worker-heartbeat", daemon=True).start()

    def _run(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                beat(self.worker_id, self.started_at)
                recovery.requeue_abandoned()
            except DatabaseError:
                log.exception("the worker's heartbeat could not be written")
            self.stopped.wait(settings.WORKER_HEARTBEAT_SECONDS)
        connection.close()

    def stop(self) -> None:
        self.stopped.set()
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
