from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def grouped(value: int | None) -> str:
    """A count grouped in thousands the active language's way: 4392 → 4,392 ("" for nothing).
    Only for quantities: a year, a code or an id is never grouped (USE_THOUSAND_SEPARATOR is off)."""
    if value is None or value == "":
        return ""
    return formats.number_format(value, force_grouping=True)


@register.filter
def plain(value: Decimal | None) -> str:
    """A decimal as people read it: no trailing zeros or exponent, grouped in thousands the active
    language's way: 2.2600 → 2.26, 1E+2 → 100, 12345.50 → 12,345.5."""
    if value is None:
        return ""
    return formats.number_format(Decimal(value).normalize(), force_grouping=True)


@register.filter
def days_before(moment, now) -> int | str:
    """Whole days from ``moment`` to ``now`` ("" when there is no moment)."""
    if not moment:
        return ""
    return (now - moment).days


@register.filter
def as_percent(rate: float | None) -> str:
    """A growth rate as a percentage in the active language's way: 0.0123 → 1.23%."""
    if rate is None:
        return "—"
    return formats.number_format(round(rate * 100, 2), decimal_pos=2, force_grouping=True) + "%"
