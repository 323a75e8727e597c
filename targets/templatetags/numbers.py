from django import template
from django.utils import formats

from targets.spreadsheets.numbers import grouped, plain

register = template.Library()
register.filter("grouped", grouped)
register.filter("plain", plain)


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
