"""A county department drafts the measures its lead office gave it and sends them to the lead
office for checking (送牵头办审核); the lead office returns them internally with a comment or
submits them to the prefecture; a return from the prefecture reaches the drafting department
too. A department writes nothing else, and two writers never overwrite each other."""

import pytest

from targets.models import (
    AuditRecord,
    County,
    CountyDepartment,
    Measure,
    Notification,
    Period,
    ProgressNote,
    State,
    StatusOption,
)
from targets.reporting.county_check import return_to_department
from targets.reporting.workflow import (
    NotAssigned,
    NoteInput,
    StaleVersion,
    WorkflowError,
    review,
    save_note,
)

pytestmark = pytest.mark.django_db

FORM = "/counties/510104/report/2026Q3/measures/T1.1/"
NOT_GIVEN = "/counties/510104/report/2026Q3/measures/T5.4/"
CHECK_RETURN = FORM + "check-return/"
REPORT = "/counties/510104/report/2026Q3/"


def department_of(user) -> CountyDepartment:
    return user.roles.get().county_department


def write(user, *, writer=None, measure="T1.1", submit=False, started_from=None, text="进展顺利"):
    return save_note(
        user=user,
        county=County.objects.get(code="510104"),
        measure=Measure.objects.get(code=measure),
        period=Period.objects.get(code="2026Q3"),
        data=NoteInput(StatusOption.objects.get(code="on_schedule"), 50, text, None, ""),
        started_from=started_from,
        submit=submit,
        writer=writer,
    )


def check_return(user, note, comment="请补充数据来源。", started_from=None):
    return return_to_department(
        user=user,
        county=note.county,
        measure=note.measure,
        period=note.period,
        comment=comment,
        started_from=note.version if started_from is None else started_from,
    )


@pytest.fixture
def sent(county_department, reporter) -> ProgressNote:
    """T1.1 of 锦江区, drafted by its department and sent to the lead office."""
    note = write(county_department, writer=department_of(county_department), submit=True)
    note.refresh_from_db()
    return note


def test_the_department_drafts_its_measure_and_the_note_names_it(county_department):
    department = department_of(county_department)
    note = write(county_department, writer=department)
    assert (note.department, note.state, note.with_lead_office) == (department, State.DRAFT, False)
    assert note.versions.get().department == department


def test_a_measure_not_given_to_the_department_is_refused_and_nothing_is_saved(county_department):
    with pytest.raises(NotAssigned, match=r"T5\.4"):
        write(county_department, writer=department_of(county_department), measure="T5.4")
    assert not ProgressNote.objects.exists()


def test_the_departments_submit_sends_the_note_to_the_lead_office_not_the_prefecture(
    sent, reporter
):
    assert (sent.state, sent.with_lead_office, sent.submitted_at) == (State.DRAFT, True, None)
    told = Notification.objects.get(kind=Notification.Kind.SENT_FOR_CHECK)
    assert (told.recipient, told.note) == (reporter, sent)
    assert AuditRecord.objects.filter(action="note.send_for_check").count() == 1


def test_the_department_cannot_change_the_note_while_it_waits_for_the_lead_office(
    sent, county_department
):
    with pytest.raises(WorkflowError, match="牵头办"):
        write(
            county_department,
            writer=department_of(county_department),
            started_from=sent.version,
            text="再改一次",
        )
    sent.refresh_from_db()
    assert sent.narrative == "进展顺利"


def test_the_lead_office_returns_it_internally_and_the_department_is_told(
    sent, reporter, county_department
):
    note = check_return(reporter, sent)
    assert (note.with_lead_office, note.state) == (False, State.DRAFT)
    version = note.versions.order_by("-number").first()
    assert (version.event, version.comment) == ("check_return", "请补充数据来源。")
    told = Notification.objects.get(kind=Notification.Kind.CHECK_RETURNED)
    assert (told.recipient, told.message) == (county_department, "请补充数据来源。")
    # The department may change it again.
    write(
        county_department,
        writer=department_of(county_department),
        started_from=note.version,
        text="补充了数据来源",
    )


def test_an_internal_return_needs_a_comment_and_the_version_the_lead_office_saw(sent, reporter):
    with pytest.raises(WorkflowError):
        check_return(reporter, sent, comment="  ")
    with pytest.raises(StaleVersion):
        check_return(reporter, sent, started_from=sent.version - 1)
    sent.refresh_from_db()
    assert sent.with_lead_office


def test_only_a_note_waiting_for_the_lead_office_can_be_returned_internally(
    county_department, reporter
):
    note = write(county_department, writer=department_of(county_department))
    with pytest.raises(WorkflowError, match="待牵头办审核"):
        check_return(reporter, note)


