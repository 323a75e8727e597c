"""A county's task list for a year: tasks saved only while it is a draft or returned, milestones
within the year whose weights add up to 100, submitted to the prefecture, returned with a comment
or approved, changed after approval only with a reason and approval again; every step kept as a
version, audited, and told to the county. Nothing is saved when a rule is broken or someone else
saved meanwhile."""

import datetime
from decimal import Decimal

import pytest

from targets.countyplans import workflow
from targets.countyplans.checks import MilestoneInput
from targets.countyplans.content import filed, last_approved
from targets.countyplans.workflow import InvalidTask, PlanError, StalePlan
from targets.models import (
    AuditRecord,
    County,
    CountyDepartment,
    Milestone,
    Notification,
    State,
    Task,
    TaskList,
    TaskListVersion,
)
from tests.countyplans.helpers import YEAR, milestones, task_input

pytestmark = pytest.mark.django_db


def add(user, county, **changes) -> Task:
    return workflow.save_task(
        user=user,
        county=county,
        year=YEAR,
        task_id=None,
        data=task_input(**changes),
        started_from=None,
    )


def task_list(county) -> TaskList:
    return TaskList.objects.get(county=county, year=YEAR)


def submit(user, county) -> TaskList:
    return workflow.submit(
        user=user, county=county, year=YEAR, started_from=task_list(county).version
    )


def decide(user, county, *, approve: bool, comment: str = "") -> TaskList:
    return workflow.review(
        user=user,
        county=county,
        year=YEAR,
        approve=approve,
        comment=comment,
        started_from=task_list(county).version,
    )


def test_a_task_is_saved_with_its_milestones_and_audited(reporter, jinjiang):
    task = add(reporter, jinjiang, target_value=Decimal("30"), target_unit="项")
    assert [(m.weight, m.due_on.year) for m in task.milestones.all()] == [(40, YEAR), (60, YEAR)]
    assert task_list(jinjiang).state == State.DRAFT
    record = AuditRecord.objects.filter(action="countyplan.task_save").get()
    assert record.changes["title"] == [None, "承接下放事项"]
    assert record.object_repr == "锦江区 2026年度任务清单"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"milestones": milestones(40, 50)}, "milestones", "合计为 90"),
        (
            {"milestones": [MilestoneInput("明年的节点", datetime.date(YEAR + 1, 1, 15), 100)]},
            "due_on",
            "不在2026年内",
        ),
        ({"title": "  "}, "title", "任务名称"),
        ({"target_value": Decimal("5")}, "target_unit", "计量单位"),
    ],
)
def test_a_task_that_breaks_a_rule_is_refused_naming_the_field_and_nothing_is_saved(
    reporter, jinjiang, changes, field, words
):
    with pytest.raises(InvalidTask) as refused:
        add(reporter, jinjiang, **changes)
    assert any(p.field == field and words in p.message for p in refused.value.problems)
    assert not Task.objects.exists()
    assert not AuditRecord.objects.filter(action="countyplan.task_save").exists()


def test_a_task_without_milestones_is_accepted(reporter, jinjiang):
    assert add(reporter, jinjiang, milestones=[]).milestones.count() == 0


def test_another_countys_department_is_refused(reporter, jinjiang):
    theirs = CountyDepartment.objects.create(
        county=County.objects.get(code="513402"), code="fgj", name="会理市发展和改革局"
    )
    with pytest.raises(InvalidTask, match="不是锦江区的部门"):
        add(reporter, jinjiang, department=theirs)


def test_a_save_from_a_stale_form_is_refused_and_keeps_the_other_save(reporter, jinjiang):
    task = add(reporter, jinjiang)
    workflow.save_task(
        user=reporter,
        county=jinjiang,
        year=YEAR,
        task_id=task.pk,
        data=task_input(title="第一人的修改"),
        started_from=task.version,
    )
    with pytest.raises(StalePlan, match="有人修改了任务"):
        workflow.save_task(
            user=reporter,
            county=jinjiang,
            year=YEAR,
            task_id=task.pk,
            data=task_input(title="第二人的修改"),
            started_from=task.version,  # the version the second form showed
        )
    assert Task.objects.get(pk=task.pk).title == "第一人的修改"


def test_an_empty_list_cannot_be_submitted(reporter, jinjiang):
    task = add(reporter, jinjiang)
    workflow.delete_task(
        user=reporter, county=jinjiang, year=YEAR, task_id=task.pk, started_from=task.version
    )
    with pytest.raises(PlanError, match="还没有任务"):
        submit(reporter, jinjiang)
    assert task_list(jinjiang).state == State.DRAFT


