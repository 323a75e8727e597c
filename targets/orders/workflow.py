"""The steps of a supervision order: issued (numbered), signed for, answered with rectification
and evidence, and verified (closed, or returned with the reason). Each step is one transaction:
it checks who acts and in which state the order is, refuses with a message for the user and
saves nothing otherwise, and writes the order's history, the audit record and the
notifications. An order carries a version: a step started from an older one is refused
(StaleOrder), so that two people answering at once never overwrite each other."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from targets.accounts.access import Access
from targets.audit import trail
from targets.models import (
    County,
    Department,
    Measure,
    Notification,
    OrderEvidence,
    OrderStep,
    SupervisionOrder,
    SupervisionRules,
)
from targets.models.orders import WITH_RECIPIENT
from targets.orders import duties, notices
from targets.reporting.evidence_files import CheckedFile
from targets.supervision import rulebook

State = SupervisionOrder.State
Level = SupervisionOrder.Level
Step = OrderStep.Kind
Kind = Notification.Kind


class OrderError(Exception):
    """A step that cannot happen; its message is for the user."""


class StaleOrder(OrderError):
    """Someone acted on the order since the user opened it; ``current`` is the order now."""

    def __init__(self, current: SupervisionOrder, step: OrderStep | None) -> None:
        self.current = current
        self.step = step
        who = step.actor.get_full_name() or step.actor.get_username() if step else ""
        super().__init__(
            _(
                "%(name)s 在您打开后已办理了这份督办单(现为“%(state)s”)。您填写的内容没有保存,"
                "仍在下方表单中(附件须重新选择);请对照后再决定是否提交。"
            )
            % {"name": who, "state": current.get_state_display()}
        )


@dataclass
class OrderInput:
    """What the issuing form gives."""

    level: str
    county: County | None
    department: Department | None
    measure: Measure | None
    reference: str
    matter: str
    requirement: str
    deadline: datetime.date


def number_for(number_format: str, year: int, sequence: int) -> str:
    """The order's number in the admins' format (〔2026〕12号)."""
    return number_format.replace("{year}", str(year)).replace("{number}", str(sequence))


def _check_issue(access: Access, data: OrderInput, today: datetime.date) -> None:
    if data.level not in duties.levels_for(access):
        raise OrderError(_("您不能下达这一级别的督办单。"))
    if (data.county is None) == (data.department is None):
        raise OrderError(_("请选择一个承办单位:县(市、区)或省直部门。"))
    if (
        data.county is not None
        and not duties.counties_for(access, data.level).filter(pk=data.county.pk).exists()
    ):
        raise OrderError(
            _("%(unit)s 不在您的督办范围内,督办单没有下达。") % {"unit": data.county.label}
        )
    if (
        data.department is not None
        and not duties.departments_for(access, data.level).filter(pk=data.department.pk).exists()
    ):
        raise OrderError(
            _("%(unit)s 不在您的督办范围内(市级督办单只能下达给本市州的县),督办单没有下达。")
            % {"unit": data.department.label}
        )
    if data.deadline <= today:
        raise OrderError(_("办结时限须晚于今天。"))
    if data.measure is None and not data.reference.strip():
        raise OrderError(_("请选择涉及的举措,或填写涉及的任务或问题。"))
    if not data.matter.strip() or not data.requirement.strip():
        raise OrderError(_("请填写督办事项和办理要求。"))


def issue(
    *,
    user: User,
    access: Access,
    data: OrderInput,
    today: datetime.date,
    request: HttpRequest | None = None,
    is_demo: bool = False,
) -> SupervisionOrder:
    """Issue an order: checked, numbered in the year's sequence, told to its recipient."""
    _check_issue(access, data, today)
    with transaction.atomic():
        # The rules' one row is locked while the number is taken: numbers never repeat or skip.
        rules = SupervisionRules.objects.select_for_update().get(pk=rulebook.stored().pk)
        last = (
            SupervisionOrder.objects.filter(year=today.year)
            .order_by("-sequence")
            .values_list("sequence", flat=True)
            .first()
        )
        sequence = (last or 0) + 1
        order = SupervisionOrder.objects.create(
            number=number_for(rules.order_number_format, today.year, sequence),
            year=today.year,
            sequence=sequence,
            level=data.level,
            issuing_prefecture=data.county.prefecture
            if data.level == Level.PREFECTURE and data.county
            else None,
            county=data.county,
            department=data.department,
            measure=data.measure,
            reference=data.reference.strip(),
            matter=data.matter.strip(),
            requirement=data.requirement.strip(),
            deadline=data.deadline,
            sign_by=today + datetime.timedelta(days=rules.order_sign_days),
            issued_by=user,
            is_demo=is_demo,
        )
        OrderStep.objects.create(order=order, kind=Step.ISSUE, actor=user)
        trail.record(
            "order.issue",
            request=request,
            actor=user,
            obj=order,
            changes=trail.diff({}, trail.snapshot(order)),
        )
        notices.tell(order, duties.recipients(order), Kind.ORDER_ISSUED, today=today, sender=user)
    return order


