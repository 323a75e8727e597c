"""Password rules (MLPS 2.0): complexity, not the user name, periodic change, change after reset."""

import string
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from targets import security_policy
from targets.models import AccountSecurity

CLASSES = [string.ascii_lowercase, string.ascii_uppercase, string.digits]


def _classes_in(password: str) -> int:
    found = sum(any(c in chars for c in password) for chars in CLASSES)
    symbols = any(not c.isascii() or not c.isalnum() for c in password)
    return found + symbols


class CharacterClassValidator:
    """At least ``classes`` of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, classes: int = 3):
        self.classes = classes

    def validate(self, password: str, user=None) -> None:
        if _classes_in(password) < self.classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须包含小写字母、大写字母、数字、符号中的至少%(classes)d类。") % {
            "classes": self.classes
        }


class NotUsernameValidator:
    """The password may not contain the user name, in any case."""

    def validate(self, password: str, user=None) -> None:
        username = (user.get_username() if user is not None else "").lower()
        if username and username in password.lower():
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("密码不能包含用户名。")


def security_of(user) -> AccountSecurity:
    security, _created = AccountSecurity.objects.get_or_create(user=user)
    return security


def require_change(user) -> None:
    """After an admin created the account or reset its password."""
    security = security_of(user)
    security.must_change_password = True
    security.save(update_fields=["must_change_password"])


def record_change(user) -> None:
    """After the user chose a new password."""
    security = security_of(user)
    security.must_change_password = False
    security.password_changed_at = timezone.now()
    security.save(update_fields=["must_change_password", "password_changed_at"])


def change_due(user) -> bool:
    """Must this user choose a new password before going on?"""
    security = security_of(user)
    if security.password_expiry_exempt:
        return False
    if security.must_change_password:
        return True
    changed = security.password_changed_at or user.date_joined
    max_age = timedelta(days=security_policy.current().password_max_age_days)
    return timezone.now() - changed > max_age
