"""A user's notifications as their list shows them: each in words with where it leads, and what
it gathers (the counties of an escalation digest, the notes and values of a decision), read in
a fixed number of queries whatever the page holds."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from targets.applicability import notices as exemption_notices
from targets.countyplans import notices as plan_notices
from targets.models import GeneratedFile, Notification
from targets.supervision import (
    county_check_notices,
    decision_notices,
    problem_reminders,
    reminders,
)
from targets.supervision.reminders import named

Kind = Notification.Kind


@dataclass
class Entry:
    notification: Notification
    text: str
    link: str
    action: str  # the words of the button that opens it
    comment: str = ""  # a decision's comment, shown apart from the text
    items: list[tuple[str, str]] = field(default_factory=list)  # (words, link) it gathers


def listed(notifications: QuerySet[Notification]) -> QuerySet[Notification]:
    """The notifications a list shows (not those another gathers), with what they gather."""
    items = Notification.objects.select_related(
        *{*decision_notices.ITEM_RELATED, *reminders.DIGEST_ITEM_RELATED}
    ).order_by("county__code", "pk")
    return (
        notifications.filter(group__isnull=True)
        .select_related(
            "county",
            "period",
            "sender",
            "note__measure",
            "generated_file",
            *plan_notices.RELATED,
            *exemption_notices.RELATED,
            "order__county",
            "order__department",
        )
        .prefetch_related(Prefetch("items", queryset=items))
    )


def entry(n: Notification) -> Entry:
    """The notification in words, in the active language (its items prefetched by ``listed``)."""
    items = list(n.items.all())
    if n.kind == Kind.ESCALATION_DIGEST:
        return Entry(
            n,
            reminders.describe_digest(items),
            reminders.link_digest(items),
            _("查看逾期情况"),
            items=[(reminders.describe_escalated(item), _report_of(item)) for item in items],
        )
    if n.kind in decision_notices.KINDS:
        return Entry(
            n,
            decision_notices.describe(n, items),
            decision_notices.link(n, items),
            _("去修改") if n.kind == Kind.RETURNED else _("查看"),
            comment=n.message,
            items=[
                (decision_notices.item_name(item), decision_notices.item_link(item))
                for item in items
            ],
        )
    if n.kind in county_check_notices.KINDS:
        return Entry(
            n,
            county_check_notices.describe(n),
            county_check_notices.link(n),
            _("去审核") if n.kind == Kind.SENT_FOR_CHECK else _("去修改"),
            comment=n.message,
        )
    if n.kind in plan_notices.KINDS:
        return Entry(
            n,
            plan_notices.describe(n),
            plan_notices.link(n),
            _("去修改") if n.kind == Kind.PLAN_RETURNED else _("查看"),
            comment=n.message,
        )
    if n.kind == Kind.FILE_READY and n.generated_file is not None:
        return Entry(n, _file_ready(n.generated_file), reverse("my_files"), _("去下载"))
    if n.kind in exemption_notices.KINDS:
        return Entry(
            n,
            exemption_notices.describe(n),
            exemption_notices.link(n),
            _("查看"),
            comment=n.message,
        )
    if n.kind in problem_reminders.KINDS:
        return Entry(n, problem_reminders.describe(n), problem_reminders.link(n), _("查看问题清单"))
    action = _("查看逾期情况") if n.kind == Kind.ESCALATION else _("去填报")
    return Entry(n, reminders.describe(n), reminders.link(n), action)


def _file_ready(generated: GeneratedFile) -> str:
    if generated.expired:
        return _("您申请的“%(kind)s”已生成,已过期删除。") % {"kind": generated.get_kind_display()}
    until = formats.date_format(timezone.localtime(generated.expires_at), "DATETIME_FORMAT")
    return _("您申请的“%(kind)s”已生成,可在“我的文件”中下载,%(until)s前有效。") % {
        "kind": generated.get_kind_display(),
        "until": until,
    }


def _report_of(n: Notification) -> str:
    """The report page of the notification's county and round."""
    return reverse("report", args=[named(n.county).code, named(n.period).code])