def _current(order: SupervisionOrder, started_from: int) -> SupervisionOrder:
    """The order as it is now, locked for the step; stale if changed since ``started_from``."""
    current = SupervisionOrder.objects.select_for_update(of=("self",)).get(pk=order.pk)
    if current.version != started_from:
        last = current.steps.select_related("actor").order_by("-at", "-id").first()
        raise StaleOrder(current, last)
    return current


def _step(
    order: SupervisionOrder,
    kind: str,
    *,
    user: User,
    text: str = "",
    request: HttpRequest | None,
    before: dict[str, object],
) -> OrderStep:
    order.version += 1
    order.save()
    step = OrderStep.objects.create(order=order, kind=kind, actor=user, text=text)
    changes = trail.diff(before, trail.snapshot(order))
    if text:
        changes["text"] = [None, text]
    trail.record(f"order.{kind}", request=request, actor=user, obj=order, changes=changes)
    return step


def sign(
    *,
    user: User,
    access: Access,
    order: SupervisionOrder,
    started_from: int,
    today: datetime.date,
    request: HttpRequest | None = None,
) -> SupervisionOrder:
    """The recipient signs for the order (签收)."""
    with transaction.atomic():
        order = _current(order, started_from)
        if not duties.may_answer(access, order):
            raise OrderError(_("只有承办单位才能签收督办单。"))
        if order.state != State.ISSUED:
            raise OrderError(_("这份督办单已经签收。"))
        before = trail.snapshot(order)
        order.state = State.SIGNED
        order.signed_at = timezone.now()
        _step(order, Step.SIGN, user=user, request=request, before=before)
    return order


def answer(
    *,
    user: User,
    access: Access,
    order: SupervisionOrder,
    text: str,
    files: Sequence[CheckedFile],
    uploads: Sequence,
    started_from: int,
    today: datetime.date,
    request: HttpRequest | None = None,
) -> SupervisionOrder:
    """The recipient answers with its rectification measures and evidence (报送整改情况), after
    signing for the order, or again after a return."""
    with transaction.atomic():
        order = _current(order, started_from)
        if not duties.may_answer(access, order):
            raise OrderError(_("只有承办单位才能报送整改情况。"))
        if order.state == State.CLOSED:
            raise OrderError(_("这份督办单已办结,不能再报送整改情况。"))
        if order.state == State.ISSUED:
            raise OrderError(_("请先签收督办单,再报送整改情况。"))
        if order.state == State.ANSWERED:
            raise OrderError(_("整改情况已报送,正等待核验;退回后才能重新报送。"))
        if not text.strip():
            raise OrderError(_("请填写整改措施和成效。"))
        before = trail.snapshot(order)
        order.state = State.ANSWERED
        step = _step(
            order, Step.ANSWER, user=user, text=text.strip(), request=request, before=before
        )
        for checked, upload in zip(files, uploads, strict=True):
            upload.name = f"evidence.{checked.extension}"  # stored under a generated name
            OrderEvidence.objects.create(
                step=step,
                file=upload,
                name=checked.safe_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=user,
            )
        notices.tell(order, duties.verifiers(order), Kind.ORDER_ANSWERED, today=today, sender=user)
    return order


def verify(
    *,
    user: User,
    access: Access,
    order: SupervisionOrder,
    close: bool,
    reason: str,
    started_from: int,
    today: datetime.date,
    request: HttpRequest | None = None,
) -> SupervisionOrder:
    """The issuing level verifies the answer: closes the order (办结) or returns it for redoing
    (退回重办), which needs a reason."""
    with transaction.atomic():
        order = _current(order, started_from)
        if not duties.may_verify(access, order):
            raise OrderError(_("只有下达督办单的一级(或其同级审核人)才能核验。"))
        if order.state != State.ANSWERED:
            raise OrderError(_("这份督办单没有待核验的整改情况。"))
        if not close and not reason.strip():
            raise OrderError(_("退回重办须写明理由。"))
        before = trail.snapshot(order)
        if close:
            order.state = State.CLOSED
            order.closed_at = timezone.now()
        else:
            order.state = State.RETURNED
        kind = Step.CLOSE if close else Step.RETURN
        _step(order, kind, user=user, text=reason.strip(), request=request, before=before)
        notices.tell(
            order,
            duties.recipients(order),
            Kind.ORDER_CLOSED if close else Kind.ORDER_RETURNED,
            today=today,
            sender=user,
            message=reason.strip(),
        )
    return order


def is_overdue(order: SupervisionOrder, today: datetime.date) -> bool:
    """Late with its recipient: unsigned past the window, or unanswered past the deadline."""
    if order.state == State.ISSUED and order.sign_by < today:
        return True
    return order.state in WITH_RECIPIENT and order.deadline < today
