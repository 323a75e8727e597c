"""Five failed sign-ins on an account, or from an address, within 15 minutes lock it for 15 minutes."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt

from targets.models import AuditRecord
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, times, address="10.0.0.1") -> list[int]:
    return [sign_in(client, username, "wrong-password", address).status_code for _ in range(times)]


def test_five_failures_lock_the_account_even_for_the_right_password(client, reporter):
    with time_machine.travel(START, tick=False):
        assert fail(client, "reporter", 4) == [200] * 4
        assert sign_in(client, "reporter", PASSWORD).status_code == 302  # a success resets
        client.post("/logout/")
        assert fail(client, "reporter", 5) == [200] * 4 + [429]
        locked = sign_in(client, "reporter", PASSWORD)
    assert locked.status_code == 429
    assert "暂时锁定" in locked.text and "15分钟" in locked.text
    assert (
        AuditRecord.objects.filter(action="auth.login_failed", actor_name="reporter").count() == 10
    )


def test_the_lock_holds_from_another_address_and_ends_after_15_minutes(client, reporter):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, "reporter", 5)
        assert sign_in(client, "reporter", PASSWORD, address="10.0.0.2").status_code == 429
        clock.shift(datetime.timedelta(minutes=14))
        assert sign_in(client, "reporter", PASSWORD, address="10.0.0.3").status_code == 429
        clock.shift(datetime.timedelta(minutes=16))
        assert sign_in(client, "reporter", PASSWORD, address="10.0.0.3").status_code == 302


def test_failures_spread_over_more_than_15_minutes_do_not_lock(client, reporter):
    with time_machine.travel(START, tick=False) as clock:
        assert fail(client, "reporter", 3) == [200] * 3
        clock.shift(datetime.timedelta(minutes=16))
        assert fail(client, "reporter", 3) == [200] * 3
        assert sign_in(client, "reporter", PASSWORD).status_code == 302


def test_five_failures_from_one_address_lock_that_address(client, reporter):
    with time_machine.travel(START, tick=False):
        for n in range(5):
            sign_in(client, f"guess{n}", "wrong-password", address="10.9.9.9")
        assert sign_in(client, "reporter", PASSWORD, address="10.9.9.9").status_code == 429
        assert sign_in(client, "reporter", PASSWORD, address="10.0.0.1").status_code == 302


def test_the_lockout_does_not_reveal_whether_the_account_exists(client, reporter):
    with time_machine.travel(START, tick=False):
        fail(client, "reporter", 5, address="10.0.0.1")
        fail(client, "nobody", 5, address="10.0.0.2")
        known = sign_in(client, "reporter", "x", address="10.0.0.1")
        unknown = sign_in(client, "nobody", "x", address="10.0.0.2")
    assert known.status_code == unknown.status_code == 429

    def message(response):
        return response.text[response.text.index("<main") : response.text.index("</main>")]

    assert message(known) == message(unknown)


def test_the_security_admin_unlocks_and_it_is_recorded(
    client, client_for, reporter, security_admin
):
    fail(client, "reporter", 5)
    assert sign_in(client, "reporter", PASSWORD).status_code == 429
    attempt = AccessAttempt.objects.get(username="reporter")
    admin_client = client_for(security_admin)
    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "reporter" in listing.text
    response = admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert AuditRecord.objects.filter(action="security.unlock", actor=security_admin).exists()
    admin_client.logout()
    assert sign_in(client, "reporter", PASSWORD).status_code == 302


@pytest.mark.parametrize("persona", ["admin_user", "audit_admin", "provincial_reviewer"])
def test_no_one_else_sees_or_clears_lockouts(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/admin/axes/accessattempt/").status_code == 403
