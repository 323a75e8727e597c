"""Reporting periods: their generation for a cadence (quarters 2024Q1 … 2035Q4 by default, or
months 2024-01 … 2035-12), which round is being reported and which one reviewers open on, and
whether a period is open for a county."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from targets.models import County, Period, PeriodReopening, changes
from targets.supervision import rulebook

FIRST_YEAR, LAST_YEAR = 2024, 2035


class PeriodLocked(Exception):
    """The period is locked for the county; the message is for the user."""


def _month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)


def _spans(cadence: str) -> Iterator[tuple[str, datetime.date, datetime.date]]:
    """(code, first day, last day) of every period of the cadence."""
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        if cadence == Period.Cadence.MONTH:
            for month in range(1, 13):
                yield f"{year}-{month:02d}", datetime.date(year, month, 1), _month_end(year, month)
        else:
            for quarter in range(1, 5):
                yield f"{year}Q{quarter}", *quarter_bounds(year, quarter)


def ensure_periods(cadence: str, deadline_days: int) -> int:
    """Create the cadence's missing periods; existing ones (and their deadlines) are kept."""
    existing = set(Period.objects.filter(cadence=cadence).values_list("code", flat=True))
    new = [
        Period(
            code=code,
            cadence=cadence,
            starts_on=start,
            ends_on=end,
            deadline=end + datetime.timedelta(days=deadline_days),
        )
        for code, start, end in _spans(cadence)
        if code not in existing
    ]
    Period.objects.bulk_create(new)
    if new:
        changes.written_in_bulk.send(sender=__name__, models=[Period])
    return len(new)


def in_cadence() -> QuerySet[Period]:
    return Period.objects.filter(cadence=rulebook.current().cadence)


def open_round(today: datetime.date) -> Period | None:
    """The round being reported: the first period of the cadence whose deadline has not passed."""
    return in_cadence().filter(deadline__gte=today).order_by("deadline").first()


def reviewed_round(today: datetime.date) -> Period | None:
    """The round reviewers' pages open on: the latest whose deadline has passed, the one whose
    figures are complete (else the first). The round still being reported is one click away
    (``ReviewRounds``): opened on it, a dashboard showed a province where nobody had reported."""
    periods = in_cadence()
    passed = periods.filter(deadline__lt=today).order_by("-deadline").first()
    return passed or periods.order_by("starts_on").first()


def current_period(today: datetime.date) -> Period | None:
    """The round being reported (else, after the last deadline, the last round)."""
    return open_round(today) or reviewed_round(today)


@dataclass(frozen=True)
class ReviewRounds:
    """The round a reviewer's page shows, with the two it offers to switch to: the latest round
    past its deadline and the round still being reported."""

    shown: Period
    reviewed: Period | None
    open: Period | None

    @property
    def shows_open(self) -> bool:
        return self.open is not None and self.shown.pk == self.open.pk

    @property
    def shows_reviewed(self) -> bool:
        return self.reviewed is not None and self.shown.pk == self.reviewed.pk


def for_review(today: datetime.date, chosen: Period | None = None) -> ReviewRounds | None:
    """The chosen round, else the reviewed one, with the rounds to switch to (None: no periods)."""
    reviewed, current = reviewed_round(today), open_round(today)
    shown = chosen or reviewed
    if shown is None:
        return None
    if current is not None and reviewed is not None and current.pk == reviewed.pk:
        current = None  # before the first deadline: the first round is both
    return ReviewRounds(shown, reviewed, current)


def reopening(period: Period, county: County, today: datetime.date) -> PeriodReopening | None:
    """The reopening of a locked period for the county that is in force today, if any."""
    if not period.locked:
        return None
    return (
        PeriodReopening.objects.filter(period=period, county=county, until__gte=today)
        .order_by("-until")
        .first()
    )


def is_open_for(period: Period, county: County, today: datetime.date) -> bool:
    return not period.locked or reopening(period, county, today) is not None


def check_open(period: Period, county: County, today: datetime.date) -> None:
    if not is_open_for(period, county, today):
        raise PeriodLocked(
            _("%(period)s 已锁定,不能再修改。如需修改,请联系管理员为本县重新开放。")
            % {"period": period.label}
        )
