"""Reminders (催办): each day, every county reporter is told what is still due (by default 7 days
and 1 day before the deadline, on the day, and every 3 days after it); from 10 days overdue the
county's reviewers are told too, once a round. Reviewers can also send a reminder by hand. Each
reminder is a Notification (the in-app message and the log) and, where the user has an address,
an email. A second run on the same day finds its reminders made and sends nothing twice.

"Due" means the round's measures without a submitted or approved note: a draft, a return not
answered, or nothing. A county with everything submitted gets nothing."""

import datetime
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from targets.audit import trail
from targets.models import (
    REPORTED,
    County,
    Measure,
    Notification,
    Period,
    ProgressNote,
    Role,
    changes,
)
from targets.supervision import rulebook
from targets.supervision.periods import in_cadence
from targets.supervision.rulebook import Rules

log = logging.getLogger(__name__)
Kind = Notification.Kind


def kind_for(days: int, rules: Rules) -> str | None:
    """Which reminder the reporters get on a day ``days`` after the deadline (negative before
    it), or None."""
    if days < 0:
        return Kind.DUE_SOON if -days in rules.reminder_days_before else None
    if days == 0:
        return Kind.DUE_TODAY
    if days <= rules.stop_after_days and days % rules.remind_every_days_after == 0:
        return Kind.OVERDUE
    return None


def pending_measures(period: Period, counties: QuerySet[County]) -> dict[int, list[Measure]]:
    """The measures each county has not submitted this round; counties with none are left out."""
    measures = list(Measure.objects.order_by("order"))
    done: dict[int, set[int]] = {}
    reported = ProgressNote.objects.filter(period=period, county__in=counties, state__in=REPORTED)
    for county_id, measure_id in reported.values_list("county_id", "measure_id"):
        done.setdefault(county_id, set()).add(measure_id)
    pending: dict[int, list[Measure]] = {}
    for county_id in counties.values_list("pk", flat=True):
        missing = [m for m in measures if m.pk not in done.get(county_id, set())]
        if missing:
            pending[county_id] = missing
    return pending


def reporters_of(county_ids: list[int]) -> dict[int, list[User]]:
    roles = Role.objects.filter(
        kind=Role.Kind.COUNTY_REPORTER, county__in=county_ids, user__is_active=True
    ).select_related("user")
    found: dict[int, list[User]] = {}
    for role in roles:
        # A reporter's role always names its county (the role_scope_matches_kind constraint).
        found.setdefault(role.county_id, []).append(role.user)  # type: ignore[arg-type]
    return found


def reviewers_of(counties: list[County]) -> dict[int, list[User]]:
    """The prefecture reviewers of each county's prefecture; the provincial reviewers where a
    prefecture has none."""
    roles = Role.objects.filter(
        kind__in=[Role.Kind.PREFECTURE_REVIEWER, Role.Kind.PROVINCIAL_REVIEWER],
        user__is_active=True,
    ).select_related("user")
    by_prefecture: dict[int | None, list[User]] = {}
    provincial: list[User] = []
    for role in roles:
        if role.kind == Role.Kind.PROVINCIAL_REVIEWER:
            provincial.append(role.user)
        else:
            by_prefecture.setdefault(role.prefecture_id, []).append(role.user)
    return {c.pk: by_prefecture.get(c.prefecture_id) or provincial for c in counties}


@dataclass
class RunResult:
    sent: list[Notification] = field(default_factory=list)
    already: int = 0  # found made by an earlier run today


def _make(result: RunResult, **fields: object) -> None:
    """One notification; a duplicate of an earlier run's counts as already sent."""
    try:
        with transaction.atomic():
            result.sent.append(Notification.objects.create(**fields))
    except IntegrityError:
        result.already += 1


