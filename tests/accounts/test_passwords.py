"""Password rules: complexity, not the user name, not common, not one of the last 5; changed every 90
days and after an admin set or reset it; demo accounts exempt."""

import datetime
import itertools

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from targets.accounts import passwords
from targets.demo.seed import DEMO_PASSWORD
from targets.models import AuditRecord, PasswordHistory
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Fresh-Start-2028"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1-short", "password_too_short"),
        ("alllowercaseletters1", "password_too_simple"),
        ("ONLY-UPPER-AND-SYMBOLS", "password_too_simple"),
        ("xx-Reporter-2027", "password_contains_username"),
        ("Password123", "password_too_common"),
    ],
)
def test_weak_passwords_are_refused(reporter, password, code):
    with pytest.raises(ValidationError) as error:
        validate_password(password, user=reporter)
    assert code in [e.code for e in error.value.error_list]


@pytest.mark.parametrize("password", [DEMO_PASSWORD, NEW_PASSWORD, "lower-case-and-2027"])
def test_strong_passwords_pass(reporter, password):
    validate_password(password, user=reporter)


def sign_in(client, username="reporter", password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def change_password(client, old=PASSWORD, new=NEW_PASSWORD):
    return client.post(
        "/password/", {"old_password": old, "new_password1": new, "new_password2": new}
    )


def test_an_expired_password_must_be_changed_before_going_on(client, reporter):
    passwords.record_change(reporter)
    with time_machine.travel(datetime.timedelta(days=91)):
        assert sign_in(client).status_code == 302
        response = client.get("/counties/510104/")
        assert response.status_code == 302
        assert response["Location"] == "/password/"
        htmx = client.get("/plan/", headers={"hx-request": "true"})
        assert htmx["HX-Redirect"] == "/password/"
        page = client.get("/password/")
        assert "您的密码已到期" in page.text
        assert change_password(client).status_code == 302
        assert client.get("/counties/510104/").status_code == 200
    reporter.refresh_from_db()
    assert reporter.check_password(NEW_PASSWORD)
    assert AuditRecord.objects.filter(action="auth.password_changed", actor=reporter).exists()


def test_a_password_younger_than_90_days_is_not_asked_for(client, reporter):
    passwords.record_change(reporter)
    with time_machine.travel(datetime.timedelta(days=89)):
        sign_in(client)
        assert client.get("/counties/510104/").status_code == 200


def test_a_weak_new_password_is_refused_with_a_clear_message(client, reporter):
    passwords.record_change(reporter)
    sign_in(client)
    response = change_password(client, new="weakpassword")
    assert response.status_code == 200
    assert "密码须包含小写字母、大写字母、数字、符号中的至少3类" in response.text
    reporter.refresh_from_db()
    assert reporter.check_password(PASSWORD)


def test_an_account_an_admin_created_must_change_its_password_first(client, client_for, admin_user):
    admin_client = client_for(admin_user)
    response = admin_client.post(
        "/admin/auth/user/add/",
        {
            "username": "newclerk",
            "password1": "Initial-Pass-2027",
            "password2": "Initial-Pass-2027",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    admin_client.logout()
    assert sign_in(client, "newclerk", "Initial-Pass-2027").status_code == 302
    assert client.get("/plan/")["Location"] == "/password/"
    change_password(client, old="Initial-Pass-2027")
    assert client.get("/password/").status_code == 200
    assert not get_user_model().objects.get(username="newclerk").security.must_change_password


def test_a_password_an_admin_reset_must_be_changed(client, client_for, admin_user, reporter):
    passwords.record_change(reporter)
    admin_client = client_for(admin_user)
    response = admin_client.post(
        f"/admin/auth/user/{reporter.pk}/password/",
        {
            "password1": "Reset-By-Admin-2027",
            "password2": "Reset-By-Admin-2027",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert AuditRecord.objects.filter(
        action="admin.password_reset", object_id=str(reporter.pk), actor=admin_user
    ).exists()
    admin_client.logout()
    sign_in(client, password="Reset-By-Admin-2027")
    assert client.get("/counties/510104/")["Location"] == "/password/"


def test_demo_accounts_are_exempt_from_expiry(client, settings, demo):
    with time_machine.travel(datetime.timedelta(days=400)):
        assert sign_in(client, "jinjiang", DEMO_PASSWORD).status_code == 302
        assert client.get("/counties/510104/").status_code == 200


def test_the_password_page_needs_a_sign_in_and_refuses_other_methods(client, client_for, reporter):
    assert client.get("/password/")["Location"].startswith("/login/")
    assert client_for(reporter).put("/password/").status_code == 405


REUSED = "不能使用最近5次用过的密码"


def test_the_last_five_passwords_are_refused_on_the_change_page(client, reporter):
    passwords.record_change(reporter)
    sign_in(client)
    chosen = [PASSWORD] + [f"Fresh-Start-203{n}" for n in range(5)]
    for old, new in itertools.pairwise(chosen):
        assert change_password(client, old=old, new=new).status_code == 302
    for reused in chosen[1:]:
        response = change_password(client, old=chosen[-1], new=reused)
        assert response.status_code == 200
        assert REUSED in response.text
    reporter.refresh_from_db()
    assert reporter.check_password(chosen[-1])
    assert PasswordHistory.objects.filter(user=reporter).count() == 5
    # The sixth password back is free again.
    assert change_password(client, old=chosen[-1], new=PASSWORD).status_code == 302
    assert PasswordHistory.objects.filter(user=reporter).count() == 5


def test_the_password_in_use_is_refused_even_without_a_history(client, reporter):
    PasswordHistory.objects.filter(user=reporter).delete()
    passwords.record_change(reporter)
    sign_in(client)
    response = change_password(client, new=PASSWORD)
    assert response.status_code == 200
    assert REUSED in response.text


def test_the_refusal_is_in_english_for_english_readers(client, reporter):
    passwords.record_change(reporter)
    sign_in(client)
    change_password(client)
    client.cookies["django_language"] = "en"
    response = change_password(client, old=NEW_PASSWORD, new=PASSWORD)
    assert response.status_code == 200
    assert "You cannot use any of your last 5 passwords again." in response.text


def test_an_admin_cannot_give_an_account_one_of_its_last_five_passwords(
    client, client_for, admin_user, reporter
):
    admin_client = client_for(admin_user)

    def reset(password):
        return admin_client.post(
            f"/admin/auth/user/{reporter.pk}/password/",
            {"password1": password, "password2": password, "usable_password": "true"},
        )

    refused = reset(PASSWORD)
    assert refused.status_code == 200
    assert REUSED in refused.text
    reporter.refresh_from_db()
    assert reporter.check_password(PASSWORD)
    assert not AuditRecord.objects.filter(action="admin.password_reset").exists()
    assert reset("Reset-By-Admin-2027").status_code == 302
    # The account must then choose its own: not the one the admin gave, nor the one before.
    admin_client.logout()
    sign_in(client, password="Reset-By-Admin-2027")
    for reused in ["Reset-By-Admin-2027", PASSWORD]:
        response = change_password(client, old="Reset-By-Admin-2027", new=reused)
        assert response.status_code == 200
        assert REUSED in response.text
    assert change_password(client, old="Reset-By-Admin-2027").status_code == 302


def test_the_same_password_saved_again_is_kept_once(reporter):
    """Django re-hashes a password at sign-in when the hasher's cost rises; that is no new one."""
    reporter.set_password(PASSWORD)
    reporter.save()
    assert PasswordHistory.objects.filter(user=reporter).count() == 1
    reporter.set_password(NEW_PASSWORD)
    reporter.save()
    assert PasswordHistory.objects.filter(user=reporter).count() == 2
