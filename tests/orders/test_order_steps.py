"""A supervision order's steps through its pages: issued (numbered in the admins' format),
signed for, answered with evidence, returned with a reason, answered again and closed; and each
refusal the issue names (out of scope, a past deadline, an answer after closing, a verification
by another scope, two answers at once) says why and saves nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from targets.models import (
    AuditRecord,
    Notification,
    OrderEvidence,
    OrderStep,
    SupervisionOrder,
    SupervisionRules,
)
from targets.supervision import rulebook
from tests.orders.helpers import answered, issued, signed

pytestmark = pytest.mark.django_db
State = SupervisionOrder.State


def order_form(**changes):
    data = {
        "level": "prefecture",
        "county": "510104",
        "department": "",
        "measure": "T1.1",
        "reference": "",
        "matter": "扩权强县事项承接滞后。",
        "requirement": "十日内制定整改方案并报送。",
        "deadline": (timezone.localdate() + datetime.timedelta(days=15)).isoformat(),
    }
    data.update(changes)
    return data


def test_a_prefecture_reviewer_issues_a_numbered_order_that_reaches_the_county(
    client_for, prefecture_reviewer, reporter
):
    rules = rulebook.stored()
    rules.order_number_format = "成融督〔{year}〕{number}号"
    rules.order_sign_days = 2
    rules.save()
    client = client_for(prefecture_reviewer)
    response = client.post("/orders/new/", order_form())
    order = SupervisionOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/"
    today = timezone.localdate()
    assert order.number == f"成融督〔{today.year}〕1号"
    assert order.level == "prefecture"
    assert order.issuing_prefecture.code == "510100"
    assert order.sign_by == today + datetime.timedelta(days=2)
    assert order.state == State.ISSUED
    assert Notification.objects.get(recipient=reporter).kind == "order_issued"
    assert AuditRecord.objects.filter(action="order.issue", object_id=str(order.pk)).exists()
    second = client.post("/orders/new/", order_form(measure="T1.2"))
    assert second.status_code == 302
    assert (
        SupervisionOrder.objects.order_by("sequence").last().number.endswith(f"〔{today.year}〕2号")
    )


def test_the_number_format_must_name_the_sequence(db):
    rules = rulebook.stored()
    for wrong in ("〔{year}〕号", "督{number}号", "〔{year}〕{number}号{x}", "{year}{number}}"):
        rules.order_number_format = wrong
        with pytest.raises(ValidationError, match="order_number_format"):
            rules.full_clean()
    rules.order_number_format = "川融督〔{year}〕{number}号"
    rules.full_clean()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"county": "513402"}, "只能向本辖区的县(市、区)下达督办单。"),
        ({"deadline": "2020-01-01"}, "办结时限须晚于今天。"),
        ({"county": "", "department": "fagai"}, "只有省级督办单才能下达给省直部门"),
        ({"level": "province"}, "您不能下达这一级别的督办单。"),
        ({"measure": "", "reference": ""}, "请选择涉及的举措,或填写涉及的任务或问题。"),
    ],
)
def test_bad_orders_are_refused_with_a_message_and_nothing_is_saved(
    client_for, prefecture_reviewer, demo, changes, message
):
    response = client_for(prefecture_reviewer).post("/orders/new/", order_form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SupervisionOrder.objects.exists()
    assert not AuditRecord.objects.filter(action="order.issue").exists()


def test_a_provincial_reviewer_orders_a_department_which_signs_and_answers(
    client_for, provincial_reviewer, department_user
):
    response = client_for(provincial_reviewer).post(
        "/orders/new/", order_form(level="province", county="", department="agri")
    )
    assert response.status_code == 302
    order = SupervisionOrder.objects.get()
    assert order.issuing_prefecture is None
    client = client_for(department_user)
    assert client.get(f"/orders/{order.pk}/").status_code == 200
    assert client.post(f"/orders/{order.pk}/sign/", {"version": 1}).status_code == 302
    order.refresh_from_db()
    assert order.state == State.SIGNED


def test_the_whole_cycle_with_evidence_a_return_and_a_close(
    client_for, prefecture_reviewer, reporter
):
    order = issued(prefecture_reviewer)
    assert (
        client_for(reporter)
        .post(f"/orders/{order.pk}/answer/", {"version": 1, "text": "x"})
        .status_code
        == 400
    )
    assert client_for(reporter).post(f"/orders/{order.pk}/sign/", {"version": 1}).status_code == 302
    answer = {
        "version": 2,
        "text": "已召开专题会议,制定整改方案。",
        "files": SimpleUploadedFile("方案.pdf", b"%PDF-1.4 plan"),
    }
    assert client_for(reporter).post(f"/orders/{order.pk}/answer/", answer).status_code == 302
    order.refresh_from_db()
    assert order.state == State.ANSWERED
    evidence = OrderEvidence.objects.get()
    assert evidence.name == "方案.pdf"
    download = client_for(reporter).get(f"/orders/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 plan"  # read to the end: closed

    no_reason = client_for(prefecture_reviewer).post(
        f"/orders/{order.pk}/verify/", {"version": 3, "decision": "return"}
    )
    assert no_reason.status_code == 400
    assert "退回重办须写明理由。" in no_reason.content.decode()
    returned = client_for(prefecture_reviewer).post(
        f"/orders/{order.pk}/verify/",
        {"version": 3, "decision": "return", "reason": "方案缺少时间节点。"},
    )
    assert returned.status_code == 302
    order.refresh_from_db()
    assert order.state == State.RETURNED
    told = Notification.objects.get(recipient=reporter, kind="order_returned")
    assert told.message == "方案缺少时间节点。"

    again = {"version": 4, "text": "补充了时间节点。"}
    assert client_for(reporter).post(f"/orders/{order.pk}/answer/", again).status_code == 302
    closed = client_for(prefecture_reviewer).post(
        f"/orders/{order.pk}/verify/", {"version": 5, "decision": "close"}
    )
    assert closed.status_code == 302
    order.refresh_from_db()
    assert order.state == State.CLOSED
    assert order.closed_at is not None
    kinds = list(order.steps.values_list("kind", flat=True))
    assert kinds == ["issue", "sign", "answer", "return", "answer", "close"]
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"order.issue", "order.sign", "order.answer", "order.return", "order.close"} <= actions

    late = client_for(reporter).post(
        f"/orders/{order.pk}/answer/", {"version": 6, "text": "再补充"}
    )
    assert late.status_code == 400
    assert "这份督办单已办结,不能再报送整改情况。" in late.content.decode()
    assert order.steps.count() == 6


def test_a_file_whose_content_is_not_its_type_is_refused_and_nothing_saved(
    client_for, prefecture_reviewer, reporter
):
    order = signed(issued(prefecture_reviewer), reporter)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    response = client_for(reporter).post(
        f"/orders/{order.pk}/answer/",
        {"version": 2, "text": "已整改", "files": SimpleUploadedFile("照片.pdf", png)},
    )
    assert response.status_code == 400
    assert "照片.pdf" in response.content.decode()
    order.refresh_from_db()
    assert order.state == State.SIGNED
    assert not OrderEvidence.objects.exists()


def test_only_the_issuing_level_verifies(
    client_for, prefecture_reviewer, provincial_reviewer, reporter
):
    order = answered(signed(issued(prefecture_reviewer), reporter), reporter)
    response = client_for(provincial_reviewer).post(
        f"/orders/{order.pk}/verify/", {"version": order.version, "decision": "close"}
    )
    assert response.status_code == 403
    assert "只有下达督办单的一级" in response.content.decode()
    order.refresh_from_db()
    assert order.state == State.ANSWERED
    assert not OrderStep.objects.filter(kind="close").exists()


def test_the_county_signs_and_answers_its_departments_and_others_do_not(
    client_for, prefecture_reviewer, county_department, other_reporter, department_user
):
    order = issued(prefecture_reviewer)
    assert client_for(county_department).get(f"/orders/{order.pk}/").status_code == 200
    assert (
        client_for(county_department).post(f"/orders/{order.pk}/sign/", {"version": 1}).status_code
        == 403
    )
    assert (
        client_for(other_reporter).post(f"/orders/{order.pk}/sign/", {"version": 1}).status_code
        == 404
    )
    assert client_for(department_user).get(f"/orders/{order.pk}/").status_code == 404
    order.refresh_from_db()
    assert order.state == State.ISSUED


def test_two_answers_at_once_the_second_is_told_and_keeps_its_text(
    client_for, prefecture_reviewer, reporter
):
    order = signed(issued(prefecture_reviewer), reporter)
    colleague_text = "第一位填报人的整改情况。"
    answered(order, reporter, colleague_text)
    mine = "我写的整改措施,不能丢。"
    response = client_for(reporter).post(
        f"/orders/{order.pk}/answer/", {"version": 2, "text": mine}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "在您打开后已办理了这份督办单" in html
    assert colleague_text in html
    assert mine in html
    order.refresh_from_db()
    assert order.steps.filter(kind="answer").count() == 1
    assert order.steps.get(kind="answer").text == colleague_text


def test_a_user_who_reports_for_a_county_cannot_order_it(client_for, reporter):
    from targets.models import Role

    Role.objects.create(user=reporter, kind=Role.Kind.PROVINCIAL_REVIEWER)
    response = client_for(reporter).post("/orders/new/", order_form(level="province"))
    assert response.status_code == 400
    assert not SupervisionOrder.objects.exists()


def test_numbers_do_not_repeat_when_the_format_changes(prefecture_reviewer, reporter):
    first = issued(prefecture_reviewer)
    SupervisionRules.objects.filter(pk=rulebook.stored().pk).update(
        order_number_format="成督〔{year}〕{number}号"
    )
    second = issued(prefecture_reviewer, measure="T1.2")
    assert (first.sequence, second.sequence) == (1, 2)
    assert second.number.startswith("成督〔")
    assert first.number != second.number
