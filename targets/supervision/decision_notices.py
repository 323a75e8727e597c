"""Telling the county of a reviewer's decision: an approval or a return reaches the county's
reporters in the app and by email, with the reviewer's comment and a link to each form.

One decision on several records of a county and round is one notification gathering them (a
bulk approval of 24 notes is one message, not 24). The notifications are written inside the
decision's transaction, so a decision is told exactly once (a constraint holds one item per
person for the version the decision made); the email leaves once the decision is committed,
and a failed email is logged without undoing anything."""

import datetime
from collections.abc import Sequence
from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from targets.models import IndicatorValue, Notification, ProgressNote
from targets.supervision import reminders
from targets.supervision.reminders import named
from targets.units import assigned

Kind = Notification.Kind
KINDS = (Kind.RETURNED, Kind.APPROVED)

Decided = ProgressNote | IndicatorValue


def announce(
    *,
    reviewer: User,
    records: Sequence[Decided],
    approve: bool,
    comment: str,
    today: datetime.date,
) -> list[Notification]:
    """Inside the decision's transaction, after ``records`` were saved with their new state:
    one notification per reporter of each county and round decided, with an item per record.
    Returns the gathering notifications."""
    kind = Kind.APPROVED if approve else Kind.RETURNED
    by_round: dict[tuple[int, int], list[Decided]] = {}
    for record in records:
        by_round.setdefault((record.county_id, record.period_id), []).append(record)
    reporters = reminders.reporters_of(sorted({county for county, _period in by_round}))
    common = {"kind": kind, "message": comment, "sender": reviewer, "sent_on": today}
    # Every notification first, then every item: two inserts however many counties and people.
    heads = [
        (Notification(recipient=user, county_id=county, period_id=period, **common), decided)
        for (county, period), decided in by_round.items()
        for user in reporters.get(county, [])
    ] + _to_drafters(records, common)
    told = Notification.objects.bulk_create([head for head, _decided in heads])
    Notification.objects.bulk_create(
        Notification(
            recipient=head.recipient,
            group=head,
            county_id=head.county_id,
            period_id=head.period_id,
            note=record if isinstance(record, ProgressNote) else None,
            value=record if isinstance(record, IndicatorValue) else None,
            record_version=record.version,
            **common,
        )
        for head, decided in heads
        for record in decided
    )
    if told:
        transaction.on_commit(partial(email, [n.pk for n in told]), robust=True)
    return told


def _to_drafters(
    records: Sequence[Decided], common: dict[str, object]
) -> list[tuple[Notification, list[Decided]]]:
    """The users of the county departments that drafted notes among ``records``, each told of
    its own notes (the lead office is told of all of them)."""
    drafted: dict[tuple[int, int, int], list[Decided]] = {}
    for record in records:
        department = getattr(record, "department_id", None)
        if department is not None:
            key = (record.county_id, record.period_id, department)
            drafted.setdefault(key, []).append(record)
    users = assigned.county_department_users({department for _c, _p, department in drafted})
    return [
        (
            Notification(
                recipient=user,
                county_id=county,
                period_id=period,
                county_department_id=department,
                **common,
            ),
            decided,
        )
        for (county, period, department), decided in drafted.items()
        for user in users.get(department, [])
    ]


ITEM_RELATED = ("county", "period", "note__measure", "value__indicator")


def item_name(item: Notification) -> str:
    """The note's measure or the value's indicator, by code and name in the active language."""
    if item.note is not None:
        return f"{item.note.measure.code} {item.note.measure.label}"
    indicator = named(item.value).indicator  # an item names a note or a value (announce)
    return f"{indicator.code} {indicator.label}"


def item_link(item: Notification) -> str:
    """The form of the note or value decided."""
    args = [named(item.county).code, named(item.period).code]
    if item.note is not None:
        return reverse("note", args=[*args, item.note.measure.code])
    return reverse("value", args=[*args, named(item.value).indicator.code])


def describe(head: Notification, items: Sequence[Notification]) -> str:
    """The decision in words, in the active language (the comment is shown beside it)."""
    reviewer = named(head.sender)
    values = {
        "reviewer": reviewer.get_full_name() or reviewer.get_username(),
        "county": named(head.county).label,
        "period": named(head.period).label,
        "count": len(items),
        "item": item_name(items[0]) if items else "",
    }
    if head.kind == Kind.RETURNED:
        if len(items) == 1:
            text = _("%(reviewer)s 退回了 %(county)s %(period)s 的“%(item)s”,请修改后重新提交。")
        else:
            text = _(
                "%(reviewer)s 退回了 %(county)s %(period)s 的%(count)d项填报,请修改后重新提交。"
            )
    elif len(items) == 1:
        text = _("%(reviewer)s 审核通过了 %(county)s %(period)s 的“%(item)s”。")
    else:
        text = _("%(reviewer)s 审核通过了 %(county)s %(period)s 的%(count)d项填报。")
    return text % values


def link(head: Notification, items: Sequence[Notification]) -> str:
    """One record's form, or the round's report page for several."""
    if len(items) == 1:
        return item_link(items[0])
    return reverse("report", args=[named(head.county).code, named(head.period).code])


def _message(head: Notification) -> EmailMessage:
    items = list(head.items.select_related(*ITEM_RELATED).order_by("pk"))
    values = {"county": named(head.county).label, "period": named(head.period).label}
    if head.kind == Kind.RETURNED:
        subject = _("【退回】%(county)s %(period)s 进展填报") % values
    else:
        subject = _("【审核通过】%(county)s %(period)s 进展填报") % values
    site = settings.PUBLIC_URL.rstrip("/")
    lines = [describe(head, items)]
    if head.message:
        lines.append(_("审核意见:%(comment)s") % {"comment": head.message})
    lines.append("")
    for item in items:
        lines += [f"  {item_name(item)}", f"  {site}{item_link(item)}"]
    return EmailMessage(subject=subject, body="\n".join(lines), to=[head.recipient.email])


def email(head_ids: list[int]) -> int:
    """Email the decisions' notifications to those of their recipients with an address, in the
    site's language (as the reminders). Returns how many went out."""
    heads = Notification.objects.filter(pk__in=head_ids).select_related(
        "recipient", "sender", "county", "period"
    )
    with translation.override(settings.LANGUAGE_CODE):
        outgoing = [(_message(head), [head]) for head in heads if head.recipient.email]
    return reminders.deliver(outgoing)
