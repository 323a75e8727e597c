"""Separation of admin duties (三员): the security admin grants roles, never to themselves; no one
holds two admin duties; the Django superuser is not needed."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from targets.models import AuditRecord, County, Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
ADMIN_DUTIES = [Role.Kind.SYSTEM_ADMIN, Role.Kind.SECURITY_ADMIN, Role.Kind.AUDIT_ADMIN]


def grant(client, user, kind, **scope):
    data = {"user": str(user.pk), "kind": kind, **{k: str(v.pk) for k, v in scope.items()}}
    return client.post("/admin/targets/role/add/", data)


def test_the_security_admin_grants_a_role_and_it_is_recorded(client_for, security_admin):
    clerk = make_user("clerk")
    response = grant(
        client_for(security_admin),
        clerk,
        "county_reporter",
        county=County.objects.get(code="510105"),
    )
    assert response.status_code == 302
    role = Role.objects.get(user=clerk)
    assert role.county.name == "青羊区"
    record = AuditRecord.objects.get(action="admin.add", object_type="targets.Role")
    assert record.actor == security_admin
    assert record.changes["kind"] == [None, "county_reporter"]


@pytest.mark.parametrize(
    ("first", "second"), [(a, b) for a in ADMIN_DUTIES for b in ADMIN_DUTIES if a != b]
)
def test_no_one_holds_two_admin_duties(client_for, security_admin, first, second):
    holder = make_user("holder", first)
    response = grant(client_for(security_admin), holder, second)
    assert response.status_code == 200
    assert "三者互斥" in response.text
    assert list(Role.objects.filter(user=holder).values_list("kind", flat=True)) == [first]
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=holder, kind=second)


def test_no_one_grants_themselves_a_role(client_for, security_admin):
    client = client_for(security_admin)
    response = grant(client, security_admin, "provincial_reviewer")
    assert response.status_code == 200
    assert "不能给自己授予或修改角色" in response.text
    own = security_admin.roles.get()
    assert client.post(f"/admin/targets/role/{own.pk}/delete/", {"post": "yes"}).status_code == 403
    assert (
        client.post(
            f"/admin/targets/role/{own.pk}/change/",
            {"user": security_admin.pk, "kind": "audit_admin"},
        ).status_code
        == 403
    )
    assert list(security_admin.roles.values_list("kind", flat=True)) == ["security_admin"]


def test_a_role_missing_its_scope_gets_a_clear_message(client_for, security_admin):
    response = grant(client_for(security_admin), make_user("clerk"), "county_reporter")
    assert response.status_code == 200
    assert "此角色须指定范围" in response.text
    assert not Role.objects.filter(user__username="clerk").exists()


@pytest.mark.parametrize(
    "persona", ["admin_user", "audit_admin", "provincial_reviewer", "reporter"]
)
def test_only_the_security_admin_grants_roles(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    clerk = make_user("clerk")
    assert grant(client, clerk, "provincial_reviewer").status_code == 403
    assert not Role.objects.filter(user=clerk).exists()


def test_the_system_admin_manages_plan_data_and_accounts_not_roles(client_for, admin_user):
    client = client_for(admin_user)
    assert client.get("/admin/targets/measure/").status_code == 200
    assert client.get("/admin/auth/user/add/").status_code == 200
    assert client.get("/admin/targets/role/").status_code == 403


def test_the_security_admin_reads_accounts_but_not_plan_data(client_for, security_admin, reporter):
    client = client_for(security_admin)
    assert client.get(f"/admin/auth/user/{reporter.pk}/change/").status_code == 200
    assert client.get("/admin/auth/user/add/").status_code == 403
    assert client.get("/admin/targets/measure/").status_code == 403
    assert client.get("/plan/").status_code == 403


def test_daily_work_needs_no_superuser_or_staff_flag(admin_user, security_admin, audit_admin):
    users = get_user_model().objects.filter(
        pk__in=[admin_user.pk, security_admin.pk, audit_admin.pk]
    )
    assert not users.filter(is_superuser=True).exists()
    assert not users.filter(is_staff=True).exists()
