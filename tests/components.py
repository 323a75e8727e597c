"""What some tests need beyond Python and the project's packages, each named by a marker (declared
in pyproject.toml). Where a component is missing, tests/conftest.py skips its tests with the reason,
so that the suite passes on any machine; in CI (``CI=true``), which runs every test, it fails them.
"""

import functools
import os
import shutil
import uuid
from pathlib import Path

import redis
from django.db import connection

# Debian's Chromium, or the browser that CHROMIUM names.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


def nginx() -> str | None:
    """nginx from PATH, else Debian's (/usr/sbin is not on every user's PATH), or None."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


# The Redis the shared-cache tests use (each test under keys of its own): REDIS_URL, else the one
# that CI starts on this machine.
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@functools.cache
def redis_answers() -> bool:
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False


def postgres_programs() -> Path | None:
    """The folder of PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup), to start
    clusters of a test's own: POSTGRES_BIN, else initdb's on PATH, else Debian's newest."""
    if os.environ.get("POSTGRES_BIN"):
        return Path(os.environ["POSTGRES_BIN"])
    if initdb := shutil.which("initdb"):
        return Path(initdb).resolve().parent
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


def redis_cache(location: str) -> dict[str, object]:
    """A shared-cache setting for the Redis at ``location``, under a key prefix of its own, so that
    tests in parallel and other users of the same Redis never see each other's keys."""
    return {
        "BACKEND": "targets.caching.backends.ResilientRedisCache",
        "LOCATION": location,
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


def missing(marker: str) -> str | None:
    """Why the component that the marker names is missing here; None if it is present or the
    marker names no component."""
    match marker:
        case "postgres" if connection.vendor != "postgresql":
            return f"needs PostgreSQL; the tests run on {connection.vendor} (see DATABASE_URL)"
        case "chromium" if not os.access(CHROMIUM, os.X_OK):
            return (
                f"needs Chromium; {CHROMIUM} is missing (apt-get install chromium, or set CHROMIUM)"
            )
        case "nginx" if nginx() is None:
            return "needs nginx, which is not installed (apt-get install nginx)"
        case "java" if shutil.which("java") is None:
            return "needs Java, which is not installed (apt-get install default-jre-headless)"
        case "openssl" if shutil.which("openssl") is None:
            return "needs openssl, which is not installed (apt-get install openssl)"
        case "postgres_server" if postgres_programs() is None:
            return (
                "needs PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup; apt-get "
                "install postgresql, or set POSTGRES_BIN)"
            )
        case "redis_server" if shutil.which("redis-server") is None:
            return "needs redis-server, which is not installed (apt-get install redis-server)"
        case "redis" if not redis_answers():
            return (
                f"needs Redis; none answers at {REDIS_URL} (apt-get install redis-server, or set "
                "REDIS_URL)"
            )
    return None


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"true", "1"}
