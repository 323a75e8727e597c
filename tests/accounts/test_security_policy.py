"""The security admin sets the security policy in the app; it takes effect and is audited."""

import datetime

import pytest
import time_machine

from targets.accounts import passwords, security_policy
from targets.models import AuditRecord, SecuritySettings
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)
POLICY = {
    "password_max_age_days": 90,
    "session_idle_minutes": 30,
    "session_max_hours": 12,
    "login_failure_limit": 5,
    "lockout_minutes": 15,
}


def set_policy(client, **changes):
    policy = security_policy.current()
    return client.post(
        f"/admin/targets/securitysettings/{policy.pk}/change/", {**POLICY, **changes}
    )


def test_a_new_installation_takes_the_environments_values():
    policy = security_policy.current()
    assert {name: getattr(policy, name) for name in POLICY} == POLICY


def test_the_security_admin_changes_the_policy_and_it_is_audited(client_for, security_admin):
    client = client_for(security_admin)
    assert client.get("/admin/targets/securitysettings/").status_code == 302
    assert set_policy(client, login_failure_limit=3).status_code == 302
    assert SecuritySettings.objects.get().login_failure_limit == 3
    record = AuditRecord.objects.get(action="admin.change", object_type="targets.SecuritySettings")
    assert record.actor == security_admin
    assert record.changes == {"login_failure_limit": ["5", "3"]}


def test_values_outside_the_safe_range_are_refused(client_for, security_admin):
    response = set_policy(
        client_for(security_admin), login_failure_limit=50, session_idle_minutes=1
    )
    assert response.status_code == 200
    assert SecuritySettings.objects.get().login_failure_limit == 5


@pytest.mark.parametrize("persona", ["admin_user", "audit_admin", "provincial_reviewer"])
def test_no_one_else_changes_the_policy(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert set_policy(client, login_failure_limit=3).status_code == 403
    assert SecuritySettings.objects.get().login_failure_limit == 5


def test_a_lower_failure_limit_and_longer_lock_take_effect(
    client, client_for, security_admin, reporter
):
    set_policy(client_for(security_admin), login_failure_limit=3, lockout_minutes=60)
    client.logout()
    with time_machine.travel(START, tick=False) as clock:
        codes = [
            client.post("/login/", {"username": "reporter", "password": "wrong"}).status_code
            for _ in range(3)
        ]
        assert codes == [200, 200, 429]
        clock.shift(datetime.timedelta(minutes=45))
        locked = client.post("/login/", {"username": "reporter", "password": PASSWORD})
        assert locked.status_code == 429
        assert "60分钟" in locked.text


def test_a_shorter_idle_time_takes_effect(client, client_for, security_admin, reporter):
    set_policy(client_for(security_admin), session_idle_minutes=10)
    client.logout()
    passwords.record_change(reporter)
    with time_machine.travel(START, tick=False) as clock:
        client.post("/login/", {"username": "reporter", "password": PASSWORD})
        clock.shift(datetime.timedelta(minutes=9))
        assert client.get("/plan/").status_code == 200
        clock.shift(datetime.timedelta(minutes=11))
        assert client.get("/plan/").status_code == 302


def test_a_shorter_password_age_takes_effect(client, client_for, security_admin, reporter):
    set_policy(client_for(security_admin), password_max_age_days=30)
    client.logout()
    passwords.record_change(reporter)
    with time_machine.travel(datetime.timedelta(days=31)):
        client.post("/login/", {"username": "reporter", "password": PASSWORD})
        assert client.get("/plan/")["Location"] == "/password/"
