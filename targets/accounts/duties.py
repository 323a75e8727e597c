"""The three admin duties (三员) and the one rule every path that acts on an account goes through.

An account holding an admin duty is kept by one other duty only: the security admin keeps the
system and audit admins' accounts, the system admin keeps the security admin's. Keeping means
resetting the password or the second factor, changing or deactivating the account, and granting or
removing its roles. No account acts on itself through these paths (one's own password is changed on
the account page, with the old one). Accounts that hold no admin duty are kept as before: the
system admin keeps the accounts, the security admin grants the roles.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from targets.models import ADMIN_KINDS, Role

Kind = Role.Kind

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
    return Role.objects.filter(user=user, kind__in=ADMIN_KINDS).values_list("kind", flat=True).first()


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
        _("管理员账号只能由另一职责的管理员维护:系统管理员、审计管理员的账号由安全管理员维护,安全管理员的账号由系统管理员维护。")
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
