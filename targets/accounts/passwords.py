"""Password rules (MLPS 2.0): complexity, not the user name, not a recent password, periodic change,
change after reset."""

import string
from datetime import timedelta

from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from targets.accounts import security_policy
from targets.models import AccountSecurity, PasswordHistory

CLASSES = [string.ascii_lowercase, string.ascii_uppercase, string.digits]


def _classes_in(password: str) -> int:
    found = sum(any(c in chars for c in password) for chars in CLASSES)
    symbols = any(not c.isascii() or not c.isalnum() for c in password)
    return found + symbols


class CharacterClassValidator:
    """At least ``classes`` of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, classes: int = 3) -> None:
        self.classes = classes

    def validate(self, password: str, user: User | None = None) -> None:
        if _classes_in(password) < self.classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须包含小写字母、大写字母、数字、符号中的至少%(classes)d类。") % {
            "classes": self.classes
        }


class NotUsernameValidator:
    """The password may not contain the user name, in any case."""

    def validate(self, password: str, user: User | None = None) -> None:
        username = (user.get_username() if user is not None else "").lower()
        if username and username in password.lower():
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("密码不能包含用户名。")


class PasswordHistoryValidator:
    """Not one of the account's last ``count`` passwords. Each password an account is given, by
    itself or by an admin, is kept as its hash (Django calls ``password_changed`` when a new
    password is saved), and only the last ``count`` are kept."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def _kept(self, user: User) -> QuerySet[PasswordHistory]:
        return PasswordHistory.objects.filter(user=user).order_by("-set_at", "-pk")

    def validate(self, password: str, user: User | None = None) -> None:
        if user is None or user.pk is None:
            return
        recent = list(self._kept(user).values_list("password", flat=True)[: self.count])
        if user.has_usable_password() and user.password not in recent:
            # The password in use was set without passing through here (an account made before
            # the history, or by create_user): keep it now, before it is replaced.
            PasswordHistory.objects.create(user=user, password=user.password)
            recent = [user.password, *recent[: self.count - 1]]
        # check_password without a setter: a match never rewrites the stored hash.
        if any(check_password(password, encoded) for encoded in recent):
            raise ValidationError(
                _("不能使用最近%(count)d次用过的密码。") % {"count": self.count},
                code="password_reused",
            )

    def password_changed(self, password: str, user: User | None = None) -> None:
        if user is None or user.pk is None or not user.has_usable_password():
            return
        newest = self._kept(user).first()
        if newest is not None and check_password(password, newest.password):
            # The same password hashed again (Django upgrades a hash at sign-in): one entry.
            newest.password = user.password
            newest.save(update_fields=["password"])
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = self._kept(user).values_list("pk", flat=True)[self.count :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        return _("不能与最近%(count)d次用过的密码相同。") % {"count": self.count}


def security_of(user: User) -> AccountSecurity:
    security, _created = AccountSecurity.objects.get_or_create(user=user)
    return security


def require_change(user: User) -> None:
    """After an admin created the account or reset its password."""
    security = security_of(user)
    security.must_change_password = True
    security.save(update_fields=["must_change_password"])


def record_change(user: User) -> None:
    """After the user chose a new password."""
    security = security_of(user)
    security.must_change_password = False
    security.password_changed_at = timezone.now()
    security.save(update_fields=["must_change_password", "password_changed_at"])


def change_due(user: User) -> bool:
    """Must this user choose a new password before going on?"""
    security = security_of(user)
    if security.password_expiry_exempt:
        return False
    if security.must_change_password:
        return True
    changed = security.password_changed_at or user.date_joined
    max_age = timedelta(days=security_policy.current().password_max_age_days)
    return timezone.now() - changed > max_age
