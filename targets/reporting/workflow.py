"""The transitions of notes and indicator values: save, submit, approve, return, resubmit. Each is
one transaction, checks the version the user started from, and writes an audit record."""

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from targets.accounts import four_eyes
from targets.audit import trail
from targets.models import (
    BottomLine,
    County,
    CountyDepartment,
    DepartmentOpinion,
    Evidence,
    Horizon,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureDepartment,
    NoteVersion,
    Period,
    ProblemEvidence,
    ProgressNote,
    Responsibility,
    ReturnReply,
    State,
    StatusOption,
    changes,
)
from targets.reporting.evidence_files import CheckedFile, megabytes
from targets.supervision import county_check_notices, decision_notices, periods, rulebook
from targets.units import assigned

NOTE_FIELDS = [
    "status",
    "percent",
    "narrative",
    "bottom_line",
    "risk_reason",
    "problems",
    "next_steps",
]


class LockOptions(TypedDict):
    of: tuple[str, ...]
    no_key: bool


# Lock the record's own row, and only against other changes of it: not the county, measure or
# period rows a join would bring in, and not against the key-share locks that other saves' foreign
# keys take at commit (while they hold the audit chain's lock: that deadlocked under load).
ROW_ONLY: LockOptions = {"of": ("self",), "no_key": True}
VALUE_FIELDS = ["value", "source", "remark"]


class WorkflowError(Exception):
    """A transition that cannot happen; its message is for the user."""


class StaleVersion(WorkflowError):
    """Someone else saved since the user opened the form; ``current`` is what they saved."""

    def __init__(self, current):
        self.current = current
        super().__init__(
            _(
                "%(name)s 在您打开后已保存了新的版本。您的修改没有保存,仍在下方表单中;请对照对方保存的内容后再提交。"
            )
            % {"name": current.updated_by.get_full_name() or current.updated_by.get_username()}
        )


def check_open(period: Period, county: County) -> None:
    """Inside the change's transaction: the period as it is now (an admin may have locked it since
    the page loaded it) must be open for the county."""
    now = Period.objects.only("code", "locked").get(pk=period.pk)
    try:
        periods.check_open(now, county, timezone.localdate())
    except periods.PeriodLocked as locked:
        raise WorkflowError(str(locked)) from None


@dataclass
class NoteInput:
    status: StatusOption
    percent: int
    narrative: str
    bottom_line: BottomLine | None
    risk_reason: str
    problems: str = ""
    next_steps: str = ""


def add_version(note: ProgressNote, event: str, user, comment: str = "") -> None:
    NoteVersion.objects.create(
        note=note,
        number=note.version,
        state=note.state,
        status=note.status,
        percent=note.percent,
        narrative=note.narrative,
        bottom_line=note.bottom_line,
        risk_reason=note.risk_reason,
        problems=note.problems,
        next_steps=note.next_steps,
        event=event,
        comment=comment,
        department=note.department,
        by=user,
    )


@contextmanager
def _editing(model, lookup: dict, started_from: int | None, not_editable: str):
    """One transaction in which a note or value is changed: the period must be open, the record
    still at the version the form showed, and editable. Yields the record (new if there was none)
    and its fields before the change."""
    try:
        with transaction.atomic():
            check_open(lookup["period"], lookup["county"])
            record = model.objects.filter(**lookup).select_for_update(**ROW_ONLY).order_by().first()
            if record is not None and record.version != started_from:
                raise StaleVersion(record)
            if record is None and started_from is not None:
                raise WorkflowError(_("这条记录已不存在,请刷新页面。"))
            if record is not None and not record.editable:
                raise WorkflowError(not_editable)
            if record is not None:
                # The rows it was found by, so that naming it (the audit trail) reads no more.
                for name, related in lookup.items():
                    setattr(record, name, related)
            before = trail.snapshot(record) if record else {}
            yield record or model(**lookup, version=0), before
    except IntegrityError:
        # Another person created the same record at the same moment.
        raise StaleVersion(model.objects.get(**lookup)) from None


def _save(record, user, submit: bool) -> str:
    """Count the save, stamp who saved it, submit it if asked; returns the event's name."""
    record.version += 1
    record.updated_by = user
    if submit:
        record.state = State.SUBMITTED
        record.submitted_at = timezone.now()
    record.save()
    return "submit" if submit else "save"


