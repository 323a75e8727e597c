"""Who may do what with a supervision order. The prefecture reviewers issue orders of 市级 to their
counties; the provincial reviewers orders of 省级 to any county or provincial department. The
recipient signs for and answers it: a county's lead office (its departments see it), or the
department's users. The level that issued it verifies it: the reviewers of the issuing
prefecture, or the provincial reviewers. Escalation goes to the issuer's superior scope: the
provincial reviewers, who are also the scope of an order of 省级 (there is none above them in
the app)."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from targets.accounts.access import Access
from targets.models import County, Department, Role, SupervisionOrder

Kind = Role.Kind
Level = SupervisionOrder.Level


def levels_for(access: Access) -> list[str]:
    """The levels of order the user may issue, the higher first."""
    levels: list[str] = []
    if Kind.PROVINCIAL_REVIEWER in access.kinds:
        levels.append(Level.PROVINCE)
    if Kind.PREFECTURE_REVIEWER in access.kinds and access.prefecture_ids:
        levels.append(Level.PREFECTURE)
    return levels


def counties_for(access: Access, level: str | None = None) -> QuerySet[County]:
    """The counties the user may send an order to (at ``level``, else at any of theirs); never
    one they report for (four eyes)."""
    levels = levels_for(access) if level is None else [level]
    if Level.PROVINCE in levels and Kind.PROVINCIAL_REVIEWER in access.kinds:
        counties = County.objects.all()
    elif Level.PREFECTURE in levels:
        counties = County.objects.filter(prefecture_id__in=access.prefecture_ids)
    else:
        counties = County.objects.none()
    return counties.exclude(pk__in=access.county_ids) if access.county_ids else counties


def departments_for(access: Access, level: str | None = None) -> QuerySet[Department]:
    """The provincial departments the user may send an order to: active ones, at 省级 only (a
    prefecture has no authority over them)."""
    levels = levels_for(access) if level is None else [level]
    if Level.PROVINCE in levels and Kind.PROVINCIAL_REVIEWER in access.kinds:
        return Department.objects.filter(is_active=True)
    return Department.objects.none()


def may_answer(access: Access, order: SupervisionOrder) -> bool:
    """The recipient: the county's lead office, or the department's users."""
    if order.county_id is not None:
        return order.county_id in access.county_ids
    return order.department_id in access.department_ids


def may_verify(access: Access, order: SupervisionOrder) -> bool:
    """The level that issued the order, never the county's own reporter."""
    if order.county_id is not None and order.county_id in access.county_ids:
        return False
    if order.level == Level.PROVINCE:
        return Kind.PROVINCIAL_REVIEWER in access.kinds
    return (
        Kind.PREFECTURE_REVIEWER in access.kinds
        and order.issuing_prefecture_id in access.prefecture_ids
    )


def _users(roles: QuerySet[Role]) -> list[User]:
    found: dict[int, User] = {}
    for role in roles.filter(user__is_active=True).select_related("user").order_by("user_id"):
        found.setdefault(role.user_id, role.user)
    return list(found.values())


def recipients(order: SupervisionOrder) -> list[User]:
    """Who signs for and answers the order."""
    if order.county_id is not None:
        return _users(Role.objects.filter(kind=Kind.COUNTY_REPORTER, county_id=order.county_id))
    return _users(Role.objects.filter(kind=Kind.DEPARTMENT, department=order.department))


def verifiers(order: SupervisionOrder) -> list[User]:
    """Who may verify the order: its level's reviewers."""
    if order.level == Level.PROVINCE:
        return _users(Role.objects.filter(kind=Kind.PROVINCIAL_REVIEWER))
    return _users(
        Role.objects.filter(kind=Kind.PREFECTURE_REVIEWER, prefecture=order.issuing_prefecture)
    )


def superiors() -> list[User]:
    """Who is told of an order long unsigned or overdue: the provincial reviewers."""
    return _users(Role.objects.filter(kind=Kind.PROVINCIAL_REVIEWER))
