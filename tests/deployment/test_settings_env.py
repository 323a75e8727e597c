"""Settings from the environment fail loudly on bad values."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from plenum import env
from targets.models import Period


def test_booleans(monkeypatch):
    monkeypatch.setenv("FLAG", "true")
    assert env.get_bool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "off")
    assert env.get_bool("FLAG", True) is False
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a boolean"):
        env.get_bool("FLAG", False)


def test_integers(monkeypatch):
    monkeypatch.setenv("MINUTES", "30")
    assert env.get_int("MINUTES", 1) == 30
    monkeypatch.setenv("MINUTES", "thirty")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env.get_int("MINUTES", 1)
    monkeypatch.setenv("MINUTES", "-1")
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env.get_int("MINUTES", 1)


def test_secrets_from_files(monkeypatch, tmp_path: Path):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env.get("SECRET_KEY") == "s3cret"
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env.get("SECRET_KEY")


def test_redis_urls(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://cache.local:6380/1")
    assert env.get_redis_url("REDIS_URL") == "redis://cache.local:6380/1"
    monkeypatch.setenv("REDIS_URL", "")
    assert env.get_redis_url("REDIS_URL") is None, "empty: the database table, as when unset"
    monkeypatch.setenv("REDIS_URL", "http://127.0.0.1:6379")
    with pytest.raises(ImproperlyConfigured, match="scheme 'http' is not supported"):
        env.get_redis_url("REDIS_URL")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:port/0")
    with pytest.raises(ImproperlyConfigured, match="port that is not a number"):
        env.get_redis_url("REDIS_URL")
    monkeypatch.setenv("REDIS_URL", "redis:///0")
    with pytest.raises(ImproperlyConfigured, match="names no host"):
        env.get_redis_url("REDIS_URL")


def test_choices(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    assert env.get_choice("LOG_FORMAT", "text", ("text", "json")) == "json"
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT='xml' is not one of text, json"):
        env.get_choice("LOG_FORMAT", "text", ("text", "json"))


def test_database_urls(tmp_path: Path):
    postgres = env.parse_database_url(
        "postgres://u:p%40ss@db.local:5433/plenum?sslmode=require", tmp_path
    )
    assert postgres["ENGINE"] == "django.db.backends.postgresql"
    assert (
        postgres["USER"],
        postgres["PASSWORD"],
        postgres["HOST"],
        postgres["PORT"],
        postgres["NAME"],
    ) == ("u", "p@ss", "db.local", "5433", "plenum")
    assert postgres["OPTIONS"] == {
        "server_side_binding": True,
        "prepare_threshold": 5,
        "sslmode": "require",
    }
    assert (
        env.parse_database_url("sqlite:///db.sqlite3", tmp_path)["NAME"] == tmp_path / "db.sqlite3"
    )
    assert env.parse_database_url("sqlite:////var/x.sqlite3", tmp_path)["NAME"] == Path(
        "/var/x.sqlite3"
    )
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        env.parse_database_url("mysql://u@h/db", tmp_path)
    with pytest.raises(ImproperlyConfigured, match="names no database"):
        env.parse_database_url("postgres://u@h/", tmp_path)


@pytest.mark.postgres  # PostgreSQL's prepared statements
@pytest.mark.django_db
def test_a_query_repeated_on_a_connection_is_planned_once():
    for _ in range(6):
        list(Period.objects.filter(code="2026Q3"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any('FROM "targets_period"' in statement for statement in prepared)
