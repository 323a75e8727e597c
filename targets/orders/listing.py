"""The orders a page lists or counts: the user's scope narrowed by the filters, and the counts
of open and overdue orders that the county page, the overview, the late view and the briefing
show."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from targets.models import SupervisionOrder
from targets.models.orders import WITH_RECIPIENT, OrderQuerySet

State = SupervisionOrder.State
OPEN = "open"  # the state filter's choice of every order not closed


def filtered(
    orders: OrderQuerySet, filters: Mapping[str, Any], today: datetime.date
) -> OrderQuerySet:
    """``orders`` narrowed by the filters chosen (a form's cleaned data; empty ones choose all),
    with what the list shows, the latest issued first."""
    state = filters.get("state")
    if state == OPEN:
        orders = orders.open()
    elif state:
        orders = orders.filter(state=state)
    for name in ("level", "county", "department"):
        if filters.get(name):
            orders = orders.filter(**{name: filters[name]})
    if filters.get("prefecture"):
        orders = orders.filter(county__prefecture=filters["prefecture"])
    if filters.get("overdue"):
        orders = orders.overdue(today)
    return orders.for_pages().order_by("-issued_at", "-id")


@dataclass(frozen=True)
class Tally:
    """Open orders (挂牌督办, not yet closed), of which overdue, and awaiting verification."""

    open: int
    overdue: int
    answered: int


def tally(orders: OrderQuerySet, today: datetime.date) -> Tally:
    """The counts, in one query."""
    late = Q(state=State.ISSUED, sign_by__lt=today) | Q(
        state__in=WITH_RECIPIENT, deadline__lt=today
    )
    counts = orders.open().aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=late),
        answered=Count("pk", filter=Q(state=State.ANSWERED)),
    )
    return Tally(counts["open"], counts["overdue"], counts["answered"])


def overdue_list(orders: OrderQuerySet, today: datetime.date, limit: int) -> list[SupervisionOrder]:
    """The overdue orders, the longest overdue first, at most ``limit`` of them."""
    return list(orders.overdue(today).for_pages().order_by("deadline", "sign_by", "pk")[:limit])


@dataclass(frozen=True)
class RoundOrders:
    """The briefing's section on orders: those issued and closed within the round, those open and
    overdue on the day it is made, and the overdue ones by name (the longest overdue first)."""

    issued: int
    closed: int
    tally: Tally
    overdue: list[SupervisionOrder]


def in_round(
    orders: OrderQuerySet, starts_on: datetime.date, ends_on: datetime.date, today: datetime.date
) -> RoundOrders:
    """``orders`` (the briefing's counties', and the departments' in the province's briefing)
    over a round from ``starts_on`` to ``ends_on``."""
    counts = orders.aggregate(
        issued=Count("pk", filter=Q(issued_at__date__range=(starts_on, ends_on))),
        closed=Count("pk", filter=Q(closed_at__date__range=(starts_on, ends_on))),
    )
    return RoundOrders(
        issued=counts["issued"],
        closed=counts["closed"],
        tally=tally(orders, today),
        overdue=overdue_list(orders, today, BRIEFING_OVERDUE),
    )


BRIEFING_OVERDUE = 10  # the overdue orders the briefing names


def awaiting(county_ids: set[int]) -> list[SupervisionOrder]:
    """The orders the counties' lead offices are to sign for or answer, the soonest due first
    (a handful at a time: an order is a formal, rare step)."""
    orders = SupervisionOrder.objects.filter(county_id__in=county_ids, state__in=WITH_RECIPIENT)
    return list(orders.for_pages().order_by("deadline", "pk"))
