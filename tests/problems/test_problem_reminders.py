"""Rectification reminders (整改催办): a problem's owner is told before its deadline and on the
day, the reviewers the day after it passed without a rectification; never twice in a day."""

import datetime

import pytest

from targets.models import County, Measure, Notification, Problem, ProblemState
from targets.supervision.problem_reminders import send_problem_reminders

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)
Kind = Notification.Kind


def problem(user, days: int, *, owner=None, state=ProblemState.RECTIFYING) -> Problem:
    return Problem.objects.create(
        county=County.objects.get(code="510104"),
        measure=Measure.objects.get(code="T1.1"),
        source=Problem.Source.REVIEW,
        description="问题",
        owner=owner,
        deadline=TODAY + datetime.timedelta(days=days),
        state=state,
        raised_by=user,
        updated_by=user,
    )


def test_the_owner_is_told_seven_days_before_and_not_twice(
    reporter, county_department, prefecture_reviewer
):
    department = county_department.roles.get().county_department
    problem(prefecture_reviewer, 7, owner=department)
    problem(prefecture_reviewer, 7)
    problem(prefecture_reviewer, 3)  # not a reminder day
    problem(prefecture_reviewer, 7, state=ProblemState.REPORTED)  # the county has reported
    made = send_problem_reminders(TODAY)
    assert {(n.recipient, n.kind, n.pending) for n in made} == {
        (county_department, Kind.PROBLEM_DUE, 1),
        (reporter, Kind.PROBLEM_DUE, 1),
    }
    assert send_problem_reminders(TODAY) == []
    assert Notification.objects.count() == 2


def test_reviewers_are_told_the_day_after_the_deadline(reporter, prefecture_reviewer, client_for):
    problem(prefecture_reviewer, -1)
    problem(prefecture_reviewer, -1)
    problem(prefecture_reviewer, -5)  # told on its own day already
    made = send_problem_reminders(TODAY)
    told = [n for n in made if n.recipient == prefecture_reviewer]
    assert [(n.kind, n.pending) for n in told] == [(Kind.PROBLEM_OVERDUE, 2)]
    assert send_problem_reminders(TODAY) == []
    client = client_for(prefecture_reviewer)
    assert "2个问题已过整改时限仍未整改" in client.get("/notifications/").content.decode()
    opened = client.post(f"/notifications/{told[0].pk}/open/")
    assert opened["Location"] == "/problems/?overdue=on"


def test_the_owner_reads_the_reminder_with_a_link_to_the_list(
    reporter, prefecture_reviewer, client_for
):
    problem(prefecture_reviewer, 0)
    (reminder,) = send_problem_reminders(TODAY)
    client = client_for(reporter)
    assert "有1个问题今天到整改时限" in client.get("/notifications/").content.decode()
    opened = client.post(f"/notifications/{reminder.pk}/open/")
    assert opened["Location"] == "/problems/?county=510104&state=rectifying"
