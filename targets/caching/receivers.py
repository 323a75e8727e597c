"""Every receiver that starts a new generation of the shared page cache. They listen to the
domain: the saves and deletions of the records the pages show besides notes and values (the plan,
the divisions, the periods, the statuses, the departments and the measures they answer for, which
measures apply where), and the changes the domain announces itself
(targets.models.changes). Nothing in the domain calls the cache.

Notes and values start a new generation when they are reviewed; a county's own saves reach the
pages when what was kept expires, or nothing would stay kept while a round is being filled in.
Connected once, when TargetsConfig.ready() imports this module."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from targets.caching import shared_pages
from targets.models import (
    BottomLine,
    BoundaryMap,
    Clause,
    County,
    CountyType,
    Department,
    Exemption,
    Goal,
    Indicator,
    IndicatorTarget,
    Integration,
    Measure,
    MeasureDepartment,
    MeasureScope,
    Period,
    PeriodReopening,
    Plan,
    Prefecture,
    Region,
    ScopeOverride,
    StatusOption,
    TaskArea,
    changes,
)

SHOWN = [
    Plan,
    Clause,
    Goal,
    TaskArea,
    Integration,
    Measure,
    Department,
    MeasureDepartment,
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
    # Which measures apply where: a slot that stops applying is no longer due, counted or lit.
    MeasureScope,
    ScopeOverride,
    Exemption,
]


def _record_changed(sender: object, action: str = "post_", **kwargs: object) -> None:
    if action.startswith("post_"):  # m2m_changed also sends pre_add, pre_remove, pre_clear
        shared_pages.start_new_generation()


for model in SHOWN:
    post_save.connect(_record_changed, sender=model, dispatch_uid=f"shared-pages-{model}")
    post_delete.connect(_record_changed, sender=model, dispatch_uid=f"shared-pages-{model}")
    for relation in model._meta.local_many_to_many:
        through = relation.remote_field.through
        m2m_changed.connect(_record_changed, sender=through, dispatch_uid=f"shared-pages-{through}")


@receiver(changes.reviewed, dispatch_uid="shared-pages-reviewed")
@receiver(changes.opinion_given, dispatch_uid="shared-pages-opinion-given")
@receiver(changes.reminders_sent, dispatch_uid="shared-pages-reminders-sent")
@receiver(changes.written_in_bulk, dispatch_uid="shared-pages-written-in-bulk")
def _domain_changed(sender: object, **kwargs: object) -> None:
    shared_pages.start_new_generation()


@receiver(changes.rules_changed, dispatch_uid="shared-pages-rules-changed")
def _rules_changed(sender: object, reach_seconds: int, **kwargs: object) -> None:
    """A process still holding the former rules must not keep a page counted under them."""
    shared_pages.start_new_generation(settling_seconds=reach_seconds)
