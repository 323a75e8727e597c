"""Redis as the shared cache (REDIS_URL), such that a Redis that is down costs speed, not pages.

Django's RedisCache raises when Redis does not answer, and every page that reads the shared cache
would answer 500. Here a failed call is logged and answered as a miss (a read) or dropped (a
write): the page is counted afresh, as with DASHBOARD_CACHE_SECONDS=0. After a failure the process
leaves Redis alone for BYPASS_SECONDS, so that a Redis that hangs rather than refuses does not add
its timeout to every request; then it tries again, and logs when Redis answers again. Back, it
first drops what it kept before the outage: writes that would have replaced it were lost.

``clear()`` removes this cache's keys only (those under its KEY_PREFIX), never the whole Redis
database, which other programs (or another installation) may share."""

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long a process serves pages without the shared cache after Redis failed to answer.
BYPASS_SECONDS = 5.0

_lock = threading.Lock()
# The monotonic time until which each Redis location is left alone, per process.
_bypassed_until: dict[str, float] = {}


class ResilientRedisCache(RedisCache):
    """RedisCache whose calls, when Redis is unreachable, log and fall back instead of raising."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._location = server

    def _bypassed(self) -> bool:
        until = _bypassed_until.get(self._location)
        return until is not None and time.monotonic() < until

    def _failed(self, error: RedisError) -> None:
        with _lock:
            _bypassed_until[self._location] = time.monotonic() + BYPASS_SECONDS
        logger.warning(
            "The shared cache (Redis) does not answer: pages are counted afresh without it for "
            "the next %s s (%s: %s)",
            BYPASS_SECONDS,
            type(error).__name__,
            error,
        )

    def _guarded[T](self, call: Callable[[], T], fallback: T) -> T:
        if self._bypassed():
            return fallback
        try:
            if self._location in _bypassed_until:
                # Back after an outage. What this process meant to write meanwhile (a new
                # generation of the pages, say) was dropped, and a Redis that only stopped
                # answering still holds what it kept before: all of it goes.
                self._delete_own_keys()
                with _lock:
                    _bypassed_until.pop(self._location, None)
                logger.warning(
                    "The shared cache (Redis) answers again; what it kept before was dropped"
                )
            return call()
        except RedisError as error:
            self._failed(error)
            return fallback

    def _delete_own_keys(self) -> bool:
        client = self._cache.get_client(write=True)
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*"
        for batch in _batches(client.scan_iter(match=pattern, count=500), 500):
            client.delete(*batch)
        return True

    def reachable(self) -> bool:
        """Whether Redis answers a PING now (for /healthz; not bypassed, not logged)."""
        try:
            return bool(self._cache.get_client().ping())
        except RedisError:
            return False

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).get(key, default, version), default
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._guarded(
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._guarded(lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._guarded(lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._guarded(lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._guarded(lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> Any:
        return self._guarded(self._delete_own_keys, False)


def _batches(items: Any, size: int) -> Any:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
