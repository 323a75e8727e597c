"""The demo's supervision orders: one in each state, to 锦江区, 会理市 and a provincial department,
labelled 演示 wherever they show, made once."""

import pytest
from django.contrib.auth import get_user_model

from targets.demo.orders import seed_demo_orders
from targets.models import SupervisionOrder

pytestmark = pytest.mark.django_db


def test_demo_orders_cover_every_state_once_and_say_they_are_demo(client_for, demo):
    seed_demo_orders()
    seed_demo_orders()
    orders = SupervisionOrder.objects.all()
    assert orders.count() == 7
    assert set(orders.values_list("state", flat=True)) == set(SupervisionOrder.State.values)
    assert {o.county.code for o in orders if o.county} == {"510104", "513402"}
    assert orders.filter(department__code="fagai").exists()
    assert all(o.is_demo and o.matter.startswith("【演示数据】") for o in orders)
    province = get_user_model().objects.get(username="province")
    html = client_for(province).get("/orders/").content.decode()
    assert html.count('<span class="badge badge--demo">演示</span>') == 7
