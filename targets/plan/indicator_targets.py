"""Indicator targets are versioned: a revision adds a version and keeps the ones before it."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from targets.audit import trail
from targets.models import Indicator, IndicatorTarget


def set_target(
    indicator: Indicator,
    horizon: int,
    value: Decimal,
    *,
    user: User | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> IndicatorTarget | None:
    """Record a new version of the target when the value differs from the one in force."""
    with transaction.atomic():
        # Lock the indicator so that two simultaneous revisions get distinct version numbers.
        Indicator.objects.select_for_update(no_key=True).filter(pk=indicator.pk).first()
        current = (
            IndicatorTarget.objects.filter(indicator=indicator, horizon=horizon)
            .order_by("-version")
            .first()
        )
        if current is not None and current.value == value:
            return None
        target = IndicatorTarget.objects.create(
            indicator=indicator,
            horizon=horizon,
            version=current.version + 1 if current else 1,
            value=value,
            reason=reason,
            set_by=user,
        )
        trail.record(
            "indicator.target_set",
            request=request,
            actor=user,
            obj=indicator,
            changes={
                f"target_{horizon}": [
                    str(current.value) if current else None,
                    str(value),
                ],
                "version": [current.version if current else None, target.version],
            },
        )
    return target
