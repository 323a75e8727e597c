"""The orders' part of the daily reminders: each recipient is reminded of an order still to sign
for (every day until it is signed) and of an answer due (on the reminder days of the rounds: 7
and 1 days before the deadline, on the day, and every 3 days after it, by default); an order
unsigned past its window or unanswered past its deadline is told to the issuer's superior scope
(duties.superiors), once a day per order. A second run on the same day sends nothing twice."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import User

from targets.audit import trail
from targets.models import Notification, Role, SupervisionOrder
from targets.models.orders import WITH_RECIPIENT
from targets.orders import duties, notices
from targets.orders.workflow import is_overdue
from targets.supervision import rulebook
from targets.supervision.reminders import kind_for

Kind = Notification.Kind
State = SupervisionOrder.State


@dataclass
class OrdersRun:
    reminded: list[Notification] = field(default_factory=list)
    escalated: list[Notification] = field(default_factory=list)


def _recipients_by_unit() -> tuple[dict[int, list[User]], dict[int, list[User]]]:
    """The active users who answer orders, by county (lead offices) and by department."""
    by_county: dict[int, list[User]] = {}
    by_department: dict[int, list[User]] = {}
    roles = Role.objects.filter(
        kind__in=[Role.Kind.COUNTY_REPORTER, Role.Kind.DEPARTMENT], user__is_active=True
    ).select_related("user")
    for role in roles.order_by("user_id"):
        if role.county_id is not None:
            by_county.setdefault(role.county_id, []).append(role.user)
        elif role.department_id is not None:
            by_department.setdefault(role.department_id, []).append(role.user)
    return by_county, by_department


def run(today: datetime.date) -> OrdersRun:
    """The day's reminders and escalations of the open orders."""
    rules = rulebook.current()
    result = OrdersRun()
    by_county, by_department = _recipients_by_unit()
    superiors = duties.superiors()
    waiting = SupervisionOrder.objects.filter(state__in=WITH_RECIPIENT).select_related(
        "county", "department"
    )
    for order in waiting.order_by("pk"):
        if order.county_id is not None:
            answering = by_county.get(order.county_id, [])
        else:
            answering = by_department.get(order.department_id or 0, [])
        due = order.state == State.ISSUED or kind_for((today - order.deadline).days, rules)
        if due:
            result.reminded += notices.tell(order, answering, Kind.ORDER_DUE, today=today)
        if is_overdue(order, today):
            result.escalated += notices.tell(order, superiors, Kind.ORDER_ESCALATED, today=today)
    if result.reminded or result.escalated:
        trail.record(
            "order.remind",
            actor_name="system",
            changes={
                "reminded": [None, len(result.reminded)],
                "escalated": [None, len(result.escalated)],
                "day": [None, today.isoformat()],
            },
        )
    return result
