"""Links to many records of one kind: the URL reversed once, and each record's code put in the
place of a marker, so that a page listing every county does not reverse a URL per county."""

from collections.abc import Callable

from django.urls import reverse

EACH = "~each~"


def each(name: str, *args: str) -> Callable[..., str]:
    """``name``'s URL as a function of the arguments given as EACH, in their order: codes, which
    need no quoting."""
    url = reverse(name, args=args)

    def link(*codes: str) -> str:
        result = url
        for code in codes:
            result = result.replace(EACH, code, 1)
        return result

    return link
