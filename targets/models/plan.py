"""The Decision as structured records, each anchored to the clause(s) of the source it comes from."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from targets.models.localized import in_language

if TYPE_CHECKING:
    from targets.models.units import MeasureUnits


class Horizon(models.IntegerChoices):
    Y2027 = 2027, _("到2027年")
    Y2035 = 2035, _("到2035年")


class Plan(models.Model):
    code = models.CharField(_("代码"), max_length=50, unique=True)
    title = models.TextField(_("标题"))
    title_en = models.TextField(_("英文标题"), blank=True)
    adopted_on = models.DateField(_("通过日期"))
    source = models.TextField(_("出处"))
    source_en = models.TextField(_("英文出处"), blank=True)

    class Meta:
        verbose_name = _("决定")
        verbose_name_plural = _("决定")

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        return in_language(self.title, self.title_en)


class Clause(models.Model):
    """A numbered paragraph of the source text, quoted exactly."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="clauses")
    number = models.PositiveSmallIntegerField(_("段号"))
    text = models.TextField(_("原文"))
    text_en = models.TextField(_("英文译文"), blank=True)
    trackable = models.BooleanField(
        _("可跟踪"), default=True, help_text=_("程序性段落(会议时间、出席情况等)不需要跟踪。")
    )

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="clause_number_unique")
        ]
        verbose_name = _("原文段落")
        verbose_name_plural = _("原文段落")

    def __str__(self) -> str:
        return f"¶{self.number} {self.text[:30]}"

    @property
    def label(self) -> str:
        return in_language(self.text, self.text_en)


