"""A cooperating department's contribution (配合单位报送) to the lead's province-level note:
text and files, changed as often as needed until the lead submits its note; then refused, with
what was typed given back to the form."""

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from targets.audit import trail
from targets.departments import files as attached
from targets.departments.province_notes import check_round_open
from targets.models import (
    Contribution,
    Department,
    Measure,
    MeasureDepartment,
    Period,
    ProvinceNote,
    Responsibility,
)
from targets.reporting.evidence_files import CheckedFile
from targets.reporting.workflow import ROW_ONLY, StaleVersion, WorkflowError


class LeadSubmitted(WorkflowError):
    """The lead department submitted its note: contributions wait for a return."""


def save(
    *,
    user,
    department: Department,
    measure: Measure,
    period: Period,
    text: str,
    started_from: int | None,
    files: Sequence[CheckedFile] = (),
    uploads=(),
    supersede: Sequence[int] = (),
    request=None,
) -> Contribution:
    text = text.strip()
    if not text:
        raise WorkflowError(_("请填写报送内容。"))
    try:
        with transaction.atomic():
            check_round_open(period)
            cooperating = MeasureDepartment.objects.filter(
                measure=measure,
                department=department,
                responsibility=Responsibility.COOPERATING,
            ).exists()
            if not cooperating:
                raise WorkflowError(
                    _("%(department)s 不是这项举措的配合部门,不能报送。")
                    % {"department": department.label}
                )
            note = (
                ProvinceNote.objects.filter(measure=measure, period=period)
                .select_for_update(**ROW_ONLY)
                .first()
            )
            if note is not None and not note.editable:
                raise LeadSubmitted(
                    _(
                        "牵头部门已提交本期的省级层面推进情况,报送未保存;您写的内容仍在下方。"
                        "如需补充,请联系牵头部门或等审核人退回后再报送。"
                    )
                )
            current = (
                Contribution.objects.filter(measure=measure, period=period, department=department)
                .select_for_update(**ROW_ONLY)
                .first()
            )
            if current is not None and current.version != started_from:
                raise StaleVersion(current)
            if current is None and started_from is not None:
                raise WorkflowError(_("这条记录已不存在,请刷新页面。"))
            if current is None:
                current = Contribution(
                    measure=measure, period=period, department=department, version=0
                )
                before: dict = {}
            else:
                current.measure, current.period, current.department = measure, period, department
                before = trail.snapshot(current)
            current.text = text
            current.version += 1
            current.updated_by = user
            current.save()
            attached.attach(current, user=user, files=files, uploads=uploads, supersede=supersede)
            changes = trail.diff(before, trail.snapshot(current))
            if files:
                changes["evidence"] = [None, [c.safe_name for c in files]]
            trail.record(
                "contribution.save", request=request, actor=user, obj=current, changes=changes
            )
    except IntegrityError:
        raise StaleVersion(
            Contribution.objects.get(measure=measure, period=period, department=department)
        ) from None
    return current
