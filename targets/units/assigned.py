"""Which measures a unit answers for: a provincial department's (those it leads or cooperates on,
by the province's matrix), and a county department's (those its county's lead office made it the
lead of, by the county's matrix), with the users who hold the work."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db.models import QuerySet

from targets.models import (
    County,
    CountyDepartment,
    CountyMeasureDepartment,
    Department,
    Measure,
    MeasureDepartment,
    Responsibility,
    Role,
)


def measures_of(department: Department) -> QuerySet[Measure]:
    """The measures the provincial department leads or cooperates on."""
    return Measure.objects.filter(
        pk__in=MeasureDepartment.objects.filter(department=department).values("measure")
    )


def lead_of(county: County, measure: Measure) -> CountyDepartment | None:
    """The county department that drafts the measure's note in the county, if its lead office
    gave the measure to one."""
    duty = (
        CountyMeasureDepartment.objects.filter(
            county=county, measure=measure, responsibility=Responsibility.LEAD
        )
        .select_related("department")
        .first()
    )
    return duty.department if duty else None


def county_leads(county_ids: Iterable[int]) -> dict[int, dict[int, set[int]]]:
    """Per county, per county department: the measures that department leads (drafts). A measure
    the lead office has assigned to no department is its own and is not listed."""
    found: dict[int, dict[int, set[int]]] = {}
    rows = CountyMeasureDepartment.objects.filter(
        county__in=list(county_ids),
        responsibility=Responsibility.LEAD,
        department__is_active=True,
    ).values_list("county_id", "department_id", "measure_id")
    for county_id, department_id, measure_id in rows:
        found.setdefault(county_id, {}).setdefault(department_id, set()).add(measure_id)
    return found


def county_department_users(department_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active users of each county department (those holding its role)."""
    roles = Role.objects.filter(
        kind=Role.Kind.COUNTY_DEPARTMENT,
        county_department__in=list(department_ids),
        user__is_active=True,
    ).select_related("user")
    found: dict[int, list[User]] = {}
    for role in roles:
        # A county department's role always names its department (role_scope_matches_kind).
        found.setdefault(role.county_department_id, []).append(role.user)  # type: ignore[arg-type]
    return found
