"""Production settings: `check --deploy` is clean; headers; errors are plain pages, never a trace."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.templatetags.static import static
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


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
    assert result.returncode != 0
    assert "AUDIT_KEY is too short" in result.stderr


def test_a_bad_setting_stops_the_app_naming_the_variable():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("REDIS_URL", "memcached://127.0.0.1:11211", "REDIS_URL scheme 'memcached'"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT='xml' is not one of text, json"),
        ("DATABASE_REPLICA_URL", "sqlite:///replica.sqlite3", "must name a PostgreSQL"),
        ("DATABASE_REPLICA_MAX_LAG_SECONDS", "-5", "below the minimum"),
    ],
)
def test_a_bad_engine_setting_stops_the_app(variable, value, message):
    result = run_manage("check", DEBUG="true", **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.django_db
def test_security_headers_and_a_csp_without_unsafe_inline(client):
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp
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
    assert "Traceback" not in response.text
    assert "RuntimeError" not in response.text


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
    assert "Traceback" not in response.text
    assert "OperationalError" not in response.text


@pytest.mark.django_db
def test_not_found_is_a_plain_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.text


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_a_plain_page():
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.text


def test_production_sends_the_language_cookie_only_over_https():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE)",
        DEBUG="false",
        SECRET_KEY="k" * 20 + "production-secret-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="tracker.example.gov.cn",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "Lax"]


@pytest.mark.django_db
def test_the_language_cookie_is_http_only_same_site_and_secure_as_the_session(client, settings):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert bool(cookie["secure"]) == settings.SESSION_COOKIE_SECURE


def read_whole(response) -> None:
    """Reads a streamed response to its end, which closes its file (the test client's way)."""
    if response.streaming:
        b"".join(response.streaming_content)


PERMISSIONS_DENIED = ["camera", "microphone", "geolocation", "payment", "usb"]


def denies_features(response) -> bool:
    read_whole(response)
    policy = response["Permissions-Policy"]
    return all(f"{feature}=()" in policy for feature in PERMISSIONS_DENIED)


@pytest.mark.django_db
def test_every_response_denies_camera_microphone_geolocation_payment_and_usb(
    client, client_for, reporter
):
    anonymous = Client(raise_request_exception=False)
    assert denies_features(anonymous.get("/login/"))
    assert denies_features(anonymous.get("/counties/510104/"))  # the redirect to sign in
    assert denies_features(anonymous.get("/no-such-page/"))
    assert denies_features(anonymous.get("/province/?period=%00"))  # 400
    assert denies_features(anonymous.get(static("js/charts.js")))  # served by WhiteNoise
    assert denies_features(client_for(reporter).get("/counties/510104/"))


def never_stored(response) -> bool:
    return "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_pages_of_a_signed_in_user_are_never_stored(client_for, reporter):
    client = client_for(reporter)
    for url in ["/", "/plan/", "/counties/510104/", "/counties/510104/report/", "/no-such/"]:
        response = client.get(url)
        assert response.status_code in {200, 302, 404}, url
        assert never_stored(response), url


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("audit_admin", "/audit/export.csv"),
        ("admin_user", "/plan/workbook.xlsx"),
        ("reporter", "/values/template.xlsx?period=2026Q3"),
    ],
)
def test_downloads_exports_and_the_pdf_are_never_stored(client_for, request, persona, url):
    response = client_for(request.getfixturevalue(persona)).get(url)
    read_whole(response)
    assert response.status_code == 200
    assert never_stored(response)


@pytest.mark.django_db
def test_static_files_keep_their_long_cache_even_for_a_signed_in_user(client_for, reporter):
    response = client_for(reporter).get(static("js/charts.js"))
    read_whole(response)
    assert response.status_code == 200
    assert "max-age=315360000" in response["Cache-Control"]
    assert not never_stored(response)