def send_due_reminders(today: datetime.date) -> RunResult:
    """The day's automatic reminders for every open round of the cadence."""
    rules = rulebook.current()
    earliest = today - datetime.timedelta(days=rules.stop_after_days)
    latest = today + datetime.timedelta(days=max(rules.reminder_days_before, default=0))
    rounds = in_cadence().filter(locked=False, deadline__range=(earliest, latest))
    result = RunResult()
    all_counties = County.objects.all()
    for period in rounds.order_by("deadline"):
        days = (today - period.deadline).days
        kind = kind_for(days, rules)
        escalate = days >= rules.escalate_after_days
        if kind is None and not escalate:
            continue
        pending = pending_measures(period, all_counties)
        common = {"period": period, "days": days, "sent_on": today}
        if kind is not None:
            for county_id, users in reporters_of(list(pending)).items():
                for user in users:
                    _make(
                        result,
                        recipient=user,
                        kind=kind,
                        county_id=county_id,
                        pending=len(pending[county_id]),
                        **common,
                    )
        if escalate:
            # Once a round: escalations of earlier days are left alone, today's count as made.
            earlier = Notification.objects.filter(period=period, kind=Kind.ESCALATION)
            escalated = {
                (recipient, county): on
                for recipient, county, on in earlier.values_list(
                    "recipient_id", "county_id", "sent_on"
                )
            }
            late = list(County.objects.filter(pk__in=pending))
            for county_id, users in reviewers_of(late).items():
                for user in users:
                    sent_on = escalated.get((user.pk, county_id))
                    if sent_on == today:
                        result.already += 1
                    elif sent_on is None:
                        _make(
                            result,
                            recipient=user,
                            kind=Kind.ESCALATION,
                            county_id=county_id,
                            pending=len(pending[county_id]),
                            **common,
                        )
    if result.sent:
        changes.reminders_sent.send(sender=__name__, notifications=result.sent)
        trail.record(
            "reminder.send",
            actor_name="system",
            changes={"sent": [None, len(result.sent)], "day": [None, today.isoformat()]},
        )
        email(result.sent)
    return result


def send_manual(
    *,
    sender: User,
    period: Period,
    counties: list[County],
    message: str,
    today: datetime.date,
    request: HttpRequest | None = None,
) -> list[Notification]:
    """A reviewer's reminder to the reporters of the counties that still have something due in
    the round; counties with everything submitted are skipped. Recorded in the audit trail."""
    pending = pending_measures(period, County.objects.filter(pk__in=[c.pk for c in counties]))
    reporters = reporters_of(list(pending))
    sent: list[Notification] = []
    with transaction.atomic():
        for county in counties:
            users = reporters.get(county.pk, []) if county.pk in pending else []
            sent.extend(
                Notification.objects.create(
                    recipient=user,
                    kind=Kind.MANUAL,
                    period=period,
                    county=county,
                    days=(today - period.deadline).days,
                    pending=len(pending[county.pk]),
                    message=message,
                    sender=sender,
                    sent_on=today,
                )
                for user in users
            )
            if users:
                trail.record(
                    "reminder.manual",
                    request=request,
                    actor=sender,
                    obj=county,
                    changes={
                        "period": [None, period.code],
                        "recipients": [None, sorted(u.get_username() for u in users)],
                        "message": [None, message],
                    },
                )
        if sent:
            changes.reminders_sent.send(sender=__name__, notifications=sent)
    email(sent)
    return sent


