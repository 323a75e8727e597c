"""The task worker, in the test's own process and transaction: django-tasks-db's worker runs the
queued jobs (those due now) as the real worker would, then stops. (Between jobs the real worker
closes its connection when it is old, which here would end the test's transaction.)"""

from unittest import mock

from django.core.management import call_command
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def run_jobs(*, failures_allowed: bool = False) -> list[DBTaskResult]:
    """Run every job due, and those they queue that are due at once; the runs, oldest first."""
    before = set(DBTaskResult.objects.finished().values_list("pk", flat=True))
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", return_value=None
    ):
        call_command(
            "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval=0", verbosity=0
        )
    runs = list(DBTaskResult.objects.finished().exclude(pk__in=before).order_by("finished_at"))
    if not failures_allowed:
        failed = [run for run in runs if run.status == TaskResultStatus.FAILED]
        assert not failed, failed[0].traceback
    return runs
