"""Production settings: `check --deploy` is clean; headers; errors are plain pages, never a trace."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "HTTPS", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_under_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="k" * 20 + "production-secret-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="tracker.example.gov.cn",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set" in result.stderr


def test_production_refuses_to_start_without_an_audit_key():
    secret = "k" * 20 + "production-secret-0123456789-abcdefghijklmnop"
    result = run_manage("check", DEBUG="false", SECRET_KEY=secret, AUDIT_KEY="")
    assert result.returncode != 0
    assert "AUDIT_KEY (or AUDIT_KEY_FILE) must be set when DEBUG is off" in result.stderr
    result = run_manage("check", DEBUG="false", SECRET_KEY=secret, AUDIT_KEY="short")
    assert result.returncode != 0 and "AUDIT_KEY is too short" in result.stderr


def test_a_bad_setting_stops_the_app_naming_the_variable():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0 and "DEBUG='maybe' is not a boolean" in result.stderr


@pytest.mark.django_db
def test_security_headers_and_a_csp_without_unsafe_inline(client):
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    assert "style-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.urls("tests.errors_urls")
@pytest.mark.parametrize(
    ("language", "text"), [("zh-hans", "系统出错"), ("en", "Something went wrong")]
)
def test_a_server_error_is_a_plain_page_in_the_users_language(language, text):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language
    response = client.get("/test-failure/")
    assert response.status_code == 500
    assert text in response.text
    assert "Traceback" not in response.text and "RuntimeError" not in response.text


@pytest.mark.django_db
@pytest.mark.urls("tests.errors_urls")
@pytest.mark.parametrize(
    ("language", "text"), [("zh-hans", "系统暂时不可用"), ("en", "temporarily unavailable")]
)
def test_a_database_outage_is_a_plain_503_asking_to_retry(language, text):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language
    response = client.get("/test-database-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert text in response.text
    assert "Traceback" not in response.text and "OperationalError" not in response.text


@pytest.mark.django_db
def test_not_found_is_a_plain_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.text


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_a_plain_page():
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403 and "页面已过期" in response.text
