"""The three admin duties (三员) and the one rule every path that acts on an account goes through.

Admins hold no business role: an admin duty and a reporting or reviewing role are never granted to
one account, so that no admin can approve what counties send.

An account holding an admin duty is kept by one other duty only: the security admin keeps the
system and audit admins' accounts, the system admin keeps the security admin's. Keeping means
resetting the password or the second factor, changing or deactivating the account, and granting or
removing its roles. No account acts on itself through these paths (one's own password is changed on
the account page, with the old one). Accounts that hold no admin duty are kept as before: the
system admin keeps the accounts, the security admin grants the roles.

A keeper may reset one factor of an admin's account (its password, or its second factor), never
both within RESET_WINDOW: resetting both would let the keeper sign in as that admin. An admin who
lost both asks the keeper for one and uses a recovery code, or waits out the window; each reset
is recorded, and the audit admin reads them.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from targets.models import ADMIN_KINDS, AuditRecord, Role

Kind = Role.Kind

RESET_WINDOW = timedelta(days=30)
# The audit actions of a keeper's reset of each factor.
RESET_ACTIONS = {"password": "admin.password_reset", "device": "admin.two_factor_reset"}

# The duty that keeps the accounts of each admin duty.
KEEPER = {
    Kind.SYSTEM_ADMIN: Kind.SECURITY_ADMIN,
    Kind.AUDIT_ADMIN: Kind.SECURITY_ADMIN,
    Kind.SECURITY_ADMIN: Kind.SYSTEM_ADMIN,
}


def duty_of(user) -> str | None:
    """The admin duty the account holds, if any (an account holds at most one)."""
    if user is None or user.pk is None:
        return None
    return (
        Role.objects.filter(user=user, kind__in=ADMIN_KINDS).values_list("kind", flat=True).first()
    )


def may_keep(actor, target) -> bool:
    """May ``actor`` reset, change, deactivate or grant roles to ``target``'s account? Only
    the rule between accounts: the path's own permission (who edits accounts, who grants roles)
    is checked by the path as well."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if target.pk is not None and target.pk == actor.pk:
        return False
    target_duty = duty_of(target)
    if target_duty is None:
        return True
    return duty_of(actor) == KEEPER[target_duty]


def check_keeps(actor, target) -> None:
    """Raise PermissionDenied, with a message in the user's language, unless ``may_keep``."""
    if may_keep(actor, target):
        return
    if target.pk is not None and target.pk == getattr(actor, "pk", None):
        raise PermissionDenied(_("不能对自己的账号执行此操作。"))
    raise PermissionDenied(
        _(
            "管理员账号只能由另一职责的管理员维护:系统管理员、审计管理员的账号由安全管理员维护,安全管理员的账号由系统管理员维护。"
        )
    )


def keepers_of(target) -> list:
    """The active accounts that may keep ``target`` (for telling them of a reset)."""
    target_duty = duty_of(target)
    if target_duty is None:
        return []
    keeper = KEEPER[target_duty]
    return list(
        get_user_model()
        .objects.filter(is_active=True, roles__kind=keeper)
        .exclude(pk=target.pk)
        .distinct()
    )


def check_reset(actor, target, factor: str) -> None:
    """Before ``actor`` resets ``target``'s ``factor`` ("password" or "device"): the keeper rule,
    and for an admin duty's account, not both factors by one keeper within RESET_WINDOW."""
    check_keeps(actor, target)
    if duty_of(target) is None:
        return
    (other,) = (action for name, action in RESET_ACTIONS.items() if name != factor)
    recent = AuditRecord.objects.filter(
        action=other,
        object_type=target._meta.label,
        object_id=str(target.pk),
        actor=actor,
        outcome=AuditRecord.Outcome.SUCCESS,
        at__gte=timezone.now() - RESET_WINDOW,
    )
    if recent.exists():
        raise PermissionDenied(
            _(
                "您在%(days)d天内已重置过该管理员账号的另一项登录凭据;同一人不能重置其全部凭据。请由账号持有人使用恢复码登录。"
            )
            % {"days": RESET_WINDOW.days}
        )


def role_refused(*, user, kind: str, exclude_pk=None) -> str:
    """Why ``kind`` cannot be granted to ``user`` beside their other roles ("" if it can): an
    admin duty excludes every other role."""
    others = Role.objects.filter(user=user).exclude(pk=exclude_pk)
    if kind in ADMIN_KINDS and others.exists():
        return _("管理员账号不能同时担任其他角色:请先移除该账号的其他角色。")
    if kind not in ADMIN_KINDS and others.filter(kind__in=ADMIN_KINDS).exists():
        return _("管理员账号不能同时担任填报、审核等业务角色。")
    return ""
