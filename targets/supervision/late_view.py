"""The late-and-stale view of a round for reviewers: per county, what is not reported, returns not
answered, measures with no note submitted for several periods, days since the last submission
and the last reminder; read in a fixed number of queries however many notes there are."""

import datetime
from dataclasses import dataclass
from typing import TypedDict

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from targets.applicability import rules as applicability
from targets.models import REPORTED, County, Measure, Notification, Period, ProgressNote, State
from targets.supervision import lights, reminders


@dataclass
class LateRow:
    county: County
    light: lights.CountyLight
    slots: int  # the measures that apply to the county
    reported: int
    returned: int  # returns not answered
    oldest_return_days: int | None
    stale: int  # measures with no note submitted in the last N periods
    last_submitted: datetime.datetime | None
    days_since: int | None
    last_reminder: datetime.date | None

    @property
    def missing(self) -> int:
        return self.slots - self.reported

    @property
    def has_problem(self) -> bool:
        return bool(self.missing or self.returned or self.stale)


class RoundCounts(TypedDict):
    """A county's notes of the round, counted."""

    reported: int
    returned: int
    oldest_return: datetime.datetime | None


NO_NOTES = RoundCounts(reported=0, returned=0, oldest_return=None)


# Sort keys by name; each sorts the worst first (most missing, longest silence…).
SORTS = {
    "light": (
        _("预警"),
        lambda r: (-r.light.severity, -r.light.red, -r.light.yellow, -r.missing, r.county.code),
    ),
    "county": (_("县(市、区)"), lambda r: (r.county.prefecture.code, r.county.code)),
    "missing": (_("未提交"), lambda r: (-r.missing, r.county.code)),
    "returned": (_("退回未重报"), lambda r: (-r.returned, r.county.code)),
    "stale": (_("长期未报"), lambda r: (-r.stale, r.county.code)),
    "days": (
        _("距上次提交天数"),
        lambda r: (-(r.days_since if r.days_since is not None else 10**6), r.county.code),
    ),
}


def recent_periods(period: Period, count: int) -> list[Period]:
    """The period and the ``count - 1`` before it, of the same cadence."""
    return list(
        Period.objects.filter(cadence=period.cadence, starts_on__lte=period.starts_on).order_by(
            "-starts_on"
        )[:count]
    )


def late_rows(
    period: Period,
    counties: QuerySet[County],
    today: datetime.date,
    stale_periods: int,
    measures: QuerySet[Measure] | None = None,
) -> list[LateRow]:
    """Each county's row; on ``measures`` only where given (a department's), every figure and
    the light then counting those measures alone."""
    chosen = measures is not None
    measures = Measure.objects.all() if measures is None else measures
    slots = measures.count()
    notes = (
        ProgressNote.objects.filter(measure__in=measures) if chosen else ProgressNote.objects.all()
    )
    # A measure that does not apply to a county is not due there: neither counted nor chased.
    off = applicability.inapplicable(counties, measures)
    notes = off.excluding(notes)
    round_notes = notes.filter(period=period, county__in=counties)
    this_round: dict[int, RoundCounts] = {
        row["county"]: row
        for row in round_notes.values("county")
        .annotate(
            reported=Count("id", filter=Q(state__in=REPORTED)),
            returned=Count("id", filter=Q(state=State.RETURNED)),
            oldest_return=Min("reviewed_at", filter=Q(state=State.RETURNED)),
        )
        .order_by()
    }
    window = recent_periods(period, stale_periods)
    covered = dict(
        notes.filter(period__in=window, county__in=counties, state__in=REPORTED)
        .values_list("county")
        .annotate(n=Count("measure", distinct=True))
        .order_by()
    )
    # The latest submission of each county: one index lookup per county, not a scan of every note.
    latest = notes.filter(county=OuterRef("pk"), submitted_at__isnull=False)
    last_submitted = dict(
        counties.annotate(
            at=Subquery(latest.order_by("-submitted_at").values("submitted_at")[:1])
        ).values_list("pk", "at")
    )
    last_reminder = dict(
        Notification.objects.filter(period=period, county__in=counties)
        .filter(kind__in=[k for k in reminders.KINDS if k != Notification.Kind.ESCALATION])
        .values_list("county")
        .annotate(on=Max("sent_on"))
        .order_by()
    )
    county_lights = lights.county_lights(lights.Judge(period, today), counties, measures)
    rows = []
    for county in counties.select_related("prefecture", "county_type"):
        numbers = this_round.get(county.pk, NO_NOTES)
        due = slots - off.count_of(county.pk)
        oldest = numbers.get("oldest_return")
        submitted = last_submitted.get(county.pk)
        rows.append(
            LateRow(
                county=county,
                light=county_lights[county.pk],
                slots=due,
                reported=numbers.get("reported", 0),
                returned=numbers.get("returned", 0),
                oldest_return_days=(today - timezone.localdate(oldest)).days if oldest else None,
                stale=due - covered.get(county.pk, 0),
                last_submitted=submitted,
                days_since=(today - timezone.localdate(submitted)).days if submitted else None,
                last_reminder=last_reminder.get(county.pk),
            )
        )
    return rows


def sorted_rows(rows: list[LateRow], sort: str) -> list[LateRow]:
    return sorted(rows, key=SORTS.get(sort, SORTS["light"])[1])
