"""Signing in and out, and the audit records each leaves."""

import pytest

from targets.models import AuditRecord
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_reporter_signs_in_and_reaches_their_to_do_list(client, reporter):
    response = client.post("/login/", {"username": "reporter", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/todo/"
    record = AuditRecord.objects.get(action="auth.login")
    assert record.actor == reporter
    assert record.outcome == "success"
    assert record.address == "127.0.0.1"


def test_a_failed_login_says_nothing_about_the_account_and_is_recorded(client, reporter):
    wrong = client.post("/login/", {"username": "reporter", "password": "wrong"})
    unknown = client.post("/login/", {"username": "nobody", "password": "wrong"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    failures = AuditRecord.objects.filter(action="auth.login_failed", outcome="failure")
    assert sorted(failures.values_list("actor_name", flat=True)) == ["nobody", "reporter"]


def test_sign_out_is_a_post_and_is_recorded(client_for, reporter):
    client = client_for(reporter)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert AuditRecord.objects.filter(action="auth.logout", actor=reporter).exists()
    assert client.get("/plan/").status_code == 302


def test_an_expired_session_answers_htmx_with_a_full_page_redirect(client):
    response = client.get("/plan/", headers={"hx-request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=/plan/"
