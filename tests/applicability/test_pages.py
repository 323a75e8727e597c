"""The pages of the requests to declare a measure 不适用: the county's lead office asks from the
measure's row (in place), the reviewers decide on the list of their counties' requests, the
report page then shows 不适用 and counts without it; who may do what, and query counts that do
not grow with the requests."""

import pytest
from django.utils import timezone

from targets.models import County, Exemption, Measure, Notification
from tests.querycount import queries_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_29th_of_november")]

ASK = "/counties/510104/measures/T1.2/not-applicable/"
LIST = "/review/not-applicable/"
REPORT = "/counties/510104/report/2026Q3/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def pending(reporter, code="510104", measure="T1.2"):
    return Exemption.objects.create(
        county=County.objects.get(code=code),
        measure=Measure.objects.get(code=measure),
        reason="本区没有县城",
        requested_by=reporter,
    )


def test_the_lead_office_asks_from_the_row_in_place(client_for, reporter):
    client = client_for(reporter)
    page = client.get(REPORT).content.decode()
    assert f"{ASK}?period=2026Q3" in page
    form = client.get(f"{ASK}?period=2026Q3", **HTMX)
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    response = client.post(ASK, {"reason": "本区为中心城区", "period": "2026Q3"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#measure-T1-2"
    assert "等待市州审核" in response.content.decode()
    assert "reportChanged" in response["HX-Trigger"]
    assert Exemption.objects.get().reason == "本区为中心城区"
    row = client.get(REPORT).content.decode().split('id="measure-T1-2"')[1].split("</li>")[0]
    assert "等待市州审核" in row
    assert ASK not in row  # no second request while this one waits


def test_a_request_without_a_reason_is_refused_with_a_message(client_for, reporter):
    response = client_for(reporter).post(ASK, {"reason": " ", "period": "2026Q3"})
    assert response.status_code == 400
    assert "请填写申请不适用的理由。" in response.content.decode()
    assert not Exemption.objects.exists()


def test_only_the_county_lead_office_asks(
    client_for, other_reporter, prefecture_reviewer, county_department
):
    data = {"reason": "x"}
    assert client_for(other_reporter).post(ASK, data).status_code == 404
    assert client_for(prefecture_reviewer).post(ASK, data).status_code == 403
    assert client_for(county_department).post(ASK, data).status_code == 403
    assert client_for(None).post(ASK, data).status_code == 302
    assert not Exemption.objects.exists()


def test_the_reviewer_lists_the_requests_of_their_counties_only(
    client_for, reporter, other_reporter, prefecture_reviewer
):
    pending(reporter)
    pending(other_reporter, "513402")
    page = client_for(prefecture_reviewer).get(LIST).content.decode()
    assert "锦江区" in page
    assert "会理市" not in page
    assert client_for(reporter).get(LIST).status_code == 403


def test_an_approval_makes_the_measure_show_not_applicable_and_leaves_the_count(
    client_for, reporter, prefecture_reviewer
):
    exemption = pending(reporter)
    response = client_for(prefecture_reviewer).post(
        f"{LIST}{exemption.pk}/", {"decision": "approve", "comment": "", "version": 1}, **HTMX
    )
    assert response.status_code == 200
    assert "已同意" in response.content.decode()
    assert Notification.objects.get(recipient=reporter).kind == "na_approved"
    page = client_for(reporter).get(REPORT)
    counts = page.context["counts"]
    assert (counts.total, counts.not_applicable, counts.missing) == (23, 1, 23)
    row = page.content.decode().split('id="measure-T1-2"')[1].split("</li>")[0]
    assert "本县不适用此项举措,无需填报" in row
    assert "填写" not in row
    assert ASK not in row
    told = client_for(reporter).get("/notifications/").content.decode()
    assert "同意了本县“T1.2" in told
    notice = Notification.objects.get(recipient=reporter)
    opened = client_for(reporter).post(f"/notifications/{notice.pk}/open/")
    assert opened["Location"] == "/counties/510104/report/#measure-T1-2"


def test_a_refusal_without_a_comment_is_refused_and_changes_nothing(
    client_for, reporter, prefecture_reviewer
):
    exemption = pending(reporter)
    client, decision = client_for(prefecture_reviewer), {"decision": "refuse", "version": 1}
    response = client.post(f"{LIST}{exemption.pk}/", {**decision, "comment": ""})
    assert response.status_code == 400
    assert "不同意时请填写审核意见" in response.content.decode()
    in_place = client.post(f"{LIST}{exemption.pk}/", {**decision, "comment": " "}, **HTMX)
    assert in_place.status_code == 200  # htmx swaps it into the request's place
    assert "不同意时请填写审核意见" in in_place.content.decode()
    exemption.refresh_from_db()
    assert exemption.state == Exemption.State.PENDING


def test_the_second_reviewer_is_told(
    client_for, reporter, prefecture_reviewer, provincial_reviewer
):
    exemption = pending(reporter)
    decision = {"decision": "approve", "comment": "", "version": 1}
    assert (
        client_for(prefecture_reviewer).post(f"{LIST}{exemption.pk}/", decision).status_code == 302
    )
    late = client_for(provincial_reviewer).post(f"{LIST}{exemption.pk}/", decision)
    assert late.status_code == 409
    assert "已审核了这份申请" in late.content.decode()


def test_deciding_outside_the_scope_is_not_found(
    client_for, reporter, other_prefecture_reviewer, department_user
):
    exemption = pending(reporter)
    decision = {"decision": "approve", "comment": "", "version": 1}
    assert (
        client_for(other_prefecture_reviewer).post(f"{LIST}{exemption.pk}/", decision).status_code
        == 404
    )
    assert client_for(department_user).post(f"{LIST}{exemption.pk}/", decision).status_code == 403
    assert client_for(reporter).post(f"{LIST}{exemption.pk}/", decision).status_code == 403
    exemption.refresh_from_db()
    assert exemption.state == Exemption.State.PENDING


def test_the_list_and_the_report_page_take_as_many_queries_for_more_requests(
    client_for, reporter, other_reporter, prefecture_reviewer
):
    pending(reporter)
    # One client, signed in as each in turn.
    few = (
        queries_of(client_for(prefecture_reviewer), LIST),
        queries_of(client_for(reporter), REPORT),
    )
    for measure in ("T1.1", "T1.3", "T2.1", "T2.2"):
        pending(reporter, measure=measure)
    Exemption.objects.filter(measure__code="T1.1").update(
        state=Exemption.State.APPROVED, decided_at=timezone.now()
    )
    for code in ("510105", "510106"):
        pending(reporter, code)
    more = (
        queries_of(client_for(prefecture_reviewer), LIST),
        queries_of(client_for(reporter), REPORT),
    )
    assert more == few
