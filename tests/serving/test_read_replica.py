"""A real streaming replica: a primary cluster of the test's own (the tests' data copied into it),
a replica made from it with pg_basebackup, and app servers reading from both. The dashboards read
on the replica while what is saved (an export's audit record) goes to the primary; a replica too
far behind, or stopped, leaves those reads to the primary; a page counted on the replica says
"数据截至" its replay time."""

import contextlib
import datetime
import io
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from django.db import connection
from django.utils import formats, timezone, translation

from targets.demo.seed import seed_demo
from targets.geography.loader import load_divisions
from targets.plan.loader import load_plan
from targets.supervision.reporting_setup import setup_reporting
from tests import components
from tests.serving.conftest import AppServer, free_port
from tests.serving.test_two_app_servers import Browser

pytestmark = [pytest.mark.postgres, pytest.mark.postgres_server]

CHENGDU = "/province/?prefecture=510100"
RENAMED = "青羊区(更名测试)"
AS_OF = re.compile(r'class="as-of muted">[^<]*?数据截至 ([^<·]+?)\s*(?:·|<)')


class Cluster:
    """A PostgreSQL cluster in a folder of its own, on a port of its own, run by the postgres
    user (PostgreSQL refuses to run as root)."""

    def __init__(self, programs: Path, folder: Path, port: int) -> None:
        self.programs, self.folder, self.port = programs, folder, port
        self.sockets = folder.parent

    def run(self, program: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*as_postgres, str(self.programs / program), *args],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
            **kwargs,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1"
        log = str(self.folder.parent / f"{self.folder.name}.log")
        self.run("pg_ctl", "-D", str(self.folder), "-o", options, "-l", log, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.folder), "-m", mode, "-w", "stop")

    def sql(self, query: str, database: str = "tracker") -> str:
        return self.run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-Atqc",
            query,
        ).stdout.strip()

    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/tracker"


@pytest.fixture
def primary_and_replica(transactional_db) -> Iterator[tuple[Cluster, Cluster]]:
    """The tests' data (committed) copied into a primary of the test's own, and a streaming
    replica of it."""
    load_divisions()
    load_plan()
    setup_reporting()
    seed_demo(reports=False)
    programs = components.postgres_programs()
    base = Path(tempfile.mkdtemp(prefix="plenum-replica-"))
    if os.geteuid() == 0:
        postgres = pwd.getpwnam("postgres")
        os.chown(base, postgres.pw_uid, postgres.pw_gid)
    primary = Cluster(programs, base / "primary", free_port())
    replica = Cluster(programs, base / "replica", free_port())
    started: list[Cluster] = []
    try:
        primary.run(
            "initdb",
            "-D",
            str(primary.folder),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        with (primary.folder / "postgresql.conf").open("a") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 4\nfsync = off\n")
        primary.start()
        started.append(primary)
        primary.sql("CREATE DATABASE tracker", database="postgres")
        s = connection.settings_dict
        dump = primary.run(
            "pg_dump",
            "-h",
            s["HOST"] or "127.0.0.1",
            "-p",
            str(s["PORT"] or 5432),
            "-U",
            s["USER"],
            "--no-owner",
            "--no-privileges",
            s["NAME"],
        ).stdout
        primary.run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-d",
            "tracker",
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            input=dump,
        )
        primary.run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(replica.folder),
            "-X",
            "stream",
            "-R",
            "-c",
            "fast",
        )
        replica.start()
        started.append(replica)
        assert replica.sql("SELECT pg_is_in_recovery()") == "t"
        yield primary, replica
    finally:
        for cluster in reversed(started):
            with contextlib.suppress(subprocess.CalledProcessError):  # stopped by the test
                cluster.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


