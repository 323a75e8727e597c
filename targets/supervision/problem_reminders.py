"""Reminders of rectification (整改催办), sent with the day's reminders: the owner of each problem
still owed (the users of its county department, or the county's lead office) is told on the days
the reporting reminders go before a deadline (7 and 1 days by default) and on the day; the
reviewers of the county are told once of the problems whose deadline passed yesterday without a
rectification, in one notification each listing how many. In the app only (the notifications
page); a second run on the same day finds them made and sends nothing twice."""

import datetime
from collections import defaultdict

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from targets.audit import trail
from targets.models import County, Notification, Problem
from targets.models.problems import OPEN
from targets.supervision import reminders, rulebook
from targets.supervision.reminders import named
from targets.units import assigned

Kind = Notification.Kind
KINDS = (Kind.PROBLEM_DUE, Kind.PROBLEM_OVERDUE)


def _made(fields: dict[str, object]) -> Notification | None:
    """The notification, or None where an earlier run of the day made it."""
    try:
        with transaction.atomic():
            return Notification.objects.create(**fields)
    except IntegrityError:
        return None


def _owners(problems: list[Problem]) -> dict[tuple[User, int], list[Problem]]:
    """The problems by (user told, county): a county department's users for those it owns, the
    county's lead office for the rest."""
    departments = assigned.county_department_users(p.owner_id for p in problems if p.owner_id)
    offices = reminders.reporters_of([p.county_id for p in problems if p.owner_id is None])
    told: dict[tuple[User, int], list[Problem]] = defaultdict(list)
    for problem in problems:
        if problem.owner_id is not None:
            users = departments.get(problem.owner_id, [])
        else:
            users = offices.get(problem.county_id, [])
        for user in users:
            told[user, problem.county_id].append(problem)
    return told


def send_problem_reminders(today: datetime.date) -> list[Notification]:
    """The day's rectification reminders; returns those made (none twice in a day)."""
    days = {0, *rulebook.current().reminder_days_before}
    due = list(
        Problem.objects.filter(
            state__in=OPEN, deadline__in=[today + datetime.timedelta(days=d) for d in days]
        )
    )
    sent = []
    for (user, county_id), problems in sorted(
        _owners(due).items(), key=lambda item: (item[0][0].pk, item[0][1])
    ):
        nearest = min((p.deadline - today).days for p in problems)
        fields = {
            "recipient": user,
            "kind": Kind.PROBLEM_DUE,
            "county_id": county_id,
            "days": -nearest,
            "pending": len(problems),
            "sent_on": today,
        }
        sent.append(_made(fields))
    lapsed = Problem.objects.filter(state__in=OPEN, deadline=today - datetime.timedelta(days=1))
    counties = list(County.objects.filter(pk__in=lapsed.values("county")))
    per_county: dict[int, int] = defaultdict(int)
    for county_id in lapsed.values_list("county_id", flat=True):
        per_county[county_id] += 1
    per_reviewer: dict[User, int] = defaultdict(int)
    for county_id, users in reminders.reviewers_of(counties).items():
        for user in users:
            per_reviewer[user] += per_county[county_id]
    for user, count in sorted(per_reviewer.items(), key=lambda item: item[0].pk):
        fields = {
            "recipient": user,
            "kind": Kind.PROBLEM_OVERDUE,
            "pending": count,
            "days": 1,
            "sent_on": today,
        }
        sent.append(_made(fields))
    made = [n for n in sent if n is not None]
    if made:
        trail.record(
            "reminder.send",
            actor_name="system",
            changes={"problems": [None, len(made)], "day": [None, today.isoformat()]},
        )
    return made


def describe(n: Notification) -> str:
    """The reminder in words, in the active language."""
    count = named(n.pending)
    if n.kind == Kind.PROBLEM_OVERDUE:
        return ngettext(
            "%(count)d个问题已过整改时限仍未整改,请督促:",
            "%(count)d个问题已过整改时限仍未整改,请督促:",
            count,
        ) % {"count": count}
    days = -named(n.days)
    values = {"county": named(n.county).label, "count": count, "days": days}
    if days == 0:
        return _("%(county)s 有%(count)d个问题今天到整改时限,请报送整改情况。") % values
    return (
        _("%(county)s 有%(count)d个问题将在%(days)d天内到整改时限,请抓紧整改并报送整改情况。")
        % values
    )


def link(n: Notification) -> str:
    """The problem list: the overdue ones for a reviewer, the county's still owed for an owner."""
    if n.kind == Kind.PROBLEM_OVERDUE:
        return f"{reverse('problems')}?overdue=on"
    return f"{reverse('problems')}?county={named(n.county).code}&state=rectifying"
