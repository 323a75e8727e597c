"""The command that makes the first admin accounts of a new installation."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from targets.accounts import passwords
from targets.models import AuditRecord, Role

pytestmark = pytest.mark.django_db
GOOD = "Str0ng-Passw0rd!"


@pytest.fixture
def typed(monkeypatch):
    """``typed(first, second)``: what the operator types at the two password prompts."""

    def answer(*words):
        given = iter(words)
        monkeypatch.setattr("getpass.getpass", lambda prompt="": next(given))

    return answer


def test_it_creates_an_admin_who_must_change_the_password(typed, capsys):
    typed(GOOD, GOOD)
    call_command("create_admin", "sysadmin", "--role", "system_admin", "--name", "王工")
    user = get_user_model().objects.get(username="sysadmin")
    assert user.check_password(GOOD)
    assert user.first_name == "王工"
    assert list(Role.objects.filter(user=user).values_list("kind", flat=True)) == ["system_admin"]
    assert passwords.change_due(user)
    assert AuditRecord.objects.filter(action="account.create", object_id=str(user.pk)).exists()
    assert "must be changed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("words", "message"),
    [((GOOD, GOOD + "x"), "differ"), (("short", "short"), "密码|password")],
)
def test_bad_passwords_are_refused_and_nothing_is_made(typed, words, message):
    typed(*words)
    with pytest.raises(CommandError, match=message):
        call_command("create_admin", "sysadmin", "--role", "system_admin")
    assert not get_user_model().objects.filter(username="sysadmin").exists()


def test_a_second_admin_of_the_same_duty_or_name_is_refused(typed):
    typed(GOOD, GOOD)
    call_command("create_admin", "sysadmin", "--role", "system_admin")
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_admin", "other", "--role", "system_admin")
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_admin", "sysadmin", "--role", "audit_admin")
