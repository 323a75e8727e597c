"""The transitions of a county's task list: tasks saved and deleted while it is a draft (or
returned), submitted to the prefecture, returned with a comment or approved, and a change opened
after approval, with its reason, that goes through approval again. Each is one transaction on the
list's locked row, checks the version the user's form showed, keeps a version of each step and
writes an audit record."""

import hashlib
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from targets.audit import trail
from targets.countyplans import notices
from targets.countyplans.checks import Problem, TaskInput, check_task
from targets.countyplans.content import as_content, tasks_of
from targets.models import County, Milestone, State, Task, TaskList, TaskListVersion

Event = TaskListVersion.Event
TASK_FIELDS = [
    "measure",
    "title",
    "content",
    "department",
    "expected_result",
    "target_value",
    "target_unit",
    "indicator",
]


class PlanError(Exception):
    """A step that cannot happen; its message is for the user."""


class StalePlan(PlanError):
    """Someone else changed the task or the list since the user's form showed it."""


class InvalidTask(PlanError):
    """A task that breaks the rules (checks.check_task); ``problems`` say where."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(" ".join(p.message for p in problems))


def name_of(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _locked(county: County, year: int, *, create: bool = False) -> TaskList:
    """The county's list of the year, its row locked for the transaction (made if ``create``)."""
    if create:
        TaskList.objects.get_or_create(county=county, year=year)
    found = TaskList.objects.select_for_update(no_key=True).filter(county=county, year=year).first()
    if found is None:
        raise PlanError(_("%(year)d年度任务清单还没有建立。") % {"year": year})
    found.county = county
    return found


def _check_editable(task_list: TaskList) -> None:
    if task_list.state == State.SUBMITTED:
        raise PlanError(_("任务清单已提交,正在等待市州审核,不能修改;您的修改没有保存。"))
    if task_list.state == State.APPROVED:
        raise PlanError(
            _(
                "任务清单已审核通过。修改前须先发起变更并说明理由,变更后须重新报市州审核;您的修改没有保存。"
            )
        )


def _task_snapshot(task: Task) -> dict[str, object]:
    fields = trail.snapshot(task)
    values = {name: fields.get(name) for name in TASK_FIELDS}
    if task.pk:
        values["milestones"] = [
            f"{m.due_on.isoformat()} {m.weight}% {m.title}" for m in task.milestones.all()
        ]
    return values


def save_task(
    *,
    user: User,
    county: County,
    year: int,
    task_id: int | None,
    data: TaskInput,
    started_from: int | None,
    request: HttpRequest | None = None,
) -> Task:
    """Add a task to the county's list of ``year`` (``task_id`` None) or change one; its
    milestones are replaced by ``data.milestones`` (a reached milestone keeps its date where one
    of the same content remains). ``started_from`` is the task's version the form showed."""
    problems = check_task(county, year, data)
    if problems:
        raise InvalidTask(problems)
    with transaction.atomic():
        task_list = _locked(county, year, create=task_id is None)
        _check_editable(task_list)
        if task_id is None:
            task = Task(task_list=task_list, version=0)
            before: dict[str, object] = {}
        else:
            found = Task.objects.select_for_update(of=("self",)).filter(
                pk=task_id, task_list=task_list
            )
            existing = found.first()
            if existing is None:
                raise PlanError(_("这项任务已被删除,请刷新页面。"))
            task = existing
            if task.version != started_from:
                raise StalePlan(
                    _(
                        "在您打开后,有人修改了任务“%(title)s”;您的修改没有保存,仍在下方表单中。"
                        "请刷新页面,对照现在的内容后再改。"
                    )
                    % {"title": task.title}
                )
            before = _task_snapshot(task)
        done = {(m.title, m.due_on): m.done_on for m in task.milestones.all()} if task.pk else {}
        for name in TASK_FIELDS:
            setattr(task, name, getattr(data, name))
        task.version += 1
        task.save()
        task.milestones.all().delete()
        Milestone.objects.bulk_create(
            Milestone(
                task=task,
                title=m.title.strip(),
                due_on=m.due_on,
                weight=m.weight,
                done_on=done.get((m.title.strip(), m.due_on)),
            )
            for m in data.milestones
        )
        trail.record(
            "countyplan.task_save",
            request=request,
            actor=user,
            obj=task_list,
            changes={"task": task.pk, **trail.diff(before, _task_snapshot(task))},
        )
    return task


