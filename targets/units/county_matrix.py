"""A county's division of its measures among its own departments (县级分工), as its lead office
sets it: per measure, the lead department (which drafts the note) and the cooperating ones, all
of the county's active departments. A measure without a lead is the lead office's own.

A change names the division the form showed (``Division.token``): one made meanwhile by someone
else is not overwritten. Changing the lead moves the measure's open notes (every note not yet
approved) to the new lead, each with a version saying so, so that the timeline shows the move."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from targets.audit import trail
from targets.models import (
    County,
    CountyDepartment,
    CountyMeasureDepartment,
    Measure,
    NoteVersion,
    ProgressNote,
    Responsibility,
    State,
)
from targets.plan.outline import current_plan


class AssignmentError(Exception):
    """A division that cannot be made; its message is for the user."""


class StaleDivision(AssignmentError):
    """Someone changed the measure's division since the form showed it."""


@dataclass
class Division:
    """One measure's division in a county."""

    measure: Measure
    lead: CountyDepartment | None = None
    cooperating: list[CountyDepartment] = field(default_factory=list)

    @property
    def token(self) -> str:
        """The division in a few characters, sent back by the form that showed it."""
        lead = str(self.lead.pk) if self.lead else "-"
        return ":".join([lead, *sorted(str(d.pk) for d in self.cooperating)])


def departments_of(county: County) -> list[CountyDepartment]:
    """The county's active departments, those a measure may be given to."""
    return list(CountyDepartment.objects.filter(county=county, is_active=True).order_by("code"))


def divisions(county: County) -> list[Division]:
    """Each measure of the plan with its division in the county, in the plan's order; two
    queries."""
    measures = Measure.objects.filter(plan=current_plan()).order_by("order")
    found = {measure.pk: Division(measure) for measure in measures}
    duties = CountyMeasureDepartment.objects.filter(county=county).select_related("department")
    for duty in duties.order_by("department__code"):
        _place(found.get(duty.measure_id), duty)
    return list(found.values())


def _place(division: Division | None, duty: CountyMeasureDepartment) -> None:
    if division is None:
        return
    if duty.responsibility == Responsibility.LEAD:
        division.lead = duty.department
    else:
        division.cooperating.append(duty.department)


def division_of(county: County, measure: Measure) -> Division:
    division = Division(measure)
    duties = CountyMeasureDepartment.objects.filter(county=county, measure=measure)
    for duty in duties.select_related("department").order_by("department__code"):
        _place(division, duty)
    return division


def _check_units(county: County, units: Sequence[CountyDepartment]) -> None:
    for unit in units:
        if unit.county_id != county.pk:
            raise AssignmentError(
                _("“%(unit)s”不是%(county)s的部门,不能承办或配合本县的举措;分工未保存。")
                % {"unit": unit.label, "county": county.label}
            )
        if not unit.is_active:
            raise AssignmentError(
                _("“%(unit)s”已停用,不能承办或配合举措;分工未保存。") % {"unit": unit.label}
            )


def assign(
    *,
    user: User,
    county: County,
    measure: Measure,
    lead: CountyDepartment | None,
    cooperating: Sequence[CountyDepartment],
    started_from: str,
    request: HttpRequest | None = None,
) -> Division:
    """Set the measure's division in the county; returns it as saved. ``started_from`` is the
    token of the division the form showed."""
    cooperating = sorted({d for d in cooperating if d != lead}, key=lambda d: d.code)
    _check_units(county, [*([lead] if lead else []), *cooperating])
    with transaction.atomic():
        # One change of the county's division at a time: the county's row is the lock.
        County.objects.select_for_update(no_key=True).filter(pk=county.pk).first()
        before = division_of(county, measure)
        if before.token != started_from:
            raise StaleDivision(
                _(
                    "在您打开页面后,有人修改了%(measure)s的分工;您的修改没有保存。"
                    "请查看现在的分工后再修改。"
                )
                % {"measure": measure.code}
            )
        duties = CountyMeasureDepartment.objects.filter(county=county, measure=measure)
        duties.delete()
        CountyMeasureDepartment.objects.bulk_create(
            [
                *(
                    [
                        CountyMeasureDepartment(
                            county=county,
                            measure=measure,
                            department=lead,
                            responsibility=Responsibility.LEAD,
                        )
                    ]
                    if lead
                    else []
                ),
                *(
                    CountyMeasureDepartment(
                        county=county,
                        measure=measure,
                        department=unit,
                        responsibility=Responsibility.COOPERATING,
                    )
                    for unit in cooperating
                ),
            ]
        )
        after = Division(measure, lead, list(cooperating))
        moved = _move_notes(user, county, measure, lead, request) if before.lead != lead else []
        trail.record(
            "county_matrix.assign",
            request=request,
            actor=user,
            obj=county,
            changes={
                "measure": measure.code,
                "lead": [_name(before.lead), _name(lead)],
                "cooperating": [
                    [_name(d) for d in before.cooperating],
                    [_name(d) for d in after.cooperating],
                ],
                **({"moved_notes": moved} if moved else {}),
            },
        )
    return after


def _name(unit: CountyDepartment | None) -> str | None:
    return unit.name if unit else None


def _move_notes(
    user: User,
    county: County,
    measure: Measure,
    lead: CountyDepartment | None,
    request: HttpRequest | None,
) -> list[str]:
    """Give the measure's notes not yet approved to the new lead (None: the lead office), each
    with a version that says so; returns their periods' codes."""
    notes = (
        ProgressNote.objects.filter(county=county, measure=measure)
        .exclude(state=State.APPROVED)
        .select_related("period", "department")
        .select_for_update(of=("self",), no_key=True)
        .order_by("period__starts_on")
    )
    moved = []
    for note in notes:
        before = _name(note.department)
        note.department = lead
        note.version += 1
        note.save(update_fields=["department", "version"])
        NoteVersion.objects.create(
            note=note,
            number=note.version,
            state=note.state,
            status_id=note.status_id,
            percent=note.percent,
            narrative=note.narrative,
            bottom_line_id=note.bottom_line_id,
            risk_reason=note.risk_reason,
            problems=note.problems,
            next_steps=note.next_steps,
            event="reassign",
            department=lead,
            by=user,
        )
        note.county, note.measure = county, measure
        trail.record(
            "note.reassign",
            request=request,
            actor=user,
            obj=note,
            changes={"department": [before, _name(lead)], "version": [None, note.version]},
        )
        moved.append(note.period.code)
    return moved
