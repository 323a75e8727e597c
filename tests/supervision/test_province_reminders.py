"""Reminders reach a lead provincial department whose province-level note of a closed round is
not submitted: once a day, like the county reminders."""

import datetime

import pytest

from targets.models import Measure, Notification, Period, ProvinceNote, State, StatusOption
from targets.supervision import reminders

pytestmark = pytest.mark.django_db


def overdue_day(period_code="2026Q3") -> datetime.date:
    # The third day after the deadline: an overdue reminder's day by the default rules.
    return Period.objects.get(code=period_code).deadline + datetime.timedelta(days=3)


def told(user):
    return Notification.objects.filter(recipient=user, kind=Notification.Kind.PROVINCE_DUE)


def test_a_lead_department_without_its_note_is_reminded_once_a_day(department_user):
    day = overdue_day()
    reminders.send_due_reminders(day)
    reminders.send_due_reminders(day)
    reminder = told(department_user).get(period__code="2026Q3")
    assert reminder.pending == 1  # T1.1
    assert "省级层面推进情况" in reminders.describe(reminder)
    assert reminders.link(reminder) == "/province/work/?period=2026Q3"


def test_a_submitted_note_or_a_cooperating_department_gets_none(
    department_user, cooperating_department
):
    ProvinceNote.objects.create(
        measure=Measure.objects.get(code="T1.1"),
        period=Period.objects.get(code="2026Q3"),
        department=department_user.roles.get().department,
        status=StatusOption.objects.first(),
        narrative="x",
        state=State.SUBMITTED,
        updated_by=department_user,
    )
    reminders.send_due_reminders(overdue_day())
    assert not told(department_user).filter(period__code="2026Q3").exists()
    assert not told(cooperating_department).exists()


def test_no_reminder_before_the_deadline(department_user):
    deadline = Period.objects.get(code="2026Q3").deadline
    reminders.send_due_reminders(deadline - datetime.timedelta(days=1))
    assert not told(department_user).exists()
