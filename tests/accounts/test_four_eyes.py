"""Four eyes (审核与填报分离): the writer or submitter of a note or value never approves or returns
it, whatever roles they hold, and no role is granted that would review one's own county."""

import pytest

from targets.models import County, IndicatorValue, Prefecture, ProgressNote, Role, State
from targets.reporting.workflow import save_value
from tests.accounts.test_roles import grant
from tests.conftest import make_user
from tests.reporting.test_value_import import confirm, line, post_file, workbook_bytes
from tests.review.test_review_queue import keys, submitted_note, submitted_value

pytestmark = pytest.mark.django_db


def test_a_reporter_is_not_made_a_reviewer_of_their_own_prefecture(
    client_for, security_admin, reporter
):
    chengdu = Prefecture.objects.get(code="510100")
    response = grant(
        client_for(security_admin), reporter, "prefecture_reviewer", prefecture=chengdu
    )
    assert response.status_code == 200
    assert "不能审核本县的填报" in response.text
    assert list(reporter.roles.values_list("kind", flat=True)) == ["county_reporter"]


def test_a_reporter_is_not_made_a_provincial_reviewer(client_for, security_admin, reporter):
    response = grant(client_for(security_admin), reporter, "provincial_reviewer")
    assert response.status_code == 200
    assert "不能审核本县的填报" in response.text


def test_a_reviewer_is_not_made_a_reporter_of_a_county_they_review(
    client_for, security_admin, prefecture_reviewer
):
    response = grant(
        client_for(security_admin),
        prefecture_reviewer,
        "county_reporter",
        county=County.objects.get(code="510104"),
    )
    assert response.status_code == 200
    assert "不能同时为其填报" in response.text


def test_a_reviewer_of_another_prefecture_may_report_for_a_county_elsewhere(
    client_for, security_admin, other_prefecture_reviewer
):
    response = grant(
        client_for(security_admin),
        other_prefecture_reviewer,
        "county_reporter",
        county=County.objects.get(code="510104"),
    )
    assert response.status_code == 302


@pytest.fixture
def both_roles(jinjiang):
    """An account that writes for 锦江区 and was made 成都's reviewer behind the form's back
    (the assessor's case: roles given before this rule, or in the database)."""
    user = make_user("both", Role.Kind.COUNTY_REPORTER, county=jinjiang)
    Role.objects.create(
        user=user,
        kind=Role.Kind.PREFECTURE_REVIEWER,
        prefecture=Prefecture.objects.get(code="510100"),
    )
    return user


def test_one_account_cannot_approve_its_own_note(client_for, both_roles, reporter):
    own = submitted_note(both_roles, measure_code="T1.1")
    colleagues = submitted_note(reporter, county_code="510104", measure_code="T2.1")
    client = client_for(both_roles)
    assert keys(client.get("/review/")) == []  # its own county is not in its queue
    response = client.post("/review/", {"items": [f"note-{own.pk}"], "decision": "approve"})
    assert response.status_code == 404
    for note in (own, colleagues):
        assert ProgressNote.objects.get(pk=note.pk).state == State.SUBMITTED


def test_the_writer_of_a_note_cannot_review_it_after_becoming_its_reviewer(
    client_for, reporter, jinjiang
):
    """Roles change; what one wrote stays one's own."""
    note = submitted_note(reporter, measure_code="T1.1")
    reporter.roles.all().delete()
    Role.objects.create(
        user=reporter,
        kind=Role.Kind.PREFECTURE_REVIEWER,
        prefecture=Prefecture.objects.get(code="510100"),
    )
    client = client_for(reporter)
    assert keys(client.get("/review/")) == [f"note-{note.pk}"]
    for decision in ({"decision": "approve"}, {"decision": "return", "comment": "补材料"}):
        response = client.post("/review/", {"items": [f"note-{note.pk}"], **decision}, follow=True)
        assert "由您本人填写或提交,不能由您审核" in response.text
        note.refresh_from_db()
        assert note.state == State.SUBMITTED
        assert note.reviewed_by is None


def test_a_bulk_decision_with_one_own_item_changes_nothing(
    client_for, reporter, other_reporter, provincial_reviewer
):
    mine = submitted_note(provincial_reviewer, measure_code="T1.1")
    theirs = submitted_note(other_reporter, county_code="513402", measure_code="T1.1")
    response = client_for(provincial_reviewer).post(
        "/review/",
        {"items": [f"note-{theirs.pk}", f"note-{mine.pk}"], "decision": "approve"},
        follow=True,
    )
    assert "由您本人填写或提交" in response.text
    assert {n.state for n in ProgressNote.objects.filter(pk__in=[mine.pk, theirs.pk])} == {
        State.SUBMITTED
    }


def test_the_submitter_of_a_value_cannot_approve_it(client_for, reporter, demo):
    value = submitted_value(reporter, "510104")
    reporter.roles.all().delete()
    Role.objects.create(user=reporter, kind=Role.Kind.PROVINCIAL_REVIEWER)
    response = client_for(reporter).post(
        "/review/", {"items": [f"value-{value.pk}"], "decision": "approve"}, follow=True
    )
    assert "由您本人填写或提交" in response.text
    value.refresh_from_db()
    assert value.state == State.SUBMITTED


def test_another_reviewer_still_approves(client_for, reporter, prefecture_reviewer):
    note = submitted_note(reporter, measure_code="T1.1")
    client_for(prefecture_reviewer).post(
        "/review/", {"items": [f"note-{note.pk}"], "decision": "approve"}
    )
    note.refresh_from_db()
    assert note.state == State.APPROVED
    assert note.reviewed_by == prefecture_reviewer


def test_a_stranger_and_the_anonymous_visitor_cannot_decide(client, client_for, reporter):
    note = submitted_note(reporter, measure_code="T1.1")
    stranger = make_user("stranger")
    assert (
        client_for(stranger)
        .post("/review/", {"items": [f"note-{note.pk}"], "decision": "approve"})
        .status_code
        == 403
    )
    client.logout()
    assert (
        client.post("/review/", {"items": [f"note-{note.pk}"], "decision": "approve"}).status_code
        == 302
    )
    note.refresh_from_db()
    assert note.state == State.SUBMITTED


def test_who_imported_an_earlier_version_of_a_value_cannot_review_it(
    client_for, reporter, jinjiang, period, demo, settings, tmp_path
):
    """An import names the values it wrote; a colleague's later save does not make them another's."""
    settings.MEDIA_ROOT = tmp_path
    client = client_for(reporter)
    confirm(client, post_file(client, workbook_bytes([line()])), submit=False)
    value = IndicatorValue.objects.get()
    colleague = make_user("colleague", Role.Kind.COUNTY_REPORTER, county=jinjiang)
    save_value(
        user=colleague,
        county=jinjiang,
        indicator=value.indicator,
        period=value.period,
        value=62,
        source="县统计局",
        remark="",
        started_from=value.version,
        submit=True,
    )
    reporter.roles.all().delete()
    Role.objects.create(user=reporter, kind=Role.Kind.PROVINCIAL_REVIEWER)
    response = client_for(reporter).post(
        "/review/", {"items": [f"value-{value.pk}"], "decision": "approve"}, follow=True
    )
    assert "由您本人填写或提交" in response.text
    value.refresh_from_db()
    assert value.state == State.SUBMITTED
