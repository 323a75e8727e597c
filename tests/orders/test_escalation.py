"""The orders' daily reminders and escalation (send_reminders): a recipient is reminded of an
order to sign for and of an answer due; an order unsigned past its window or unanswered past its
deadline is told to the provincial reviewers once a day per order, however often the job runs,
and shows in the late view."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from targets.models import AuditRecord, Notification
from targets.orders import escalation
from tests.orders.helpers import answered, issued, signed

pytestmark = pytest.mark.django_db


def test_an_unsigned_order_past_its_window_escalates_once_a_day(
    prefecture_reviewer, provincial_reviewer, reporter
):
    today = timezone.localdate()
    order = issued(prefecture_reviewer, today=today - datetime.timedelta(days=5))
    first = escalation.run(today)
    again = escalation.run(today)
    escalated = Notification.objects.filter(kind="order_escalated", order=order)
    assert [n.recipient for n in escalated] == [provincial_reviewer]
    assert len(first.escalated) == 1
    assert again.escalated == []
    reminded = Notification.objects.filter(kind="order_due", order=order)
    assert [n.recipient for n in reminded] == [reporter]
    escalation.run(today + datetime.timedelta(days=1))
    assert escalated.all().count() == 2  # a new day: told again
    assert AuditRecord.objects.filter(action="order.remind").count() == 2


def test_an_order_signed_and_on_time_neither_reminds_nor_escalates(
    prefecture_reviewer, provincial_reviewer, reporter
):
    order = signed(issued(prefecture_reviewer, deadline_in=20), reporter)
    result = escalation.run(timezone.localdate())
    assert result.escalated == []
    assert result.reminded == []
    assert not Notification.objects.filter(order=order, kind__in=["order_due", "order_escalated"])


def test_an_answer_due_reminds_on_the_reminder_days_and_escalates_once_overdue(
    prefecture_reviewer, provincial_reviewer, reporter
):
    today = timezone.localdate()
    order = signed(issued(prefecture_reviewer, deadline_in=7), reporter)
    assert len(escalation.run(today).reminded) == 1  # 7 days before the deadline
    assert escalation.run(today + datetime.timedelta(days=2)).reminded == []
    late = escalation.run(today + datetime.timedelta(days=8))
    assert [n.recipient for n in late.escalated] == [provincial_reviewer]
    # An answer waiting for verification is the issuer's: no longer late with the county.
    answered(order, reporter)
    assert escalation.run(today + datetime.timedelta(days=9)).escalated == []


def test_the_daily_command_runs_the_orders_too(prefecture_reviewer, provincial_reviewer, reporter):
    today = timezone.localdate()
    issued(prefecture_reviewer, today=today - datetime.timedelta(days=5))
    call_command("send_reminders", "--date", today.isoformat())
    call_command("send_reminders", "--date", today.isoformat())
    assert Notification.objects.filter(kind="order_escalated").count() == 1


def test_the_notifications_page_tells_of_the_order_and_opens_it(
    client_for, prefecture_reviewer, reporter
):
    order = issued(prefecture_reviewer)
    client = client_for(reporter)
    html = client.get("/notifications/").content.decode()
    assert f"督办单 {order.number} 已下达锦江区" in html
    notice = Notification.objects.get(recipient=reporter)
    response = client.post(f"/notifications/{notice.pk}/open/")
    assert response["Location"] == f"/orders/{order.pk}/"


def test_the_late_view_lists_overdue_orders(client_for, prefecture_reviewer, provincial_reviewer):
    today = timezone.localdate()
    order = issued(prefecture_reviewer, today=today - datetime.timedelta(days=5))
    on_time = issued(prefecture_reviewer, measure="T1.2")
    html = client_for(prefecture_reviewer).get("/review/late/").content.decode()
    assert order.number in html
    assert f">{on_time.number}<" not in html
