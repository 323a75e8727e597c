"""A task worker killed (SIGKILL) in the middle of a job loses nothing and sends nothing twice:
real worker processes on the test database; the reminders' emails are counted in the files the
mail backend writes. The second worker hands the dead one's job back to the queue once its
heartbeat is stale, and sends the rest."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from targets.geography.loader import load_divisions
from targets.models import County, Notification, Period, Role, WorkerHeartbeat
from targets.plan.loader import load_plan
from targets.supervision.reminders import send_manual
from targets.supervision.reporting_setup import setup_reporting
from tests.conftest import make_user
from tests.serving.conftest import REPO, database_url

pytestmark = pytest.mark.postgres

COUNTIES = ["510104", "510105", "510106"]


def start_worker(mail_dir: Path, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        "MAIL_DIR": str(mail_dir),
        "WORKER_HEARTBEAT_SECONDS": "1",
        "WORKER_STALE_SECONDS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "manage.py", "run_worker", "--settings=tests.serving.slow_mail"]
    command += ["--no-reload", "--no-startup-delay", "--interval=0.2"]
    with log.open("ab") as output:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=output)


def wait_until(condition, what: str, worker: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker stopped (exit {worker.returncode}) before {what}")
        time.sleep(0.1)
    pytest.fail(f"not within {seconds} s: {what}")


def emails_to(mail_dir: Path) -> list[str]:
    return sorted(
        line.removeprefix("To: ")
        for written in mail_dir.iterdir()
        for line in written.read_text().splitlines()
        if line.startswith("To: ")
    )


def emailed() -> int:
    return Notification.objects.filter(emailed=True).count()


def test_a_worker_killed_mid_job_loses_no_email_and_sends_none_twice(transactional_db, tmp_path):
    load_divisions()
    load_plan()
    setup_reporting()
    reviewer = make_user("province", Role.Kind.PROVINCIAL_REVIEWER)
    addresses = []
    for code in COUNTIES:
        user = make_user(
            f"r{code}", Role.Kind.COUNTY_REPORTER, county=County.objects.get(code=code)
        )
        user.email = f"{code}@example.cn"
        user.save()
        addresses.append(user.email)
    sent = send_manual(
        sender=reviewer,
        period=Period.objects.get(code="2026Q3"),
        counties=list(County.objects.filter(code__in=COUNTIES)),
        message="请尽快报送。",
        today=Period.objects.get(code="2026Q3").deadline,
    )
    assert len(sent) == 3
    [job] = DBTaskResult.objects.all()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = tmp_path / "worker.log"

    first = start_worker(mail_dir, log)
    try:
        wait_until(lambda: emailed() == 1, "the first email went out", first)
        first.send_signal(signal.SIGKILL)  # pausing before the second message
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    job.refresh_from_db()
    assert job.status == TaskResultStatus.RUNNING  # left so by the killed worker
    assert len(emails_to(mail_dir)) == 1

    second = start_worker(mail_dir, log)
    try:
        wait_until(lambda: emailed() == 3, "every email went out", second)
        job.refresh_from_db()
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
    assert emails_to(mail_dir) == sorted(addresses), log.read_text()
    job.refresh_from_db()
    assert len(job.worker_ids) == 2  # run by the killed worker, then handed to the second
    assert "is gone: queued again" in log.read_text()
    # A worker that stops cleanly leaves the list; the killed one's heartbeat is stale.
    assert WorkerHeartbeat.objects.count() == 1
