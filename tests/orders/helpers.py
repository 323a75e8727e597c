"""Orders made for the tests, through the orders' own steps."""

import datetime

from django.utils import timezone

from targets.accounts.access import Access
from targets.models import County, Department, Measure, SupervisionOrder
from targets.orders import duties, workflow

Level = SupervisionOrder.Level


def issued(
    issuer,
    county: str | None = "510104",
    *,
    department: str | None = None,
    level: str | None = None,
    measure: str | None = "T1.1",
    deadline_in: int = 20,
    today: datetime.date | None = None,
    matter: str = "推进滞后,请整改。",
) -> SupervisionOrder:
    today = today or timezone.localdate()
    access = Access.of(issuer)
    return workflow.issue(
        user=issuer,
        access=access,
        data=workflow.OrderInput(
            level=level or duties.levels_for(access)[0],
            county=County.objects.get(code=county) if county else None,
            department=Department.objects.get(code=department) if department else None,
            measure=Measure.objects.get(code=measure) if measure else None,
            reference="",
            matter=matter,
            requirement="查明原因,按时整改。",
            deadline=today + datetime.timedelta(days=deadline_in),
        ),
        today=today,
    )


def signed(order: SupervisionOrder, recipient) -> SupervisionOrder:
    return workflow.sign(
        user=recipient,
        access=Access.of(recipient),
        order=order,
        started_from=order.version,
        today=timezone.localdate(),
    )


def answered(order: SupervisionOrder, recipient, text: str = "已整改。") -> SupervisionOrder:
    return workflow.answer(
        user=recipient,
        access=Access.of(recipient),
        order=order,
        text=text,
        files=[],
        uploads=[],
        started_from=order.version,
        today=timezone.localdate(),
    )
