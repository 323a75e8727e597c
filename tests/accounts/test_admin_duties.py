"""The three admin duties keep each other's accounts, one way only (三员): the security admin keeps
the system and audit admins' accounts, the system admin keeps the security admin's; no one acts on
their own account; admins hold no business role. Each path is tried from the outside: the admin
site, manage.py, and the refusal the user sees."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from targets.accounts import two_factor
from targets.models import AccountSecurity, AuditRecord, County, Role
from tests.accounts.test_roles import grant
from tests.conftest import PASSWORD, make_user
from tests.two_factor import enrol

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Neues-Kennwort-2027!"


def reset_password(client, target):
    return client.post(
        f"/admin/auth/user/{target.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )


def deactivate(client, target):
    return client.post(
        f"/admin/auth/user/{target.pk}/change/",
        {
            "username": target.username,
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "",
        },
    )


def password_unchanged(user) -> bool:
    user.refresh_from_db()
    return user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        ("admin_user", "audit_admin"),  # the system admin may not become the audit admin
        ("audit_admin", "admin_user"),
        ("audit_admin", "security_admin"),
        ("security_admin", "security_admin_2"),  # a security admin is kept by the system admin
        ("admin_user", "admin_user"),  # nor reset their own password here
        ("security_admin", "security_admin"),
    ],
)
def test_a_password_reset_outside_the_keeper_rule_is_refused_and_recorded(
    request, client_for, actor, target
):
    if target == "security_admin_2":
        target_user = make_user("second_security", Role.Kind.SECURITY_ADMIN)
    else:
        target_user = request.getfixturevalue(target)
    actor_user = request.getfixturevalue(actor)
    response = reset_password(client_for(actor_user), target_user)
    assert response.status_code == 403
    assert password_unchanged(target_user)
    if actor != "audit_admin":  # the audit admin is refused at the admin site's door
        assert "管理员账号" in response.text or "自己的账号" in response.text
        failure = AuditRecord.objects.get(
            action="admin.password_reset", object_id=str(target_user.pk)
        )
        assert failure.outcome == AuditRecord.Outcome.FAILURE
        assert failure.actor == actor_user


@pytest.mark.parametrize(
    ("keeper", "target"),
    [
        ("security_admin", "admin_user"),
        ("security_admin", "audit_admin"),
        ("admin_user", "security_admin"),
    ],
)
def test_the_keeper_duty_resets_an_admin_password_and_it_must_be_changed(
    request, client_for, keeper, target
):
    keeper_user, target_user = request.getfixturevalue(keeper), request.getfixturevalue(target)
    enrol(target_user)
    response = reset_password(client_for(keeper_user), target_user)
    assert response.status_code == 302
    target_user.refresh_from_db()
    assert target_user.check_password(NEW_PASSWORD)
    assert AccountSecurity.objects.get(user=target_user).must_change_password
    record = AuditRecord.objects.get(action="admin.password_reset", object_id=str(target_user.pk))
    assert record.actor == keeper_user
    assert record.outcome == AuditRecord.Outcome.SUCCESS


def test_the_system_admin_can_no_longer_deactivate_the_audit_admin(
    client_for, admin_user, audit_admin
):
    response = deactivate(client_for(admin_user), audit_admin)
    assert response.status_code == 403
    audit_admin.refresh_from_db()
    assert audit_admin.is_active


def test_the_security_admin_deactivates_the_audit_admin(client_for, security_admin, audit_admin):
    response = deactivate(client_for(security_admin), audit_admin)
    assert response.status_code == 302
    audit_admin.refresh_from_db()
    assert not audit_admin.is_active
    assert AuditRecord.objects.filter(action="admin.change", actor=security_admin).exists()


def test_the_system_admin_still_keeps_ordinary_accounts(client_for, admin_user, reporter):
    assert reset_password(client_for(admin_user), reporter).status_code == 302
    reporter.refresh_from_db()
    assert reporter.check_password(NEW_PASSWORD)
    assert deactivate(client_for(admin_user), reporter).status_code == 302


def test_no_admin_changes_their_own_account_in_the_admin(client_for, admin_user):
    assert deactivate(client_for(admin_user), admin_user).status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.is_active


@pytest.mark.parametrize("target", ["admin_user", "audit_admin"])
def test_an_admin_account_is_never_given_a_reviewing_role(
    request, client_for, security_admin, target
):
    """The assessor's takeover ended in approving notes as `admin`: an admin holds no business
    role, whoever grants it."""
    target_user = request.getfixturevalue(target)
    response = grant(client_for(security_admin), target_user, "provincial_reviewer")
    assert response.status_code == 200
    assert "不能同时担任填报、审核等业务角色" in response.text
    assert not Role.objects.filter(user=target_user, kind="provincial_reviewer").exists()


def test_an_admin_duty_is_not_given_to_a_reporting_account(client_for, security_admin, reporter):
    response = grant(client_for(security_admin), reporter, "system_admin")
    assert response.status_code == 200
    assert "不能同时担任其他角色" in response.text
    assert not Role.objects.filter(user=reporter, kind="system_admin").exists()


def test_the_security_admin_cannot_remove_another_security_admins_duty(client_for, security_admin):
    other = make_user("second_security", Role.Kind.SECURITY_ADMIN)
    role = other.roles.get()
    response = client_for(security_admin).post(
        f"/admin/targets/role/{role.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert Role.objects.filter(pk=role.pk).exists()


def test_an_anonymous_visitor_and_a_county_clerk_cannot_reset_anyones_password(
    client, client_for, reporter, security_admin
):
    assert reset_password(client, security_admin).status_code == 302  # to the login page
    assert reset_password(client_for(reporter), security_admin).status_code == 403
    assert password_unchanged(security_admin)


def test_the_reset_page_changes_nothing_on_another_method(client_for, security_admin, admin_user):
    """Django's admin answers any method but POST with the form itself."""
    enrol(admin_user)
    client = client_for(security_admin)
    data = f"password1={NEW_PASSWORD}&password2={NEW_PASSWORD}"
    response = client.put(f"/admin/auth/user/{admin_user.pk}/password/", data)
    assert response.status_code == 200
    assert password_unchanged(admin_user)
    assert not AuditRecord.objects.filter(action="admin.password_reset").exists()


