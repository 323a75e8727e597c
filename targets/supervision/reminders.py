"""Reminders (催办): each day, every county reporter is told what is still due (by default 7 days
and 1 day before the deadline, on the day, and every 3 days after it); from 10 days overdue the
county's reviewers are told too, once a round. Reviewers can also send a reminder by hand. Each
reminder is a Notification (the in-app message and the log) and, where the user has an address,
an email, which the task worker sends (``email_notifications``), trying again later while the
mail server does not answer. A second run on the same day finds its reminders made and sends
nothing twice; nor does the job, run again after its worker was killed: each message is marked
sent as soon as the mail server takes it, and what is marked is not sent again.

The reminder goes to whoever holds the work as well as to the county's lead office (县牵头办):
on the same days, the users of each county department that leads measures still due (as its lead
office assigned them) are told of those measures alone. Once a round's deadline has passed, the
users of each provincial department that leads measures whose province-level note (省级层面推进情况)
is not submitted are told of those, once a day, on the days the county reminders go.

"Due" means the round's measures without a submitted or approved note: a draft, a return not
answered, or nothing. A county with everything submitted gets nothing."""

import datetime
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.tasks import task
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from targets.applicability import rules as applicability
from targets.audit import trail
from targets.jobs.retries import retrying
from targets.models import (
    REPORTED,
    County,
    Measure,
    MeasureDepartment,
    Notification,
    Period,
    ProgressNote,
    ProvinceNote,
    Responsibility,
    Role,
    changes,
)
from targets.supervision import rulebook
from targets.supervision.periods import in_cadence
from targets.supervision.rulebook import Rules
from targets.units import assigned

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
    """The measures each county has not submitted this round, of those that apply to it;
    counties with none are left out."""
    measures = list(Measure.objects.order_by("order"))
    off = applicability.inapplicable(counties)
    done: dict[int, set[int]] = {}
    reported = ProgressNote.objects.filter(period=period, county__in=counties, state__in=REPORTED)
    for county_id, measure_id in reported.values_list("county_id", "measure_id"):
        done.setdefault(county_id, set()).add(measure_id)
    pending: dict[int, list[Measure]] = {}
    for county_id in counties.values_list("pk", flat=True):
        settled = done.get(county_id, set()) | off.measures_of(county_id)
        missing = [m for m in measures if m.pk not in settled]
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


@dataclass
class Holder:
    """A county department's users and the measures still due that the department leads."""

    county_id: int
    department_id: int
    users: list[User]
    measures: list[Measure]


def holders_of(pending: dict[int, list[Measure]]) -> list[Holder]:
    """The county departments holding measures still due (``pending``, by county), with their
    active users; a department with none of them due, or with no users, is left out."""
    leads = assigned.county_leads(pending)
    users = assigned.county_department_users(
        department_id for departments in leads.values() for department_id in departments
    )
    found = []
    for county_id, departments in leads.items():
        for department_id, held in sorted(departments.items()):
            due = [m for m in pending[county_id] if m.pk in held]
            if due and users.get(department_id):
                found.append(Holder(county_id, department_id, users[department_id], due))
    return found


def lead_departments_due(period: Period) -> dict[User, int]:
    """The active users of the provincial departments that lead measures whose province-level
    note of the round is not submitted (nor approved), with how many such measures each has."""
    reported = ProvinceNote.objects.filter(period=period, state__in=REPORTED).values("measure")
    due: dict[int, int] = {}
    leads = MeasureDepartment.objects.filter(responsibility=Responsibility.LEAD).exclude(
        measure__in=reported
    )
    for department_id in leads.values_list("department_id", flat=True):
        due[department_id] = due.get(department_id, 0) + 1
    roles = Role.objects.filter(
        kind=Role.Kind.DEPARTMENT, department_id__in=due, user__is_active=True
    ).select_related("user")
    told: dict[User, int] = {}
    for role in roles.order_by("user_id"):
        told[role.user] = told.get(role.user, 0) + due[named(role.department_id)]
    return told


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


