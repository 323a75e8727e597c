"""Two factors at sign-in: required of the three admins, of everyone when the policy says so,
optional otherwise; enrolment, TOTP and recovery codes, wrong codes counted towards the lockout,
and the reset of a lost device by the other duty (through the admin)."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from targets.accounts import security_policy
from targets.accounts import two_factor as tf
from targets.models import AuditRecord, Role, SecuritySettings
from tests import two_factor
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
VERIFY, ENROL, ACCOUNT = "/login/code/", "/account/two-factor/enrol/", "/account/two-factor/"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def password_step(client, user, next_url="/"):
    """The sign-in form, as a user fills it in."""
    response = client.post(
        f"/login/?next={next_url}",
        {"username": user.username, "password": PASSWORD, "next": next_url},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 302, "the password step failed"
    return response


def give_code(client, code, next_url="/"):
    return client.post(VERIFY, {"code": code, "next": next_url}, REMOTE_ADDR="10.0.0.1")


def actions(user) -> list[str]:
    return list(
        AuditRecord.objects.filter(actor=user, action__contains="two_factor")
        .order_by("id")
        .values_list("action", flat=True)
    )


# Before enrolling: nothing but enrolment.


@pytest.mark.parametrize(
    ("persona", "page"),
    [("admin_user", "/admin/"), ("security_admin", "/admin/"), ("audit_admin", "/audit/")],
)
def test_an_admin_without_a_device_reaches_nothing_before_enrolling(client, request, persona, page):
    user = request.getfixturevalue(persona)
    password_step(client, user, page)
    for path in (page, "/", "/password/", "/notifications/", ACCOUNT):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(ENROL), path
    htmx = client.get(page, headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].startswith(ENROL)
    assert client.get(f"{ENROL}?next={page}").status_code == 200


def test_a_session_from_before_two_factors_existed_is_held_to_them(client, admin_user):
    client.force_login(admin_user)
    session = client.session
    del session[tf.STATE]
    session.save()
    assert client.get("/admin/")["Location"].startswith(ENROL)


# Enrolment.


def test_an_admin_enrols_and_gets_ten_recovery_codes_once(client, admin_user):
    password_step(client, admin_user, "/admin/")
    page = client.get(f"{ENROL}?next=/admin/")
    assert "<svg" in page.text
    assert 'class="segno"' in page.text
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    assert device.config_url in page.text.replace("&amp;", "&")
    assert tf.secret_of(device) in page.text
    assert "<style" not in page.text
    assert " style=" not in page.text
    # Opening the page again shows the same secret.
    assert tf.secret_of(device) in client.get(ENROL).text

    wrong = client.post(ENROL, {"code": "000000", "next": "/admin/"})
    assert wrong.status_code == 200
    assert "验证码不正确" in wrong.text
    assert not TOTPDevice.objects.filter(user=admin_user, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302

    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=5)):
        done = client.post(ENROL, {"code": two_factor.code_now(device), "next": "/admin/"})
        assert done.status_code == 200
        codes = done.context["codes"]
        assert len(codes) == 10
        assert len(set(codes)) == 10
        assert all(code in done.text for code in codes)
        assert TOTPDevice.objects.get(user=admin_user).confirmed
        assert StaticToken.objects.filter(device__user=admin_user).count() == 10
        assert client.get("/admin/").status_code == 200
        # Shown once: the enrolment page now sends to the account page, which shows no code.
        assert client.get(ENROL)["Location"] == ACCOUNT
        account = client.get(ACCOUNT)
    assert not any(code in account.text for code in codes)
    assert "还剩10个恢复码" in account.text
    assert actions(admin_user) == [
        "auth.two_factor_enrolment_started",
        "auth.two_factor_enrolment_failed",
        "auth.two_factor_enrolled",
    ]
    failed = AuditRecord.objects.get(action="auth.two_factor_enrolment_failed")
    assert failed.outcome == AuditRecord.Outcome.FAILURE


def test_at_the_next_sign_in_the_admin_is_asked_for_a_code(client, admin_user):
    two_factor.enrol(admin_user)
    password_step(client, admin_user, "/admin/")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert client.get(ENROL)["Location"] == ACCOUNT  # no second device while a code is owed


# Signing in with a code.


def test_signing_in_with_a_totp_code(client, security_admin):
    device = two_factor.enrol(security_admin)
    password_step(client, security_admin, "/admin/")
    assert client.get(VERIFY).status_code == 200
    response = give_code(client, two_factor.code_now(device), "/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert "auth.two_factor_passed" in actions(security_admin)


def test_a_totp_code_is_accepted_once(client, security_admin):
    device = two_factor.enrol(security_admin)
    code = two_factor.code_now(device)
    password_step(client, security_admin)
    assert give_code(client, code).status_code == 302
    client.post("/logout/")
    password_step(client, security_admin)
    again = give_code(client, code)
    assert again.status_code == 200
    assert "验证码不正确" in again.text
    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_a_next_that_leaves_the_site_is_not_followed(client, admin_user):
    device = two_factor.enrol(admin_user)
    password_step(client, admin_user)
    response = give_code(client, two_factor.code_now(device), "https://evil.example/")
    assert response["Location"] == "/"


def test_signing_in_with_a_recovery_code_uses_it_up(client, audit_admin):
    two_factor.enrol(audit_admin)
    codes = tf._new_recovery_codes(audit_admin)
    password_step(client, audit_admin, "/audit/")
    response = give_code(client, codes[0].upper(), "/audit/")
    assert response.status_code == 302
    assert response["Location"] == "/audit/"
    assert "还剩9个" in client.get("/audit/").text
    assert tf.recovery_codes_left(audit_admin) == 9
    used = AuditRecord.objects.get(action="auth.recovery_code_used")
    assert used.actor == audit_admin
    assert used.changes == {"recovery_codes_left": [10, 9]}

    client.post("/logout/")
    password_step(client, audit_admin, "/audit/")
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=1)):
        refused = give_code(client, codes[0], "/audit/")
    assert refused.status_code == 200
    assert "该恢复码已用过" in refused.text
    assert client.get("/audit/")["Location"].startswith(VERIFY)
    failed = AuditRecord.objects.filter(action="auth.two_factor_failed").get()
    assert failed.actor == audit_admin
    assert failed.outcome == AuditRecord.Outcome.FAILURE


def test_new_recovery_codes_replace_the_old_ones(client_for, admin_user):
    client = client_for(admin_user)
    old = tf._new_recovery_codes(admin_user)
    response = client.post("/account/two-factor/codes/")
    new = response.context["codes"]
    assert len(new) == 10
    assert not set(new) & set(old)
    tokens = StaticToken.objects.filter(device__user=admin_user).values_list("token", flat=True)
    assert set(tokens) == set(new)
    assert not StaticToken.objects.filter(token__in=old).exists()
    assert AuditRecord.objects.filter(
        action="auth.recovery_codes_renewed", actor=admin_user
    ).exists()


def test_new_recovery_codes_need_a_device_and_a_post(client_for, reporter):
    client = client_for(reporter)
    assert client.get("/account/two-factor/codes/").status_code == 405
    response = client.post("/account/two-factor/codes/")
    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    assert not StaticToken.objects.exists()


# Wrong codes are failed sign-ins.


def test_wrong_codes_count_as_failed_sign_ins_and_lock_at_the_limit(client, admin_user):
    policy = security_policy.current()
    policy.login_failure_limit = 3
    policy.save()
    two_factor.enrol(admin_user)
    with time_machine.travel(START, tick=False) as clock:
        password_step(client, admin_user, "/admin/")
        statuses = []
        for _ in range(3):
            statuses.append(give_code(client, "000000", "/admin/").status_code)
            # The device itself refuses tries for a few seconds after a wrong one.
            clock.shift(datetime.timedelta(seconds=30))
        assert statuses == [200, 200, 429]
        assert AccessAttempt.objects.get(username=admin_user.username).failures_since_start == 3
        # The half-done session ended, and the password alone no longer signs in.
        assert client.get("/admin/")["Location"].startswith("/login/")
        again = client.post(
            "/login/",
            {"username": admin_user.username, "password": PASSWORD},
            REMOTE_ADDR="1.2.3.4",
        )
        assert again.status_code == 429
    assert AuditRecord.objects.filter(action="auth.two_factor_failed").count() == 3


def test_the_password_alone_does_not_clear_wrong_codes(client, admin_user):
    """Whoever holds the password cannot guess codes below the limit, sign in again, and go on:
    the failures are cleared only when the second step passes."""
    policy = security_policy.current()
    policy.login_failure_limit = 3
    policy.save()
    device = two_factor.enrol(admin_user)
    with time_machine.travel(START, tick=False) as clock:
        statuses = []
        for _ in range(2):
            password_step(client, admin_user, "/admin/")
            statuses.append(give_code(client, "000000", "/admin/").status_code)
            clock.shift(datetime.timedelta(seconds=30))
            client.post("/logout/")
        password_step(client, admin_user, "/admin/")
        statuses.append(give_code(client, "000000", "/admin/").status_code)
        assert statuses == [200, 200, 429]
        assert AccessAttempt.objects.get(username=admin_user.username).failures_since_start == 3
        client.logout()
        clock.shift(datetime.timedelta(minutes=policy.lockout_minutes + 1))
        password_step(client, admin_user, "/admin/")
        give_code(client, "000000", "/admin/")
        clock.shift(datetime.timedelta(seconds=30))
        assert give_code(client, two_factor.code_now(device), "/admin/").status_code == 302
        assert not AccessAttempt.objects.filter(username=admin_user.username).exists()


def test_a_try_while_the_device_is_throttled_is_not_checked(client, admin_user):
    device = two_factor.enrol(admin_user)
    with time_machine.travel(START, tick=False) as clock:
        password_step(client, admin_user)
        give_code(client, "000000")
        clock.shift(datetime.timedelta(seconds=0.2))
        response = give_code(client, two_factor.code_now(device))
        assert response.status_code == 200
        assert "请稍等几秒再试" in response.text
        clock.shift(datetime.timedelta(seconds=30))
        assert give_code(client, two_factor.code_now(device)).status_code == 302


def test_the_second_step_needs_the_password_step_and_get_or_post(client, reporter):
    assert client.get(VERIFY)["Location"].startswith("/login/")
    assert client.post(VERIFY, {"code": "123456"})["Location"].startswith("/login/")
    assert client.get(ENROL)["Location"].startswith("/login/")
    assert client.get(ACCOUNT)["Location"].startswith("/login/")
    assert not TOTPDevice.objects.exists()
    client.force_login(reporter)
    assert client.delete(VERIFY).status_code == 405
    assert client.put(ENROL).status_code == 405
    assert client.post(ACCOUNT).status_code == 405


# Everyone else: optional, unless the policy says otherwise.


def test_a_non_admin_is_not_asked_for_a_second_factor(client, reporter, provincial_reviewer):
    for user in (reporter, provincial_reviewer):
        password_step(client, user)
        assert client.get("/").status_code == 302
        assert client.get("/notifications/").status_code == 200
        assert client.session[tf.STATE] == tf.DONE
        client.post("/logout/")
    assert not TOTPDevice.objects.exists()


def test_a_non_admin_may_enrol_and_is_then_asked_at_sign_in(client, reporter):
    password_step(client, reporter)
    assert "两步验证未启用" in client.get(ACCOUNT).text
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=reporter)
    assert client.post(ENROL, {"code": two_factor.code_now(device)}).status_code == 200
    client.post("/logout/")
    password_step(client, reporter)
    assert client.get("/notifications/")["Location"].startswith(VERIFY)
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=1)):
        assert give_code(client, two_factor.code_now(device)).status_code == 302
    assert client.get("/notifications/").status_code == 200


def test_the_security_admin_requires_it_of_everyone(client_for, client, security_admin, reporter):
    admin_client = client_for(security_admin)
    policy = security_policy.current()
    values = {
        "password_max_age_days": policy.password_max_age_days,
        "session_idle_minutes": policy.session_idle_minutes,
        "session_max_hours": policy.session_max_hours,
        "login_failure_limit": policy.login_failure_limit,
        "lockout_minutes": policy.lockout_minutes,
        "two_factor_for_all": "on",
    }
    form = admin_client.get(f"/admin/targets/securitysettings/{policy.pk}/change/")
    assert "其他账号也须两步验证" in form.text
    response = admin_client.post(f"/admin/targets/securitysettings/{policy.pk}/change/", values)
    assert response.status_code == 302
    assert SecuritySettings.objects.get().two_factor_for_all
    record = AuditRecord.objects.get(action="admin.change", object_type="targets.SecuritySettings")
    assert record.changes == {"two_factor_for_all": ["False", "True"]}
    admin_client.post("/logout/")

    password_step(client, reporter)
    assert client.get("/notifications/")["Location"].startswith(ENROL)
    assert "您的账号须使用两步验证" in client.get(ENROL).text


# A lost device: reset by the other duty, through the admin.


def reset_url(user) -> str:
    return f"/admin/auth/user/{user.pk}/two-factor/reset/"


@pytest.mark.parametrize(
    ("keeper", "target"),
    [
        ("security_admin", "admin_user"),
        ("security_admin", "audit_admin"),
        ("admin_user", "security_admin"),
        ("admin_user", "reporter"),
    ],
)
def test_the_other_duty_resets_a_lost_device(request, client_for, client, keeper, target):
    keeper, target = request.getfixturevalue(keeper), request.getfixturevalue(target)
    two_factor.enrol(target)
    tf._new_recovery_codes(target)
    admin_client = client_for(keeper)
    change = admin_client.get(f"/admin/auth/user/{target.pk}/change/")
    assert reset_url(target) in change.text
    assert admin_client.get(reset_url(target)).status_code == 200
    response = admin_client.post(reset_url(target))
    assert response.status_code == 302
    assert response["Location"] == f"/admin/auth/user/{target.pk}/change/"
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert not StaticToken.objects.filter(device__user=target).exists()
    record = AuditRecord.objects.get(action="admin.two_factor_reset")
    assert record.actor == keeper
    assert record.object_id == str(target.pk)
    admin_client.post("/logout/")
    # At the next sign-in the account enrols again (when it must).
    password_step(client, target)
    expected = ENROL if tf.required_for(target) else None
    location = client.get("/notifications/").get("Location")
    assert (location or "").startswith(expected) if expected else location is None


@pytest.mark.parametrize(
    ("actor", "target", "status"),
    [
        ("admin_user", "audit_admin", 403),  # the audit admin's device is the security admin's
        ("security_admin", "reporter", 403),  # other accounts are kept by the system admin
        ("admin_user", "admin_user", 403),  # no one resets their own
        ("security_admin", "security_admin", 403),
        ("audit_admin", "admin_user", 403),  # the audit admin has no admin
        ("reporter", "admin_user", 403),
        ("provincial_reviewer", "reporter", 403),
        (None, "admin_user", 302),
    ],
)
def test_the_reset_is_refused_to_anyone_else(request, client_for, actor, target, status):
    target = request.getfixturevalue(target)
    two_factor.enrol(target)
    client = client_for(request.getfixturevalue(actor) if actor else None)
    assert client.get(reset_url(target)).status_code == status
    assert client.post(reset_url(target)).status_code == status
    assert TOTPDevice.objects.filter(user=target).exists()
    assert not AuditRecord.objects.filter(
        action="admin.two_factor_reset", outcome=AuditRecord.Outcome.SUCCESS
    ).exists()


def test_the_reset_page_takes_get_and_post_only(client_for, security_admin, admin_user):
    client = client_for(security_admin)
    assert client.put(reset_url(admin_user)).status_code == 405
    assert client.get("/admin/auth/user/999999/two-factor/reset/").status_code == 404


def test_a_reset_between_the_two_steps_leads_to_enrolment(client, admin_user):
    two_factor.enrol(admin_user)
    password_step(client, admin_user, "/admin/")
    TOTPDevice.objects.filter(user=admin_user).delete()
    response = client.get(f"{VERIFY}?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/")["Location"].startswith(ENROL)


def test_an_admin_duty_given_during_a_session_asks_for_the_second_factor(client, no_role_user):
    """Signed in without a code as an ordinary account, then made an admin: the next page asks."""
    password_step(client, no_role_user)
    assert client.get(ACCOUNT).status_code == 200
    Role.objects.create(user=no_role_user, kind=Role.Kind.AUDIT_ADMIN)
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)
