"""Supervision of the reporting rounds (督查督办): the rules an admin sets for the cadence, the
warning lights and the reminders; periods reopened for one county; and the notifications sent."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from targets.models.progress import Period


def validate_days_list(value: str) -> None:
    try:
        days = [int(part) for part in value.split(",")]
    except ValueError:
        days = []
    if not days or any(d < 1 or d > 60 for d in days):
        raise ValidationError(_("请填写1至60之间的天数,用英文逗号分隔,例如 7,1。"))


def validate_order_number_format(value: str) -> None:
    """The format names the year and its sequence number (which starts again each year, so
    that without the year numbers would repeat), and no other placeholder."""
    rest = re.sub(r"{(year|number)}", "", value)
    if "{number}" not in value or "{year}" not in value or "{" in rest or "}" in rest:
        raise ValidationError(
            _("编号格式须包含 {year}(年度)和 {number}(当年序号),不能有其他花括号。")
        )


class SupervisionRules(models.Model):
    """The one row of rules for the rounds. They differ from place to place, so admins set them;
    the defaults are the province's usual practice."""

    cadence = models.CharField(
        _("填报周期"),
        max_length=10,
        choices=Period.Cadence.choices,
        default=Period.Cadence.QUARTER,
        help_text=_("改为月度后,将自动生成2024年至2035年的月度填报周期;已有的周期和数据不变。"),
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("截止日期(周期结束后第几天)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("用于新生成的周期;已有周期的截止日期在“填报周期”中逐个修改。"),
    )
    red_statuses = models.ManyToManyField(
        "targets.StatusOption",
        verbose_name=_("亮红灯的进展状态"),
        related_name="+",
        blank=True,
        help_text=_("已提交的进展选了这些状态时亮红灯。"),
    )
    red_points_behind = models.PositiveSmallIntegerField(
        _("低于序时进度多少个百分点亮红灯"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("低于序时进度但不超过此数时亮黄灯。"),
    )
    yellow_days_before_deadline = models.PositiveSmallIntegerField(
        _("截止前几天仍未提交亮黄灯"),
        default=5,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    yellow_days_after_return = models.PositiveSmallIntegerField(
        _("退回后几天仍未重新提交亮黄灯"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # A county's light. The defaults (a quarter and a sixth of the plan's 24 measures) tell
    # counties apart: the demo round shows a mix of the three colours, not one for all.
    county_red_measures = models.PositiveSmallIntegerField(
        _("县亮红灯:红灯举措达到几项"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("按全部举措计;只看部分举措(如一项重点任务)时按其所占比例折算,向上取整。"),
    )
    county_yellow_measures = models.PositiveSmallIntegerField(
        _("县亮黄灯:红灯和黄灯举措合计达到几项"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("按全部举措计,折算方法同上。未达到此数的县亮绿灯,并列出其红灯和黄灯举措数。"),
    )
    county_red_on_bottom_line = models.BooleanField(
        _("已提交的进展标记底线风险时县亮红灯"),
        default=True,
    )
    remind_days_before = models.CharField(
        _("截止前第几天催办"),
        max_length=30,
        default="7,1",
        validators=[validate_days_list],
        help_text=_("用英文逗号分隔;截止当天总会提醒。"),
    )
    remind_every_days_after = models.PositiveSmallIntegerField(
        _("逾期后每隔几天催办"), default=3, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("逾期几天后同时告知审核人"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    stop_after_days = models.PositiveSmallIntegerField(
        _("逾期几天后停止自动催办"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("之后仍可由审核人手动催办。"),
    )
    evidence_quota_mb = models.PositiveIntegerField(
        _("每个县(市、区)佐证材料的总容量(MB)"),
        default=500,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
        help_text=_(
            "一个县(市、区)上传的全部佐证材料(含已被替代的)不能超过此容量;超过时上传被拒绝。"
        ),
    )

    approval_waits_for_opinion = models.BooleanField(
        _("审核通过须有牵头部门意见"),
        default=False,
        help_text=_("勾选后,县(市、区)的进展须先有牵头省直部门的意见,审核人才能审核通过。"),
    )

    order_number_format = models.CharField(
        _("督办单编号格式"),
        max_length=40,
        default="〔{year}〕{number}号",
        validators=[validate_order_number_format],
        help_text=_(
            "{year} 为年度,{number} 为当年序号(全省统一编号,每年从1开始),"
            "例如 川融督〔{year}〕{number}号。只影响此后下达的督办单。"
        ),
    )
    order_sign_days = models.PositiveSmallIntegerField(
        _("督办单签收期限(天)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("下达后几天内须签收;逾期未签收的督办单告知上一级。"),
    )

    class Meta:
        verbose_name = _("督办规则")
        verbose_name_plural = _("督办规则")

    def __str__(self) -> str:
        return str(_("督办规则"))

    def clean(self) -> None:
        errors = {}
        if self.escalate_after_days > self.stop_after_days:
            errors["escalate_after_days"] = _("告知审核人的天数不能晚于停止自动催办的天数。")
        if self.remind_every_days_after > self.stop_after_days:
            errors["remind_every_days_after"] = _("催办间隔不能长于停止自动催办的天数。")
        if errors:
            raise ValidationError(errors)

    @property
    def reminder_days_before(self) -> list[int]:
        return sorted({int(part) for part in self.remind_days_before.split(",")}, reverse=True)


class PeriodReopening(models.Model):
    """A locked period opened again for one county, until a date, for a recorded reason."""

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="reopenings", verbose_name=_("填报周期")
    )
    county = models.ForeignKey(
        "targets.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("县(市、区)")
    )
    until = models.DateField(_("开放至(含当日)"))
    reason = models.TextField(_("原因"), max_length=1000)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    opened_at = models.DateTimeField(_("操作时间"), auto_now_add=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("重新开放")
        verbose_name_plural = _("重新开放")

    def __str__(self) -> str:
        return f"{self.period.code} {self.county.name}"


class Notification(models.Model):
    """A message to one user, shown in the app and sent by email: the reminders (催办), automatic
    or sent by a reviewer, and the reviewers' decisions told to the county. The reminders' rows
    are also their log.

    A notification may gather others as its ``items``: a reviewer's digest of the day's
    escalations (one county each), or one decision on several notes of a county (one note or
    value each). Only the gathering one shows in the list and counts as unread."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("截止前提醒")
        DUE_TODAY = "due_today", _("截止当日提醒")
        OVERDUE = "overdue", _("逾期催办")
        ESCALATION = "escalation", _("逾期告知审核人")
        MANUAL = "manual", _("人工催办")
        ESCALATION_DIGEST = "escalation_digest", _("逾期告知审核人(汇总)")
        RETURNED = "returned", _("退回通知")
        APPROVED = "approved", _("审核通过通知")
        FILE_READY = "file_ready", _("文件已生成")
        PROVINCE_DUE = "province_due", _("省级层面推进情况催报")
        SENT_FOR_CHECK = "sent_for_check", _("部门送牵头办审核")
        CHECK_RETURNED = "check_returned", _("牵头办内部退回")
        PLAN_RETURNED = "plan_returned", _("年度任务清单退回通知")
        PLAN_APPROVED = "plan_approved", _("年度任务清单审核通过通知")
        EXEMPTION_APPROVED = "na_approved", _("同意不适用申请")
        EXEMPTION_REFUSED = "na_refused", _("不同意不适用申请")
        PROBLEM_DUE = "problem_due", _("整改到期提醒")
        PROBLEM_OVERDUE = "problem_overdue", _("逾期未整改告知审核人")
        ORDER_ISSUED = "order_issued", _("督办单下达")
        ORDER_ANSWERED = "order_answered", _("督办单已报送整改情况")
        ORDER_RETURNED = "order_returned", _("督办单退回重办")
        ORDER_CLOSED = "order_closed", _("督办单办结")
        ORDER_DUE = "order_due", _("督办单签收和办理提醒")
        ORDER_ESCALATED = "order_escalated", _("督办单逾期告知上级")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收人"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    # None only for a digest, which spans counties (and rounds).
    period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("填报周期"),
    )
    county = models.ForeignKey(
        "targets.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("县(市、区)"),
    )
    # A reminder to a county department's users about the measures its lead office assigned to
    # it (``pending`` then counts those alone); None for one to the county's lead office.
    county_department = models.ForeignKey(
        "targets.CountyDepartment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("县级部门"),
    )
    # The reminders' figures; None for a decision and a digest.
    days = models.IntegerField(
        _("距截止日期天数"), null=True, blank=True, help_text=_("负数为截止前,正数为逾期。")
    )
    pending = models.PositiveIntegerField(_("未提交举措数"), null=True, blank=True)
    message = models.TextField(_("附言"), blank=True, max_length=500)
    group = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("所属通知"),
    )
    # What a decision's item is about, and the version the decision made of it.
    note = models.ForeignKey(
        "targets.ProgressNote",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("进展"),
    )
    value = models.ForeignKey(
        "targets.IndicatorValue",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("指标值"),
    )
    record_version = models.PositiveIntegerField(_("审核后的版本"), null=True, blank=True)
    # The task list a decision on it is about (年度任务清单), with ``record_version``.
    task_list = models.ForeignKey(
        "targets.TaskList",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("年度任务清单"),
    )
    # The request to declare a measure 不适用 that a decision told of.
    exemption = models.ForeignKey(
        "targets.Exemption",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("不适用申请"),
    )
    # The file the worker made that a "file ready" notification leads to.
    generated_file = models.ForeignKey(
        "targets.GeneratedFile",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("生成的文件"),
    )
    # The supervision order a notification of one of the ORDER_ kinds is about.
    order = models.ForeignKey(
        "targets.SupervisionOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("督办单"),
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("催办人"),
    )
    sent_on = models.DateField(_("发送日期"))
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    emailed = models.BooleanField(_("已发邮件"), default=False)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        constraints = [
            # A second run on the same day finds its reminders already there.
            models.UniqueConstraint(
                fields=["recipient", "period", "county", "kind", "sent_on"],
                condition=Q(sender__isnull=True),
                name="one_automatic_reminder_a_day",
            ),
            # A lead department's reminder names no county: its own key, one a day likewise.
            models.UniqueConstraint(
                fields=["recipient", "period", "kind", "sent_on"],
                condition=Q(sender__isnull=True, county__isnull=True, kind="province_due"),
                name="one_province_reminder_a_day",
            ),
            models.UniqueConstraint(
                fields=["recipient", "period", "county"],
                condition=Q(kind="escalation"),
                name="one_escalation_per_round",
            ),
            # A rectification reminder (问题整改) names no round: one a day per county, and the
            # reviewers' one a day in all.
            models.UniqueConstraint(
                fields=["recipient", "county", "kind", "sent_on"],
                condition=Q(kind="problem_due"),
                name="one_problem_reminder_a_day",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "sent_on"],
                condition=Q(kind="problem_overdue"),
                name="one_problem_digest_a_day",
            ),
            # A decision is told once: one item per person for the version it made.
            models.UniqueConstraint(
                fields=["recipient", "note", "record_version"],
                condition=Q(note__isnull=False),
                name="one_notice_per_note_decision",
            ),
            models.UniqueConstraint(
                fields=["recipient", "value", "record_version"],
                condition=Q(value__isnull=False),
                name="one_notice_per_value_decision",
            ),
            # An order's daily reminder and escalation: once a day per person, however often
            # the daily job runs.
            models.UniqueConstraint(
                fields=["recipient", "order", "kind", "sent_on"],
                condition=Q(order__isnull=False, kind__in=["order_due", "order_escalated"]),
                name="one_order_notice_a_day",
            ),
            # The worker tells the asker once that their file is ready, however often it runs.
            models.UniqueConstraint(
                fields=["generated_file"],
                condition=Q(generated_file__isnull=False),
                name="one_notice_per_generated_file",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["county", "period"]),
        ]

    def __str__(self) -> str:
        where = f" {self.county.name} {self.period.code}" if self.county and self.period else ""
        return f"{self.get_kind_display()}{where}"
