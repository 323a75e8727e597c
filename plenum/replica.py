"""Reads that may lag go to a streaming replica (DATABASE_REPLICA_URL), everything else to the
primary.

The views whose figures may be a few seconds old (the dashboards, the briefing and the exports)
are wrapped in ``reads_may_lag`` (an export inside a view that must not lag, in ``lagging()``); while one runs, ReplicaRouter sends its reads to the replica,
except reads inside a transaction on the primary (the audit chain's next link, anything read to be
written) and the shared cache's table (its generations are written on the primary and must be read
back there). Writes always go to the primary. The replica is used only while it answers and is at
most DATABASE_REPLICA_MAX_LAG_SECONDS behind; each process checks that at most once every
DATABASE_REPLICA_CHECK_SECONDS (one query on each database), and a replica that fails in the middle
of a view has the view run again on the primary (these views only read, and are GET).

A page counted on the replica says so through ``as_of()``: its "数据截至" is the replica's replay
time, the moment up to which the replica holds everything the primary stored. Without
DATABASE_REPLICA_URL, nothing here does anything."""

import contextlib
import datetime
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
)
from django.utils import timezone

logger = logging.getLogger(__name__)

REPLICA = "replica"
# Models always read on the primary: the shared cache's table (written there, read back at once).
PRIMARY_ONLY_APPS = {"django_cache"}

# Whether the view being served may read lagging data; and whether it has read any on the replica.
_may_lag: ContextVar[bool] = ContextVar("reads_may_lag", default=False)
_used: ContextVar[bool] = ContextVar("read_on_the_replica", default=False)


@dataclass(frozen=True)
class _State:
    usable: bool
    # Up to when the replica holds everything the primary stored (None: not usable).
    replayed_to: datetime.datetime | None
    checked: float  # time.monotonic()


class _Seen:
    """What this process last found out about the replica."""

    lock = threading.Lock()
    state: _State | None = None
    reported_usable: bool | None = None


def configured() -> bool:
    return REPLICA in settings.DATABASES


def _check() -> _State:
    """Asks the primary how far its WAL goes and the replica how far it has replayed."""
    now = time.monotonic()
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            (primary_lsn,) = cursor.fetchone()
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), "
                "pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()), "
                "pg_last_xact_replay_timestamp(), now()",
                [primary_lsn],
            )
            in_recovery, behind_bytes, replayed_at, replica_now = cursor.fetchone()
    except DatabaseError as error:
        connections[REPLICA].close()
        _report(False, f"it does not answer ({error})")
        return _State(False, None, now)
    if not in_recovery or behind_bytes is None or behind_bytes <= 0:
        replayed_to = replica_now  # caught up (or a primary itself): it holds everything
    else:
        replayed_to = replayed_at
    limit = datetime.timedelta(seconds=settings.DATABASE_REPLICA_MAX_LAG_SECONDS)
    usable = replayed_to is not None and replica_now - replayed_to <= limit
    _report(usable, "it answers" if usable else f"it is more than {limit} behind")
    return _State(usable, replayed_to if usable else None, now)


def _report(usable: bool, why: str) -> None:
    """Logs when the replica starts or stops being used (not on every check)."""
    if usable != _Seen.reported_usable:
        _Seen.reported_usable = usable
        if usable:
            logger.info("Reads that may lag go to the read replica: %s", why)
        else:
            logger.warning("Reads that may lag go to the primary, not the read replica: %s", why)


def _current() -> _State:
    state = _Seen.state
    if state is None or time.monotonic() - state.checked >= settings.DATABASE_REPLICA_CHECK_SECONDS:
        with _Seen.lock:
            state = _Seen.state = _check()
    return state


def _mark_down(error: Exception) -> None:
    with _Seen.lock:
        _Seen.state = _State(False, None, time.monotonic())
        connections[REPLICA].close()
    _report(False, f"it failed during a request ({error})")


class ReplicaRouter:
    """The lagging views' reads to the replica while it is usable; all else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _may_lag.get() or not configured():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None  # read to be written, or beside what this transaction wrote
        if not _current().usable:
            return None
        _used.set(True)
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


def reads_may_lag[**P, R](view: Callable[P, R]) -> Callable[P, R]:
    """Marks a view that only reads and whose figures may be a few seconds old: its reads go to
    the replica where one is usable. Should the replica fail during the view, the view runs again
    on the primary."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not configured():
            return view(*args, **kwargs)
        lag, used = _may_lag.set(True), _used.set(False)
        try:
            try:
                return view(*args, **kwargs)
            except (OperationalError, InterfaceError) as error:
                if not _used.get():
                    raise
                _mark_down(error)
            _may_lag.set(False)
            return view(*args, **kwargs)
        finally:
            _may_lag.reset(lag)
            _used.reset(used)

    return wrapper


@contextlib.contextmanager
def lagging() -> Iterator[None]:
    """The reads of this block may lag (an export within a view that must not: the review
    queue's). Unlike ``reads_may_lag``, a replica failing inside it fails the request."""
    token = _may_lag.set(True)
    try:
        yield
    finally:
        _may_lag.reset(token)


def as_of() -> datetime.datetime:
    """When the figures of the page being made were true: the replica's replay time where the
    view reads there, else now."""
    if _may_lag.get() and configured():
        state = _current()
        if state.usable and state.replayed_to is not None:
            return min(state.replayed_to, timezone.now())
    return timezone.now()
