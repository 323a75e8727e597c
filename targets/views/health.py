import os
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from targets.caching import shared_pages
from targets.jobs import heartbeat


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """What the app needs, each "up" or "down": the database, the shared cache, the media storage
    (writable) and, where the deployment runs one (WORKER_EXPECTED), the task worker (seen within
    WORKER_STALE_SECONDS). 200 when all are up, else 503, for monitors and load balancers. Cheap:
    a query or two, a PING where the cache is Redis, and a permission check, no writes: the load
    benchmark uses it as the minimal view."""
    database = _database_answers()
    # A cache that is a table of the database answers when the database does.
    cache = database if shared_pages.in_the_database() else shared_pages.answers()
    parts = {"database": database, "cache": cache, "media": _media_writable()}
    if settings.WORKER_EXPECTED:
        parts["worker"] = database and _worker_seen()
    body = {"status": "ok" if all(parts.values()) else "unavailable"} | {
        name: "up" if up else "down" for name, up in parts.items()
    }
    return JsonResponse(body, status=200 if all(parts.values()) else 503)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def _worker_seen() -> bool:
    try:
        return heartbeat.worker_alive()
    except DatabaseError:
        return False


def _media_writable() -> bool:
    """Whether the app may write evidence files under MEDIA_ROOT: the folder, or the nearest
    folder above it that exists (the first upload creates it), is writable by this process (on a
    read-only file system it is not)."""
    folder = Path(settings.MEDIA_ROOT)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)
