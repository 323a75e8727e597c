"""Five failed sign-ins on an account within 15 minutes lock it for 15 minutes, from every address;
another account's success never clears them. Many failures from one address pause sign-ins from
it for a few minutes after each failure; an address is never locked."""

import datetime
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt

from targets.models import AuditRecord
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
ROOT = Path(__file__).resolve().parents[2]


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
    assert "暂时锁定" in locked.text
    assert "15分钟" in locked.text
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


def test_another_accounts_successes_never_clear_an_accounts_failures(
    client, provincial_reviewer, other_reporter
):
    """The assessor's case: four wrong guesses at the province's account, then a correct sign-in
    as 会理市's reporter from the same address, over and over: 20 guesses, locked at the fifth."""
    guesses = []
    with time_machine.travel(START, tick=False):
        for _round in range(5):
            guesses += fail(client, "province_reviewer", 4)
            assert sign_in(client, "other_reporter", PASSWORD).status_code == 302
            client.post("/logout/")
        assert guesses == [200] * 4 + [429] * 16
        assert sign_in(client, "province_reviewer", PASSWORD).status_code == 429
    assert AccessAttempt.objects.filter(username="province_reviewer").exists()
    assert not AccessAttempt.objects.filter(username="other_reporter").exists()


def test_a_success_clears_only_that_accounts_failures(client, reporter, other_reporter):
    with time_machine.travel(START, tick=False):
        fail(client, "reporter", 4)
        fail(client, "other_reporter", 4)
        assert sign_in(client, "reporter", PASSWORD).status_code == 302
        client.post("/logout/")
        assert fail(client, "other_reporter", 1) == [429]
        assert fail(client, "reporter", 4) == [200] * 4


def test_a_locked_account_does_not_refuse_its_colleagues_from_the_same_address(
    client, reporter, other_reporter
):
    """Behind an office's shared address, one person's lockouts lock no one else."""
    with time_machine.travel(START, tick=False):
        for name in ["reporter", "guess1", "guess2", "guess3"]:
            fail(client, name, 5, address="10.9.9.9")
        assert sign_in(client, "reporter", PASSWORD, address="10.9.9.9").status_code == 429
        assert sign_in(client, "other_reporter", PASSWORD, address="10.9.9.9").status_code == 302


def test_many_failures_from_one_address_pause_it_briefly_and_lock_no_one(
    client, reporter, other_reporter
):
    """30 failures of any accounts from one address within the window pause sign-ins from it for
    2 minutes after each failure; attempts refused by the pause count against no one."""
    noisy = "10.9.9.9"
    with time_machine.travel(START, tick=False) as clock:
        for n in range(29):
            assert fail(client, f"guess{n % 10}", 1, address=noisy) == [200]
        assert sign_in(client, "other_reporter", PASSWORD, address=noisy).status_code == 302
        client.post("/logout/")
        assert fail(client, "guess0", 1, address=noisy) == [200]  # the 30th

        paused = sign_in(client, "reporter", PASSWORD, address=noisy)
        assert paused.status_code == 429
        assert paused["Retry-After"] == "120"
        assert "登录已暂停" in paused.text
        assert "2分钟后再试" in paused.text
        assert "账号已被暂时锁定" not in paused.text
        assert sign_in(client, "reporter", PASSWORD, address="10.0.0.1").status_code == 302
        client.post("/logout/")

        clock.shift(datetime.timedelta(seconds=90))
        for _ in range(6):
            refused = sign_in(client, "reporter", PASSWORD, address=noisy)
            assert refused.status_code == 429
            assert refused["Retry-After"] == "30"
        clock.shift(datetime.timedelta(seconds=31))
        assert sign_in(client, "reporter", PASSWORD, address=noisy).status_code == 302
        client.post("/logout/")

        # Rate-limited, not reset: each further failure pauses the address again.
        assert fail(client, "guess1", 1, address=noisy) == [200]
        assert sign_in(client, "other_reporter", PASSWORD, address=noisy).status_code == 429
    assert not AccessAttempt.objects.filter(username="reporter").exists()


def test_the_pause_page_is_in_english_for_english_readers(client, reporter):
    with time_machine.travel(START, tick=False):
        for n in range(30):
            fail(client, f"guess{n % 10}", 1, address="10.9.9.9")
        client.cookies["django_language"] = "en"
        paused = sign_in(client, "reporter", PASSWORD, address="10.9.9.9")
    assert paused.status_code == 429
    assert "signing in is paused. Please try again in 2 minutes." in paused.text


def test_behind_the_proxy_each_client_is_counted_by_its_own_address(
    client, settings, reporter, other_reporter
):
    """Behind nginx every connection comes from nginx; with TRUSTED_PROXY_COUNT=1 the address is
    the one nginx appended, and an entry the client wrote before it changes nothing."""
    settings.TRUSTED_PROXY_COUNT = 1

    def via_nginx(username, password, forwarded):
        return client.post(
            "/login/",
            {"username": username, "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    with time_machine.travel(START, tick=False):
        for n in range(30):
            via_nginx(f"guess{n % 10}", "wrong-password", f"10.{n}.0.1, 203.0.113.9")
        assert via_nginx("reporter", PASSWORD, "10.1.1.1, 203.0.113.9").status_code == 429
        assert via_nginx("other_reporter", PASSWORD, "198.51.100.7").status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_the_shipped_app_server_unit_trusts_the_one_proxy_in_front():
    unit = (ROOT / "deploy" / "systemd" / "tracker@.service").read_text().splitlines()
    assert "Environment=TRUSTED_PROXY_COUNT=1" in unit
    nginx = (ROOT / "deploy" / "nginx" / "tracker.conf").read_text()
    assert nginx.count("X-Forwarded-For $proxy_add_x_forwarded_for;") == 1


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
    assert listing.status_code == 200
    assert "reporter" in listing.text
    response = admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert AuditRecord.objects.filter(action="security.unlock", actor=security_admin).exists()
    admin_client.logout()
    assert sign_in(client, "reporter", PASSWORD).status_code == 302


@pytest.mark.parametrize("persona", ["admin_user", "audit_admin", "provincial_reviewer"])
def test_no_one_else_sees_or_clears_lockouts(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_the_security_admin_ends_a_pause_and_each_entry_cleared_is_recorded(
    client, client_for, reporter, security_admin
):
    for n in range(30):
        fail(client, f"guess{n % 10}", 1, address="10.9.9.9")
    assert sign_in(client, "reporter", PASSWORD, address="10.9.9.9").status_code == 429
    entries = list(AccessAttempt.objects.filter(ip_address="10.9.9.9").values_list("pk", flat=True))
    assert len(entries) == 10
    admin_client = client_for(security_admin)
    response = admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": entries, "post": "yes"},
    )
    assert response.status_code == 302
    assert AuditRecord.objects.filter(action="security.unlock", actor=security_admin).count() == 10
    admin_client.logout()
    assert sign_in(client, "reporter", PASSWORD, address="10.9.9.9").status_code == 302
