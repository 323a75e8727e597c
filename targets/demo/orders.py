"""Demo supervision orders (督办单): a few orders to 锦江区, 会理市 and a provincial department, in
each state an order goes through, made by the demo accounts through the orders' own steps (so
their history, notifications and audit records are real) and labelled 演示数据."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from targets.accounts.access import Access
from targets.models import County, Department, Measure, SupervisionOrder
from targets.orders import duties, workflow

DEMO_MATTER = "【演示数据】"
State = SupervisionOrder.State
Level = SupervisionOrder.Level

# (issuer, recipient (county code or department code), measure, level, days the order was
# issued ago, days from today to its deadline, the steps taken: sign, answer, return, close)
DEMO_ORDERS = [
    ("chengdu", "510104", "T1.1", Level.PREFECTURE, 2, 20, ()),
    ("chengdu", "510104", "T2.3", Level.PREFECTURE, 30, -5, ("sign",)),
    ("province", "510104", "T1.3", Level.PROVINCE, 25, 10, ("sign", "answer")),
    ("province", "513402", "T2.2", Level.PROVINCE, 40, 15, ("sign", "answer", "return")),
    ("province", "513402", "T4.2", Level.PROVINCE, 10, -2, ()),
    ("province", "513402", "T3.2", Level.PROVINCE, 60, 5, ("sign", "answer", "close")),
    ("province", "fagai", "T1.1", Level.PROVINCE, 15, 30, ("sign",)),
]
TEXTS = {
    "matter": DEMO_MATTER + "本期该举措进展滞后于序时进度,部分任务未按时间节点推进。",
    "requirement": DEMO_MATTER
    + "查明原因,制定整改措施,明确责任人和完成时限,按时报送整改情况和佐证材料。",
    "answer": DEMO_MATTER + "已召开专题会议研究整改,明确责任单位和时间节点,相关工作已完成。",
    "return": DEMO_MATTER + "整改措施不够具体,未附佐证材料,请补充后重新报送。",
    "close": DEMO_MATTER + "整改到位,同意办结。",
}


def seed_demo_orders() -> None:
    """The demo orders, once (again: nothing)."""
    if SupervisionOrder.objects.filter(is_demo=True).exists():
        return
    User = get_user_model()
    today = timezone.localdate()
    for issuer_name, unit, measure, level, ago, due_in, steps in DEMO_ORDERS:
        issuer = User.objects.get(username=issuer_name)
        county = County.objects.filter(code=unit).first()
        department = None if county else Department.objects.get(code=unit)
        issued_on = today - datetime.timedelta(days=ago)
        order = workflow.issue(
            user=issuer,
            access=Access.of(issuer),
            data=workflow.OrderInput(
                level=level,
                county=county,
                department=department,
                measure=Measure.objects.get(code=measure),
                reference="",
                matter=TEXTS["matter"],
                requirement=TEXTS["requirement"],
                deadline=today + datetime.timedelta(days=due_in),
            ),
            # Issued some days ago: its signing window and deadline are as they would be now.
            today=issued_on,
            is_demo=True,
        )
        _take(order, steps, issuer, today)


def _take(order: SupervisionOrder, steps: tuple[str, ...], issuer, today: datetime.date) -> None:
    recipient = duties.recipients(order)[0]
    as_recipient, as_issuer = Access.of(recipient), Access.of(issuer)
    for step in steps:
        if step == "sign":
            order = workflow.sign(
                user=recipient,
                access=as_recipient,
                order=order,
                started_from=order.version,
                today=today,
            )
        elif step == "answer":
            order = workflow.answer(
                user=recipient,
                access=as_recipient,
                order=order,
                text=TEXTS["answer"],
                files=[],
                uploads=[],
                started_from=order.version,
                today=today,
            )
        else:
            order = workflow.verify(
                user=issuer,
                access=as_issuer,
                order=order,
                close=step == "close",
                reason=TEXTS[step],
                started_from=order.version,
                today=today,
            )
