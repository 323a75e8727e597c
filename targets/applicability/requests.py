"""A county's request to declare a measure 不适用 (不适用申请), and the prefecture's decision. Each
step is one transaction, checked here and recorded in the audit trail; bad input changes nothing.
The county's lead office is told of the decision in the app, with the reviewer's comment."""

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from targets.accounts.access import Access
from targets.applicability import rules
from targets.audit import trail
from targets.models import County, Exemption, Measure, Notification
from targets.supervision.reminders import reporters_of

REASON_LENGTH = 1000


class ExemptionError(Exception):
    """A step that cannot happen; its message is for the user."""


class DecidedAlready(ExemptionError):
    """Someone decided (or changed) the request since the reviewer opened it."""

    def __init__(self, current: Exemption) -> None:
        self.current = current
        by = current.decided_by
        name = (by.get_full_name() or by.get_username()) if by else ""
        super().__init__(
            _("%(name)s 已审核了这份申请(%(state)s),您的决定没有保存。")
            % {"name": name, "state": current.get_state_display()}
        )


def _text(value: str, missing: str) -> str:
    text = value.strip()
    if not text:
        raise ExemptionError(missing)
    if len(text) > REASON_LENGTH:
        raise ExemptionError(_("请将内容控制在%(n)d字以内。") % {"n": REASON_LENGTH})
    return text


def ask(
    *,
    user: User,
    county: County,
    measure: Measure,
    reason: str,
    request: HttpRequest | None = None,
) -> Exemption:
    """The county's lead office asks that ``measure`` be declared 不适用 to ``county``."""
    text = _text(reason, _("请填写申请不适用的理由。"))
    with transaction.atomic():
        # The county's row serialises two requests on the same county.
        County.objects.select_for_update().filter(pk=county.pk).first()
        found = rules.verdict(county, measure)
        if not found.applies:
            raise ExemptionError(
                _("%(measure)s 对本县已不适用(%(source)s),无需再申请。")
                % {"measure": measure.code, "source": found.source_label}
            )
        pending = Exemption.objects.filter(
            county=county, measure=measure, state=Exemption.State.PENDING
        )
        if pending.exists():
            raise ExemptionError(
                _("%(measure)s 已有一份待审核的不适用申请,请等待市州审核。")
                % {"measure": measure.code}
            )
        try:
            with transaction.atomic():
                exemption = Exemption.objects.create(
                    county=county, measure=measure, reason=text, requested_by=user
                )
        except IntegrityError as clash:  # another request got in first
            raise ExemptionError(
                _("%(measure)s 已有一份待审核的不适用申请,请等待市州审核。")
                % {"measure": measure.code}
            ) from clash
        trail.record(
            "exemption.ask",
            request=request,
            actor=user,
            obj=exemption,
            changes=trail.diff({}, trail.snapshot(exemption)),
        )
    return exemption


def decide(
    *,
    user: User,
    access: Access,
    exemption: Exemption,
    approve: bool,
    comment: str,
    started_from: int,
    request: HttpRequest | None = None,
) -> Exemption:
    """Approve or refuse a pending request (a refusal says why), unless it was decided or changed
    since the reviewer opened it at version ``started_from``. Only a reviewer of the county
    decides: its prefecture's, or the province's."""
    text = comment.strip()
    if not approve:
        text = _text(comment, _("不同意时请填写审核意见,说明理由。"))
    elif len(text) > REASON_LENGTH:
        raise ExemptionError(_("请将内容控制在%(n)d字以内。") % {"n": REASON_LENGTH})
    with transaction.atomic():
        current = (
            Exemption.objects.select_for_update(of=("self",))
            .select_related("county", "measure", "decided_by")
            .get(pk=exemption.pk)
        )
        if not (access.reviews and access.can_review(current.county)):
            raise ExemptionError(
                _("这份申请不在您的审核范围内,只有本县所在市州或省级审核人可以审核。")
            )
        if current.state != Exemption.State.PENDING or current.version != started_from:
            raise DecidedAlready(current)
        before = trail.snapshot(current)
        current.state = Exemption.State.APPROVED if approve else Exemption.State.REFUSED
        current.decided_by, current.decided_at = user, timezone.now()
        current.comment = text
        current.version += 1
        current.save()
        trail.record(
            "exemption.approve" if approve else "exemption.refuse",
            request=request,
            actor=user,
            obj=current,
            changes=trail.diff(before, trail.snapshot(current)),
        )
        _tell_county(current, user)
    return current


def _tell_county(exemption: Exemption, sender: User) -> None:
    """The county's lead office learns the decision, with the reviewer's comment."""
    kind = (
        Notification.Kind.EXEMPTION_APPROVED
        if exemption.state == Exemption.State.APPROVED
        else Notification.Kind.EXEMPTION_REFUSED
    )
    users = reporters_of([exemption.county_id]).get(exemption.county_id, [])
    Notification.objects.bulk_create(
        Notification(
            recipient=recipient,
            kind=kind,
            county_id=exemption.county_id,
            exemption=exemption,
            record_version=exemption.version,
            message=exemption.comment,
            sender=sender,
            sent_on=timezone.localdate(),
        )
        for recipient in users
    )
