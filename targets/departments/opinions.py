"""The lead department's opinion (部门意见) on a county's note of a measure it leads: shown on
the note, in the review queue and in the timeline; where the supervision rules say so, a note is
approved only once the opinion on its submitted version is in (reporting.workflow.review)."""

from django.db import transaction
from django.utils.translation import gettext as _

from targets.audit import trail
from targets.models import (
    Department,
    DepartmentOpinion,
    MeasureDepartment,
    ProgressNote,
    Responsibility,
    State,
    changes,
)
from targets.reporting.workflow import ROW_ONLY, WorkflowError


class NotTheLead(WorkflowError):
    """The department does not lead the note's measure."""


def give(
    *, user, department: Department, note: ProgressNote, text: str, request=None
) -> DepartmentOpinion:
    """Record the department's opinion on the note as submitted."""
    text = text.strip()
    if not text:
        raise WorkflowError(_("请填写部门意见。"))
    leads = MeasureDepartment.objects.filter(
        measure_id=note.measure_id, department=department, responsibility=Responsibility.LEAD
    ).exists()
    if not leads:
        raise NotTheLead(
            _("%(department)s 不是这项举措的牵头部门,不能对这条进展提出部门意见。")
            % {"department": department.label}
        )
    with transaction.atomic():
        current = ProgressNote.objects.select_for_update(**ROW_ONLY).get(pk=note.pk)
        if current.state != State.SUBMITTED:
            raise WorkflowError(
                _(
                    "这条进展现在不是待审核状态(可能已被审核或退回),部门意见未保存;您写的内容仍在下方。"
                )
            )
        opinion = DepartmentOpinion.objects.create(
            note=current, note_version=current.version, department=department, text=text, by=user
        )
        trail.record(
            "opinion.give",
            request=request,
            actor=user,
            obj=note,
            changes={"opinion": [None, text], "department": [None, department.name]},
        )
        changes.opinion_given.send(sender=__name__, note=current)
    return opinion
