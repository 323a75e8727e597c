"""A county's request to declare a measure 不适用 and the prefecture's decision: bad input is
refused with a message and saves nothing, a reviewer outside the county's scope cannot decide,
two reviewers deciding the same request do not overrule each other, and the county is told."""

import pytest

from targets.accounts.access import Access
from targets.applicability import rules
from targets.applicability.requests import DecidedAlready, ExemptionError, ask, decide
from targets.models import AuditRecord, Exemption, Measure, MeasureScope, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def jinjiang_t12(jinjiang):
    return jinjiang, Measure.objects.get(code="T1.2")


def asked(reporter, jinjiang_t12, reason="本区为中心城区,没有县城建设任务"):
    county, measure = jinjiang_t12
    return ask(user=reporter, county=county, measure=measure, reason=reason)


def test_a_request_is_saved_pending_and_audited(reporter, jinjiang_t12):
    exemption = asked(reporter, jinjiang_t12)
    assert exemption.state == Exemption.State.PENDING
    assert exemption.requested_by == reporter
    record = AuditRecord.objects.get(action="exemption.ask")
    assert record.actor == reporter
    assert record.changes["reason"] == [None, "本区为中心城区,没有县城建设任务"]
    assert rules.verdict(*jinjiang_t12).applies  # nothing changes until it is decided


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_request_without_a_reason_is_refused(reporter, jinjiang_t12, reason):
    with pytest.raises(ExemptionError, match="请填写申请不适用的理由"):
        asked(reporter, jinjiang_t12, reason)
    assert not Exemption.objects.exists()
    assert not AuditRecord.objects.filter(action="exemption.ask").exists()


def test_a_request_on_a_measure_that_does_not_apply_is_refused(reporter, jinjiang_t12):
    MeasureScope.objects.create(measure=jinjiang_t12[1], to_districts=False)
    with pytest.raises(ExemptionError, match="已不适用"):
        asked(reporter, jinjiang_t12)
    assert not Exemption.objects.exists()


def test_a_second_request_waits_for_the_first(reporter, jinjiang_t12):
    asked(reporter, jinjiang_t12)
    with pytest.raises(ExemptionError, match="已有一份待审核"):
        asked(reporter, jinjiang_t12)
    assert Exemption.objects.count() == 1


def test_the_prefecture_approves_and_the_county_is_told(
    reporter, prefecture_reviewer, jinjiang_t12
):
    exemption = asked(reporter, jinjiang_t12)
    decided = decide(
        user=prefecture_reviewer,
        access=Access.of(prefecture_reviewer),
        exemption=exemption,
        approve=True,
        comment="",
        started_from=exemption.version,
    )
    assert decided.state == Exemption.State.APPROVED
    assert decided.decided_by == prefecture_reviewer
    verdict = rules.verdict(*jinjiang_t12)
    assert not verdict.applies
    assert verdict.source == rules.REQUEST
    notice = Notification.objects.get(recipient=reporter)
    assert notice.kind == Notification.Kind.EXEMPTION_APPROVED
    assert notice.exemption == decided
    assert AuditRecord.objects.get(action="exemption.approve").actor == prefecture_reviewer


def test_a_refusal_needs_a_comment_and_then_tells_the_county_why(
    reporter, prefecture_reviewer, jinjiang_t12
):
    exemption = asked(reporter, jinjiang_t12)
    access = Access.of(prefecture_reviewer)

    def refuse(comment):
        return decide(
            user=prefecture_reviewer,
            access=access,
            exemption=exemption,
            approve=False,
            comment=comment,
            started_from=exemption.version,
        )

    with pytest.raises(ExemptionError, match="不同意时请填写审核意见"):
        refuse(" ")
    exemption.refresh_from_db()
    assert exemption.state == Exemption.State.PENDING
    assert not Notification.objects.exists()
    refuse("本区仍承担城市更新任务")
    notice = Notification.objects.get(recipient=reporter)
    assert notice.kind == Notification.Kind.EXEMPTION_REFUSED
    assert notice.message == "本区仍承担城市更新任务"
    assert rules.verdict(*jinjiang_t12).applies


def test_a_reviewer_outside_the_county_cannot_decide(
    reporter, other_prefecture_reviewer, jinjiang_t12
):
    exemption = asked(reporter, jinjiang_t12)
    with pytest.raises(ExemptionError, match="不在您的审核范围内"):
        decide(
            user=other_prefecture_reviewer,
            access=Access.of(other_prefecture_reviewer),
            exemption=exemption,
            approve=True,
            comment="",
            started_from=exemption.version,
        )
    exemption.refresh_from_db()
    assert exemption.state == Exemption.State.PENDING
    assert not AuditRecord.objects.filter(action="exemption.approve").exists()


def test_the_second_of_two_reviewers_is_told_and_overrules_nothing(
    reporter, prefecture_reviewer, provincial_reviewer, jinjiang_t12
):
    exemption = asked(reporter, jinjiang_t12)
    opened_at = exemption.version  # both opened the request at this version
    decide(
        user=prefecture_reviewer,
        access=Access.of(prefecture_reviewer),
        exemption=exemption,
        approve=False,
        comment="不同意",
        started_from=opened_at,
    )
    with pytest.raises(DecidedAlready, match="chengdu_reviewer 已审核了这份申请") as told:
        decide(
            user=provincial_reviewer,
            access=Access.of(provincial_reviewer),
            exemption=exemption,
            approve=True,
            comment="",
            started_from=opened_at,
        )
    assert told.value.current.state == Exemption.State.REFUSED
    exemption.refresh_from_db()
    assert (exemption.state, exemption.decided_by) == (
        Exemption.State.REFUSED,
        prefecture_reviewer,
    )
    assert Notification.objects.filter(recipient=reporter).count() == 1


def test_an_approved_measure_cannot_be_asked_again(reporter, prefecture_reviewer, jinjiang_t12):
    exemption = asked(reporter, jinjiang_t12)
    decide(
        user=prefecture_reviewer,
        access=Access.of(prefecture_reviewer),
        exemption=exemption,
        approve=True,
        comment="同意",
        started_from=exemption.version,
    )
    with pytest.raises(ExemptionError, match="不适用申请已获同意"):
        asked(reporter, jinjiang_t12)
    assert Exemption.objects.count() == 1
