from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def plain(value: Decimal | None) -> str:
    """A decimal without trailing zeros or exponent: 2.2600 → 2.26, 1E+2 → 100."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


@register.filter
def days_before(moment, now) -> int | str:
    """Whole days from ``moment`` to ``now`` ("" when there is no moment)."""
    if not moment:
        return ""
    return (now - moment).days


@register.filter
def as_percent(rate: float | None) -> str:
    """A growth rate as a percentage: 0.0123 → 1.23%."""
    if rate is None:
        return "—"
    return f"{rate * 100:.2f}%"
