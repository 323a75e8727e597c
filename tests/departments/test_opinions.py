"""The lead department's opinion (部门意见) on county notes: given on the note's timeline, shown
on the note, in the timeline and in the review queue; approval waits for it when the admin says
so; refused to a department that does not lead the measure."""

import pytest
from django.utils import timezone

from targets.models import AuditRecord, DepartmentOpinion, ProgressNote, State
from targets.supervision import rulebook
from tests import two_factor
from tests.notes import saved_note

pytestmark = pytest.mark.django_db

OPINION = "/counties/510104/report/2026Q3/measures/T1.1/opinion/"
TIMELINE = "/counties/510104/measures/T1.1/"


@pytest.fixture
def sign_in(client):
    def as_(user):
        client.logout()
        two_factor.sign_in(client, user)
        return client

    return as_


@pytest.fixture
def submitted(reporter, department_user):
    return saved_note(
        "510104", "T1.1", State.SUBMITTED, author=reporter, submitted_at=timezone.now(), version=2
    )


def test_the_lead_gives_its_opinion_seen_on_the_timeline_and_the_note(
    sign_in, department_user, reporter, submitted
):
    client = sign_in(department_user)
    assert "提交部门意见" in client.get(TIMELINE).text
    response = client.post(OPINION, {"text": "同意县里的自评"})
    assert response.status_code == 302
    opinion = DepartmentOpinion.objects.get()
    assert (opinion.note, opinion.note_version, opinion.department.code) == (submitted, 2, "agri")
    assert "同意县里的自评" in client.get(TIMELINE).text
    assert AuditRecord.objects.filter(action="opinion.give").count() == 1
    note_page = sign_in(reporter).get("/counties/510104/report/2026Q3/measures/T1.1/")
    assert "同意县里的自评" in note_page.text


def test_a_cooperating_department_may_not_give_an_opinion(
    sign_in, cooperating_department, submitted
):
    client = sign_in(cooperating_department)
    assert "提交部门意见" not in client.get(TIMELINE).text
    response = client.post(OPINION, {"text": "我们也有意见"})
    assert response.status_code == 403
    assert "牵头部门" in response.text
    assert not DepartmentOpinion.objects.exists()


def test_a_department_of_another_measure_is_not_shown_the_note(sign_in, department_user, submitted):
    response = sign_in(department_user).post(
        "/counties/510104/report/2026Q3/measures/T2.1/opinion/", {"text": "x"}
    )
    assert response.status_code == 404


def test_an_empty_opinion_or_one_on_a_note_not_submitted_changes_nothing(
    sign_in, department_user, submitted
):
    client = sign_in(department_user)
    assert client.post(OPINION, {"text": "  "}).status_code == 400
    ProgressNote.objects.filter(pk=submitted.pk).update(state=State.APPROVED)
    response = client.post(OPINION, {"text": "晚了的意见"})
    assert response.status_code == 400
    assert "晚了的意见" in response.text  # what was typed is given back
    assert not DepartmentOpinion.objects.exists()


@pytest.mark.parametrize("persona", ["reporter", "provincial_reviewer", "other_reporter"])
def test_others_may_not_give_an_opinion(request, sign_in, persona, submitted):
    response = sign_in(request.getfixturevalue(persona)).post(OPINION, {"text": "x"})
    assert response.status_code in (403, 404)
    assert not DepartmentOpinion.objects.exists()


def test_the_queue_marks_awaited_and_given_opinions(
    sign_in, department_user, provincial_reviewer, submitted
):
    reviewer = sign_in(provincial_reviewer)
    assert "待牵头部门意见" in reviewer.get("/review/").text
    sign_in(department_user).post(OPINION, {"text": "进展属实"})
    page = sign_in(provincial_reviewer).get("/review/").text
    assert "省农业农村厅已提意见" in page
    assert "进展属实" in page


def test_approval_waits_for_the_opinion_when_the_admin_says_so(
    sign_in, admin_user, department_user, provincial_reviewer, submitted
):
    from tests.supervision.test_period_lock import rules_form

    admin = sign_in(admin_user)
    data = rules_form(admin) | {"approval_waits_for_opinion": "on"}
    response = admin.post(f"/admin/targets/supervisionrules/{rulebook.stored().pk}/change/", data)
    assert response.status_code == 302
    assert rulebook.current().approval_waits_for_opinion
    item = f"note-{submitted.pk}"
    refused = sign_in(provincial_reviewer).post(
        "/review/", {"items": [item], "decision": "approve"}, follow=True
    )
    assert "还没有牵头部门的意见" in refused.text
    assert ProgressNote.objects.get().state == State.SUBMITTED
    sign_in(department_user).post(OPINION, {"text": "同意"})
    sign_in(provincial_reviewer).post("/review/", {"items": [item], "decision": "approve"})
    assert ProgressNote.objects.get().state == State.APPROVED


def test_without_the_setting_approval_does_not_wait(sign_in, provincial_reviewer, submitted):
    sign_in(provincial_reviewer).post(
        "/review/", {"items": [f"note-{submitted.pk}"], "decision": "approve"}
    )
    assert ProgressNote.objects.get().state == State.APPROVED