class PlanRecord(models.Model):
    """What goals, task areas, measures, integrations and bottom lines have in common."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="%(class)ss")
    code = models.CharField(_("编号"), max_length=20)
    text = models.TextField(_("原文表述"))
    text_en = models.TextField(_("英文释义"), blank=True)
    clauses = models.ManyToManyField(Clause, related_name="%(class)ss", verbose_name=_("出处段落"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        abstract = True
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def label(self) -> str:
        return in_language(self.text, self.text_en)


class Goal(PlanRecord):
    horizon = models.PositiveSmallIntegerField(_("目标年份"), choices=Horizon.choices)

    class Meta(PlanRecord.Meta):
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="goal_code_unique")]
        ordering = ["horizon", "order"]
        verbose_name = _("目标")
        verbose_name_plural = _("目标")


class TaskArea(PlanRecord):
    class Meta(PlanRecord.Meta):
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="taskarea_code_unique")
        ]
        verbose_name = _("重点任务")
        verbose_name_plural = _("重点任务")


class Integration(PlanRecord):
    """One of the "four integrations", a cross-cutting axis over the same measures."""

    name = models.CharField(_("名称"), max_length=20)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    problem = models.CharField(_("着眼解决的问题"), max_length=20)
    problem_en = models.CharField(_("问题(英文)"), max_length=100, blank=True)

    class Meta(PlanRecord.Meta):
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="integration_code_unique")
        ]
        verbose_name = _("融合方向")
        verbose_name_plural = _("融合方向")

    def __str__(self) -> str:
        return self.name

    @property
    def name_label(self) -> str:
        return in_language(self.name, self.name_en)

    @property
    def problem_label(self) -> str:
        return in_language(self.problem, self.problem_en)


class Measure(PlanRecord):
    task_area = models.ForeignKey(
        TaskArea, on_delete=models.PROTECT, related_name="measures", verbose_name=_("重点任务")
    )
    integrations = models.ManyToManyField(
        Integration, related_name="measures", verbose_name=_("融合方向")
    )
    integrations_why_en = models.TextField(
        _("融合方向归类理由"),
        blank=True,
        help_text=_("举措与“四个融合”的对应是本系统的判断,原文未载明。"),
    )

    class Meta(PlanRecord.Meta):
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="measure_code_unique")]
        verbose_name = _("举措")
        verbose_name_plural = _("举措")

    @property
    def anchor(self) -> str:
        """The code as an HTML id (a dot would read as a class in a CSS selector)."""
        return self.code.replace(".", "-")

    @property
    def units(self) -> "MeasureUnits":
        """The lead (牵头单位) and cooperating (配合单位) provincial departments; prefetch them
        with ``units_prefetch()`` when reading many measures."""
        from targets.models.units import MeasureUnits

        return MeasureUnits(self.departments.all())


class BottomLine(PlanRecord):
    """A 底线 that a progress report can flag as at risk."""

    class Meta(PlanRecord.Meta):
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="bottomline_code_unique")
        ]
        verbose_name = _("底线要求")
        verbose_name_plural = _("底线要求")


class Indicator(models.Model):
    """A quantitative indicator defined by admins; the communique itself sets no numbers."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("越高越好")
        LOWER = "lower", _("越低越好")

    class Level(models.TextChoices):
        PROVINCE = "province", _("全省")
        COUNTY = "county", _("分县")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("编号"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    unit = models.CharField(_("单位"), max_length=20)
    unit_en = models.CharField(_("英文单位"), max_length=40, blank=True)
    direction = models.CharField(_("方向"), max_length=10, choices=Direction.choices)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    baseline_year = models.PositiveSmallIntegerField(_("基期年份"))
    baseline_value = models.DecimalField(_("基期值"), max_digits=16, decimal_places=4)
    minimum = models.DecimalField(
        _("合理下限"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("合理上限"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    goals = models.ManyToManyField(
        Goal, blank=True, related_name="indicators", verbose_name=_("目标")
    )
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="indicators", verbose_name=_("举措")
    )
    is_demo = models.BooleanField(
        _("演示数据"), default=False, help_text=_("演示用的指标,不是官方数据。")
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    # Where no province-level value is given, the province line averages the counties' values:
    # weighted by each county's value of this indicator in the same period (a population, a
    # rural workforce), or, without one, each county counting once.
    weight = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": "county"},
        verbose_name=_("权重指标"),
        help_text=_(
            "全省值按各县该指标同期的审核通过数值加权平均(如常住人口);留空则为各县简单平均。"
        ),
    )

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique"),
            models.CheckConstraint(
                condition=models.Q(minimum__isnull=True)
                | models.Q(maximum__isnull=True)
                | models.Q(minimum__lte=models.F("maximum")),
                name="indicator_range_ordered",
            ),
        ]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def label(self) -> str:
        return in_language(self.name, self.name_en)

    @property
    def unit_label(self) -> str:
        return in_language(self.unit, self.unit_en)

    def target_in_force(self, horizon: int) -> "IndicatorTarget | None":
        """The latest version of the target for a horizon (uses prefetched targets when present)."""
        versions = [t for t in self.targets.all() if t.horizon == horizon]
        return max(versions, key=lambda t: t.version, default=None)

    @property
    def targets_in_force(self) -> list["IndicatorTarget | None"]:
        """The targets in force for 2027 and 2035, in that order."""
        return [self.target_in_force(horizon.value) for horizon in Horizon]


class IndicatorTarget(models.Model):
    """One version of an indicator's target for 2027 or 2035; revisions add versions, never edit."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("指标")
    )
    horizon = models.PositiveSmallIntegerField(_("目标年份"), choices=Horizon.choices)
    version = models.PositiveSmallIntegerField(_("版本"))
    value = models.DecimalField(_("目标值"), max_digits=16, decimal_places=4)
    reason = models.TextField(_("调整理由"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("设定人"),
    )
    set_at = models.DateTimeField(_("设定时间"), auto_now_add=True)

    class Meta:
        ordering = ["indicator", "horizon", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "horizon", "version"], name="target_version_unique"
            )
        ]
        verbose_name = _("目标值版本")
        verbose_name_plural = _("目标值版本")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.horizon} v{self.version}: {self.value}"


class CountyTarget(models.Model):
    """One version of a county's own target for a county-level indicator (目标分解): for 2027, the
    Decision's interim year, or for any other year of the plan. Revisions add versions, never
    edit; the pace of the county is judged against the version in force where one is set."""

    county = models.ForeignKey(
        "targets.County",
        on_delete=models.CASCADE,
        related_name="indicator_targets",
        verbose_name=_("县(市、区)"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="county_targets", verbose_name=_("指标")
    )
    year = models.PositiveSmallIntegerField(_("目标年份"))
    version = models.PositiveSmallIntegerField(_("版本"))
    value = models.DecimalField(_("目标值"), max_digits=16, decimal_places=4)
    reason = models.TextField(_("调整理由"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("设定人"),
    )
    set_at = models.DateTimeField(_("设定时间"), auto_now_add=True)

    class Meta:
        ordering = ["indicator", "county", "year", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "county", "year", "version"],
                name="county_target_version_unique",
            )
        ]
        verbose_name = _("分县目标值版本")
        verbose_name_plural = _("分县目标值版本")

    def __str__(self) -> str:
        return f"{self.county_id} {self.indicator_id} {self.year} v{self.version}: {self.value}"