@pytest.fixture
def typed(monkeypatch):
    def type_in(*answers):
        given = iter(answers)
        monkeypatch.setattr("getpass.getpass", lambda prompt="": next(given))

    return type_in


@pytest.mark.parametrize("target", ["admin_user", "security_admin", "audit_admin"])
def test_manage_py_changepassword_refuses_an_admin_duty(request, typed, target):
    target_user = request.getfixturevalue(target)
    typed(NEW_PASSWORD, NEW_PASSWORD)
    with pytest.raises(CommandError, match="reset in the app by the"):
        call_command("changepassword", target_user.username)
    assert password_unchanged(target_user)
    failure = AuditRecord.objects.get(action="admin.password_reset", actor_name="manage.py")
    assert failure.outcome == AuditRecord.Outcome.FAILURE


def test_manage_py_changepassword_sets_an_ordinary_password_to_be_changed(typed, reporter):
    typed(NEW_PASSWORD, NEW_PASSWORD)
    call_command("changepassword", reporter.username)
    reporter.refresh_from_db()
    assert reporter.check_password(NEW_PASSWORD)
    assert AccountSecurity.objects.get(user=reporter).must_change_password
    assert AuditRecord.objects.filter(
        action="admin.password_reset", actor_name="manage.py", object_id=str(reporter.pk)
    ).exists()


def test_manage_py_createsuperuser_is_refused(db):
    with pytest.raises(CommandError, match="create_admin"):
        call_command("createsuperuser", "--noinput", "--username", "root")
    assert not get_user_model().objects.filter(username="root").exists()


def test_the_county_of_a_reporting_role_is_unchanged_by_refusals(client_for, security_admin):
    """A refused grant changes nothing, and says why in the user's language."""
    clerk = make_user("clerk")
    response = grant(
        client_for(security_admin),
        clerk,
        "county_reporter",
        county=County.objects.get(code="510105"),
    )
    assert response.status_code == 302
    assert clerk.roles.count() == 1


def reset_device(client, target):
    return client.post(f"/admin/auth/user/{target.pk}/two-factor/reset/")


@pytest.mark.parametrize(
    ("keeper", "target"), [("admin_user", "security_admin"), ("security_admin", "audit_admin")]
)
def test_a_keeper_never_resets_both_factors_of_an_admin(request, client_for, keeper, target):
    """The assessor's takeover: reset the security admin's password, then sign in as them. With
    two factors, the keeper would need the device too; while the password is one it set, the
    device is not reset."""
    keeper_user, target_user = request.getfixturevalue(keeper), request.getfixturevalue(target)
    enrol(target_user)
    client = client_for(keeper_user)
    assert reset_password(client, target_user).status_code == 302
    response = reset_device(client, target_user)
    assert response.status_code == 403
    assert "尚未由本人修改的密码" in response.text
    assert two_factor.device_of(target_user) is not None
    refused = AuditRecord.objects.get(action="admin.two_factor_reset")
    assert refused.outcome == AuditRecord.Outcome.FAILURE
    assert refused.actor == keeper_user


def test_an_admin_without_an_authenticator_has_no_password_reset(
    client_for, security_admin, audit_admin
):
    """Without a device, the new password alone would let the keeper sign in and enrol its own."""
    response = reset_password(client_for(security_admin), audit_admin)
    assert response.status_code == 403
    assert "尚未启用两步验证" in response.text
    assert password_unchanged(audit_admin)


def test_a_keeper_who_reset_the_device_cannot_then_reset_the_password(
    client_for, security_admin, admin_user
):
    enrol(admin_user)
    client = client_for(security_admin)
    assert reset_device(client, admin_user).status_code == 302
    assert two_factor.device_of(admin_user) is None
    response = reset_password(client, admin_user)
    assert response.status_code == 403
    assert "尚未启用两步验证" in response.text
    assert password_unchanged(admin_user)


def test_after_the_holder_changed_the_password_the_device_may_be_reset(
    client_for, security_admin, admin_user
):
    enrol(admin_user)
    client = client_for(security_admin)
    assert reset_password(client, admin_user).status_code == 302
    AccountSecurity.objects.filter(user=admin_user).update(must_change_password=False)
    assert reset_device(client, admin_user).status_code == 302
