"""The files the worker made, and the province-level notes with their contributions, in the
admin: the system admin reads them (kind, state, who asked, when, size, expiry) and changes
nothing; the other duties do not see them."""

import datetime

import pytest
from django.utils import timezone

from targets.models import (
    Contribution,
    GeneratedFile,
    Measure,
    Period,
    ProvinceNote,
    StatusOption,
)

pytestmark = pytest.mark.django_db
FILES = "/admin/targets/generatedfile/"


@pytest.fixture
def made(provincial_reviewer):
    return GeneratedFile.objects.create(
        kind=GeneratedFile.Kind.REVIEW_QUEUE,
        state=GeneratedFile.State.READY,
        requested_by=provincial_reviewer,
        fmt="csv",
        size=12_345,
        rows=10,
        expires_at=timezone.now() + datetime.timedelta(hours=72),
    )


@pytest.fixture
def province_work(department_user, cooperating_department):
    common = {
        "measure": Measure.objects.get(code="T1.1"),
        "period": Period.objects.get(code="2026Q3"),
    }
    note = ProvinceNote.objects.create(
        **common,
        department=department_user.roles.get().department,
        status=StatusOption.objects.first(),
        narrative="全省推进顺利",
        updated_by=department_user,
    )
    contribution = Contribution.objects.create(
        **common,
        department=cooperating_department.roles.get().department,
        text="配合推进",
        updated_by=cooperating_department,
    )
    return note, contribution


def test_the_system_admin_reads_the_files_with_who_asked_and_the_expiry(
    client_for, admin_user, made
):
    client = client_for(admin_user)
    listing = client.get(FILES)
    assert listing.status_code == 200
    assert [f.pk for f in listing.context["cl"].result_list] == [made.pk]
    assert "province_reviewer" in listing.text
    assert "待审核记录导出" in listing.text
    assert client.get(FILES, {"state__exact": "failed"}).context["cl"].result_list.count() == 0
    assert client.get(f"{FILES}{made.pk}/change/").status_code == 200


def test_files_are_read_only(client_for, admin_user, made):
    client = client_for(admin_user)
    assert client.post(f"{FILES}{made.pk}/change/", {"state": "failed"}).status_code == 403
    assert client.post(f"{FILES}{made.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{FILES}add/").status_code == 403
    made.refresh_from_db()
    assert made.state == "ready"


def test_province_notes_and_contributions_are_read_only(client_for, admin_user, province_work):
    client = client_for(admin_user)
    for obj, path in zip(
        province_work, ("/admin/targets/provincenote/", "/admin/targets/contribution/"), strict=True
    ):
        assert client.get(path).status_code == 200
        assert client.get(f"{path}{obj.pk}/change/").status_code == 200
        assert client.post(f"{path}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
        assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("persona", ["security_admin", "audit_admin", "provincial_reviewer"])
def test_the_other_duties_do_not_see_them(request, client_for, persona, made):
    assert client_for(request.getfixturevalue(persona)).get(FILES).status_code == 403
