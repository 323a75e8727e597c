from django import template

register = template.Library()


@register.filter
def change_pair(value) -> tuple | None:
    """A ``[before, after]`` change as a pair with ∅ for nothing; None for other values."""
    if isinstance(value, list) and len(value) == 2:
        return tuple("∅" if v is None else v for v in value)
    return None
