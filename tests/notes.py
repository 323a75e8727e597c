"""Notes made directly in the database, for tests that need a round in a given state."""

from targets.models import BottomLine, County, Measure, Period, ProgressNote, StatusOption


def _by_code(model, value):
    return model.objects.get(code=value) if isinstance(value, str) else value


def new_note(
    county,
    measure,
    state,
    status="on_schedule",
    percent=50,
    *,
    author,
    period="2026Q3",
    narrative="x",
    reviewer_status=None,
    bottom_line=None,
    **fields,
) -> ProgressNote:
    """An unsaved note. County, measure, period, statuses and bottom line are given by code or as
    records; any other field (submitted_at, risk_reason…) as it is. A note flagged with a bottom
    line carries a reason, as the database requires, unless one is given."""
    if bottom_line is not None:
        fields.setdefault("risk_reason", "理由")
    return ProgressNote(
        county=_by_code(County, county),
        measure=_by_code(Measure, measure),
        period=_by_code(Period, period),
        state=state,
        status=_by_code(StatusOption, status),
        percent=percent,
        narrative=narrative,
        updated_by=author,
        reviewer_status=_by_code(StatusOption, reviewer_status),
        bottom_line=_by_code(BottomLine, bottom_line),
        **fields,
    )


def saved_note(*args, **kwargs) -> ProgressNote:
    """A note as new_note makes it, saved."""
    note = new_note(*args, **kwargs)
    note.save()
    return note
