import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from targets.jobs import heartbeat, recovery


class Command(db_worker.Command):
    help = (
        "Run the background worker (briefing PDFs, exports, reminders' emails): django-tasks-db's "
        "db_worker, with a heartbeat that /healthz reads and that hands the jobs of a worker no "
        "longer seen (killed mid-job) back to the queue. Stops cleanly on SIGTERM or Ctrl+C, "
        "after the job in hand."
    )

    def handle(self, *args, **options) -> None:
        # With --reload (the default under DEBUG) the first process only watches the code and
        # restarts the second, which runs the jobs: that one beats.
        reloading = options["reload"] and not options["batch"]
        if reloading and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            super().handle(*args, **options)
            return
        recovery.requeue_abandoned()
        heart = heartbeat.Heart(options["worker_id"])
        try:
            super().handle(*args, **options)
        finally:
            heart.stop()
