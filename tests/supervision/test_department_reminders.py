"""Reminders reach the county department that holds the work (the measures its lead office made it
the lead of) as well as the lead office: on the same days, about its own measures alone, once a
day, by hand from the late view too; a department whose measures are all in, an inactive one and
one without users get nothing."""

import datetime

import pytest
from django.utils import translation

from targets.models import (
    County,
    CountyDepartment,
    CountyMeasureDepartment,
    Measure,
    Notification,
    Period,
    ProgressNote,
    Responsibility,
    Role,
    State,
    StatusOption,
)
from targets.supervision import reminders
from targets.supervision.reminders import send_due_reminders, send_manual
from tests.conftest import make_user
from tests.jobs import run_jobs

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
DEADLINE = datetime.date(2026, 10, 15)  # 2026Q3's
OVERDUE_DAY = DEADLINE + datetime.timedelta(days=3)
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def note(county: str, measure: str, state: str, author) -> ProgressNote:
    return ProgressNote.objects.create(
        county=County.objects.get(code=county),
        measure=Measure.objects.get(code=measure),
        period=Period.objects.get(code="2026Q3"),
        state=state,
        status=StatusOption.objects.get(code="on_schedule"),
        percent=50,
        narrative="x",
        updated_by=author,
    )


@pytest.fixture
def second_measure(county_department, jinjiang):
    """The county department leads T1.2 as well; T1.3 it only cooperates on."""
    department = county_department.roles.get().county_department
    for code, responsibility in [("T1.2", Responsibility.LEAD), ("T1.3", "cooperating")]:
        CountyMeasureDepartment.objects.create(
            county=jinjiang,
            measure=Measure.objects.get(code=code),
            department=department,
            responsibility=responsibility,
        )
    return department


def test_overdue_measures_of_a_county_department_reach_its_users_and_the_lead_office(
    reporter, county_department, second_measure
):
    send_due_reminders(OVERDUE_DAY)
    [to_department] = Notification.objects.filter(recipient=county_department)
    assert to_department.kind == Kind.OVERDUE
    assert to_department.county.code == "510104"
    assert to_department.county_department == second_measure
    assert to_department.pending == 2  # T1.1 and T1.2; T1.3 is cooperated on, not held
    [to_office] = Notification.objects.filter(recipient=reporter)
    assert to_office.county_department is None
    assert to_office.pending == 24
    with translation.override("zh-hans"):
        assert "本部门承担的举措尚有2项未提交" in reminders.describe(to_department)
        assert "本部门" not in reminders.describe(to_office)


def test_a_department_whose_measures_are_in_is_not_reminded(reporter, county_department):
    note("510104", "T1.1", State.SUBMITTED, reporter)
    send_due_reminders(OVERDUE_DAY)
    assert not Notification.objects.filter(recipient=county_department).exists()
    assert Notification.objects.get(recipient=reporter).pending == 23


def test_a_draft_or_a_return_is_still_due(reporter, county_department):
    note("510104", "T1.1", State.RETURNED, reporter)
    send_due_reminders(OVERDUE_DAY)
    assert Notification.objects.get(recipient=county_department).pending == 1


def test_before_the_deadline_the_department_is_told_as_the_lead_office_is(county_department):
    send_due_reminders(DEADLINE - datetime.timedelta(days=7))
    [reminder] = Notification.objects.filter(recipient=county_department)
    assert reminder.kind == Kind.DUE_SOON
    assert not Notification.objects.filter(
        recipient=county_department, sent_on=DEADLINE - datetime.timedelta(days=6)
    ).exists()


def test_a_second_run_on_the_same_day_sends_nothing_twice(county_department):
    send_due_reminders(OVERDUE_DAY)
    again = send_due_reminders(OVERDUE_DAY)
    assert again.sent == []
    assert Notification.objects.filter(recipient=county_department).count() == 1


def test_an_inactive_department_or_user_is_not_reminded(county_department):
    department = county_department.roles.get().county_department
    department.is_active = False
    department.save()
    send_due_reminders(OVERDUE_DAY)
    assert not Notification.objects.filter(recipient=county_department).exists()
    department.is_active = True
    department.save()
    county_department.is_active = False
    county_department.save()
    send_due_reminders(OVERDUE_DAY + datetime.timedelta(days=3))
    assert not Notification.objects.filter(recipient=county_department).exists()


def test_another_county_department_is_not_told_of_this_countys_measures(county_department):
    """A department of 会理市 with no assignment gets nothing; 锦江区's department nothing of
    会理市."""
    huili = County.objects.get(code="513402")
    other = CountyDepartment.objects.create(county=huili, code="fgj", name="会理市发展和改革局")
    make_user("huili_department", Role.Kind.COUNTY_DEPARTMENT, county_department=other)
    send_due_reminders(OVERDUE_DAY)
    assert not Notification.objects.filter(recipient__username="huili_department").exists()
    assert {n.county.code for n in Notification.objects.filter(recipient=county_department)} == {
        "510104"
    }


def test_the_departments_email_lists_its_own_measures(settings, county_department, mailoutbox):
    settings.MAILERS = LOCMEM
    county_department.email = "fgj@example.cn"
    county_department.save()
    send_due_reminders(OVERDUE_DAY)
    run_jobs()
    [message] = mailoutbox
    assert message.to == ["fgj@example.cn"]
    lines = message.body.splitlines()
    with translation.override("zh-hans"):
        held = Measure.objects.get(code="T1.1")
        other = Measure.objects.get(code="T1.2")
        assert f"  {held.code} {held.label}" in lines
        assert f"  {other.code} {other.label}" not in lines
    assert "/counties/510104/report/2026Q3/" in message.body


def test_a_reminder_by_hand_reaches_the_department_too(
    prefecture_reviewer, reporter, county_department
):
    sent = send_manual(
        sender=prefecture_reviewer,
        period=Period.objects.get(code="2026Q3"),
        counties=[County.objects.get(code="510104")],
        message="请抓紧",
        today=OVERDUE_DAY,
    )
    by_user = {n.recipient: n for n in sent}
    assert set(by_user) == {reporter, county_department}
    assert by_user[county_department].pending == 1
    assert by_user[county_department].county_department is not None
    assert by_user[reporter].pending == 24
    with translation.override("zh-hans"):
        text = reminders.describe(by_user[county_department])
    assert "本部门承担的举措尚有1项未提交" in text
    assert "chengdu_reviewer" in text
    assert text.endswith("请抓紧")


def test_the_reminder_log_lists_the_departments_reminders(
    client_for, prefecture_reviewer, county_department
):
    send_due_reminders(OVERDUE_DAY)
    response = client_for(prefecture_reviewer).get("/review/reminders/")
    assert response.status_code == 200
    assert "本部门承担的举措尚有1项未提交" in response.text
