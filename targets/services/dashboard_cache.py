"""The dashboards' pages rendered once for everyone who would see the same thing, and kept for
DASHBOARD_CACHE_SECONDS in the cache shared by every app process and server (a table of the
database by default).

What counties send (drafts, submissions, values) reaches the dashboards within those seconds; the
page says when its figures were counted. Everything else that changes what the dashboards show, a
review or a change to the plan, the periods, the divisions or the supervision rules, starts a new
generation at once, so that a reviewer sees their own approval on the next page they open."""

import hashlib
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from targets.models import (
    AccountSecurity,
    AuditRecord,
    Evidence,
    IndicatorValue,
    NoteVersion,
    Notification,
    ProgressNote,
    Role,
    State,
)

CACHE = "shared"
GENERATION_KEY = "dashboards:generation"
# What county users write all day: their saves reach the dashboards by expiry, not by a new
# generation (which would leave nothing cached while a round is being filled in).
COUNTY_WRITES = {ProgressNote, IndicatorValue, NoteVersion, Evidence}
# Records the dashboards do not show.
UNSHOWN = {AuditRecord, Notification, AccountSecurity, Role}
REVIEWED = {State.APPROVED, State.RETURNED}


def _cache():
    return caches[CACHE]


def _generation() -> str:
    return _cache().get_or_set(GENERATION_KEY, lambda: uuid.uuid4().hex, None)


def changed() -> None:
    """Start a new generation: every page kept so far is recounted when next asked for. Once now,
    for the rest of this transaction, and again at its commit: a page rendered by another request
    in between, from what was then committed, is not kept as if it were new."""

    def start() -> None:
        _cache().set(GENERATION_KEY, uuid.uuid4().hex, None)

    start()
    transaction.on_commit(start)


def _key(request: HttpRequest, template: str, audience: tuple) -> str:
    query = request.GET.copy()
    query.pop("export", None)
    parts = (
        template,
        request.path,
        query.urlencode(),
        translation.get_language(),
        timezone.localdate().isoformat(),  # the warning lights turn with the day
        repr(audience),
    )
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"dashboards:{digest}"


def rendered(
    request: HttpRequest, template: str, audience: tuple, context: Callable[[], dict]
) -> SafeString:
    """``template`` (a page's partial) rendered with ``context()``, or as kept from an earlier
    request of the same generation by a user who sees the same counties (``audience``)."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return render_to_string(template, context(), request)
    key = _key(request, template, audience)
    generation = _generation()
    kept = _cache().get(key)
    if kept is not None and kept[0] == generation:
        return mark_safe(kept[1])
    html = render_to_string(template, context(), request)
    _cache().set(key, (generation, str(html)), seconds)
    return html


def audience_of(access) -> tuple:
    """Who sees the same dashboards: the counties visible, and whether the user reviews (the
    pages then link to the review tools)."""
    if access.sees_whole_province:
        return ("province", access.reviews)
    return (sorted(access.county_ids), sorted(access.prefecture_ids), access.reviews)


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def start_new_generation(sender, instance=None, **kwargs) -> None:
    """Any change to the app's records but the county writes and the records not shown."""
    if sender._meta.app_label != "targets" or sender in UNSHOWN:
        return
    if sender in COUNTY_WRITES and getattr(instance, "state", None) not in REVIEWED:
        return
    changed()
