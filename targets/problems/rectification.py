"""A problem's steps: raised (by the county from its note's 存在问题, or by a reviewer), edited,
rectified with evidence by the county, and verified by a reviewer, who closes it (整改销号) or
sends it back. Each step is one transaction, starts from the version the user saw, refuses bad
input with a message and changes nothing then, and is recorded in the audit trail. Who may take a
step is the view's to check (targets.accounts.access); what the step needs is checked here."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from targets.audit import trail
from targets.models import (
    County,
    CountyDepartment,
    Measure,
    Period,
    Problem,
    ProblemEvent,
    ProblemEvidence,
    ProblemState,
    ProgressNote,
)
from targets.reporting.evidence_files import CheckedFile
from targets.reporting.workflow import WorkflowError, check_evidence_quota

# One click on a line of a note's 存在问题 gives the problem this long to be rectified; the
# problem's page changes the deadline (and the owner) afterwards.
DEFAULT_DAYS = 30
DESCRIPTION_LENGTH = Problem._meta.get_field("description").max_length or 2000


class ProblemError(Exception):
    """A step that cannot happen; its message is for the user."""


class StaleProblem(ProblemError):
    """Someone else changed the problem since the user opened it; ``current`` is what it is now."""

    def __init__(self, current: Problem) -> None:
        self.current = current
        by = current.updated_by
        super().__init__(
            _(
                "%(name)s 在您打开后已修改了这个问题。您的修改没有保存,仍在下方表单中;请对照对方保存的内容后再提交。"
            )
            % {"name": by.get_full_name() or by.get_username()}
        )


@dataclass
class ProblemInput:
    """What the raising and editing forms give."""

    description: str
    owner: CountyDepartment | None
    deadline: datetime.date


def problem_lines(note: ProgressNote) -> list[str]:
    """The problems a note's 存在问题 names: one a line, blank lines left out."""
    return [line.strip() for line in note.problems.splitlines() if line.strip()]


def _check(county: County, data: ProblemInput, *, today: datetime.date) -> str:
    description = data.description.strip()
    if not description:
        raise ProblemError(_("请填写问题描述。"))
    if data.deadline < today:
        raise ProblemError(_("整改时限不能早于今天,问题未保存。"))
    if data.owner is not None and (data.owner.county_id != county.pk or not data.owner.is_active):
        raise ProblemError(_("整改责任单位须是本县启用的部门,问题未保存。"))
    return description


def _step(problem: Problem, event: str, user, text: str = "") -> None:
    """Count the change, stamp it, and keep it as an event of the problem's history."""
    problem.version += 1
    problem.updated_by = user
    problem.save()
    ProblemEvent.objects.create(
        problem=problem,
        number=problem.version,
        event=event,
        state=problem.state,
        text=text,
        by=user,
    )


def _changes(problem: Problem, before: dict) -> dict[str, list]:
    return trail.diff(before, trail.snapshot(problem))


def raise_from_note(
    *, user, note: ProgressNote, line: str, request: HttpRequest | None = None
) -> Problem:
    """Put ``line``, a line of the note's 存在问题, on the problem list, owned by the department
    that drafts the note (or the lead office), due in DEFAULT_DAYS. A line the note no longer
    says, or one already on the list, is refused: a second click adds nothing."""
    today = timezone.localdate()
    with transaction.atomic():
        note = (
            ProgressNote.objects.select_for_update(of=("self",), no_key=True)
            .select_related("county", "measure", "period", "department")
            .get(pk=note.pk)
        )
        if line.strip() not in problem_lines(note):
            raise ProblemError(_("进展的存在问题已修改,找不到这一条;请刷新页面后再列入。"))
        description = line.strip()[:DESCRIPTION_LENGTH]
        if Problem.objects.filter(note=note, description=description).exists():
            raise ProblemError(_("这个问题已列入问题清单。"))
        data = ProblemInput(
            description, note.department, today + datetime.timedelta(days=DEFAULT_DAYS)
        )
        return _create(
            user=user,
            county=note.county,
            measure=note.measure,
            period=note.period,
            note=note,
            source=Problem.Source.COUNTY,
            data=data,
            request=request,
        )


def raise_by_review(
    *,
    user,
    county: County,
    measure: Measure,
    period: Period | None,
    data: ProblemInput,
    request: HttpRequest | None = None,
) -> Problem:
    """A problem a reviewer found in the county's work on the measure."""
    with transaction.atomic():
        return _create(
            user=user,
            county=county,
            measure=measure,
            period=period,
            note=None,
            source=Problem.Source.REVIEW,
            data=data,
            request=request,
        )


