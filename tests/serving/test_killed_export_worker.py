"""A task worker killed (SIGKILL) in the middle of an export job: the second worker takes the job
over once the first one's heartbeat is stale, and the file is made once, its asker told once."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from targets.geography.loader import load_divisions
from targets.models import GeneratedFile, Notification, Role, State
from targets.plan.loader import load_plan
from targets.review import export_files
from targets.supervision.reporting_setup import setup_reporting
from tests.conftest import make_user
from tests.notes import saved_note
from tests.serving.conftest import REPO, database_url
from tests.serving.test_killed_worker import wait_until

pytestmark = pytest.mark.postgres


def start_worker(log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "WORKER_HEARTBEAT_SECONDS": "1",
        "WORKER_STALE_SECONDS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "manage.py", "run_worker", "--settings=tests.serving.slow_files"]
    command += ["--no-reload", "--no-startup-delay", "--interval=0.2"]
    with log.open("ab") as output:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=output)


def state_of(generated: GeneratedFile) -> str:
    return GeneratedFile.objects.get(pk=generated.pk).state


def test_a_worker_killed_mid_export_makes_the_file_once_and_tells_once(transactional_db, tmp_path):
    load_divisions()
    load_plan()
    setup_reporting()
    reviewer = make_user("province", Role.Kind.PROVINCIAL_REVIEWER)
    reporter = make_user("r510104")
    for measure in ("T1.1", "T1.2", "T1.3"):
        saved_note("510104", measure, State.SUBMITTED, author=reporter)
    generated, _new = export_files.request_export(user=reviewer, chosen={}, fmt="csv")
    [job] = DBTaskResult.objects.all()
    log = tmp_path / "worker.log"

    first = start_worker(log)
    try:
        wait_until(lambda: state_of(generated) == "running", "the export was claimed", first)
        first.send_signal(signal.SIGKILL)  # while its storage pauses, before the file is written
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    generated.refresh_from_db()
    assert generated.state == "running"  # left so by the killed worker
    assert not generated.file
    assert not Notification.objects.exists()
    time.sleep(0.5)
    job.refresh_from_db()
    assert job.status == TaskResultStatus.RUNNING

    second = start_worker(log)
    try:
        wait_until(lambda: state_of(generated) == "ready", "the file was made", second, 90)
        wait_until(
            lambda: DBTaskResult.objects.get(pk=job.pk).status == TaskResultStatus.SUCCESSFUL,
            "the job finished",
            second,
        )
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
    finally:
        if second.poll() is None:
            second.kill()
    generated.refresh_from_db()
    assert generated.attempts == 2  # claimed by the killed worker, then by the second
    assert GeneratedFile.objects.count() == 1
    [told] = Notification.objects.all()
    assert (told.recipient, told.kind, told.generated_file) == (
        reviewer,
        Notification.Kind.FILE_READY,
        generated,
    )
    folder = Path(generated.file.path).parent
    assert [p.name for p in folder.iterdir()] == [Path(generated.file.name).name]  # no part left
    lines = Path(generated.file.path).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + 3
    job.refresh_from_db()
    assert len(job.worker_ids) == 2
    assert "is gone: queued again" in log.read_text()
