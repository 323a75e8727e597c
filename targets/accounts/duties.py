"""The three admin duties (三员) and the one rule every path that acts on an account goes through.

Admins hold no business role: an admin duty and a reporting or reviewing role are never granted to
one account, so that no admin can approve what counties send.

An account holding an admin duty is kept by one other duty only: the security admin keeps the
system and audit admins' accounts, the system admin keeps the security admin's. Keeping means
resetting the password or the second factor, changing or deactivating the account, and granting or
removing its roles. No account acts on itself through these paths (one's own password is changed on
the account page, with the old one). Accounts that hold no admin duty are kept as before: the
system admin keeps the accounts, the security admin grants the roles.

A keeper never holds both factors of an admin's account, or it could sign in as that admin: it
resets the password only while the account has an authenticator (which the keeper does not hold),
and the authenticator only while the password is the holder's own (not one a keeper set and the
holder has not yet changed). An admin who lost both gets the authenticator reset, signs in with
their password and enrols again; one who also forgot the password is made anew by the server's
operator (``create_admin``). Each reset, and each refusal, is recorded for the audit admin.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from targets.models import ADMIN_KINDS, AccountSecurity, Role

Kind = Role.Kind

# The audit actions of a keeper's reset of each factor.
RESET_ACTIONS = {"password": "admin.password_reset", "device": "admin.two_factor_reset"}

# The duty that keeps the accounts of each admin duty.
KEEPER: dict[str, str] = {
    Kind.SYSTEM_ADMIN: Kind.SECURITY_ADMIN,
    Kind.AUDIT_ADMIN: Kind.SECURITY_ADMIN,
    Kind.SECURITY_ADMIN: Kind.SYSTEM_ADMIN,
}


def duty_of(user: User | None) -> str | None:
    """The admin duty the account holds, if any (an account holds at most one)."""
    if user is None or user.pk is None:
        return None
    return (
        Role.objects.filter(user=user, kind__in=ADMIN_KINDS).values_list("kind", flat=True).first()
    )


def may_keep(actor: User | AnonymousUser | None, target: User) -> bool:
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


def check_keeps(actor: User | AnonymousUser | None, target: User) -> None:
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


def check_reset(actor: User | AnonymousUser | None, target: User, factor: str) -> None:
    """Before ``actor`` resets ``target``'s ``factor`` ("password" or "device"): the keeper rule,
    and for an admin duty's account, never both factors in a keeper's hands."""
    check_keeps(actor, target)
    if duty_of(target) is None:
        return
    if factor == "password" and not TOTPDevice.objects.filter(user=target, confirmed=True).exists():
        raise PermissionDenied(
            _(
                "该管理员账号尚未启用两步验证:此时重置其密码,重置者即可登录并启用自己的验证器。请由账号持有人用自己的密码登录并启用两步验证。"
            )
        )
    if (
        factor == "device"
        and AccountSecurity.objects.filter(user=target, must_change_password=True).exists()
    ):
        raise PermissionDenied(
            _(
                "该管理员账号的密码是管理员重置后尚未由本人修改的密码:此时重置两步验证,重置者即可登录。请待账号持有人登录并修改密码后再重置。"
            )
        )


def role_refused(*, user: User, kind: str, exclude_pk: int | None = None) -> str:
    """Why ``kind`` cannot be granted to ``user`` beside their other roles ("" if it can): an
    admin duty excludes every other role."""
    others = Role.objects.filter(user=user)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if kind in ADMIN_KINDS and others.exists():
        return _("管理员账号不能同时担任其他角色:请先移除该账号的其他角色。")
    if kind not in ADMIN_KINDS and others.filter(kind__in=ADMIN_KINDS).exists():
        return _("管理员账号不能同时担任填报、审核等业务角色。")
    return ""
