"""Telling the county of the prefecture's decision on its task list: an approval or a return
reaches the county's lead office in the app (通知) and by email (in the site's language, as the
notes' decisions), with the reviewer's comment and a link to the list. Written in the decision's
transaction, so that a decision is told once; the email leaves once it is committed."""

from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from targets.models import Notification, TaskList
from targets.supervision import reminders
from targets.supervision.reminders import named

Kind = Notification.Kind
KINDS = (Kind.PLAN_RETURNED, Kind.PLAN_APPROVED)
RELATED = ("task_list__county",)


def announce(*, reviewer: User, task_list: TaskList, approve: bool, comment: str) -> int:
    """One notification to each of the county's reporters; returns how many."""
    reporters = reminders.reporters_of([task_list.county_id]).get(task_list.county_id, [])
    told = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=Kind.PLAN_APPROVED if approve else Kind.PLAN_RETURNED,
            county_id=task_list.county_id,
            task_list=task_list,
            record_version=task_list.version,
            message=comment,
            sender=reviewer,
            sent_on=timezone.localdate(),
        )
        for user in reporters
    )
    if told:
        transaction.on_commit(partial(email, [n.pk for n in told]), robust=True)
    return len(told)


def describe(n: Notification) -> str:
    task_list = named(n.task_list)
    reviewer = named(n.sender)
    values = {
        "reviewer": reviewer.get_full_name() or reviewer.get_username(),
        "county": task_list.county.label,
        "year": task_list.year,
    }
    if n.kind == Kind.PLAN_RETURNED:
        return _("%(reviewer)s 退回了 %(county)s %(year)s年度任务清单,请修改后重新提交。") % values
    return _("%(reviewer)s 审核通过了 %(county)s %(year)s年度任务清单。") % values


def link(n: Notification) -> str:
    task_list = named(n.task_list)
    return reverse("county_plan", args=[task_list.county.code, task_list.year])


def _message(n: Notification) -> EmailMessage:
    task_list = named(n.task_list)
    values = {"county": task_list.county.label, "year": task_list.year}
    if n.kind == Kind.PLAN_RETURNED:
        subject = _("【退回】%(county)s %(year)s年度任务清单") % values
    else:
        subject = _("【审核通过】%(county)s %(year)s年度任务清单") % values
    lines = [describe(n)]
    if n.message:
        lines.append(_("审核意见:%(comment)s") % {"comment": n.message})
    lines.append(f"{settings.PUBLIC_URL.rstrip('/')}{link(n)}")
    return EmailMessage(subject=subject, body="\n".join(lines), to=[n.recipient.email])


def email(ids: list[int]) -> int:
    """Email the decision's notifications to those recipients with an address; returns how
    many went out."""
    found = Notification.objects.filter(pk__in=ids).select_related("recipient", "sender", *RELATED)
    with translation.override(settings.LANGUAGE_CODE):
        outgoing = [(_message(n), [n]) for n in found if n.recipient.email]
    return reminders.deliver(outgoing)