def describe(notification: Notification) -> str:
    """The notification in words, in the active language."""
    n = notification
    values = {
        "county": n.county.label,
        "period": n.period.label,
        "deadline": formats.date_format(n.period.deadline, "DATE_FORMAT"),
        "days": abs(n.days),
        "pending": n.pending,
    }
    if n.kind == Kind.DUE_SOON:
        text = _(
            "%(county)s %(period)s 的进展填报将于 %(deadline)s 截止(还有%(days)d天),尚有%(pending)d项举措未提交。"
        )
    elif n.kind == Kind.DUE_TODAY:
        text = _("%(county)s %(period)s 的进展填报今天截止,尚有%(pending)d项举措未提交。")
    elif n.kind == Kind.OVERDUE:
        text = _(
            "%(county)s %(period)s 的进展填报已逾期%(days)d天(截止日期 %(deadline)s),尚有%(pending)d项举措未提交,请尽快填报。"
        )
    elif n.kind == Kind.ESCALATION:
        text = _(
            "%(county)s %(period)s 的进展填报已逾期%(days)d天,尚有%(pending)d项举措未提交,请督促。"
        )
    else:
        # A reminder by hand always has its sender (send_manual), kept by on_delete=PROTECT.
        values["sender"] = n.sender.get_full_name() or n.sender.get_username()  # type: ignore[union-attr]
        text = _("%(sender)s 催办:%(county)s %(period)s 尚有%(pending)d项举措未提交。")
    words = text % values
    return f"{words} {n.message}" if n.message else words


def link(notification: Notification) -> str:
    """Where the notification leads: the reporter's page of the round, or the late view."""
    if notification.kind == Kind.ESCALATION:
        return f"{reverse('late')}?period={notification.period.code}"
    return reverse("report", args=[notification.county.code, notification.period.code])


def _pending_lists(notifications: list[Notification]) -> dict[tuple[int, int], list[Measure]]:
    """The measures due, by (period, county) of the notifications."""
    lists: dict[tuple[int, int], list[Measure]] = {}
    for period in {n.period for n in notifications}:
        counties = County.objects.filter(
            pk__in={n.county_id for n in notifications if n.period == period}
        )
        lists |= {(period.pk, c): m for c, m in pending_measures(period, counties).items()}
    return lists


def _email_text(n: Notification, measures: list[Measure] | None) -> list[str]:
    lines = [describe(n)]
    if measures and n.kind != Kind.ESCALATION:
        lines += [_("未提交的举措:")] + [f"  {m.code} {m.label}" for m in measures]
    return [*lines, settings.PUBLIC_URL.rstrip("/") + link(n), ""]


def _messages(
    notifications: list[Notification],
) -> Iterator[tuple[EmailMessage, list[Notification]]]:
    """One message to each recipient with an address, holding all their notifications, in the
    site's language, with the measures still due: (message, notifications) pairs."""
    by_recipient: dict[int, list[Notification]] = {}
    for n in notifications:
        if n.recipient.email:
            by_recipient.setdefault(n.recipient_id, []).append(n)
    pending = _pending_lists(notifications)
    with translation.override(settings.LANGUAGE_CODE):
        for batch in by_recipient.values():
            first = batch[0]
            if len(batch) == 1:
                subject = _("【催办】%(county)s %(period)s 进展填报") % {
                    "county": first.county.label,
                    "period": first.period.label,
                }
            else:
                subject = _("【催办】%(count)d条进展填报提醒") % {"count": len(batch)}
            body = [
                line
                for n in batch
                for line in _email_text(n, pending.get((n.period_id, n.county_id)))
            ]
            yield (
                EmailMessage(subject=subject, body="\n".join(body), to=[first.recipient.email]),
                batch,
            )


def email(notifications: list[Notification]) -> int:
    """Email the notifications over one connection to the mail server, so that a server that
    does not answer costs one timeout, not one per person. A failure is logged and the in-app
    notifications stand. Returns how many notifications went out by email."""
    outgoing = list(_messages(notifications))
    if not outgoing:
        return 0
    sent_ids: list[int] = []
    try:
        with mailers.default as connection:
            for message, batch in outgoing:
                try:
                    connection.send_messages([message])
                except OSError:
                    log.exception("Reminder email to %s failed", message.to[0])
                    continue
                for n in batch:
                    n.emailed = True
                    sent_ids.append(n.pk)
    except OSError:
        log.exception("The mail server cannot be reached; reminders are in the app only")
    Notification.objects.filter(pk__in=sent_ids).update(emailed=True)
    return len(sent_ids)


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