def delete_task(
    *,
    user: User,
    county: County,
    year: int,
    task_id: int,
    started_from: int | None,
    request: HttpRequest | None = None,
) -> None:
    """Remove a task (and its milestones) from a list that may be changed."""
    with transaction.atomic():
        task_list = _locked(county, year)
        _check_editable(task_list)
        task = Task.objects.filter(pk=task_id, task_list=task_list).first()
        if task is None:
            raise PlanError(_("这项任务已被删除,请刷新页面。"))
        if task.version != started_from:
            raise StalePlan(
                _("在您打开后,有人修改了任务“%(title)s”;没有删除。请刷新页面后再操作。")
                % {"title": task.title}
            )
        before = _task_snapshot(task)
        task.delete()
        trail.record(
            "countyplan.task_delete",
            request=request,
            actor=user,
            obj=task_list,
            changes={"task": task_id, **trail.diff(before, {})},
        )


def token(task_list: TaskList | None) -> str:
    """The list's tasks in a few characters (their ids and versions): a whole-list change (an
    import) made from a page that showed another content is refused."""
    pairs = Task.objects.filter(task_list=task_list).order_by("pk").values_list("pk", "version")
    text = ",".join(f"{pk}.{version}" for pk, version in pairs) if task_list else ""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _add_version(
    task_list: TaskList,
    event: str,
    user: User,
    reason: str = "",
    content: Sequence[dict[str, object]] = (),
) -> TaskListVersion:
    return TaskListVersion.objects.create(
        task_list=task_list,
        number=task_list.version,
        event=event,
        revision=task_list.revision,
        reason=reason,
        content=list(content),
        by=user,
    )


def _check_version(task_list: TaskList, started_from: int | None) -> None:
    if task_list.version != started_from:
        raise StalePlan(
            _(
                "在您打开页面后,任务清单已有新的变化;本次操作未执行。请刷新页面,查看现在的清单后再操作。"
            )
        )


def submit(
    *,
    user: User,
    county: County,
    year: int,
    started_from: int | None,
    request: HttpRequest | None = None,
) -> TaskList:
    """Submit the list to the prefecture (年初报备), keeping it as submitted."""
    with transaction.atomic():
        task_list = _locked(county, year)
        _check_version(task_list, started_from)
        if not task_list.editable:
            raise PlanError(_("任务清单现在不能提交(已提交或已审核通过)。"))
        content = as_content(tasks_of(task_list))
        if not content:
            raise PlanError(_("任务清单还没有任务,不能提交。请先在举措下添加任务。"))
        if task_list.revision and not task_list.change_reason.strip():
            raise PlanError(_("审核通过后的变更须说明理由;请先填写变更理由。"))
        before = trail.snapshot(task_list)
        now = timezone.now()
        task_list.state = State.SUBMITTED
        task_list.submitted_at = now
        task_list.first_submitted_at = task_list.first_submitted_at or now
        task_list.version += 1
        task_list.save()
        _add_version(task_list, Event.SUBMIT, user, task_list.change_reason, content)
        trail.record(
            "countyplan.submit",
            request=request,
            actor=user,
            obj=task_list,
            changes={**trail.diff(before, trail.snapshot(task_list)), "tasks": len(content)},
        )
    return task_list


