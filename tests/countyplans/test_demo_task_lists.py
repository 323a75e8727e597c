"""The demo's 2026 task lists of 锦江区 (approved) and 会理市 (waiting for review): milestones,
some reached, every task and list labelled 演示; seeding again changes nothing."""

import pytest
from django.contrib.auth import get_user_model

from targets.countyplans.content import filed, last_approved
from targets.demo.countyplans import seed_task_lists
from targets.models import Milestone, State, Task, TaskList

pytestmark = pytest.mark.django_db


def seed() -> None:
    users = get_user_model().objects
    author, _made = users.get_or_create(username="demo_data")
    seed_task_lists(author, users.get(username="chengdu"))


def test_the_demo_lists_are_labelled_and_seeded_once(demo, client_for):
    seed()
    seed()
    lists = {t.county.code: t for t in TaskList.objects.select_related("county")}
    assert {code: t.state for code, t in lists.items()} == {
        "510104": State.APPROVED,
        "513402": State.SUBMITTED,
    }
    assert all(t.is_demo for t in lists.values())
    assert all(
        title.startswith("【演示】") for title in Task.objects.values_list("title", flat=True)
    )
    assert Milestone.objects.filter(done_on__isnull=False).exists()
    assert Milestone.objects.filter(done_on__isnull=True).exists()
    assert len(filed(last_approved(lists["510104"]))) == 2
    jinjiang = get_user_model().objects.get(username="jinjiang")
    page = client_for(jinjiang).get("/counties/510104/plan/2026/").content.decode()
    assert '<span class="badge badge--demo">演示</span>' in page
    assert "已于2026年3月31日完成" in page
