"""The curated cases a page lists: the user's scope, narrowed by the filters."""

from collections.abc import Mapping
from typing import Any

from targets.models.practice import PracticeQuerySet


def filtered(cases: PracticeQuerySet, filters: Mapping[str, Any]) -> PracticeQuerySet:
    """``cases`` narrowed by the filters chosen (a form's cleaned data; empty ones choose all),
    with what the list shows, the latest curated first."""
    for name in ("county", "task_area", "county_type", "period"):
        if filters.get(name):
            cases = cases.filter(**{name: filters[name]})
    if filters.get("integration"):
        cases = cases.filter(integrations=filters["integration"])
    return cases.for_pages().order_by("-curated_at", "-id")