def test_the_lead_office_submits_it_to_the_prefecture(sent, reporter):
    note = write(reporter, started_from=sent.version, submit=True)
    assert (note.state, note.with_lead_office) == (State.SUBMITTED, False)
    assert note.department.code == "fgj"


def test_a_return_from_the_prefecture_reaches_the_department_and_the_lead_office(
    sent, reporter, county_department, prefecture_reviewer
):
    note = write(reporter, started_from=sent.version, submit=True)
    review(user=prefecture_reviewer, items=[note], approve=False, comment="数据不全。")
    told = Notification.objects.filter(kind=Notification.Kind.RETURNED, group__isnull=True)
    assert {n.recipient for n in told} == {reporter, county_department}
    assert {n.message for n in told} == {"数据不全。"}
    # The department answers by changing the returned note and sending it again.
    note.refresh_from_db()
    again = write(
        county_department,
        writer=department_of(county_department),
        started_from=note.version,
        submit=True,
        text="补全了数据",
    )
    assert (again.state, again.with_lead_office) == (State.RETURNED, True)


def test_the_lead_office_still_writes_a_measure_itself(reporter):
    note = write(reporter, measure="T5.4", submit=True)
    assert (note.state, note.department) == (State.SUBMITTED, None)


# The pages.


def test_the_department_opens_its_measures_form_with_the_send_button(client_for, county_department):
    response = client_for(county_department).get(FORM)
    assert response.status_code == 200
    assert "送牵头办审核" in response.text


def test_the_department_is_refused_another_measures_form_with_the_reason(
    client_for, county_department, note_data
):
    client = client_for(county_department)
    response = client.get(NOT_GIVEN)
    assert response.status_code == 403
    assert "没有交给您的部门承办" in response.text
    assert client.post(NOT_GIVEN, {**note_data, "action": "save"}).status_code == 403
    assert not ProgressNote.objects.exists()


def test_two_writers_of_one_draft_do_not_overwrite_each_other(
    client_for, county_department, reporter, note_data
):
    first = write(county_department, writer=department_of(county_department))
    write(reporter, started_from=first.version, text="牵头办改写")
    response = client_for(county_department).post(
        FORM, {**note_data, "narrative": "部门的新内容", "version": first.version, "action": "save"}
    )
    assert response.status_code == 409
    assert "部门的新内容" in response.text  # what the department typed is still in the form
    assert "牵头办改写" in response.text  # beside what the lead office saved
    assert ProgressNote.objects.get().narrative == "牵头办改写"


def test_the_lead_office_returns_internally_on_the_page(client_for, sent, reporter):
    client = client_for(reporter)
    page = client.get(FORM)
    assert "内部退回" in page.text
    response = client.post(CHECK_RETURN, {"comment": "请补充。", "version": sent.version})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert not sent.with_lead_office


def test_an_empty_internal_return_is_refused_on_the_page(client_for, sent, reporter):
    response = client_for(reporter).post(CHECK_RETURN, {"comment": "", "version": sent.version})
    assert response.status_code == 400
    assert "须填写退回意见" in response.text
    sent.refresh_from_db()
    assert sent.with_lead_office


@pytest.mark.parametrize(
    ("persona", "status"),
    [("county_department", 403), ("other_reporter", 404), ("prefecture_reviewer", 403)],
)
def test_only_the_lead_office_returns_internally(client_for, request, sent, persona, status):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(CHECK_RETURN, {"comment": "x", "version": sent.version})
    assert response.status_code == status
    sent.refresh_from_db()
    assert sent.with_lead_office


def test_an_anonymous_internal_return_goes_to_the_login_page(client, sent):
    response = client.post(CHECK_RETURN, {"comment": "x", "version": sent.version})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_report_page_lets_the_department_open_only_its_measures(
    client_for, county_department, django_assert_max_num_queries
):
    client = client_for(county_department)
    client.get(REPORT)  # the session's first queries
    with django_assert_max_num_queries(25):
        response = client.get(REPORT)
    assert response.status_code == 200
    assert f'href="{FORM}"' in response.text
    assert f'href="{NOT_GIVEN}"' not in response.text
    assert "承办部门:锦江区发展和改革局" in response.text


def test_the_departments_todo_lists_its_measures_and_the_home_leads_there(
    client_for, sent, county_department, on_the_29th_of_november
):
    client = client_for(county_department)
    assert client.get("/")["Location"] == "/todo/"
    response = client.get("/todo/")
    assert response.status_code == 200
    assert "已送牵头办审核" in response.text
    assert "T1.1" in response.text
    assert "T5.4" not in response.text