def save_note(
    *,
    user,
    county: County,
    measure: Measure,
    period: Period,
    data: NoteInput,
    started_from: int | None,
    submit: bool,
    files: Sequence[CheckedFile] = (),
    uploads=(),
    supersede: Sequence[int] = (),
    writer: CountyDepartment | None = None,
    request=None,
) -> ProgressNote:
    """Save a draft of the note (or submit it). ``started_from`` is the version the form showed
    (None for a new note); a different current version means someone else saved meanwhile.

    ``writer`` is the county department the user writes for (None: the county's lead office). A
    department writes only the measures it leads, and its submit sends the note to the lead
    office for checking (送牵头办审核); the lead office's submit goes to the prefecture."""
    lookup = {"county": county, "measure": measure, "period": period}
    refused = _("已提交的进展不能修改,须等审核人退回后再改。")
    with _editing(ProgressNote, lookup, started_from, refused) as (note, before):
        note.department = assigned.lead_of(county, measure)
        if writer is not None:
            _check_drafter(writer, note)
        for field in NOTE_FIELDS:
            setattr(note, field, getattr(data, field))
        if writer is not None and submit:
            note.with_lead_office = True
            _save(note, user, submit=False)
            event = "send_for_check"
        else:
            note.with_lead_office = note.with_lead_office and not submit
            event = _save(note, user, submit)
        if files:
            check_evidence_quota(county, files)
        for checked, upload in zip(files, uploads, strict=True):
            upload.name = f"evidence.{checked.extension}"  # stored under a generated name
            Evidence.objects.create(
                note=note,
                file=upload,
                name=checked.safe_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=user,
            )
        note.evidence.filter(pk__in=supersede, superseded=False).update(
            superseded=True, superseded_at=timezone.now()
        )
        add_version(note, event, user)
        changes = trail.diff(before, trail.snapshot(note))
        if files:
            changes["evidence"] = [None, [c.safe_name for c in files]]
        trail.record(f"note.{event}", request=request, actor=user, obj=note, changes=changes)
        if event == "send_for_check":
            county_check_notices.tell_lead_office(note=note, sender=user)
    return note


def _check_drafter(writer: CountyDepartment, note: ProgressNote) -> None:
    """Inside the save's transaction: the department must lead the measure now (the lead office
    may have given it to another since the form was opened), and the note must not be waiting
    for the lead office's check."""
    if note.department != writer:
        raise NotAssigned(
            _(
                "%(measure)s 现在不由%(department)s承办,您不能填写;您的修改没有保存。"
                "如有疑问,请联系本县牵头办。"
            )
            % {"measure": note.measure.code, "department": writer.label}
        )
    if note.with_lead_office:
        raise WorkflowError(_("这条进展已送牵头办审核,须等牵头办退回后再改;您的修改没有保存。"))


class NotAssigned(WorkflowError):
    """A county department writing a measure its lead office has not given it."""


def check_evidence_quota(county: County, files: Sequence[CheckedFile]) -> None:
    """WorkflowError when the files would take the county's evidence (superseded files and the
    problems' rectification files included: they stay on disk) over the quota the admins set.
    The county's row is locked meanwhile, so that two uploads at the same moment cannot both fit
    in the last of the room."""
    County.objects.select_for_update(no_key=True).filter(pk=county.pk).first()
    used = Evidence.objects.filter(note__county=county).aggregate(total=Sum("size"))["total"] or 0
    used += (
        ProblemEvidence.objects.filter(problem__county=county).aggregate(total=Sum("size"))["total"]
        or 0
    )
    adding = sum(checked.size for checked in files)
    quota = rulebook.current().evidence_quota_mb * 1024 * 1024
    if used + adding > quota:
        raise WorkflowError(
            _(
                "%(county)s的佐证材料已用 %(used)s MB,限额为 %(quota)s MB,"
                "这次上传的 %(adding)s MB 放不下,文件未保存。请联系系统管理员调整限额。"
            )
            % {
                "county": county.label,
                "used": megabytes(used),
                "quota": megabytes(quota),
                "adding": megabytes(adding),
            }
        )


def save_value(
    *,
    user,
    county: County,
    indicator: Indicator,
    period: Period,
    value: Decimal,
    source: str,
    remark: str,
    started_from: int | None,
    submit: bool,
    request=None,
) -> IndicatorValue:
    """Save (or submit) the period's value of a county-level indicator, recording the versions of
    the targets in force that it is judged against."""
    lookup = {"county": county, "indicator": indicator, "period": period}
    refused = _("已提交的指标值不能修改,须等审核人退回后再改。")
    with _editing(IndicatorValue, lookup, started_from, refused) as (record, before):
        record.value, record.source, record.remark = value, source, remark
        for horizon in Horizon:
            setattr(record, f"target_{horizon.value}", indicator.target_in_force(horizon.value))
        event = _save(record, user, submit)
        trail.record(
            f"value.{event}",
            request=request,
            actor=user,
            obj=record,
            changes=trail.diff(before, trail.snapshot(record)),
        )
    return record


