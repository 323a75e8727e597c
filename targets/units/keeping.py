"""When a unit may stop: a provincial or county department is deactivated or removed only once
nothing is left in its hands. A unit that still leads or cooperates on a measure, holds a county's
assignment of a measure, or has open work (a note in draft, submitted or returned on a measure it
drafts) would leave that work without anyone answering for it; the refusal names the work, so that
the admin knows what to hand over first. The admin and the units workbook both ask here.

Cooperating duties count too: a stopped unit would otherwise still be named on the measure's
pages as a cooperating unit."""

from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from targets.models import (
    CountyDepartment,
    CountyMeasureDepartment,
    Department,
    MeasureDepartment,
    ProgressNote,
    Responsibility,
    State,
)

OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.RETURNED)


def _codes(codes: Iterable[str]) -> str:
    return pgettext("enumeration", "、").join(sorted(set(codes)))


def department_work(
    department: Department, duties: Iterable[tuple[str, str]] | None = None
) -> list[str]:
    """What the provincial department still answers for, in words; ``duties`` are its
    (measure code, responsibility) pairs as they would be (an import's new matrix), else as
    stored."""
    if duties is None:
        duties = MeasureDepartment.objects.filter(department=department).values_list(
            "measure__code", "responsibility"
        )
    duties = list(duties)
    work = []
    leads = [code for code, kind in duties if kind == Responsibility.LEAD]
    cooperates = [code for code, kind in duties if kind == Responsibility.COOPERATING]
    if leads:
        work.append(_("牵头举措 %(codes)s") % {"codes": _codes(leads)})
    if cooperates:
        work.append(_("配合举措 %(codes)s") % {"codes": _codes(cooperates)})
    return work


def county_department_work(department: CountyDepartment) -> list[str]:
    """What the county department still answers for, in words: the county's assignments of
    measures to it, and the open notes of the measures it drafts (leads)."""
    duties = list(
        CountyMeasureDepartment.objects.filter(department=department).values_list(
            "measure_id", "measure__code", "responsibility"
        )
    )
    work = []
    leads = [code for _pk, code, kind in duties if kind == Responsibility.LEAD]
    cooperates = [code for _pk, code, kind in duties if kind == Responsibility.COOPERATING]
    if leads:
        work.append(_("承办举措 %(codes)s") % {"codes": _codes(leads)})
    if cooperates:
        work.append(_("配合举措 %(codes)s") % {"codes": _codes(cooperates)})
    drafted = [pk for pk, _code, kind in duties if kind == Responsibility.LEAD]
    if drafted:
        notes = (
            ProgressNote.objects.filter(
                Q(county_id=department.county_id, measure_id__in=drafted, state__in=OPEN_STATES)
            )
            .select_related("measure", "period")
            .order_by("measure__order", "period__starts_on")
        )
        named = [
            _("%(measure)s %(period)s(%(state)s)")
            % {
                "measure": note.measure.code,
                "period": note.period.label,
                "state": State(note.state).label,
            }
            for note in notes[:10]
        ]
        if named:
            work.append(_("未办结的进展 %(notes)s") % {"notes": "、".join(named)})
    return work


def refusal(unit: Department | CountyDepartment, work: list[str]) -> str | None:
    """The message refusing to stop ``unit`` while ``work`` is left, else None."""
    if not work:
        return None
    return _("“%(unit)s”仍有在办的工作,不能停用或删除:%(work)s。请先把这些工作交给其他单位。") % {
        "unit": unit.name,
        "work": ";".join(work),
    }


def stopping_refused(unit: Department | CountyDepartment) -> str | None:
    """Why ``unit`` may not be deactivated or removed now, or None when it may."""
    if isinstance(unit, Department):
        return refusal(unit, department_work(unit))
    return refusal(unit, county_department_work(unit))