def app_server(
    tmp_path: Path, name: str, primary: Cluster, replica: Cluster, max_lag: int, check: int = 0
):
    media = tmp_path / "media"
    media.mkdir(exist_ok=True)
    return AppServer(
        media,
        tmp_path / f"{name}.log",
        DATABASE_URL=primary.url(),
        DATABASE_REPLICA_URL=replica.url(),
        DATABASE_REPLICA_MAX_LAG_SECONDS=str(max_lag),
        DATABASE_REPLICA_CHECK_SECONDS=str(check),  # 0: checked on every request
        DASHBOARD_CACHE_SECONDS="0",  # counted afresh: what the page shows is what was read
    )


def replayed_at(replica: Cluster) -> str:
    """The replica's replay time as the page shows it."""
    epoch = float(replica.sql("SELECT extract(epoch FROM pg_last_xact_replay_timestamp())"))
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.UTC)
    with translation.override("zh-hans"):
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def wait_until(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds} s")
        time.sleep(0.2)


def test_dashboards_read_on_the_replica_while_saves_go_to_the_primary(
    primary_and_replica, tmp_path
):
    primary, replica = primary_and_replica
    patient = app_server(tmp_path, "patient", primary, replica, max_lag=3600)
    strict = app_server(tmp_path, "strict", primary, replica, max_lag=0)
    # Checks the replica once an hour: it learns that the replica stopped from a failed read.
    trusting = app_server(tmp_path, "trusting", primary, replica, max_lag=3600, check=3600)
    try:
        browser = Browser()
        browser.sign_in(patient.url, "province")  # the session is the primary's: both know it
        _status, _url, page = browser.get(patient.url + CHENGDU)
        assert "青羊区" in page.decode()

        replica.sql("SELECT pg_wal_replay_pause()")
        wait_until(lambda: replica.sql("SELECT pg_get_wal_replay_pause_state()") == "paused")
        primary.sql(f"UPDATE targets_county SET name = '{RENAMED}' WHERE code = '510105'")  # noqa: S608

        # The patient server reads on the replica, which has not replayed the change: the page
        # shows the former name, as of the replica's replay time.
        status, _url, page = browser.get(patient.url + CHENGDU)
        text = page.decode()
        assert status == 200
        assert RENAMED not in text
        assert "青羊区" in text
        assert AS_OF.search(text).group(1).strip() == replayed_at(replica)

        # Its export reads there too, and its audit record is saved on the primary.
        exports_before = int(
            primary.sql("SELECT count(*) FROM targets_auditrecord WHERE action LIKE 'export.%'")
        )
        status, _url, workbook = browser.get(patient.url + CHENGDU + "&export=xlsx")
        assert status == 200
        cells = [
            str(cell)
            for row in openpyxl.load_workbook(io.BytesIO(workbook)).active.iter_rows(
                values_only=True
            )
            for cell in row
        ]
        assert "青羊区" in cells
        assert RENAMED not in cells
        assert (
            int(
                primary.sql("SELECT count(*) FROM targets_auditrecord WHERE action LIKE 'export.%'")
            )
            == exports_before + 1
        )
        assert replica.sql(
            "SELECT count(*) FROM targets_auditrecord WHERE action LIKE 'export.%'"
        ) == str(exports_before), "the replica, paused, has not seen the record"

        # The strict server allows no lag: the replica is behind, so it reads on the primary.
        _status, _url, page = browser.get(strict.url + CHENGDU)
        assert RENAMED in page.decode()

        # Replayed again, the replica catches up and the patient server shows the change.
        replica.sql("SELECT pg_wal_replay_resume()")
        wait_until(lambda: RENAMED in browser.get(patient.url + CHENGDU)[2].decode())
        assert RENAMED in browser.get(trusting.url + CHENGDU)[2].decode(), "read on the replica"

        # The replica stopped: the dashboards read on the primary, without an error, whether the
        # server finds out by its check or by a read that fails (the page is then made again).
        replica.stop("immediate")
        for server, why in ((patient, "it does not answer"), (trusting, "it failed during")):
            status, _url, page = browser.get(server.url + CHENGDU)
            assert status == 200
            assert RENAMED in page.decode()
            assert "Reads that may lag go to the primary, not the read replica: " + why in (
                server.log.read_text()
            )
    finally:
        for server in (patient, strict, trusting):
            server.stop()
