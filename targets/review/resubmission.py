"""What a note sent again after a return changed since the return: the reviewer sees at once
whether the county answered, and where, without opening the note's history."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from targets.models import Evidence, NoteVersion, ProgressNote, ReturnReply


@dataclass
class Change:
    """One field of the note, as it was returned and as it is now."""

    label: str
    before: str
    after: str


@dataclass
class Resubmission:
    returned_at: datetime.datetime
    comment: str  # the return's comment, which the county answered
    reply: ReturnReply | None = None  # the county's reply to that return, if it sent one
    changes: list[Change] = field(default_factory=list)
    narrative_before: str = ""  # the narrative as it was returned, where it changed
    added: list[Evidence] = field(default_factory=list)  # files attached since the return
    replaced: list[Evidence] = field(default_factory=list)  # files in force then, superseded since

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.narrative_before or self.added or self.replaced)


def resubmissions(
    notes: list[ProgressNote], files: dict[int, list[Evidence]]
) -> dict[int, Resubmission]:
    """The notes among ``notes`` that were returned before, by id, each compared with the
    version its latest return saved (one query). ``files`` are every evidence file of the notes,
    superseded ones included."""
    if not notes:
        return {}
    latest: dict[int, NoteVersion] = {}
    returns = NoteVersion.objects.filter(note__in=notes, event="return")
    for version in returns.select_related("status", "bottom_line", "reply__by").order_by("number"):
        latest[version.note_id] = version  # the last one read is the latest
    return {
        note.pk: _compared(note, latest[note.pk], files.get(note.pk, []))
        for note in notes
        if note.pk in latest
    }


def _compared(note: ProgressNote, returned: NoteVersion, files: list[Evidence]) -> Resubmission:
    reply = getattr(returned, "reply", None)  # the reverse one-to-one raises where there is none
    result = Resubmission(returned.at, returned.comment, reply)
    if note.status_id != returned.status_id:
        result.changes.append(Change(_("进展状态"), returned.status.label, note.status.label))
    if note.percent != returned.percent:
        result.changes.append(Change(_("完成进度(%)"), f"{returned.percent}%", f"{note.percent}%"))
    if note.bottom_line_id != returned.bottom_line_id:
        none = _("无")
        before = returned.bottom_line.label if returned.bottom_line else none
        after = note.bottom_line.label if note.bottom_line else none
        result.changes.append(Change(_("底线风险"), before, after))
    if note.narrative != returned.narrative:
        result.narrative_before = returned.narrative
    then = [file for file in files if _in_force_at(file, returned.at)]
    result.added = [file for file in files if not file.superseded and file not in then]
    result.replaced = [file for file in then if file.superseded]
    return result


def _in_force_at(file: Evidence, moment: datetime.datetime) -> bool:
    """Whether the file was attached and not yet superseded at ``moment``. A file superseded
    before its time was recorded counts as superseded already."""
    if file.uploaded_at > moment:
        return False
    return not file.superseded or (file.superseded_at is not None and file.superseded_at > moment)