def review(
    *,
    user: User,
    county: County,
    year: int,
    approve: bool,
    comment: str,
    started_from: int | None,
    request: HttpRequest | None = None,
) -> TaskList:
    """Approve the submitted list, or return it with a comment; the county is told."""
    comment = comment.strip()
    if not approve and not comment:
        raise PlanError(_("退回时须填写审核意见。"))
    with transaction.atomic():
        task_list = _locked(county, year)
        _check_version(task_list, started_from)
        if task_list.state != State.SUBMITTED:
            raise PlanError(_("任务清单不是待审核状态(可能已被他人处理),本次操作未执行。"))
        if task_list.versions.filter(event=Event.SUBMIT, by=user).exists():
            raise PlanError(
                _("这份任务清单由您本人提交过,不能由您审核(审核与填报须分离),本次操作未执行。")
            )
        before = trail.snapshot(task_list)
        task_list.state = State.APPROVED if approve else State.RETURNED
        task_list.reviewed_by, task_list.reviewed_at = user, timezone.now()
        task_list.review_comment = comment
        task_list.version += 1
        task_list.save()
        _add_version(task_list, Event.APPROVE if approve else Event.RETURN, user, comment)
        trail.record(
            "countyplan.approve" if approve else "countyplan.return",
            request=request,
            actor=user,
            obj=task_list,
            changes=trail.diff(before, trail.snapshot(task_list)),
        )
        notices.announce(reviewer=user, task_list=task_list, approve=approve, comment=comment)
    return task_list


def open_change(
    *,
    user: User,
    county: County,
    year: int,
    reason: str,
    started_from: int | None,
    request: HttpRequest | None = None,
) -> TaskList:
    """Open an approved list for a change, with its reason: it is a draft again until the
    change is submitted and approved; the approved version stays on record."""
    reason = reason.strip()
    if not reason:
        raise PlanError(_("请填写变更理由:审核通过的任务清单须说明理由才能变更。"))
    with transaction.atomic():
        task_list = _locked(county, year)
        _check_version(task_list, started_from)
        if task_list.state != State.APPROVED:
            raise PlanError(_("只有审核通过的任务清单需要发起变更;现在的清单可直接修改。"))
        before = trail.snapshot(task_list)
        task_list.state = State.DRAFT
        task_list.revision += 1
        task_list.change_reason = reason
        task_list.review_comment = ""
        task_list.version += 1
        task_list.save()
        _add_version(task_list, Event.CHANGE, user, reason)
        trail.record(
            "countyplan.change",
            request=request,
            actor=user,
            obj=task_list,
            changes=trail.diff(before, trail.snapshot(task_list)),
        )
    return task_list


def replace_tasks(
    *,
    user: User,
    county: County,
    year: int,
    tasks: Sequence[TaskInput],
    started_from: str,
    request: HttpRequest | None = None,
) -> int:
    """The list's tasks replaced by those of an imported file, all or none; ``started_from`` is
    the token of the tasks the import page showed. Returns how many tasks the list now holds."""
    with transaction.atomic():
        task_list = _locked(county, year, create=True)
        _check_editable(task_list)
        if token(task_list) != started_from:
            raise StalePlan(
                _(
                    "在您打开导入页面后,有人修改了任务清单;文件没有导入。请重新下载模板,核对后再导入。"
                )
            )
        removed = Task.objects.filter(task_list=task_list).count()
        Task.objects.filter(task_list=task_list).delete()
        for order, data in enumerate(tasks):
            task = Task.objects.create(
                task_list=task_list,
                order=order,
                **{name: getattr(data, name) for name in TASK_FIELDS},
            )
            Milestone.objects.bulk_create(
                Milestone(task=task, title=m.title.strip(), due_on=m.due_on, weight=m.weight)
                for m in data.milestones
            )
        trail.record(
            "countyplan.import",
            request=request,
            actor=user,
            obj=task_list,
            changes={
                "tasks": [removed, len(tasks)],
                "milestones": [None, sum(len(t.milestones) for t in tasks)],
            },
        )
    return len(tasks)
