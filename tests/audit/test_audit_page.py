"""The audit admin's page: search by actor, action, object and dates, and export what was found."""

import csv
import datetime
import io

import pytest
import time_machine

from targets.audit import trail as audit
from targets.models import AuditRecord, Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(reporter, admin_user):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 2, 0, tzinfo=datetime.UTC)):
        audit.record("auth.login", actor=reporter)
    with time_machine.travel(datetime.datetime(2026, 3, 5, 2, 0, tzinfo=datetime.UTC)):
        audit.record(
            "admin.change",
            actor=admin_user,
            obj=Measure.objects.get(code="T1.1"),
            changes={"text_en": ["old", "new"]},
        )


def test_the_audit_admin_searches_by_actor_action_object_and_dates(client_for, audit_admin, trail):
    client = client_for(audit_admin)
    everything = client.get("/audit/")
    assert everything.status_code == 200
    assert everything.context["page"].paginator.count == AuditRecord.objects.count()
    by_actor = client.get("/audit/", {"actor": "reporter"}).context["page"].object_list
    assert {r.action for r in by_actor} == {"auth.login"}
    by_object = client.get("/audit/", {"object": "T1.1"}).context["page"].object_list
    assert [r.action for r in by_object] == ["admin.change"]
    by_dates = client.get("/audit/", {"start": "2026-03-04", "end": "2026-03-05"})
    assert [r.action for r in by_dates.context["page"].object_list] == ["admin.change"]
    assert "old" in by_dates.text
    assert "new" in by_dates.text


def test_htmx_gets_only_the_results(client_for, audit_admin, trail):
    response = client_for(audit_admin).get(
        "/audit/", {"action": "auth.login"}, headers={"hx-request": "true"}
    )
    assert response.text.lstrip().startswith('<section id="results"')
    assert "<html" not in response.text


def test_a_reversed_date_range_is_explained_and_finds_nothing(client_for, audit_admin, trail):
    response = client_for(audit_admin).get("/audit/", {"start": "2026-03-05", "end": "2026-03-01"})
    assert response.status_code == 200
    assert "起始日期不能晚于截止日期" in response.text
    assert response.context["page"].paginator.count == 0


def test_the_export_is_csv_excel_opens_and_is_itself_recorded(client_for, audit_admin, trail):
    response = client_for(audit_admin).get("/audit/export.csv", {"actor": "plan_admin"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][0] == "时间"
    assert rows[0][3:5] == ["操作", "操作代码"]
    assert [row[3:5] for row in rows[1:]] == [["在管理后台修改", "admin.change"]]
    export = AuditRecord.objects.get(action="export.audit")
    assert export.actor == audit_admin
    assert export.changes == {"format": "csv", "filters": {"actor": "plan_admin"}, "rows": 1}


@pytest.mark.parametrize(
    "persona", ["admin_user", "security_admin", "provincial_reviewer", "reporter", "no_role_user"]
)
def test_no_one_else_reads_the_trail(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403


def test_the_audit_admin_reads_nothing_else(client_for, audit_admin):
    client = client_for(audit_admin)
    for url in ["/plan/", "/province/", "/counties/510104/", "/admin/"]:
        assert client.get(url).status_code in (403, 404), url


def test_anonymous_and_wrong_method(client, client_for, audit_admin):
    assert client.get("/audit/")["Location"].startswith("/login/")
    assert client_for(audit_admin).post("/audit/").status_code == 405
    assert client_for(audit_admin).post("/audit/export.csv").status_code == 405
