"""Which measures a county's task list may hold tasks under."""

from django.db.models import QuerySet

from targets.models import County, Measure
from targets.plan.outline import current_plan


def measures_open_to(county: County, year: int) -> QuerySet[Measure]:
    """The measures under which ``county`` may list tasks for ``year``, in the plan's order.

    Every measure of the plan for now: this is the one place that narrows them once a measure
    can be marked not applicable to a county (分类指导: an urban district has no 县城 to build)."""
    return Measure.objects.filter(plan=current_plan()).order_by("order")