def _create(
    *,
    user,
    county: County,
    measure: Measure,
    period: Period | None,
    note: ProgressNote | None,
    source: str,
    data: ProblemInput,
    request: HttpRequest | None,
) -> Problem:
    description = _check(county, data, today=timezone.localdate())
    problem = Problem(
        county=county,
        measure=measure,
        period=period,
        note=note,
        source=source,
        description=description,
        owner=data.owner,
        deadline=data.deadline,
        raised_by=user,
        updated_by=user,
        version=0,
    )
    _step(problem, "raise", user, description)
    trail.record(
        "problem.raise", request=request, actor=user, obj=problem, changes=_changes(problem, {})
    )
    return problem


def _current(problem: Problem, started_from: int) -> Problem:
    """The problem as it is now, locked for the change; stale if changed since ``started_from``."""
    current = (
        Problem.objects.select_for_update(of=("self",), no_key=True)
        .select_related("county", "measure", "updated_by")
        .get(pk=problem.pk)
    )
    if current.version != started_from:
        raise StaleProblem(current)
    return current


def edit(
    *,
    user,
    problem: Problem,
    data: ProblemInput,
    started_from: int,
    request: HttpRequest | None = None,
) -> Problem:
    """Change the description, owner or deadline of a problem not yet closed. A deadline left as
    it was may be past (the problem is overdue); a new one may not."""
    with transaction.atomic():
        current = _current(problem, started_from)
        if current.state == ProblemState.CLOSED:
            raise ProblemError(_("已销号的问题不能修改。"))
        today = timezone.localdate()
        if data.deadline == current.deadline:
            today = min(today, current.deadline)
        description = _check(current.county, data, today=today)
        before = trail.snapshot(current)
        current.description, current.owner, current.deadline = (
            description,
            data.owner,
            data.deadline,
        )
        _step(current, "edit", user)
        trail.record(
            "problem.edit",
            request=request,
            actor=user,
            obj=current,
            changes=_changes(current, before),
        )
        return current


def report(
    *,
    user,
    problem: Problem,
    text: str,
    started_from: int,
    files: Sequence[CheckedFile] = (),
    uploads: Sequence = (),
    request: HttpRequest | None = None,
) -> Problem:
    """The county reports its rectification (整改情况) with evidence, for a reviewer to verify.
    Without a file, new or attached before, nothing is reported."""
    text = text.strip()
    if not text:
        raise ProblemError(_("请填写整改情况。"))
    with transaction.atomic():
        current = _current(problem, started_from)
        if current.state not in (ProblemState.RECTIFYING, ProblemState.RETURNED):
            raise ProblemError(_("这个问题现在不是整改中,不能报送整改情况。"))
        if not files and not current.evidence.exists():
            raise ProblemError(_("报送整改情况须附整改佐证材料,整改情况未保存。"))
        if files:
            try:
                check_evidence_quota(current.county, files)
            except WorkflowError as full:
                raise ProblemError(str(full)) from None
        for checked, upload in zip(files, uploads, strict=True):
            upload.name = f"evidence.{checked.extension}"  # stored under a generated name
            ProblemEvidence.objects.create(
                problem=current,
                file=upload,
                name=checked.safe_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=user,
            )
        before = trail.snapshot(current)
        current.state = ProblemState.REPORTED
        current.rectification = text
        current.reported_at = timezone.now()
        _step(current, "report", user, text)
        changes = _changes(current, before)
        if files:
            changes["evidence"] = [None, [c.safe_name for c in files]]
        trail.record("problem.report", request=request, actor=user, obj=current, changes=changes)
        return current


def verify(
    *,
    user,
    problem: Problem,
    close: bool,
    comment: str,
    started_from: int,
    request: HttpRequest | None = None,
) -> Problem:
    """A reviewer verifies the reported rectification: closes the problem (整改销号), which needs
    its evidence, or sends it back (退回), which needs the reason."""
    comment = comment.strip()
    if not close and not comment:
        raise ProblemError(_("退回时须填写退回理由。"))
    with transaction.atomic():
        current = _current(problem, started_from)
        if current.state != ProblemState.REPORTED:
            raise ProblemError(_("这个问题没有待核实的整改情况,不能销号或退回。"))
        if close and not current.evidence.exists():
            raise ProblemError(_("没有整改佐证材料的问题不能销号。"))
        before = trail.snapshot(current)
        current.state = ProblemState.CLOSED if close else ProblemState.RETURNED
        current.verified_by, current.verified_at = user, timezone.now()
        current.verify_comment = comment
        _step(current, "close" if close else "return", user, comment)
        trail.record(
            "problem.close" if close else "problem.return",
            request=request,
            actor=user,
            obj=current,
            changes=_changes(current, before),
        )
        return current
