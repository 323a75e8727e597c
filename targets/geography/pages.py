"""Lists of counties a page at a time: Sichuan's 183 fit on one page, while a national scope
(2,883 county units) takes 15 pages of about 200 KB of HTML each instead of one of 2.7 MB."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from targets.models import County

COUNTIES_PER_PAGE = 200


def county_page(
    counties: QuerySet[County], number: str | None
) -> tuple[Page[int], QuerySet[County]]:
    """One page of ``counties`` in code order, and that page's counties as a query of their own
    (an unknown or out-of-range ``number`` gives the first or the last page)."""
    ids = Paginator(counties.order_by("code").values_list("pk", flat=True), COUNTIES_PER_PAGE)
    page = ids.get_page(number)
    return page, counties.filter(pk__in=list(page.object_list))


def rows_page[T](rows: list[T], number: str | None) -> Page[T]:
    """One page of rows that name a county each, in the order given."""
    return Paginator(rows, COUNTIES_PER_PAGE).get_page(number)