def test_the_cycle_submit_return_resubmit_approve_keeps_every_version_and_tells_the_county(
    reporter, prefecture_reviewer, jinjiang
):
    add(reporter, jinjiang)
    submit(reporter, jinjiang)
    with pytest.raises(PlanError, match="已提交"):
        add(reporter, jinjiang, title="提交后再加")
    with pytest.raises(PlanError, match="须填写审核意见"):
        decide(prefecture_reviewer, jinjiang, approve=False)
    decide(prefecture_reviewer, jinjiang, approve=False, comment="请补充量化目标。")
    told = Notification.objects.get(kind=Notification.Kind.PLAN_RETURNED)
    assert (told.recipient, told.message) == (reporter, "请补充量化目标。")

    add(reporter, jinjiang, title="新增的任务")
    submit(reporter, jinjiang)
    decide(prefecture_reviewer, jinjiang, approve=True)

    events = list(task_list(jinjiang).versions.values_list("event", flat=True))
    assert events == ["submit", "return", "submit", "approve"]
    assert Notification.objects.filter(kind=Notification.Kind.PLAN_APPROVED, recipient=reporter)
    approved = last_approved(task_list(jinjiang))
    assert [t.title for t in filed(approved)] == ["承接下放事项", "新增的任务"]
    first = task_list(jinjiang).versions.get(number=2)
    assert [t.title for t in filed(first)] == ["承接下放事项"]
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"countyplan.submit", "countyplan.return", "countyplan.approve"} <= actions


def test_after_approval_a_change_needs_a_reason_and_approval_again(
    reporter, prefecture_reviewer, jinjiang
):
    add(reporter, jinjiang)
    submit(reporter, jinjiang)
    decide(prefecture_reviewer, jinjiang, approve=True)
    with pytest.raises(PlanError, match="须先发起变更并说明理由"):
        add(reporter, jinjiang, title="未说明理由的修改")
    version = task_list(jinjiang).version
    with pytest.raises(PlanError, match="请填写变更理由"):
        workflow.open_change(
            user=reporter, county=jinjiang, year=YEAR, reason="  ", started_from=version
        )
    assert task_list(jinjiang).state == State.APPROVED
    assert Task.objects.count() == 1

    workflow.open_change(
        user=reporter,
        county=jinjiang,
        year=YEAR,
        reason="省里新增了改革任务。",
        started_from=version,
    )
    add(reporter, jinjiang, title="变更新增的任务")
    # While the change is made, the approved list stays in force (the ledger's).
    assert [t.title for t in filed(last_approved(task_list(jinjiang)))] == ["承接下放事项"]
    submit(reporter, jinjiang)
    change = task_list(jinjiang).versions.filter(event="submit").last()
    assert (change.revision, change.reason) == (1, "省里新增了改革任务。")
    decide(prefecture_reviewer, jinjiang, approve=True)
    assert len(filed(last_approved(task_list(jinjiang)))) == 2


def test_whoever_submitted_the_list_does_not_review_it(reporter, jinjiang, provincial_reviewer):
    add(reporter, jinjiang)
    workflow.submit(user=provincial_reviewer, county=jinjiang, year=YEAR, started_from=1)
    with pytest.raises(PlanError, match="审核与填报须分离"):
        decide(provincial_reviewer, jinjiang, approve=True)
    assert task_list(jinjiang).state == State.SUBMITTED


def test_a_decision_on_a_list_changed_since_the_page_showed_it_is_refused(
    reporter, prefecture_reviewer, jinjiang
):
    add(reporter, jinjiang)
    shown = submit(reporter, jinjiang).version
    decide(prefecture_reviewer, jinjiang, approve=False, comment="请修改。")
    submit(reporter, jinjiang)
    with pytest.raises(StalePlan):
        workflow.review(
            user=prefecture_reviewer,
            county=jinjiang,
            year=YEAR,
            approve=True,
            comment="",
            started_from=shown,
        )
    assert task_list(jinjiang).state == State.SUBMITTED


def test_a_reached_milestone_keeps_its_date_when_the_task_is_saved_again(reporter, jinjiang):
    task = add(reporter, jinjiang)
    Milestone.objects.filter(task=task, title="节点1").update(done_on=datetime.date(YEAR, 3, 20))
    workflow.save_task(
        user=reporter,
        county=jinjiang,
        year=YEAR,
        task_id=task.pk,
        data=task_input(content="内容改了"),
        started_from=task.version,
    )
    assert Milestone.objects.get(task=task, title="节点1").done_on == datetime.date(YEAR, 3, 20)
    assert TaskListVersion.objects.count() == 0


def test_the_decision_is_emailed_once_committed(
    settings,
    reporter,
    prefecture_reviewer,
    jinjiang,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    reporter.email = "jinjiang@example.org"
    reporter.save()
    add(reporter, jinjiang)
    submit(reporter, jinjiang)
    with django_capture_on_commit_callbacks(execute=True):
        decide(prefecture_reviewer, jinjiang, approve=False, comment="请补充量化目标。")
    (message,) = mailoutbox
    assert message.subject == "【退回】锦江区 2026年度任务清单"
    assert "请补充量化目标。" in message.body
    assert f"/counties/510104/plan/{YEAR}/" in message.body
    assert Notification.objects.get(kind=Notification.Kind.PLAN_RETURNED).emailed
