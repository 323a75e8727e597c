"""What the orders tell people, in the app (Notifications) and by email: an order issued, an
answer to verify, a return, a closing, the daily reminder to sign for or answer it, and the
escalation of a late order to the superior scope."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from targets.jobs.retries import retrying
from targets.models import Notification, SupervisionOrder
from targets.supervision.notices import Entry
from targets.supervision.reminders import MailNotSent, deliver

Kind = Notification.Kind
KINDS = {
    Kind.ORDER_ISSUED,
    Kind.ORDER_ANSWERED,
    Kind.ORDER_RETURNED,
    Kind.ORDER_CLOSED,
    Kind.ORDER_DUE,
    Kind.ORDER_ESCALATED,
}
# The daily kinds: at most one a day per person and order (a database constraint).
DAILY = {Kind.ORDER_DUE, Kind.ORDER_ESCALATED}


def tell(
    order: SupervisionOrder,
    users: Iterable[User],
    kind: str,
    *,
    today: datetime.date,
    sender: User | None = None,
    message: str = "",
) -> list[Notification]:
    """One notification of ``kind`` about the order to each user; a daily kind already sent
    today is not sent again. Emailed by the worker once the transaction commits."""
    made = []
    for user in users:
        fields = {
            "recipient": user,
            "kind": kind,
            "order": order,
            "county_id": order.county_id,
            "sent_on": today,
            "sender": sender,
            "message": message[:500],
        }
        if kind in DAILY:
            try:
                with transaction.atomic():
                    made.append(Notification.objects.create(**fields))
            except IntegrityError:
                continue
        else:
            made.append(Notification.objects.create(**fields))
    ids = [n.pk for n in made if n.recipient.email]
    if ids:
        email_order_notifications.enqueue(notification_ids=ids)
    return made


def _order(n: Notification) -> SupervisionOrder:
    if n.order is None:
        raise ValueError("An order's notification always names its order.")
    return n.order


def describe(n: Notification) -> str:
    """The notification in words, in the active language."""
    order = _order(n)
    values = {
        "number": order.number,
        "recipient": order.recipient_label,
        "deadline": formats.date_format(order.deadline, "DATE_FORMAT"),
        "sign_by": formats.date_format(order.sign_by, "DATE_FORMAT"),
    }
    if n.kind == Kind.ORDER_ISSUED:
        text = _(
            "督办单 %(number)s 已下达%(recipient)s,请于 %(sign_by)s 前签收,%(deadline)s 前办结。"
        )
    elif n.kind == Kind.ORDER_ANSWERED:
        text = _("%(recipient)s 已报送督办单 %(number)s 的整改情况,请核验。")
    elif n.kind == Kind.ORDER_RETURNED:
        text = _("督办单 %(number)s 的整改情况被退回重办,请按意见整改后重新报送。")
    elif n.kind == Kind.ORDER_CLOSED:
        text = _("督办单 %(number)s 已办结。")
    elif n.kind == Kind.ORDER_DUE:
        if order.state == SupervisionOrder.State.ISSUED:
            text = _("督办单 %(number)s 尚未签收,签收期限为 %(sign_by)s。")
        else:
            text = _("督办单 %(number)s 须于 %(deadline)s 前报送整改情况。")
    else:
        text = _("督办单 %(number)s(%(recipient)s)逾期未签收或未办结,请督促。")
    return text % values


def link(n: Notification) -> str:
    return reverse("order", args=[_order(n).pk])


def entry(n: Notification) -> Entry:
    """The notification as the list shows it."""
    action = (
        _("去办理")
        if n.kind in (Kind.ORDER_ISSUED, Kind.ORDER_RETURNED, Kind.ORDER_DUE)
        else _("查看")
    )
    return Entry(n, describe(n), link(n), action, comment=n.message)


def _messages(notifications: list[Notification]) -> list[tuple[EmailMessage, list[Notification]]]:
    """One message to each recipient, in the site's language."""
    by_recipient: dict[int, list[Notification]] = {}
    for n in notifications:
        by_recipient.setdefault(n.recipient_id, []).append(n)
    site = settings.PUBLIC_URL.rstrip("/")
    outgoing = []
    with translation.override(settings.LANGUAGE_CODE):
        for batch in by_recipient.values():
            lines = []
            for n in batch:
                lines += [describe(n), *([n.message] if n.message else []), site + link(n), ""]
            subject = _("【督办】%(number)s") % {"number": _order(batch[0]).number}
            if len(batch) > 1:
                subject = _("【督办】%(count)d条督办单提醒") % {"count": len(batch)}
            message = EmailMessage(
                subject=subject, body="\n".join(lines), to=[batch[0].recipient.email]
            )
            outgoing.append((message, batch))
    return outgoing


@task
@retrying()
def email_order_notifications(*, notification_ids: list[int]) -> int:
    """The worker's job: email the order notifications not yet emailed (see
    reminders.email_notifications, whose delivery it shares)."""
    unsent = list(
        Notification.objects.filter(pk__in=notification_ids, emailed=False)
        .exclude(recipient__email="")
        .select_related("recipient", "order__county", "order__department")
    )
    outgoing = _messages(unsent)
    sent = deliver(outgoing)
    if sent < len(unsent):
        raise MailNotSent(f"{sent} of {len(unsent)} order notifications emailed")
    return sent