def named[T](value: T | None) -> T:
    """A field that notifications of the kind at hand always fill (its county and round, its
    figures, its sender): how they are made sees to that."""
    if value is None:
        raise ValueError("This kind of notification always names it.")
    return value


# The reminders' kinds: their log, and the late view's last reminder, read only these.
KINDS = (Kind.DUE_SOON, Kind.DUE_TODAY, Kind.OVERDUE, Kind.ESCALATION, Kind.MANUAL)


@dataclass
class RunResult:
    sent: list[Notification] = field(default_factory=list)
    already: int = 0  # found made by an earlier run today
    digests: list[Notification] = field(default_factory=list)  # one per reviewer told today
    to_email: int = 0  # notifications the worker is to email


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
    to_escalate: dict[User, list[Notification]] = {}
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
            for holder in holders_of(pending):
                for user in holder.users:
                    _make(
                        result,
                        recipient=user,
                        kind=kind,
                        county_id=holder.county_id,
                        county_department_id=holder.department_id,
                        pending=len(holder.measures),
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
                        to_escalate.setdefault(user, []).append(
                            Notification(
                                recipient=user,
                                kind=Kind.ESCALATION,
                                county_id=county_id,
                                pending=len(pending[county_id]),
                                **common,
                            )
                        )
        if kind == Kind.OVERDUE:
            for user, pending_count in lead_departments_due(period).items():
                _make(
                    result,
                    recipient=user,
                    kind=Kind.PROVINCE_DUE,
                    pending=pending_count,
                    **common,
                )
    for user, escalations in to_escalate.items():
        _digest(result, user, escalations, today)
    if result.sent:
        changes.reminders_sent.send(sender=__name__, notifications=result.sent)
        trail.record(
            "reminder.send",
            actor_name="system",
            changes={"sent": [None, len(result.sent)], "day": [None, today.isoformat()]},
        )
        told = [n for n in result.sent if n.kind != Kind.ESCALATION]
        result.to_email = email_later(told + result.digests)
    return result


def _digest(
    result: RunResult, user: User, escalations: list[Notification], today: datetime.date
) -> None:
    """The reviewer's escalations of the run, gathered under one digest: all of them or, where a
    run at the same moment made them first, none."""
    try:
        with transaction.atomic():
            digest = Notification.objects.create(
                recipient=user, kind=Kind.ESCALATION_DIGEST, sent_on=today
            )
            for escalation in escalations:
                escalation.group = digest
            made = Notification.objects.bulk_create(escalations)
    except IntegrityError:
        result.already += len(escalations)
        return
    result.digests.append(digest)
    result.sent += made


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
    the round (and to the county departments that hold measures of it); counties with everything
    submitted are skipped. Recorded in the audit trail."""
    pending = pending_measures(period, County.objects.filter(pk__in=[c.pk for c in counties]))
    reporters = reporters_of(list(pending))
    holders: dict[int, list[Holder]] = {}
    for holder in holders_of(pending):
        holders.setdefault(holder.county_id, []).append(holder)
    sent: list[Notification] = []
    with transaction.atomic():
        for county in counties:
            if county.pk not in pending:
                continue
            common = {
                "kind": Kind.MANUAL,
                "period": period,
                "county": county,
                "days": (today - period.deadline).days,
                "message": message,
                "sender": sender,
                "sent_on": today,
            }
            to_county = reporters.get(county.pk, [])
            sent.extend(
                Notification.objects.create(
                    recipient=user, pending=len(pending[county.pk]), **common
                )
                for user in to_county
            )
            to_departments = [
                (user, holder) for holder in holders.get(county.pk, []) for user in holder.users
            ]
            sent.extend(
                Notification.objects.create(
                    recipient=user,
                    county_department_id=holder.department_id,
                    pending=len(holder.measures),
                    **common,
                )
                for user, holder in to_departments
            )
            users = to_county + [user for user, _holder in to_departments]
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
        email_later(sent)
    return sent


def describe(notification: Notification) -> str:
    """The reminder in words, in the active language."""
    n = notification
    if n.kind == Kind.PROVINCE_DUE:
        return _(
            "%(period)s 已于 %(deadline)s 截止,本部门牵头的举措尚有%(pending)d项未提交省级层面推进情况,请尽快填报。"
        ) % {
            "period": named(n.period).label,
            "deadline": formats.date_format(named(n.period).deadline, "DATE_FORMAT"),
            "pending": named(n.pending),
        }
    values = {
        "county": named(n.county).label,
        "period": named(n.period).label,
        "deadline": formats.date_format(named(n.period).deadline, "DATE_FORMAT"),
        "days": abs(named(n.days)),
        "pending": named(n.pending),
    }
    if n.county_department_id is not None and n.kind in HOLDER_KINDS:
        text = HOLDER_KINDS[n.kind]()
        if n.kind == Kind.MANUAL:
            # A reminder by hand always has its sender (send_manual), kept by on_delete=PROTECT.
            values["sender"] = n.sender.get_full_name() or n.sender.get_username()  # type: ignore[union-attr]
    elif n.kind == Kind.DUE_SOON:
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


# What a county department's users are told: the measures their lead office assigned to them.
HOLDER_KINDS: dict[str, Callable[[], str]] = {
    Kind.DUE_SOON: lambda: _(
        "%(county)s %(period)s 的进展填报将于 %(deadline)s 截止(还有%(days)d天),本部门承担的举措尚有%(pending)d项未提交。"
    ),
    Kind.DUE_TODAY: lambda: _(
        "%(county)s %(period)s 的进展填报今天截止,本部门承担的举措尚有%(pending)d项未提交。"
    ),
    Kind.OVERDUE: lambda: _(
        "%(county)s %(period)s 的进展填报已逾期%(days)d天(截止日期 %(deadline)s),本部门承担的举措尚有%(pending)d项未提交,请尽快填报。"
    ),
    Kind.MANUAL: lambda: _(
        "%(sender)s 催办:%(county)s %(period)s 本部门承担的举措尚有%(pending)d项未提交。"
    ),
}


def link(notification: Notification) -> str:
    """Where the reminder leads: the reporter's page of the round, or the late view."""
    period = named(notification.period)
    if notification.kind == Kind.ESCALATION:
        return f"{reverse('late')}?period={period.code}"
    if notification.kind == Kind.PROVINCE_DUE:
        return f"{reverse('province_work')}?period={period.code}"
    return reverse("report", args=[named(notification.county).code, period.code])


DIGEST_ITEM_RELATED = ("county__prefecture", "period")


def describe_digest(items: list[Notification]) -> str:
    """A digest's headline: how many counties it lists."""
    counties = len({n.county_id for n in items})
    return ngettext(
        "%(count)d个县(市、区)的进展填报逾期未交,请督促:",
        "%(count)d个县(市、区)的进展填报逾期未交,请督促:",
        counties,
    ) % {"count": counties}


def describe_escalated(n: Notification) -> str:
    """One county of a digest: where, which round, how late, how much is due."""
    county = named(n.county)
    return _("%(county)s(%(prefecture)s) %(period)s:逾期%(days)d天,%(pending)d项举措未提交") % {
        "county": county.label,
        "prefecture": county.prefecture.label,
        "period": named(n.period).label,
        "days": named(n.days),
        "pending": named(n.pending),
    }


def link_digest(items: list[Notification]) -> str:
    """The late view, of the round the digest lists (of the default round if it lists several)."""
    codes = {n.period.code for n in items if n.period is not None}
    late = reverse("late")
    return f"{late}?period={codes.pop()}" if len(codes) == 1 else late


def _pending_lists(
    notifications: list[Notification],
) -> dict[tuple[int, int, int | None], list[Measure]]:
    """The measures due, by (period, county, county department) of the notifications: a county
    department's are those it leads, its lead office's (department None) all of them."""
    lists: dict[tuple[int, int, int | None], list[Measure]] = {}
    for period in {n.period for n in notifications if n.period is not None}:
        counties = County.objects.filter(
            pk__in={n.county_id for n in notifications if n.period == period}
        )
        pending = pending_measures(period, counties)
        lists |= {(period.pk, c, None): m for c, m in pending.items()}
        if any(n.county_department_id for n in notifications if n.period == period):
            lists |= {
                (period.pk, h.county_id, h.department_id): h.measures for h in holders_of(pending)
            }
    return lists


def _email_text(n: Notification, measures: list[Measure] | None) -> list[str]:
    site = settings.PUBLIC_URL.rstrip("/")
    if n.kind == Kind.ESCALATION_DIGEST:
        items = list(n.items.select_related(*DIGEST_ITEM_RELATED).order_by("county__code"))
        lines = [describe_digest(items)]
        lines += [f"  {describe_escalated(item)}" for item in items]
        return [*lines, site + link_digest(items), ""]
    lines = [describe(n)]
    if measures and n.kind != Kind.ESCALATION:
        lines += [_("未提交的举措:")] + [f"  {m.code} {m.label}" for m in measures]
    return [*lines, site + link(n), ""]


def _subject(batch: list[Notification]) -> str:
    first = batch[0]
    if len(batch) > 1:
        return _("【催办】%(count)d条进展填报提醒") % {"count": len(batch)}
    if first.kind == Kind.ESCALATION_DIGEST:
        return _("【逾期告知】%(count)d个县(市、区)进展填报逾期") % {
            "count": first.items.values("county").distinct().count()
        }
    return _("【催办】%(county)s %(period)s 进展填报") % {
        "county": named(first.county).label,
        "period": named(first.period).label,
    }


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
            body = [
                line
                for n in batch
                for line in _email_text(
                    n,
                    pending.get((n.period_id, n.county_id, n.county_department_id)),  # type: ignore[arg-type]
                )
            ]
            yield (
                EmailMessage(
                    subject=_subject(batch), body="\n".join(body), to=[batch[0].recipient.email]
                ),
                batch,
            )


def email_later(notifications: list[Notification]) -> int:
    """Have the worker email the notifications (to those with an address): the job is queued in
    the database, in the transaction that stores them if there is one, so that it is there if
    and only if they are. Returns how many notifications it will email."""
    ids = [n.pk for n in notifications if n.recipient.email]
    if ids:
        email_notifications.enqueue(notification_ids=ids)
    return len(ids)


class MailNotSent(Exception):
    """Some messages did not reach the mail server: the job is tried again for them."""


@task
@retrying()
def email_notifications(*, notification_ids: list[int]) -> int:
    """The worker's job: email the notifications not yet emailed, one message per recipient.
    What went out is marked at once, so that a run again (after a failure, or after the worker
    was killed) sends only what had not gone. Raises MailNotSent, to be tried again, while
    some did not go."""
    unsent = list(
        Notification.objects.filter(pk__in=notification_ids, emailed=False).select_related(
            "recipient", "county", "period", "sender"
        )
    )
    outgoing = list(_messages(unsent))
    sent = deliver(outgoing)
    if sent < sum(len(batch) for _message, batch in outgoing):
        raise MailNotSent(f"{sent} of {len(unsent)} notifications emailed")
    return sent


def deliver(outgoing: list[tuple[EmailMessage, list[Notification]]]) -> int:
    """Send (message, notifications) pairs over one connection to the mail server, so that a
    server that does not answer costs one timeout, not one per person, and mark each message's
    notifications (with those they gather) as emailed as soon as it went out. A failure is
    logged and the in-app notifications stand. Returns how many notifications went out by
    email."""
    if not outgoing:
        return 0
    sent = 0
    try:
        with mailers.default as connection:
            for message, batch in outgoing:
                try:
                    connection.send_messages([message])
                except OSError:
                    log.exception("Notification email to %s failed", message.to[0])
                    continue
                ids = [n.pk for n in batch]
                Notification.objects.filter(Q(pk__in=ids) | Q(group__in=ids)).update(emailed=True)
                for n in batch:
                    n.emailed = True
                sent += len(batch)
    except OSError:
        log.exception("The mail server cannot be reached; notifications are in the app only")
    return sent


def unread_count(user: User) -> int:
    """The user's unread notifications, as the list shows them (gathered ones not apart)."""
    return Notification.objects.filter(
        recipient=user, read_at__isnull=True, group__isnull=True
    ).count()
