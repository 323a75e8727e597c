"""The lead department's province-level note on a measure in a round (省级层面推进情况): saved as
a draft as often as needed, submitted, approved or returned by a provincial reviewer, under the
rules of a county note: one transaction per change, the version the user started from checked,
every version kept (with the contributions it was compiled from), every change audited."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from targets.audit import trail
from targets.departments import files as attached
from targets.models import (
    Contribution,
    Department,
    Measure,
    MeasureDepartment,
    Period,
    ProvinceNote,
    ProvinceNoteVersion,
    Responsibility,
    State,
    StatusOption,
)
from targets.reporting.evidence_files import CheckedFile
from targets.reporting.workflow import ROW_ONLY, StaleVersion, WorkflowError


@dataclass
class ProvinceNoteInput:
    status: StatusOption
    narrative: str


def lead_of(measure: Measure) -> Department | None:
    duty = (
        MeasureDepartment.objects.filter(measure=measure, responsibility=Responsibility.LEAD)
        .select_related("department")
        .first()
    )
    return duty.department if duty else None


def check_round_open(period: Period) -> None:
    """Inside the change's transaction: a locked round takes no more changes."""
    if Period.objects.filter(pk=period.pk, locked=True).exists():
        raise WorkflowError(
            _("%(period)s 已锁定,不能再修改。如需修改,请联系管理员。") % {"period": period.label}
        )


def contributions_of(measure: Measure, period: Period) -> list[Contribution]:
    """The cooperating departments' contributions on the measure in the round, with their files."""
    return list(
        Contribution.objects.filter(measure=measure, period=period)
        .select_related("department", "updated_by")
        .prefetch_related("evidence")
        .order_by("department__code")
    )


def _compiled(contributions: list[Contribution]) -> list[dict]:
    """The contributions as a version keeps them."""
    return [
        {
            "department": c.department.name,
            "text": c.text,
            "files": [f.name for f in c.evidence.all() if not f.superseded],
        }
        for c in contributions
    ]


def _version(note: ProvinceNote, event: str, user, comment: str = "") -> None:
    ProvinceNoteVersion.objects.create(
        note=note,
        number=note.version,
        state=note.state,
        status=note.status,
        narrative=note.narrative,
        contributions=_compiled(contributions_of(note.measure, note.period)),
        event=event,
        comment=comment,
        by=user,
    )


def save(
    *,
    user,
    department: Department,
    measure: Measure,
    period: Period,
    data: ProvinceNoteInput,
    started_from: int | None,
    submit: bool,
    files: Sequence[CheckedFile] = (),
    uploads=(),
    supersede: Sequence[int] = (),
    request=None,
) -> ProvinceNote:
    """Save the lead department's draft (or submit it). ``started_from`` is the version the form
    showed (None for a new note): another save since then is refused, nothing overwritten."""
    try:
        with transaction.atomic():
            check_round_open(period)
            if lead_of(measure) != department:
                raise WorkflowError(
                    _("%(department)s 不是这项举措的牵头部门,不能填报省级层面推进情况。")
                    % {"department": department.label}
                )
            note = (
                ProvinceNote.objects.filter(measure=measure, period=period)
                .select_for_update(**ROW_ONLY)
                .first()
            )
            if note is not None and note.version != started_from:
                raise StaleVersion(note)
            if note is None and started_from is not None:
                raise WorkflowError(_("这条记录已不存在,请刷新页面。"))
            if note is not None and not note.editable:
                raise WorkflowError(_("已提交的省级层面推进情况不能修改,须等审核人退回后再改。"))
            if note is None:
                note = ProvinceNote(measure=measure, period=period, version=0)
                before: dict = {}
            else:
                note.measure, note.period = measure, period
                before = trail.snapshot(note)
            note.department, note.status, note.narrative = department, data.status, data.narrative
            note.version += 1
            note.updated_by = user
            if submit:
                note.state = State.SUBMITTED
                note.submitted_at = timezone.now()
            note.save()
            event = "submit" if submit else "save"
            attached.attach(note, user=user, files=files, uploads=uploads, supersede=supersede)
            _version(note, event, user)
            changes = trail.diff(before, trail.snapshot(note))
            if files:
                changes["evidence"] = [None, [c.safe_name for c in files]]
            trail.record(
                f"province_note.{event}", request=request, actor=user, obj=note, changes=changes
            )
    except IntegrityError:
        # The lead's other user created the note at the same moment.
        raise StaleVersion(ProvinceNote.objects.get(measure=measure, period=period)) from None
    return note


def review(*, user, note: ProvinceNote, approve: bool, comment: str, request=None) -> ProvinceNote:
    """A provincial reviewer approves or returns a submitted province-level note; a return needs
    a comment. Never the reviewer's own note (审核与填报须分离)."""
    comment = comment.strip()
    if not approve and not comment:
        raise WorkflowError(_("退回时须填写审核意见。"))
    with transaction.atomic():
        current = ProvinceNote.objects.select_for_update(**ROW_ONLY).get(pk=note.pk)
        if current.state != State.SUBMITTED:
            raise WorkflowError(
                _("这条省级层面推进情况不是待审核状态(可能已被他人处理),本次操作未执行。")
            )
        if current.versions.filter(by=user, event__in=("save", "submit")).exists():
            raise WorkflowError(
                _("这条省级层面推进情况由您本人填写或提交,不能由您审核(审核与填报须分离)。")
            )
        before = trail.snapshot(current)
        current.measure, current.period = note.measure, note.period
        current.state = State.APPROVED if approve else State.RETURNED
        current.version += 1
        current.reviewed_by, current.reviewed_at = user, timezone.now()
        current.review_comment = comment
        current.save()
        event = "approve" if approve else "return"
        _version(current, event, user, comment=comment)
        trail.record(
            f"province_note.{event}",
            request=request,
            actor=user,
            obj=current,
            changes=trail.diff(before, trail.snapshot(current)),
        )
    return current
