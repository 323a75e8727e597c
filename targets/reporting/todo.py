"""A county reporter's to-do list across rounds: measures overdue, notes returned with the
reviewer's comment, drafts not submitted, and the next deadline; and the round that needs action,
where 本期填报 leads.

Which rounds count: those of the cadence that have begun and that the county can still change
(not locked, or reopened for it today). Of these, every round from the latest one past its
deadline (the round reviewers look at) onwards, and any older round in which the county left a
draft or an unanswered return, or which was reopened for it. An older round the county never
began is not chased here: reviewers see such silence on the late view, and admins lock the
rounds that are closed. A locked round is never "to do": the county cannot change it.

Read in a fixed number of queries, whatever the number of rounds and notes."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from targets.applicability import rules as applicability
from targets.models import (
    REPORTED,
    County,
    Measure,
    Period,
    PeriodReopening,
    ProgressNote,
    State,
)
from targets.reporting import links
from targets.supervision import periods

UNFINISHED = (State.DRAFT, State.RETURNED)


@dataclass
class Item:
    """One measure of one round that the county still has to act on."""

    county: County
    period: Period
    measure: Measure
    note: ProgressNote | None
    url: str  # the note's form
    days_overdue: int | None  # days past the round's deadline; None while it has not passed
    reopened_until: datetime.date | None = None


@dataclass
class RoundWork:
    """What one county still has to do in one round."""

    county: County
    period: Period
    days_overdue: int | None
    reopened_until: datetime.date | None
    overdue: list[Item] = field(default_factory=list)  # nothing written, deadline passed
    returned: list[Item] = field(default_factory=list)
    drafts: list[Item] = field(default_factory=list)
    # Drafts a county department sent to the lead office for checking (送牵头办审核).
    checking: list[Item] = field(default_factory=list)
    not_submitted: int = 0  # every measure without a submitted or approved note

    @property
    def needs_action(self) -> bool:
        """Work past the deadline, or a return to answer."""
        return bool(self.returned) or (self.days_overdue is not None and self.not_submitted > 0)


@dataclass
class NextDeadline:
    period: Period
    days_left: int
    # (county, measures not yet submitted) for each county of the user
    pending: list[tuple[County, int]]


@dataclass
class Todo:
    rounds: list[RoundWork]  # oldest first
    next_deadline: NextDeadline | None

    @property
    def returned(self) -> list[Item]:
        return [item for work in self.rounds for item in work.returned]

    @property
    def overdue(self) -> list[RoundWork]:
        """The rounds with measures overdue and nothing written, oldest first."""
        return [work for work in self.rounds if work.overdue]

    @property
    def overdue_count(self) -> int:
        return sum(len(work.overdue) for work in self.rounds)

    @property
    def drafts(self) -> list[Item]:
        return [item for work in self.rounds for item in work.drafts]

    @property
    def checking(self) -> list[Item]:
        return [item for work in self.rounds for item in work.checking]

    @property
    def is_empty(self) -> bool:
        return not (self.returned or self.overdue or self.drafts or self.checking)


def todo(counties: list[County], today: datetime.date, only: set[int] | None = None) -> Todo:
    """The to-do list of a reporter of ``counties`` (in the order given); of a county department,
    ``only`` the measures (ids) its lead office gave it."""
    started = list(periods.in_cadence().filter(starts_on__lte=today).order_by("starts_on"))
    reviewed = periods.reviewed_round(today)
    upcoming = periods.open_round(today)
    measures = [m for m in Measure.objects.order_by("order") if only is None or m.pk in only]
    if reviewed is None or not started or not counties:
        due = {c.pk: len(measures) for c in counties}
        return Todo([], _next_deadline(upcoming, counties, {}, due, today))
    # A measure that does not apply to a county is nothing to do there.
    off = applicability.inapplicable(County.objects.filter(pk__in=[c.pk for c in counties]))
    reopened = _reopened(counties, started, today)
    notes = _notes(counties, started)
    note_url = links.each("note", links.EACH, links.EACH, links.EACH)
    rounds = []
    for county in counties:
        for period in started:
            until = reopened.get((county.pk, period.pk))
            own = notes.get((county.pk, period.pk), {})
            if _counts(period, own, until, since=reviewed.deadline):
                work = RoundWork(county, period, _days_overdue(period, today), until)
                for measure in measures:
                    if (county.pk, measure.pk) not in off:
                        _sort_in(work, measure, own.get(measure.pk), note_url)
                rounds.append(work)
    rounds.sort(key=lambda work: work.period.starts_on)
    open_counts = {(w.county.pk, w.period.pk): w.not_submitted for w in rounds}
    due = {c.pk: len([m for m in measures if (c.pk, m.pk) not in off]) for c in counties}
    return Todo(rounds, _next_deadline(upcoming, counties, open_counts, due, today))


def _counts(
    period: Period, own: dict[int, ProgressNote], until: datetime.date | None, since: datetime.date
) -> bool:
    """Whether the round is on the county's list (see the module's docstring)."""
    if period.locked and until is None:
        return False  # the county cannot change it
    if period.deadline >= since or until is not None:
        return True
    return any(note.state in UNFINISHED for note in own.values())


def _days_overdue(period: Period, today: datetime.date) -> int | None:
    return (today - period.deadline).days if period.deadline < today else None


def _sort_in(
    work: RoundWork, measure: Measure, note: ProgressNote | None, note_url: Callable[..., str]
) -> None:
    """The measure in the round's list it belongs to, if it is not submitted: returned, draft,
    or overdue with nothing written (while the deadline has not passed, only counted)."""
    if note is not None and note.state in REPORTED:
        return
    work.not_submitted += 1
    county, period = work.county, work.period
    url = note_url(county.code, period.code, measure.code)
    item = Item(county, period, measure, note, url, work.days_overdue, work.reopened_until)
    if note is None:
        if work.days_overdue is not None:
            work.overdue.append(item)
    elif note.with_lead_office:
        work.checking.append(item)
    elif note.state == State.RETURNED:
        work.returned.append(item)
    else:
        work.drafts.append(item)


def round_needing_action(county: County, today: datetime.date) -> Period | None:
    """Where 本期填报 leads: the oldest round with work past its deadline or a return to answer,
    else the round being reported."""
    for work in todo([county], today).rounds:
        if work.needs_action:
            return work.period
    return periods.current_period(today)


def _reopened(
    counties: list[County], started: list[Period], today: datetime.date
) -> dict[tuple[int, int], datetime.date]:
    """(county, period) → the last day of the reopening in force, for locked rounds."""
    found: dict[tuple[int, int], datetime.date] = {}
    in_force = PeriodReopening.objects.filter(
        county__in=counties, period__in=[p for p in started if p.locked], until__gte=today
    ).values_list("county_id", "period_id", "until")
    for county_id, period_id, until in in_force:
        key = (county_id, period_id)
        found[key] = max(until, found.get(key, until))
    return found


def _notes(
    counties: list[County], started: list[Period]
) -> dict[tuple[int, int], dict[int, ProgressNote]]:
    """The counties' notes of the rounds begun, by (county, period) and measure; without their
    long texts, which the list does not show."""
    found = (
        ProgressNote.objects.filter(county__in=counties, period__in=started)
        .select_related("reviewed_by")
        .defer("narrative", "risk_reason")
        .order_by()
    )
    by_round: dict[tuple[int, int], dict[int, ProgressNote]] = {}
    for note in found:
        by_round.setdefault((note.county_id, note.period_id), {})[note.measure_id] = note
    return by_round


def _next_deadline(
    upcoming: Period | None,
    counties: list[County],
    open_counts: dict[tuple[int, int], int],
    due: dict[int, int],
    today: datetime.date,
) -> NextDeadline | None:
    """The round being reported, with the measures each county has not submitted in it (all of
    them in a round not yet begun); counties for which it is locked are left out."""
    if upcoming is None:
        return None
    pending = []
    for county in counties:
        count = open_counts.get((county.pk, upcoming.pk))
        if count is None and upcoming.starts_on > today and not upcoming.locked:
            count = due.get(county.pk, 0)
        if count is not None:
            pending.append((county, count))
    return NextDeadline(upcoming, (upcoming.deadline - today).days, pending)
