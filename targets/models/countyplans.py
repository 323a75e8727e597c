"""A county's task list for a year (年度任务清单): under the measures that apply to it, its own
tasks, each with a responsible county department, an expected result, milestones (时间节点) with
due dates and weights, and a quantitative target where it has one. The list is filed with the
prefecture at the start of the year (年初报备) and changed after approval only with a reason and
approval again; every version submitted is kept (``TaskListVersion``)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from targets.models.progress import State

FIRST_YEAR, LAST_YEAR = 2024, 2035  # the Decision's span: its goals are for 2027 and 2035


class PlanYear(models.Model):
    """The deadline by which the counties submit their task list of a year, set by admins."""

    year = models.PositiveSmallIntegerField(
        _("年度"),
        unique=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    deadline = models.DateField(_("报备截止日期"))

    class Meta:
        ordering = ["year"]
        verbose_name = _("年度任务清单报备期限")
        verbose_name_plural = _("年度任务清单报备期限")

    def __str__(self) -> str:
        return f"{self.year}"


class TaskList(models.Model):
    """One county's task list for one year. ``version`` counts its transitions (submit, return,
    approve, a change opened): a decision names the version it was made on. ``revision`` counts
    the changes opened after an approval (0: the list as first filed)."""

    county = models.ForeignKey(
        "targets.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("县(市、区)")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1)
    revision = models.PositiveIntegerField(_("变更次数"), default=0)
    change_reason = models.TextField(_("变更理由"), blank=True, max_length=2000)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    updated_at = models.DateTimeField(_("最后保存时间"), auto_now=True)
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)

    class Meta:
        ordering = ["year", "county"]
        verbose_name = _("年度任务清单")
        verbose_name_plural = _("年度任务清单")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="one_task_list_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.year}年度任务清单"

    @property
    def editable(self) -> bool:
        return self.state in (State.DRAFT, State.RETURNED)


class Task(models.Model):
    """A task of the list, under one of the plan's measures. ``version`` counts its saves: a save
    names the version its form showed, and loses to no one silently."""

    task_list = models.ForeignKey(TaskList, on_delete=models.CASCADE, related_name="tasks")
    measure = models.ForeignKey(
        "targets.Measure", on_delete=models.PROTECT, related_name="+", verbose_name=_("举措")
    )
    title = models.CharField(_("任务名称"), max_length=200)
    content = models.TextField(_("任务内容"), max_length=2000)
    # None: the county's lead office answers for it itself.
    department = models.ForeignKey(
        "targets.CountyDepartment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任部门"),
    )
    expected_result = models.TextField(_("预期成效"), max_length=1000)
    target_value = models.DecimalField(
        _("目标值"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    target_unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    indicator = models.ForeignKey(
        "targets.Indicator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("关联指标"),
    )
    order = models.PositiveIntegerField(_("顺序"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["task_list", "measure__order", "order", "id"]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_value__isnull=True) | ~models.Q(target_unit=""),
                name="task_target_has_a_unit",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """A milestone (时间节点) of a task: due within the list's year, with a weight; a task's
    weights add up to 100. ``done_on`` is set when the county reports it reached (progress
    against the plan)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点内容"), max_length=200)
    due_on = models.DateField(_("完成时限"))
    weight = models.PositiveSmallIntegerField(
        _("权重(%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        ordering = ["task", "due_on", "id"]
        verbose_name = _("时间节点")
        verbose_name_plural = _("时间节点")

    def __str__(self) -> str:
        return self.title


class TaskListVersion(models.Model):
    """Each step of a task list (append-only): who did what, when and why; a submission keeps
    the list as submitted (``content``), so that every version filed can be read."""

    class Event(models.TextChoices):
        SUBMIT = "submit", _("提交")
        RETURN = "return", _("退回")
        APPROVE = "approve", _("审核通过")
        CHANGE = "change", _("发起变更")

    task_list = models.ForeignKey(TaskList, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    event = models.CharField(_("操作"), max_length=10, choices=Event.choices)
    revision = models.PositiveIntegerField(_("变更次数"))
    reason = models.TextField(_("理由或意见"), blank=True)
    content = models.JSONField(_("清单内容"), default=list, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["task_list", "number"]
        verbose_name = _("任务清单版本")
        verbose_name_plural = _("任务清单版本")
        constraints = [
            models.UniqueConstraint(fields=["task_list", "number"], name="task_list_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.task_list} v{self.number}"