def review(
    *,
    user,
    items: list,
    approve: bool,
    comment: str,
    rating: StatusOption | None = None,
    request=None,
) -> int:
    """Approve or return submitted notes and values, all or none, in one transaction; returns how
    many. A return needs a comment; ``rating`` is the reviewer's own status for notes."""
    if not approve and not comment.strip():
        raise WorkflowError(_("退回时须填写审核意见。"))
    event = "approve" if approve else "return"
    with transaction.atomic():
        locked = [
            type(item).objects.select_for_update(**ROW_ONLY).get(pk=item.pk) for item in items
        ]
        own = four_eyes.written_by(user, locked)
        if own:
            raise WorkflowError(
                _("%(item)s 由您本人填写或提交,不能由您审核(审核与填报须分离),本次操作未执行。")
                % {"item": own[0]}
            )
        for item, current in zip(items, locked, strict=True):
            check_open(item.period, item.county)
            if current.state != State.SUBMITTED:
                raise WorkflowError(
                    _("%(item)s 不是待审核状态(可能已被他人处理),本次操作未执行。")
                    % {"item": current}
                )
        if approve:
            _check_opinions(list(zip(items, locked, strict=True)))
        for current in locked:
            before = trail.snapshot(current)
            current.state = State.APPROVED if approve else State.RETURNED
            current.version += 1
            current.reviewed_by, current.reviewed_at = user, timezone.now()
            current.review_comment = comment.strip()
            if isinstance(current, ProgressNote):
                current.reviewer_status = rating
            current.save()
            if isinstance(current, ProgressNote):
                add_version(current, event, user, comment=current.review_comment)
            kind = "note" if isinstance(current, ProgressNote) else "value"
            trail.record(
                f"{kind}.{event}",
                request=request,
                actor=user,
                obj=current,
                changes=trail.diff(before, trail.snapshot(current)),
            )
        changes.reviewed.send(sender=__name__, items=locked)
        decision_notices.announce(
            reviewer=user,
            records=locked,
            approve=approve,
            comment=comment.strip(),
            today=timezone.localdate(),
        )
    return len(items)


def _check_opinions(pairs: list) -> None:
    """Where the supervision rules make approval wait for the lead department's opinion: each
    note whose measure has a lead department must have its opinion on the version submitted."""
    if not rulebook.current().approval_waits_for_opinion:
        return
    notes = {
        current.pk: (item, current) for item, current in pairs if isinstance(current, ProgressNote)
    }
    if not notes:
        return
    led = set(
        MeasureDepartment.objects.filter(
            measure_id__in={current.measure_id for _item, current in notes.values()},
            responsibility=Responsibility.LEAD,
        ).values_list("measure_id", flat=True)
    )
    given = set(
        DepartmentOpinion.objects.filter(note_id__in=notes).values_list("note_id", "note_version")
    )
    for item, current in notes.values():
        if current.measure_id in led and (current.pk, current.version) not in given:
            raise WorkflowError(
                _(
                    "%(item)s 还没有牵头部门的意见;按督办规则,须等牵头部门提出意见后才能审核通过,本次操作未执行。"
                )
                % {"item": item}
            )


def latest_return(note: ProgressNote) -> NoteVersion | None:
    """The version the note's latest return made, with the county's reply if there is one."""
    returns = note.versions.filter(event="return").select_related("by", "reply__by")
    return returns.order_by("-number").first()


def reply_to_return(
    *,
    user,
    county: County,
    measure: Measure,
    period: Period,
    text: str,
    request=None,
) -> ReturnReply:
    """The county's reply to the return of its note, kept with the return's version. Only a
    returned note (until it is submitted again), once per return, in an open period."""
    text = text.strip()
    if not text:
        raise WorkflowError(_("请填写答复内容。"))
    with transaction.atomic():
        check_open(period, county)
        note = (
            ProgressNote.objects.filter(county=county, measure=measure, period=period)
            .select_for_update(**ROW_ONLY)
            .first()
        )
        if note is None or note.state != State.RETURNED:
            raise WorkflowError(_("只能答复已退回的进展;这条进展现在不是退回状态,答复未保存。"))
        returned = latest_return(note)
        if returned is None:
            raise WorkflowError(_("没有找到这条进展的退回记录,答复未保存。"))
        if hasattr(returned, "reply"):
            raise RepliedAlready(returned.reply)
        reply = ReturnReply.objects.create(version=returned, text=text, by=user)
        note.county, note.measure, note.period = county, measure, period
        trail.record(
            "note.reply",
            request=request,
            actor=user,
            obj=note,
            changes={"reply": [None, text], "version": [None, returned.number]},
        )
    return reply


class RepliedAlready(WorkflowError):
    """The return has its reply already (someone of the county sent one meanwhile)."""

    def __init__(self, reply: ReturnReply):
        self.reply = reply
        super().__init__(
            _("%(name)s 已答复了这次退回,答复不能再改;您写的内容没有保存,列在下方。")
            % {"name": reply.by.get_full_name() or reply.by.get_username()}
        )
