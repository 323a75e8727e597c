"""Links to many records of one kind: the URL reversed once, each record's code put in the place
of a marker (a grid of 183 counties made 183 reverse())."""

from collections.abc import Callable

from django.urls import reverse

EACH = "~each~"


def each(name: str, *args: str) -> Callable[[str], str]:
    """``name``'s URL as a function of the argument given as EACH: a code, which needs no quoting."""
    url = reverse(name, args=args)
    return lambda code: url.replace(EACH, code, 1)
