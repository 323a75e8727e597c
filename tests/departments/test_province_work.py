"""The provincial departments at work, through their pages: the lead department's province-level
note, the cooperating departments' contributions, the provincial reviewer's decision, and who
may do what."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from targets.audit.trail import verify
from targets.models import (
    AuditRecord,
    Contribution,
    Department,
    Measure,
    MeasureDepartment,
    ProvinceNote,
    Responsibility,
    State,
    StatusOption,
)
from tests import two_factor

pytestmark = pytest.mark.django_db

NOTE = "/province/work/2026Q3/T1.1/"


@pytest.fixture
def sign_in(client):
    def as_(user):
        client.logout()
        two_factor.sign_in(client, user)
        return client

    return as_


@pytest.fixture
def second_cooperating(db):
    """A second cooperating department of T1.1: 省生态环境厅."""
    from tests.conftest import make_user

    department = Department.objects.create(code="ecology", name="省生态环境厅")
    MeasureDepartment.objects.create(
        measure=Measure.objects.get(code="T1.1"),
        department=department,
        responsibility=Responsibility.COOPERATING,
    )
    return make_user("ecology_user", "department", department=department)


def status_pk(code="on_schedule"):
    return StatusOption.objects.get(code=code).pk


def draft(client, narrative="省级汇总", version="", action="save", **more):
    data = {"status": status_pk(), "narrative": narrative, "version": version, "action": action}
    return client.post(NOTE, data | more)


def test_lead_saves_a_draft_and_submits_it_with_a_file(sign_in, department_user):
    client = sign_in(department_user)
    assert client.get(NOTE).status_code == 200
    assert draft(client).status_code == 302
    note = ProvinceNote.objects.get()
    assert (note.state, note.version, note.department.code) == (State.DRAFT, 1, "agri")
    pdf = SimpleUploadedFile("汇总.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    response = draft(client, "提交稿", version=1, action="submit", files=pdf)
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.state, note.version, note.narrative) == (State.SUBMITTED, 2, "提交稿")
    assert [e.name for e in note.evidence.all()] == ["汇总.pdf"]
    assert [v.event for v in note.versions.order_by("number")] == ["save", "submit"]
    actions = AuditRecord.objects.filter(action__startswith="province_note.")
    assert sorted(actions.values_list("action", flat=True)) == [
        "province_note.save",
        "province_note.submit",
    ]
    assert verify() is None
    # Submitted: no more changes until a return.
    response = draft(client, "再改", version=2)
    assert response.status_code == 400
    assert "不能修改" in response.content.decode()
    note.refresh_from_db()
    assert note.narrative == "提交稿"


def test_two_users_saving_the_same_draft_conflict_and_lose_nothing(
    sign_in, department_user, client
):
    from tests.conftest import make_user

    colleague = make_user(
        "agri_colleague", "department", department=department_user.roles.get().department
    )
    draft(sign_in(department_user), "第一人")
    response = draft(sign_in(colleague), "第二人的修改", version="")
    assert response.status_code == 409
    page = response.content.decode()
    assert "已保存了新的版本" in page
    assert "第二人的修改" in page  # what they typed, still in the form
    assert "第一人" in page  # what the other saved, shown beside it
    assert ProvinceNote.objects.get().narrative == "第一人"


def test_bad_input_changes_nothing(sign_in, department_user):
    client = sign_in(department_user)
    response = draft(client, narrative="")
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode() or "field" in response.content.decode()
    response = client.post(NOTE, {"status": "999999", "narrative": "x", "action": "save"})
    assert response.status_code == 400
    assert not ProvinceNote.objects.exists()


def test_the_lead_compiles_from_contributions_kept_with_the_note(
    sign_in, department_user, cooperating_department, second_cooperating
):
    for user, text in (
        (cooperating_department, "住建厅的工作"),
        (second_cooperating, "生态厅的工作"),
    ):
        response = sign_in(user).post(f"{NOTE}contribution/", {"text": text, "version": ""})
        assert response.status_code == 302
    client = sign_in(department_user)
    page = client.get(NOTE).content.decode()
    assert "住建厅的工作" in page
    assert "生态厅的工作" in page
    draft(client, "汇总了两家", action="submit")
    version = ProvinceNote.objects.get().versions.get()
    assert [c["text"] for c in version.contributions] == ["生态厅的工作", "住建厅的工作"]
    assert AuditRecord.objects.filter(action="contribution.save").count() == 2


def test_a_contribution_after_the_lead_submitted_is_refused_and_kept_in_the_form(
    sign_in, department_user, cooperating_department
):
    draft(sign_in(department_user), action="submit")
    response = sign_in(cooperating_department).post(
        f"{NOTE}contribution/", {"text": "迟到的报送", "version": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "牵头部门已提交" in page
    assert "迟到的报送" in page
    assert not Contribution.objects.exists()


def test_only_the_lead_writes_and_only_cooperating_departments_contribute(
    sign_in, department_user, cooperating_department, provincial_reviewer
):
    assert draft(sign_in(cooperating_department)).status_code == 403
    assert draft(sign_in(provincial_reviewer)).status_code == 403
    contribution = {"text": "x", "version": ""}
    assert sign_in(department_user).post(f"{NOTE}contribution/", contribution).status_code == 403
    assert (
        sign_in(provincial_reviewer).post(f"{NOTE}contribution/", contribution).status_code == 403
    )
    assert not ProvinceNote.objects.exists()
    assert not Contribution.objects.exists()


def test_a_department_does_not_see_other_measures(sign_in, department_user):
    client = sign_in(department_user)
    assert client.get("/province/work/2026Q3/T2.1/").status_code == 404
    assert client.get("/province/measures/T2.1/").status_code == 404
    assert client.get("/counties/510104/measures/T2.1/").status_code == 404
    assert client.get("/province/measures/T1.1/").status_code == 200
    assert client.get("/counties/510104/measures/T1.1/").status_code == 200


def test_the_home_page_of_a_department_is_its_department_page(sign_in, department_user):
    response = sign_in(department_user).get("/")
    assert response["Location"] == "/province/departments/agri/"


def test_the_department_page_lists_its_province_level_notes(sign_in, department_user):
    client = sign_in(department_user)
    draft(client, "本期草稿")
    page = client.get("/province/departments/agri/?period=2026Q3").content.decode()
    assert "本部门牵头举措的省级层面推进情况" in page
    assert 'href="/province/work/2026Q3/T1.1/"' in page


def test_the_provincial_reviewer_returns_then_approves(
    sign_in, department_user, provincial_reviewer
):
    draft(sign_in(department_user), action="submit")
    reviewer = sign_in(provincial_reviewer)
    assert "T1.1" in reviewer.get("/province/work/?period=2026Q3").content.decode()
    response = reviewer.post(f"{NOTE}review/", {"decision": "return", "comment": ""})
    assert response.status_code == 400
    assert ProvinceNote.objects.get().state == State.SUBMITTED
    reviewer.post(f"{NOTE}review/", {"decision": "return", "comment": "补充数据"})
    assert ProvinceNote.objects.get().state == State.RETURNED
    resent = draft(sign_in(department_user), "补充后", version=2, action="submit")
    assert resent.status_code == 302, resent.content.decode()[-3000:]
    response = sign_in(provincial_reviewer).post(f"{NOTE}review/", {"decision": "approve"})
    assert response.status_code == 302
    note = ProvinceNote.objects.get()
    assert (note.state, note.reviewed_by) == (State.APPROVED, provincial_reviewer)


def test_departments_do_not_review(sign_in, department_user):
    draft(sign_in(department_user), action="submit")
    response = sign_in(department_user).post(f"{NOTE}review/", {"decision": "approve"})
    assert response.status_code == 403
    assert ProvinceNote.objects.get().state == State.SUBMITTED


@pytest.mark.parametrize("suffix", ["", "contribution/", "review/"])
def test_anonymous_is_sent_to_the_login_page(client, suffix):
    response = client.post(f"{NOTE}{suffix}")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_page_reads_a_fixed_number_of_queries(
    sign_in,
    department_user,
    cooperating_department,
    second_cooperating,
    django_assert_max_num_queries,
):
    for user in (cooperating_department, second_cooperating):
        sign_in(user).post(f"{NOTE}contribution/", {"text": "x", "version": ""})
    client = sign_in(department_user)
    for n in range(3):
        draft(client, f"v{n}", version=n or "")
    with django_assert_max_num_queries(30):
        assert client.get(NOTE).status_code == 200
