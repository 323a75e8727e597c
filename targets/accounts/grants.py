"""Whether a role may be granted to an account: the one check every path that grants roles calls."""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from targets.accounts import duties, four_eyes
from targets.models import ADMIN_KINDS, County, Prefecture, Role


def refusal(
    *,
    actor: User | AnonymousUser | None,
    user: User,
    kind: str,
    county: County | None = None,
    prefecture: Prefecture | None = None,
    exclude_pk: int | None = None,
) -> str:
    """Why ``actor`` may not give ``user`` the role ``kind`` with that scope ("" if they may).
    ``exclude_pk`` is the role being changed, which the other roles do not include."""
    if actor is not None and user.pk == actor.pk:
        return _("不能给自己授予或修改角色。")
    others = Role.objects.filter(user=user)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if kind in ADMIN_KINDS and others.filter(kind__in=ADMIN_KINDS).exists():
        return _("系统管理员、安全管理员、审计管理员三者互斥,一个账号只能担任其中之一。")
    refused = duties.role_refused(user=user, kind=kind, exclude_pk=exclude_pk)
    if refused:
        return refused
    if actor is not None:
        try:
            duties.check_keeps(actor, user)
        except PermissionDenied as denied:
            return str(denied)
    return four_eyes.role_conflict(
        user=user, kind=kind, county=county, prefecture=prefecture, exclude_pk=exclude_pk
    )
