"""Numbers as people read them, in cells, messages, forms and pages: grouped in thousands the
active language's way."""

from decimal import Decimal
from typing import Literal

from django.utils import formats


def grouped(value: int | Literal[""] | None) -> str:
    """A count grouped in thousands the active language's way: 4392 → 4,392 ("" for nothing).
    Only for quantities: a year, a code or an id is never grouped (USE_THOUSAND_SEPARATOR is off)."""
    if value is None or value == "":
        return ""
    return formats.number_format(value, force_grouping=True)


def plain(value: Decimal | None) -> str:
    """A decimal as people read it: no trailing zeros or exponent, grouped in thousands the active
    language's way: 2.2600 → 2.26, 1E+2 → 100, 12345.50 → 12,345.5."""
    if value is None:
        return ""
    return formats.number_format(Decimal(value).normalize(), force_grouping=True)
