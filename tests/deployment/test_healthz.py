"""/healthz: 200 when the database answers, 503 when it doesn't."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthy_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


# SQLite's test database lives in memory, in a connection that Django never closes: it cannot be
# made unreachable without being lost.
@pytest.mark.postgres
def test_unavailable_when_the_database_does_not_answer(client, django_db_blocker):
    """A real failure: the connection is pointed where no database is."""
    unreachable = {"HOST": "127.0.0.1", "PORT": "9", "OPTIONS": {"connect_timeout": 2}}
    saved = connection.settings_dict.copy()
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict.update(unreachable)
        try:
            response = client.get("/healthz")
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_wrong_method_is_refused(client):
    assert client.post("/healthz").status_code == 405
