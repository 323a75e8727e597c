"""The county lead office's check of a note its department sent (送牵头办审核): it submits the
note to the prefecture (the usual submit, workflow.save_note) or returns it internally with a
comment (内部退回), back to the department that drafted it, which is told."""

from django.db import transaction
from django.utils.translation import gettext as _

from targets.audit import trail
from targets.models import County, Measure, NoteVersion, Period, ProgressNote
from targets.reporting.workflow import (
    ROW_ONLY,
    StaleVersion,
    WorkflowError,
    add_version,
    check_open,
)
from targets.supervision import county_check_notices


def return_to_department(
    *,
    user,
    county: County,
    measure: Measure,
    period: Period,
    comment: str,
    started_from: int | None,
    request=None,
) -> ProgressNote:
    """Send the note back to its drafting department with ``comment``; only a note that waits
    for the lead office's check, at the version the lead office saw."""
    comment = comment.strip()
    if not comment:
        raise WorkflowError(_("内部退回时须填写退回意见。"))
    with transaction.atomic():
        check_open(period, county)
        note = (
            ProgressNote.objects.filter(county=county, measure=measure, period=period)
            .select_for_update(**ROW_ONLY)
            .first()
        )
        if note is None or not note.with_lead_office:
            raise WorkflowError(_("这条进展不在待牵头办审核状态(可能已被他人处理),未退回。"))
        if note.version != started_from:
            raise StaleVersion(note)
        note.county, note.measure, note.period = county, measure, period
        before = trail.snapshot(note)
        note.with_lead_office = False
        note.version += 1
        note.save(update_fields=["with_lead_office", "version", "updated_at"])
        add_version(note, "check_return", user, comment=comment)
        changes = trail.diff(before, trail.snapshot(note))
        changes["comment"] = [None, comment]
        trail.record("note.check_return", request=request, actor=user, obj=note, changes=changes)
        county_check_notices.tell_department(note=note, sender=user, comment=comment)
    return note


def latest_check_return(note: ProgressNote) -> NoteVersion | None:
    """The lead office's internal return the note is answering, if the note has not been sent
    or submitted since."""
    latest = (
        note.versions.filter(event__in=["send_for_check", "check_return", "submit"])
        .select_related("by")
        .order_by("-number")
        .first()
    )
    return latest if latest is not None and latest.event == "check_return" else None
