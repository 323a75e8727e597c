"""Curating a case of good practice: marking an approved note, writing one up, editing and
withdrawing it. Each step is checked here (the view has already checked who may curate the
county) and recorded in the audit trail."""

from dataclasses import dataclass, field

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from targets.audit import trail
from targets.models import (
    County,
    CountyType,
    Integration,
    Measure,
    Period,
    Practice,
    ProgressNote,
    State,
    TaskArea,
)

SUMMARY_FROM_NOTE = 500  # characters of the note's narrative that prefill the summary
TITLE_LENGTH = Practice._meta.get_field("title").max_length or 100


class PracticeError(Exception):
    """A step that cannot happen; its message is for the user."""


class StalePractice(PracticeError):
    """Someone else changed the case since the user opened it; ``current`` is what they saved."""

    def __init__(self, current: Practice) -> None:
        self.current = current
        by = current.updated_by
        super().__init__(
            _(
                "%(name)s 在您打开后已修改了这条典型经验。您的修改没有保存,仍在下方表单中;请对照对方保存的内容后再提交。"
            )
            % {"name": by.get_full_name() or by.get_username()}
        )


@dataclass
class PracticeInput:
    """What the form gives: the text and the tags."""

    title: str
    summary: str
    task_area: TaskArea
    county_type: CountyType | None
    publishable: bool = False
    integrations: list[Integration] = field(default_factory=list)


def _shortened(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def prefill(note: ProgressNote) -> dict[str, object]:
    """The form's first values from a note: its measure as the title, the start of its narrative
    as the summary, the measure's task area and integrations and the county's type as tags."""
    narrative = _shortened(note.narrative.strip(), SUMMARY_FROM_NOTE)
    return {
        "title": _shortened(f"{note.county.name}:{note.measure.text}", TITLE_LENGTH),
        "summary": narrative,
        "task_area": note.measure.task_area_id,
        "integrations": [i.pk for i in note.measure.integrations.all()],
        "county_type": note.county.county_type_id,
    }


def _fill(case: Practice, data: PracticeInput) -> None:
    case.title = data.title.strip()
    case.summary = data.summary.strip()
    case.task_area = data.task_area
    case.county_type = data.county_type
    case.publishable = data.publishable
    if not case.title:
        raise PracticeError(_("请填写标题。"))
    if not case.summary:
        raise PracticeError(_("请填写经验做法。"))


def _changes(case: Practice) -> dict[str, object]:
    values = trail.snapshot(case)
    values["integrations"] = sorted(str(i) for i in case.integrations.all())
    return values


def check_markable(note: ProgressNote) -> None:
    """Only an approved note can be a case: what the province has not accepted is no example."""
    if note.state != State.APPROVED:
        raise PracticeError(_("只有审核通过的进展才能标为典型经验。"))


def mark_note(
    *, user, note: ProgressNote, data: PracticeInput, request: HttpRequest | None = None
) -> Practice:
    """Mark an approved note as a case of good practice (one case per note)."""
    with transaction.atomic():
        note = ProgressNote.objects.select_for_update().get(pk=note.pk)
        check_markable(note)
        if Practice.objects.filter(note=note).exists():
            raise PracticeError(_("这条进展已经标为典型经验。"))
        return _create(
            user=user,
            county=note.county,
            measure=note.measure,
            period=note.period,
            note=note,
            data=data,
            request=request,
        )


def write_up(
    *,
    user,
    county: County,
    measure: Measure,
    period: Period,
    data: PracticeInput,
    request: HttpRequest | None = None,
) -> Practice:
    """A case written up from scratch, about a county's work on a measure in a round."""
    with transaction.atomic():
        return _create(
            user=user,
            county=county,
            measure=measure,
            period=period,
            note=None,
            data=data,
            request=request,
        )


def _create(
    *,
    user,
    county: County,
    measure: Measure,
    period: Period,
    note: ProgressNote | None,
    data: PracticeInput,
    request: HttpRequest | None,
) -> Practice:
    case = Practice(
        county=county,
        measure=measure,
        period=period,
        note=note,
        curated_by=user,
        updated_by=user,
    )
    _fill(case, data)
    case.save()
    case.integrations.set(data.integrations)
    trail.record(
        "practice.curate",
        request=request,
        actor=user,
        obj=case,
        changes=trail.diff({}, _changes(case)),
    )
    return case


def edit(
    *,
    user,
    case: Practice,
    data: PracticeInput,
    started_from: int,
    request: HttpRequest | None = None,
) -> Practice:
    """Change a case's text, tags or mark, unless someone changed it since ``started_from``."""
    with transaction.atomic():
        case = _current(case, started_from)
        before = _changes(case)
        _fill(case, data)
        case.version += 1
        case.updated_by = user
        case.save()
        case.integrations.set(data.integrations)
        trail.record(
            "practice.edit",
            request=request,
            actor=user,
            obj=case,
            changes=trail.diff(before, _changes(case)),
        )
        return case


def withdraw(
    *, user, case: Practice, started_from: int, request: HttpRequest | None = None
) -> None:
    """Remove a case (the note it came from stays as it was), unless someone changed it since
    ``started_from``; the audit record keeps what it said."""
    with transaction.atomic():
        case = _current(case, started_from)
        trail.record(
            "practice.withdraw",
            request=request,
            actor=user,
            obj=case,
            changes=trail.diff(_changes(case), {}),
        )
        case.delete()


def _current(case: Practice, started_from: int) -> Practice:
    """The case as it is now, locked for the change; stale if edited since ``started_from``."""
    current = (
        Practice.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(pk=case.pk)
        .first()
    )
    if current is None:
        raise PracticeError(_("这条典型经验已被撤销。"))
    if current.version != started_from:
        raise StalePractice(current)
    return current
