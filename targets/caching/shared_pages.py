"""The dashboards' pages, and the late view's table, rendered once for everyone who would see the
same thing, and kept for DASHBOARD_CACHE_SECONDS in the cache shared by every app process and
server (a table of the database by default).

What counties send (drafts, submissions, values) reaches these pages within those seconds; each
says when its figures were counted. Everything else that changes what they show, a review, a
reminder or a change to the plan, the periods or the divisions, starts a new generation at once,
so that a reviewer sees their own approval on the next page they open; a change to the
supervision rules reaches every process within 30 seconds (supervision_rules), and the pages
with it. Fragments keyed by what they show are kept the same way (``fragment``): the review
queue's list, by the submitted items on the page."""

import hashlib
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from targets.models import (
    BottomLine,
    BoundaryMap,
    Clause,
    County,
    CountyType,
    Goal,
    Indicator,
    IndicatorTarget,
    Integration,
    Measure,
    Period,
    PeriodReopening,
    Plan,
    Prefecture,
    Region,
    StatusOption,
    SupervisionRules,
    TaskArea,
)
from targets.supervision import rulebook

CACHE = "shared"
GENERATION_KEY = "dashboards:generation"
# The records behind what the dashboards show, other than notes and values: the plan, the
# divisions, the periods and the rules. Notes and values start a new generation when they are
# reviewed (workflow.review); the county's own saves reach the dashboards by expiry, or nothing
# would stay kept while a round is being filled in.
SHOWN = [
    Plan,
    Clause,
    Goal,
    TaskArea,
    Integration,
    Measure,
    BottomLine,
    Indicator,
    IndicatorTarget,
    Region,
    Prefecture,
    CountyType,
    County,
    BoundaryMap,
    Period,
    PeriodReopening,
    StatusOption,
    SupervisionRules,
]


def _cache():
    return caches[CACHE]


def _generation() -> str:
    return _cache().get_or_set(GENERATION_KEY, lambda: uuid.uuid4().hex, None)


def changed() -> None:
    """Start a new generation: every page kept so far is recounted when next asked for. Once now,
    which the rest of this transaction sees (the cache is a table of the same database), and again
    at its commit, which everyone sees: a page another request renders in between, from what was
    committed before, is then not kept as the new generation's."""

    def start() -> None:
        _cache().set(GENERATION_KEY, uuid.uuid4().hex, None)

    start()
    transaction.on_commit(start)


def _seen_as() -> tuple[str, ...]:
    """What every kept page or fragment is kept under besides its own parts."""
    return (
        translation.get_language(),
        timezone.localdate().isoformat(),  # the warning lights turn with the day
        # Each process holds the rules for up to 30 s: a page is kept under the rules it used.
        repr(rulebook.current()),
    )


def _key(*parts: str) -> str:
    joined = "\x1f".join(parts + _seen_as())
    return "dashboards:" + hashlib.sha256(joined.encode()).hexdigest()


def _shared(key: str, render: Callable[[], str]) -> SafeString:
    """``render()``, or the HTML kept under ``key`` in the same generation (one query)."""
    found = _cache().get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY) or _generation()
    if key in found and found[key][0] == generation:
        return mark_safe(found[key][1])
    html = render()
    _cache().set(key, (generation, str(html)), settings.DASHBOARD_CACHE_SECONDS)
    return mark_safe(html)


def rendered(
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
    return _shared(key, lambda: render_to_string(template, context(), request))


def known_query(request: HttpRequest, names: Iterable[str]) -> bool:
    """Whether the query holds only these parameters: made-up ones must not fill the cache."""
    return set(request.GET) <= set(names)


def fragment(parts: Iterable[str], render: Callable[[], str]) -> SafeString:
    """``render()``, or its HTML as kept for DASHBOARD_CACHE_SECONDS from an earlier request of
    the same generation whose ``parts`` were the same. Beside the language, the day and the
    rules, the parts must name whatever the HTML shows that neither the plan, the divisions, the
    periods nor a review changes (those start a new generation), except what may show within
    those seconds (a renamed account), and nothing that differs between users, such as a CSRF
    token."""
    if not settings.DASHBOARD_CACHE_SECONDS:
        return mark_safe(render())
    return _shared(_key(*parts), render)


def audience_of(access) -> tuple:
    """Who sees the same dashboards: the counties visible, and whether the user reviews (the
    pages then link to the review tools)."""
    if access.sees_whole_province:
        return ("province", access.reviews)
    return (sorted(access.county_ids), sorted(access.prefecture_ids), access.reviews)


def _start_new_generation(sender, **kwargs) -> None:
    if kwargs.get("action", "post_").startswith("post_"):  # m2m_changed also sends pre_*
        changed()


for model in SHOWN:
    post_save.connect(_start_new_generation, sender=model, dispatch_uid=f"dashboards-{model}")
    post_delete.connect(_start_new_generation, sender=model, dispatch_uid=f"dashboards-{model}")
    for relation in model._meta.local_many_to_many:
        m2m_changed.connect(
            _start_new_generation,
            sender=relation.remote_field.through,
            dispatch_uid=f"dashboards-{relation.remote_field.through}",
        )
