"""The shared page cache: parts of the dashboards and the late view, rendered once for everyone
who would see the same thing and kept for DASHBOARD_CACHE_SECONDS in the cache that every app
process and server shares (a table of the database by default).

What is kept belongs to a generation. Receivers (targets/caching/receivers.py) start a new one
when the domain announces a change that these pages must show at once: a review, a reminder, a
change to the plan, the divisions, the periods or the rules. What counties send (drafts,
submissions, values) reaches the pages when what was kept expires; each page says when its
figures were counted. This module reads nothing of the domain: a page is kept under its own
parts, the language and the day."""

import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from targets.caching.backends import ResilientRedisCache

CACHE = "shared"
GENERATION_KEY = "shared-pages:generation"
# Present while a change is still reaching every app process: nothing is kept meanwhile.
SETTLING_KEY = "shared-pages:settling"


def _cache() -> BaseCache:
    return caches[CACHE]


def in_the_database() -> bool:
    """Whether the shared cache is a table of the database (then it answers when the database does)."""
    return isinstance(_cache(), DatabaseCache)


def answers() -> bool:
    """Whether the shared cache answers now (for /healthz): Redis a PING, another backend a read."""
    cache = _cache()
    if isinstance(cache, ResilientRedisCache):
        return cache.reachable()
    try:
        cache.get(GENERATION_KEY)
    except (DatabaseError, OSError):
        return False
    return True


def start_new_generation(*, settling_seconds: int = 0) -> None:
    """Every part kept so far is rendered again when next asked for. Started now, which the rest
    of this transaction sees (the cache is a table of the same database), and again at its commit,
    which everyone sees: a part another request renders in between, from what was committed
    before, is then not kept as the new generation's. For ``settling_seconds`` after the commit
    nothing is kept, for a change that reaches each app process only within that time."""

    def start() -> None:
        _cache().set(GENERATION_KEY, uuid.uuid4().hex, None)
        if settling_seconds:
            _cache().set(SETTLING_KEY, True, settling_seconds)

    start()
    transaction.on_commit(start)


def _key(*parts: str) -> str:
    seen_as = (
        translation.get_language(),
        timezone.localdate().isoformat(),  # the warning lights turn with the day
    )
    return "shared-pages:" + hashlib.sha256("\x1f".join(parts + seen_as).encode()).hexdigest()


def _kept_or_rendered[T](key: str, render: Callable[[], T]) -> T:
    """What is kept under ``key`` in the current generation (one query), or ``render()``, kept."""
    found = _cache().get_many([GENERATION_KEY, SETTLING_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = _cache().get_or_set(GENERATION_KEY, lambda: uuid.uuid4().hex, None)
    if key in found and found[key][0] == generation:
        return found[key][1]
    html = render()
    if SETTLING_KEY not in found:
        _cache().set(key, (generation, html), settings.DASHBOARD_CACHE_SECONDS)
    return html


def page_part(
    request: HttpRequest,
    template: str,
    audience: tuple,
    context: Callable[[], dict],
    filters: Iterable[str],
) -> SafeString:
    """``template`` (a page's partial) rendered with ``context()``, or as kept from an earlier
    request of the same generation, with the same query, by a user who sees the same counties
    (``audience``). A query with a parameter other than the page's ``filters`` is rendered but
    not kept (known_query)."""
    if not settings.DASHBOARD_CACHE_SECONDS or not known_query(request, filters):
        return render_to_string(template, context(), request)
    key = _key(template, request.path, request.GET.urlencode(), repr(audience))
    return _kept_or_rendered(key, lambda: render_to_string(template, context(), request))


def known_query(request: HttpRequest, names: Iterable[str]) -> bool:
    """Whether the query holds only these parameters: made-up ones must not fill the cache."""
    return set(request.GET) <= set(names)


def fragment_named_by(parts: Iterable[str], render: Callable[[], SafeString]) -> SafeString:
    """``render()``, or its HTML as kept from an earlier request of the same generation whose
    ``parts`` were the same. Beside the language and the day, the parts must name whatever the
    HTML shows that no change announced to the receivers alters, except what may show within
    DASHBOARD_CACHE_SECONDS (a renamed account), and nothing that differs between users, such as
    a CSRF token."""
    if not settings.DASHBOARD_CACHE_SECONDS:
        return render()
    return _kept_or_rendered(_key(*parts), render)


def figures_named_by[T](parts: Iterable[str], count: Callable[[], T]) -> T:
    """``count()`` (figures that several pages show, such as a round's county lights), or its
    result as kept from an earlier request of the same generation whose ``parts`` were the same;
    the parts as for fragment_named_by. The result must pickle."""
    if not settings.DASHBOARD_CACHE_SECONDS:
        return count()
    return _kept_or_rendered(_key("figures", *parts), count)


def audience_of(access) -> tuple[Any, ...]:
    """Who sees the same dashboards: the counties visible, the measures (a provincial
    department's own), and whether the user reviews (the pages then link to the review tools)."""
    if access.sees_whole_province:
        measures = None if access.measure_ids is None else sorted(access.measure_ids)
        return ("province", access.reviews, measures)
    return (sorted(access.county_ids), sorted(access.prefecture_ids), access.reviews)
