"""What some tests need beyond Python and the project's packages, each named by a marker (declared
in pyproject.toml). Where a component is missing, tests/conftest.py skips its tests with the reason,
so that the suite passes on any machine; in CI (``CI=true``), which runs every test, it fails them.
"""

import os
import shutil
from pathlib import Path

from django.db import connection

# Debian's Chromium, or the browser that CHROMIUM names.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


def nginx() -> str | None:
    """nginx from PATH, else Debian's (/usr/sbin is not on every user's PATH), or None."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


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
    return None


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"true", "1"}
